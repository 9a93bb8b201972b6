"""Events: the calendar itself (list, card, create, edit, cancel, copy, figures). No Telegram.

RSVPs live in `event_rsvps.py`, the reminder queue in `event_reminders.py`, the calendar
file in `event_ics.py`. Functions take `db` and `now` as arguments; every change is one
transaction. A user's mistake (a past date, a language left empty) comes back as `Invalid`
with error codes, never as an exception; the codes are the `event-error-<code>` texts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot import clock
from bot.catalog.events import Period
from bot.db.database import Database
from bot.db.events import Attendee, Event, EventCounts, EventFields, Events, Rating, Rsvp
from bot.services import event_rsvps
from bot.services.audit import Actor, record_in

PAGE_SIZE = 5
MAX_TITLE = 120
MAX_TEXT = 1500  # description: a card stays well under Telegram's 4096 characters
MAX_LINE = 300  # place, what to bring
MAX_CAPACITY = 100_000
MAX_LENGTH = timedelta(days=31)  # an event longer than a month is a typo in the end date

# The error codes of `validate` (texts `event-error-<code>` in both UI files).
ERRORS = (
    "title-kk",
    "title-ru",
    "place-kk",
    "place-ru",
    "too-long",
    "category",
    "past",
    "ends-before-starts",
    "too-long-event",
    "ages",
    "capacity",
    "topic",
    "cancelled",
)


@dataclass(frozen=True, slots=True)
class Draft:
    """An event as an admin (or a CSV row) describes it, times as aware moments."""

    title_kk: str
    title_ru: str
    category: str
    starts_at: datetime
    ends_at: datetime
    place_kk: str
    place_ru: str
    description_kk: str = ""
    description_ru: str = ""
    age_min: int | None = None
    age_max: int | None = None
    bring_kk: str = ""
    bring_ru: str = ""
    capacity: int | None = None
    needs_registration: str | None = None  # a topic id whose form data the RSVP reuses

    def fields(self) -> EventFields:
        return EventFields(
            title_kk=self.title_kk.strip(),
            title_ru=self.title_ru.strip(),
            description_kk=self.description_kk.strip(),
            description_ru=self.description_ru.strip(),
            category=self.category,
            starts_at=clock.iso(self.starts_at),
            ends_at=clock.iso(self.ends_at),
            place_kk=self.place_kk.strip(),
            place_ru=self.place_ru.strip(),
            age_min=self.age_min,
            age_max=self.age_max,
            bring_kk=self.bring_kk.strip(),
            bring_ru=self.bring_ru.strip(),
            capacity=self.capacity,
            needs_registration=self.needs_registration or None,
        )

    @classmethod
    def of(cls, event: Event) -> Draft:
        """An event as a draft: the starting point of an edit or a copy."""
        return cls(
            title_kk=event.title_kk,
            title_ru=event.title_ru,
            category=event.category,
            starts_at=clock.parse_iso(event.starts_at),
            ends_at=clock.parse_iso(event.ends_at),
            place_kk=event.place_kk,
            place_ru=event.place_ru,
            description_kk=event.description_kk,
            description_ru=event.description_ru,
            age_min=event.age_min,
            age_max=event.age_max,
            bring_kk=event.bring_kk,
            bring_ru=event.bring_ru,
            capacity=event.capacity,
            needs_registration=event.needs_registration,
        )


@dataclass(frozen=True, slots=True)
class Invalid:
    """What is wrong with a draft: error codes from `ERRORS`, in a stable order."""

    errors: list[str]


@dataclass(frozen=True, slots=True)
class Updated:
    event: Event
    promoted: list[Rsvp]  # people moved from the waiting list into seats the edit added


@dataclass(frozen=True, slots=True)
class Page:
    events: list[Event]
    total: int
    page: int  # 0-based, clamped to the last page
    pages: int


@dataclass(frozen=True, slots=True)
class Notice:
    """Someone to tell about a change to an event, in their language."""

    user_id: int
    language: str | None
    status: str  # their RSVP: confirmed or waiting


def validate(
    draft: Draft,
    now: datetime,
    categories: Collection[str],
    registration_topics: Collection[str] = (),
    *,
    was_starting: datetime | None = None,
) -> list[str]:
    """Error codes for a draft (empty: fine). Both languages are required; a start in the
    past is refused, except the unchanged start of an event being edited (`was_starting`).
    `registration_topics`: topic ids with an open registration form."""
    errors: list[str] = []
    for code, value in (
        ("title-kk", draft.title_kk),
        ("title-ru", draft.title_ru),
        ("place-kk", draft.place_kk),
        ("place-ru", draft.place_ru),
    ):
        if not value.strip():
            errors.append(code)
    if (
        len(draft.title_kk) > MAX_TITLE
        or len(draft.title_ru) > MAX_TITLE
        or max(len(draft.description_kk), len(draft.description_ru)) > MAX_TEXT
        or max(len(x) for x in (draft.place_kk, draft.place_ru, draft.bring_kk, draft.bring_ru))
        > MAX_LINE
    ):
        errors.append("too-long")
    if draft.category not in categories:
        errors.append("category")
    if draft.starts_at <= now and draft.starts_at != was_starting:
        errors.append("past")
    if draft.ends_at < draft.starts_at:
        errors.append("ends-before-starts")
    elif draft.ends_at - draft.starts_at > MAX_LENGTH:
        errors.append("too-long-event")
    ages = [a for a in (draft.age_min, draft.age_max) if a is not None]
    if any(not 0 <= a <= 120 for a in ages) or (
        draft.age_min is not None and draft.age_max is not None and draft.age_min > draft.age_max
    ):
        errors.append("ages")
    if draft.capacity is not None and not 1 <= draft.capacity <= MAX_CAPACITY:
        errors.append("capacity")
    if draft.needs_registration and draft.needs_registration not in registration_topics:
        errors.append("topic")
    return errors


async def create(
    db: Database,
    draft: Draft,
    created_by: int | None,
    now: datetime,
    categories: Collection[str],
    registration_topics: Collection[str] = (),
    by: Actor | None = None,
) -> Event | Invalid:
    """Publish a checked draft; the audit log records who did (`by`), in the same write."""
    errors = validate(draft, now, categories, registration_topics)
    if errors:
        return Invalid(errors)
    async with db.transaction() as conn:
        event = await Events(conn).add(draft.fields(), created_by, clock.iso(now))
        if by is not None:
            await record_in(conn, by, "event-create", f"event:{event.id}", now)
        return event


async def update(
    db: Database,
    event_id: int,
    draft: Draft,
    now: datetime,
    categories: Collection[str],
    registration_topics: Collection[str] = (),
    by: Actor | None = None,
) -> Updated | Invalid | None:
    """Save an edit; None when the event does not exist. Seats the edit adds go to the
    waiting list's first in line (`Updated.promoted`, for the caller to tell)."""
    async with db.transaction() as conn:
        repo = Events(conn)
        found = await repo.get(event_id)
        if found is None:
            return None
        if not found.active:
            return Invalid(["cancelled"])
        errors = validate(
            draft,
            now,
            categories,
            registration_topics,
            was_starting=clock.parse_iso(found.starts_at),
        )
        if errors:
            return Invalid(errors)
        stamp = clock.iso(now)
        await repo.update(event_id, draft.fields(), stamp)
        promoted = await event_rsvps.fill_seats(conn, event_id, stamp)
        if by is not None:
            await record_in(conn, by, "event-edit", f"event:{event_id}", now)
        event = await repo.get(event_id)
        assert event is not None
        return Updated(event, promoted)


async def cancel_event(
    db: Database, event_id: int, now: datetime, by: Actor | None = None
) -> list[Notice] | None:
    """Cancel an event; returns everyone to tell (confirmed and waiting, not blocked), or
    None when there is no such active event. Their RSVPs stay as they were, so the
    attendee list still shows who had signed up; reminders skip cancelled events."""
    async with db.transaction() as conn:
        repo = Events(conn)
        found = await repo.get(event_id)
        if found is None or not found.active:
            return None
        await repo.set_status(event_id, "cancelled", clock.iso(now))
        rsvps = await repo.rsvps_of_event(event_id)
        if by is not None:
            await record_in(conn, by, "event-cancel", f"event:{event_id}", now, told=len(rsvps))
    return [Notice(r.user_id, r.language, r.status) for r in rsvps if not r.blocked]


async def copy(
    db: Database,
    event_id: int,
    starts_at: datetime,
    created_by: int | None,
    now: datetime,
    categories: Collection[str],
    registration_topics: Collection[str] = (),
    by: Actor | None = None,
) -> Event | Invalid | None:
    """A new event like `event_id` at another start (same length); None if it is unknown."""
    found = await get(db, event_id)
    if found is None:
        return None
    draft = Draft.of(found)
    length = draft.ends_at - draft.starts_at
    draft = replace(draft, starts_at=starts_at, ends_at=starts_at + length)
    return await create(db, draft, created_by, now, categories, registration_topics, by)


async def get(db: Database, event_id: int) -> Event | None:
    return await Events(db.conn).get(event_id)


def period_end(period: Period, now: datetime) -> datetime | None:
    """The end of "this week" (Sunday midnight) or "this month" in Shymkent, in UTC."""
    if period == "all":
        return None
    local = now.astimezone(clock.SHYMKENT)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        end = midnight + timedelta(days=7 - local.weekday())
    else:
        first = midnight.replace(day=1)
        end = (first + timedelta(days=32)).replace(day=1)
    return end.astimezone(UTC)


async def upcoming(
    db: Database,
    now: datetime,
    period: Period = "all",
    category: str | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> Page:
    """Active events not over yet, soonest first, a page at a time (the page is clamped)."""
    until = period_end(period, now)
    repo = Events(db.conn)
    stamp = clock.iso(now)
    horizon = clock.iso(until) if until else None
    _, total = await repo.upcoming(stamp, horizon, category, 0, 0)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    events, total = await repo.upcoming(stamp, horizon, category, page_size, page * page_size)
    return Page(events, total, page, pages)


async def all_events(db: Database, since: datetime | None = None) -> list[Event]:
    """Every event, cancelled ones too, by start time (export)."""
    return await Events(db.conn).all_events(clock.iso(since) if since else None)


async def attendees(db: Database, event_id: int) -> list[Attendee]:
    """The attendee list: confirmed, waiting, cancelled; form data for events that need a
    registration (NULL once the person used /forget)."""
    return await Events(db.conn).attendees(event_id)


async def counts(db: Database, event_id: int) -> EventCounts:
    """RSVPs by status, check-ins, ratings (count, average, comments), reminders sent."""
    return await Events(db.conn).counts(event_id)


async def ratings(db: Database, event_id: int) -> list[Rating]:
    return await Events(db.conn).ratings(event_id)


@dataclass(frozen=True, slots=True)
class Totals:
    """Events of a period for /stats."""

    events: int
    cancelled_events: int
    confirmed: int
    waiting: int
    checked_in: int
    ratings: int
    average: float | None


async def totals(db: Database, since: datetime, until: datetime) -> Totals:
    """Events starting in [since, until) and their RSVPs, check-ins and ratings."""
    row: aiosqlite.Row = await Events(db.conn).totals(clock.iso(since), clock.iso(until))
    return Totals(
        events=row["events"],
        cancelled_events=row["cancelled_events"],
        confirmed=row["confirmed"],
        waiting=row["waiting"],
        checked_in=row["checked_in"],
        ratings=row["ratings"],
        average=float(row["average"]) if row["average"] is not None else None,
    )
