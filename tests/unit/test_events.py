"""Events services on a real SQLite file: validation, the seat race, the waiting list,
check-in, reminders exactly once, /forget, the .ics file and the free-text recogniser."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import clock
from bot.catalog.loader import load_catalog
from bot.db.database import Database
from bot.db.events import Event
from bot.db.users import Users
from bot.services import event_ics, event_reminders, event_rsvps, events, registrations
from bot.services.events import Draft, Invalid

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday 14:00 in Shymkent
CATEGORIES = {"forum", "sport", "tournament", "contest"}


def draft(**changes: object) -> Draft:
    base: dict[str, object] = {
        "title_kk": "Жастар форумы",
        "title_ru": "Молодёжный форум",
        "category": "forum",
        "starts_at": NOW + timedelta(days=2),
        "ends_at": NOW + timedelta(days=2, hours=3),
        "place_kk": "Жастар орталығы",
        "place_ru": "Молодёжный центр",
        "capacity": None,
    }
    base.update(changes)
    return Draft(**base)  # type: ignore[arg-type]


async def add_users(db: Database, *ids: int) -> None:
    async with db.transaction() as conn:
        for user_id in ids:
            await Users(conn).touch(user_id)
            await Users(conn).set_language(user_id, "kk" if user_id % 2 else "ru")


async def new_event(db: Database, **changes: object) -> Event:
    made = await events.create(db, draft(**changes), 1001, NOW, CATEGORIES)
    assert isinstance(made, Event), made
    return made


def test_validation_returns_codes_for_each_mistake() -> None:
    bad = draft(
        title_ru=" ",
        place_kk="",
        category="picnic",
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW - timedelta(hours=2),
        age_min=20,
        age_max=14,
        capacity=0,
        needs_registration="no-such-topic",
    )
    assert events.validate(bad, NOW, CATEGORIES) == [
        "title-ru",
        "place-kk",
        "category",
        "past",
        "ends-before-starts",
        "ages",
        "capacity",
        "topic",
    ]
    assert events.validate(draft(), NOW, CATEGORIES) == []


async def test_create_refuses_a_past_date_without_raising(db: Database) -> None:
    result = await events.create(
        db, draft(starts_at=NOW - timedelta(minutes=1)), 1001, NOW, CATEGORIES
    )
    assert result == Invalid(["past", "ends-before-starts"]) or isinstance(result, Invalid)
    assert "past" in result.errors  # type: ignore[union-attr]
    assert (await events.upcoming(db, NOW)).total == 0


async def test_hundred_people_take_the_last_ten_seats(db: Database) -> None:
    """100 concurrent RSVPs on a real file for 10 seats: exactly 10 confirmed, 90 waiting
    with positions 1..90 in the order the transactions ran."""
    ids = list(range(1, 101))
    await add_users(db, *ids)
    event = await new_event(db, capacity=10)
    outcomes = await asyncio.gather(*(event_rsvps.rsvp(db, event.id, uid, NOW) for uid in ids))
    kinds = [o.kind for o in outcomes]
    assert kinds.count("confirmed") == 10
    assert kinds.count("waiting") == 90
    positions = sorted(o.rsvp.position for o in outcomes if o.kind == "waiting")  # type: ignore[union-attr]
    assert positions == list(range(1, 91))
    assert sorted(o.place_in_line for o in outcomes if o.place_in_line) == list(range(1, 91))
    again = await events.get(db, event.id)
    assert again is not None
    assert (again.confirmed, again.waiting, again.seats_left) == (10, 90, 0)
    codes = {o.rsvp.code for o in outcomes if o.rsvp}
    assert len(codes) == 100


async def test_two_connections_racing_for_seats_never_overshoot(db: Database) -> None:
    """A second process (its own connection to the file) competes through BEGIN IMMEDIATE."""
    ids = list(range(1, 41))
    await add_users(db, *ids)
    event = await new_event(db, capacity=7)
    other = await Database(db.path).connect()
    try:
        outcomes = await asyncio.gather(
            *(event_rsvps.rsvp(db if uid % 2 else other, event.id, uid, NOW) for uid in ids)
        )
    finally:
        await other.close()
    assert [o.kind for o in outcomes].count("confirmed") == 7
    assert [o.kind for o in outcomes].count("waiting") == 33


async def test_a_freed_seat_goes_to_the_first_in_line(db: Database) -> None:
    await add_users(db, 1, 2, 3, 4)
    event = await new_event(db, capacity=2)
    for uid in (1, 2, 3, 4):
        await event_rsvps.rsvp(db, event.id, uid, NOW)
    again = await event_rsvps.rsvp(db, event.id, 3, NOW)
    assert (again.kind, again.place_in_line) == ("already", 1)
    cancelled = await event_rsvps.cancel_rsvp(db, event.id, 1, NOW)
    assert cancelled is not None
    assert [p.user_id for p in cancelled.promoted] == [3]
    assert cancelled.promoted[0].status == "confirmed"
    assert cancelled.promoted[0].language == "kk"
    four = await event_rsvps.get_rsvp(db, event.id, 4)
    assert four is not None
    assert await event_rsvps.place_in_line(db, four) == 1
    # Leaving the waiting list frees no seat.
    left = await event_rsvps.cancel_rsvp(db, event.id, 4, NOW)
    assert left is not None and left.promoted == []
    assert await event_rsvps.cancel_rsvp(db, event.id, 4, NOW) is None
    # Coming back after cancelling: end of the line (the event is full again).
    back = await event_rsvps.rsvp(db, event.id, 1, NOW)
    assert back.kind == "waiting"


async def test_rsvp_refuses_started_cancelled_and_unknown_events(db: Database) -> None:
    await add_users(db, 1)
    event = await new_event(db)
    later = clock.parse_iso(event.starts_at) + timedelta(minutes=1)
    assert (await event_rsvps.rsvp(db, event.id, 1, later)).kind == "closed"
    assert (await event_rsvps.rsvp(db, 999, 1, NOW)).kind == "unknown"
    notices = await events.cancel_event(db, event.id, NOW)
    assert notices == []
    assert (await event_rsvps.rsvp(db, event.id, 1, NOW)).kind == "closed"
    assert await events.cancel_event(db, event.id, NOW) is None


async def test_needs_registration_until_one_is_given(db: Database) -> None:
    await add_users(db, 1)
    made = await events.create(
        db, draft(needs_registration="neet"), 1001, NOW, CATEGORIES, registration_topics={"neet"}
    )
    assert isinstance(made, Event)
    assert (await event_rsvps.rsvp(db, made.id, 1, NOW)).kind == "needs_registration"


async def test_cancel_event_tells_everyone_who_signed_up(db: Database) -> None:
    await add_users(db, 1, 2, 3)
    event = await new_event(db, capacity=1)
    for uid in (1, 2, 3):
        await event_rsvps.rsvp(db, event.id, uid, NOW)
    await event_rsvps.cancel_rsvp(db, event.id, 3, NOW)
    notices = await events.cancel_event(db, event.id, NOW)
    assert notices is not None
    assert sorted((n.user_id, n.status) for n in notices) == [(1, "confirmed"), (2, "waiting")]


async def test_more_seats_in_an_edit_promote_the_line(db: Database) -> None:
    await add_users(db, 1, 2, 3)
    event = await new_event(db, capacity=1)
    for uid in (1, 2, 3):
        await event_rsvps.rsvp(db, event.id, uid, NOW)
    updated = await events.update(db, event.id, draft(capacity=2), NOW, CATEGORIES)
    assert isinstance(updated, events.Updated)
    assert [p.user_id for p in updated.promoted] == [2]
    assert updated.event.seats_left == 0


async def test_copy_keeps_the_length_at_a_new_start(db: Database) -> None:
    event = await new_event(db)
    copied = await events.copy(db, event.id, NOW + timedelta(days=9), 1001, NOW, CATEGORIES)
    assert isinstance(copied, Event)
    assert copied.id != event.id
    assert copied.ends_at == clock.iso(NOW + timedelta(days=9, hours=3))
    past = await events.copy(db, event.id, NOW - timedelta(days=1), 1001, NOW, CATEGORIES)
    assert isinstance(past, Invalid) and "past" in past.errors


async def test_check_in_marks_attendance_once(db: Database) -> None:
    await add_users(db, 1, 2)
    event = await new_event(db, capacity=1)
    first = await event_rsvps.rsvp(db, event.id, 1, NOW)
    second = await event_rsvps.rsvp(db, event.id, 2, NOW)
    assert first.rsvp is not None and second.rsvp is not None
    code = first.rsvp.code
    assert len(code) == 6 and set(code) <= set(event_rsvps.CODE_ALPHABET)
    done = await event_rsvps.check_in(db, code.lower()[:3] + " " + code.lower()[3:], NOW)
    assert done.kind == "checked_in" and done.rsvp is not None and done.rsvp.checked_in_at
    assert (await event_rsvps.check_in(db, code, NOW)).kind == "already"
    assert (await event_rsvps.check_in(db, "AAAAAA", NOW)).kind == "unknown"
    assert (await event_rsvps.check_in(db, "xyz", NOW)).kind == "unknown"
    assert (await event_rsvps.check_in(db, second.rsvp.code, NOW)).kind == "not_confirmed"
    assert (await events.counts(db, event.id)).checked_in == 1


async def test_upcoming_filters_by_period_and_category_and_pages(db: Database) -> None:
    # NOW is Friday 14:00 in Shymkent: the week ends Sunday 24:00 (Sunday 19:00 UTC).
    await new_event(db, starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=1))
    await new_event(
        db,
        category="sport",
        starts_at=NOW + timedelta(days=5),
        ends_at=NOW + timedelta(days=5, hours=1),
    )
    await new_event(
        db, starts_at=NOW + timedelta(days=40), ends_at=NOW + timedelta(days=40, hours=1)
    )
    assert events.period_end("week", NOW) == datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    assert events.period_end("month", NOW) == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    assert (await events.upcoming(db, NOW, "week")).total == 1
    assert (await events.upcoming(db, NOW, "month")).total == 2
    assert (await events.upcoming(db, NOW, "all", "sport")).total == 1
    page = await events.upcoming(db, NOW, page=7, page_size=2)
    assert (page.page, page.pages, len(page.events)) == (1, 2, 1)
    assert [e.starts_at for e in (await events.upcoming(db, NOW)).events] == sorted(
        e.starts_at for e in (await events.upcoming(db, NOW)).events
    )


async def test_reminders_are_due_once_and_only_to_those_who_should_get_them(
    db: Database,
) -> None:
    await add_users(db, 1, 2, 3, 4, 5)
    event = await new_event(
        db, starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=2, hours=2)
    )
    for uid in (1, 2, 3, 4):
        await event_rsvps.rsvp(db, event.id, uid, NOW)
    await event_rsvps.cancel_rsvp(db, event.id, 2, NOW)
    await registrations.mark_blocked(db, 3)
    await event_rsvps.set_reminders(db, 4, False)
    assert await event_rsvps.reminders_on(db, 4) is False
    # Signed up 20 hours before: too late for the 24-hour reminder, in time for the 1-hour one.
    await event_rsvps.rsvp(db, event.id, 5, NOW + timedelta(hours=28))

    assert await event_reminders.due_reminders(db, NOW) == []
    day_before = NOW + timedelta(days=1, minutes=1)
    due = await event_reminders.due_reminders(db, day_before)
    assert [(d.kind, d.user_id) for d in due] == [("24h", 1)]
    assert await event_reminders.claim(db, due[0], day_before)
    assert not await event_reminders.claim(db, due[0], day_before)  # a second copy: refused
    assert await event_reminders.due_reminders(db, day_before) == []
    # A crash between claim and settle: the row is uncertain, never due again.
    assert await event_reminders.recover(db) == 1
    assert await event_reminders.status_of(db, event.id, 1, "24h") == "uncertain"

    hour_before = NOW + timedelta(days=2) - timedelta(minutes=30)
    due = await event_reminders.due_reminders(db, hour_before)
    assert sorted((d.kind, d.user_id) for d in due) == [("1h", 1), ("1h", 5)]
    for notice in due:
        assert await event_reminders.claim(db, notice, hour_before)
        await event_reminders.mark_reminder_sent(db, notice, hour_before)
    assert await event_reminders.status_of(db, event.id, 5, "1h") == "sent"
    assert await event_reminders.due_reminders(db, hour_before) == []

    after = NOW + timedelta(days=2, hours=3)
    due = await event_reminders.due_reminders(db, after)
    assert sorted((d.kind, d.user_id) for d in due) == [("rating", 1), ("rating", 4), ("rating", 5)]
    assert await event_rsvps.rate(db, event.id, 1, 5, after)
    assert sorted(d.user_id for d in await event_reminders.due_reminders(db, after)) == [4, 5]
    assert await event_reminders.due_reminders(db, after + timedelta(days=4)) == []


async def test_reminders_skip_cancelled_events(db: Database) -> None:
    await add_users(db, 1)
    event = await new_event(
        db, starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=2, hours=2)
    )
    await event_rsvps.rsvp(db, event.id, 1, NOW)
    await events.cancel_event(db, event.id, NOW)
    assert await event_reminders.due_reminders(db, NOW + timedelta(days=1, hours=1)) == []


async def test_a_watcher_hears_of_the_next_event_once(db: Database) -> None:
    await add_users(db, 1)
    await event_rsvps.watch(db, 1, "tournament", NOW)
    assert await event_rsvps.watchers(db, "tournament") == [1]
    assert await event_reminders.due_reminders(db, NOW) == []
    later = NOW + timedelta(hours=1)
    made = await events.create(db, draft(category="tournament"), 1001, later, CATEGORIES)
    assert isinstance(made, Event)
    due = await event_reminders.due_reminders(db, later)
    assert [(d.kind, d.event_id, d.user_id) for d in due] == [("new", made.id, 1)]
    assert await event_reminders.claim(db, due[0], later)
    assert await event_rsvps.watchers(db, "tournament") == []
    assert await event_reminders.due_reminders(db, later) == []


async def test_rating_and_comment(db: Database) -> None:
    await add_users(db, 1, 2)
    event = await new_event(db)
    await event_rsvps.rsvp(db, event.id, 1, NOW)
    after = clock.parse_iso(event.ends_at) + timedelta(hours=1)
    assert not await event_rsvps.rate(db, event.id, 1, 4, NOW)  # not started yet
    assert not await event_rsvps.rate(db, event.id, 2, 4, after)  # never signed up
    assert not await event_rsvps.rate(db, event.id, 1, 6, after)
    assert not await event_rsvps.comment(db, event.id, 1, "керемет", after)  # no score yet
    assert await event_rsvps.rate(db, event.id, 1, 4, after)
    assert await event_rsvps.comment(db, event.id, 1, "  Керемет болды!  ", after)
    [rating] = await events.ratings(db, event.id)
    assert (rating.score, rating.comment) == (4, "Керемет болды!")
    counts = await events.counts(db, event.id)
    assert (counts.ratings, counts.average, counts.comments) == (1, 4.0, 1)


async def test_forget_removes_every_event_row_and_frees_the_seat(db: Database) -> None:
    await add_users(db, 1, 2)
    event = await new_event(db, capacity=1)
    await event_rsvps.rsvp(db, event.id, 1, NOW)
    await event_rsvps.rsvp(db, event.id, 2, NOW)
    await event_rsvps.watch(db, 1, "sport", NOW)
    await event_rsvps.set_reminders(db, 1, False)
    forgotten = await registrations.forget(db, 1, NOW)
    assert [p.user_id for p in forgotten.promoted] == [2]
    for table in (
        "event_rsvps",
        "event_ratings",
        "event_watches",
        "event_reminders",
        "event_reminders_off",
    ):
        row = await db.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE user_id = 1")
        assert row is not None and row[0] == 0, table


def test_ics_escapes_folds_and_uses_crlf() -> None:
    event = Event(
        id=7,
        title_kk="Форум; жастар, 2026",
        title_ru="Форум",
        description_kk="Бірінші жол\nЕкінші \\ жол " + "ұзақ мәтін " * 20,
        description_ru="",
        category="forum",
        starts_at="2026-11-22T05:00:00Z",
        ends_at="2026-11-22T08:00:00Z",
        place_kk="Тәуке хан даңғылы, 1",
        place_ru="",
        age_min=None,
        age_max=None,
        bring_kk="",
        bring_ru="",
        capacity=None,
        needs_registration=None,
        status="active",
        created_by=None,
        created_at="2026-11-01T00:00:00Z",
        updated_at="2026-11-01T00:00:00Z",
    )
    data = event_ics.render(event, "kk", NOW)
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Форум\\; жастар\\, 2026\r\n" in unfolded
    assert "LOCATION:Тәуке хан даңғылы\\, 1\r\n" in unfolded
    assert "DESCRIPTION:Бірінші жол\\nЕкінші \\\\ жол" in unfolded
    assert "DTSTART:20261122T050000Z\r\n" in unfolded
    assert "DTEND:20261122T080000Z\r\n" in unfolded
    assert "DTSTAMP:20261120T090000Z\r\n" in unfolded
    assert "UID:event-7@" in unfolded
    assert unfolded.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


@pytest.mark.parametrize(
    ("text", "period", "category"),
    [
        ("что будет на выходных", "week", None),
        ("турнир бар ма", "all", "tournament"),
        ("turnir bar ma", "all", "tournament"),
        ("форум қашан", "all", "forum"),
        ("forum qashan", "all", "forum"),
        ("іс-шара", "all", None),
        ("is-sharalar qashan", "all", None),
        ("Какие мероприятия в этом месяце?", "month", None),
        ("осы аптада не бар", "week", None),
    ],
)
def test_recogniser_finds_questions_about_events(
    text: str, period: str, category: str | None
) -> None:
    found = load_catalog(ROOT / "content").events.recognise(text)
    assert found is not None
    assert (found.period, found.category) == (period, category)


@pytest.mark.parametrize(
    "text",
    [
        "как стать волонтером",
        "спорт секциялары тегін бе",
        "мемлекеттік қолдау шаралары",
        "когда будет выплата",
        "айлық қанша",
        "привет",
    ],
)
def test_recogniser_leaves_ordinary_questions_alone(text: str) -> None:
    assert load_catalog(ROOT / "content").events.recognise(text) is None


def test_event_link() -> None:
    from bot.links import event_link

    assert event_link("@jastar_bot", 12) == "https://t.me/jastar_bot?start=ev-12"
    with pytest.raises(ValueError):
        event_link("no way", 12)


async def test_qr_of_an_event(
    db: Database, settings: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.__main__ import run_qr
    from bot.config import Settings

    assert isinstance(settings, Settings)
    event = await new_event(db)
    out = tmp_path / "poster.png"
    assert await run_qr(settings, None, out, "jastar_bot", event_id=event.id) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert await run_qr(settings, None, out, "jastar_bot", event_id=event.id + 100) == 1


async def test_admin_changes_to_events_are_in_the_audit_log(db: Database) -> None:
    """Publishing, editing, cancelling and a check-in each leave one entry, with who did it
    and through which front end; a second scan of the same code adds none."""
    from bot.db.audit import AuditFilter, AuditLog
    from bot.services.audit import Actor

    by = Actor(1001, "telegram")
    made = await events.create(db, draft(capacity=5), 1001, NOW, CATEGORIES, by=by)
    assert isinstance(made, Event)
    await add_users(db, 7)
    outcome = await event_rsvps.rsvp(db, made.id, 7, NOW)
    assert outcome.rsvp is not None
    await event_rsvps.check_in(db, outcome.rsvp.code, NOW, by=by)
    await event_rsvps.check_in(db, outcome.rsvp.code, NOW, by=by)
    await events.update(db, made.id, draft(capacity=6), NOW, CATEGORIES, by=by)
    await events.cancel_event(db, made.id, NOW, by=Actor(1002, "panel"))
    entries = await AuditLog(db.conn).page(AuditFilter(), 50, 0)
    assert [(e.action, e.admin_id, e.via, e.target) for e in reversed(entries)] == [
        ("event-create", 1001, "telegram", f"event:{made.id}"),
        ("checkin", 1001, "telegram", f"event:{made.id}"),
        ("event-edit", 1001, "telegram", f"event:{made.id}"),
        ("event-cancel", 1002, "panel", f"event:{made.id}"),
    ]
