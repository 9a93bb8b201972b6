"""Events through the real dispatcher and the fake Bot API, in both languages: the list and
its filters, the card, one-tap RSVP, RSVP with a registration, the waiting list and the
promotion notice, cancelling, /my, reminders exactly once across a restart on an injected
clock (never to cancelled, blocked or unsubscribed people), the .ics file, the rating, the
deep link, free-text questions about events and "tell me about the next one", /forget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.events import Event
from bot.services import event_reminders, events
from bot.services.events import Draft
from bot.workers.event_reminders import EventReminders
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday 14:00 in Shymkent
CATEGORIES = {"forum", "sport", "tournament", "volunteering", "contest"}


class FakeClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


@dataclass
class Setup:
    h: Harness
    db: Database
    clock: FakeClock

    @property
    def worker(self) -> EventReminders:
        worker: EventReminders = self.h.dp["event_reminders"]
        return worker


async def start(
    settings: Settings, db: Database, content: ContentStore, api: FakeTelegramServer, clock: Clock
) -> Harness:
    fast = settings.model_copy(update={"telegram_api_url": api.base_url, "broadcast_rate": 400.0})
    bot = create_bot(fast, TOKEN)
    dp = create_dispatcher(fast, db, content, clock=clock)
    dp["event_reminders"].interval = 3600.0  # the test calls run_once() itself
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    return Harness(bot=bot, dp=dp, api=api.emulator, settings=fast)


async def stop(h: Harness) -> None:
    await h.dp.emit_shutdown(bot=h.bot, **h.dp.workflow_data)
    await h.bot.session.close()


@pytest.fixture
async def setup(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Setup]:
    clock = FakeClock(NOW)
    h = await start(settings, db, content, fake_api, clock)
    yield Setup(h, db, clock)
    await stop(h)


async def add_event(db: Database, days: float = 2, **changes: object) -> Event:
    base: dict[str, object] = {
        "title_kk": "Жастар форумы",
        "title_ru": "Молодёжный форум",
        "category": "forum",
        "starts_at": NOW + timedelta(days=days),
        "ends_at": NOW + timedelta(days=days, hours=3),
        "place_kk": "Жастар орталығы, Тәуке хан даңғылы",
        "place_ru": "Молодёжный центр, проспект Тауке хана",
        "age_min": 14,
        "age_max": 35,
        "bring_kk": "жеке куәлік",
        "bring_ru": "удостоверение личности",
        "capacity": None,
    }
    base.update(changes)
    made = await events.create(db, Draft(**base), 1001, NOW, CATEGORIES, {"neet"})  # type: ignore[arg-type]
    assert isinstance(made, Event), made
    return made


async def person(s: Setup, user_id: int, lang: str) -> Conversation:
    user = s.h.user(user_id, "Айдана" if lang == "kk" else "Данияр")
    await user.start("Қазақша" if lang == "kk" else "Русский")
    return user


LANGS = [
    ("kk", "📅 Іс-шаралар", "✋ Барамын", "Жастар форумы", "Бос орын", "Бара алмаймын"),
    ("ru", "📅 Мероприятия", "✋ Приду", "Молодёжный форум", "Свободных мест", "Не смогу прийти"),
]


@pytest.mark.parametrize(("lang", "menu", "go", "title", "seats", "cancel"), LANGS)
async def test_list_card_one_tap_rsvp_and_cancel(
    setup: Setup, lang: str, menu: str, go: str, title: str, seats: str, cancel: str
) -> None:
    await add_event(setup.db, capacity=30)
    user = await person(setup, 501, lang)
    await user.click(menu)
    assert title in user.last_text
    await user.click(title)
    card = user.last_text
    assert title in card
    assert "22.11.2026, 14:00–17:00" in card  # 09:00 UTC is 14:00 in Shymkent
    assert "14–35" in card and seats in card and "30" in card
    await user.click(go)
    assert "✅" in user.last_text and "29" in user.last_text
    code = await setup.db.fetch_one("SELECT code, status FROM event_rsvps WHERE user_id = 501")
    assert code is not None and code["status"] == "confirmed"
    assert code["code"] in user.last_text
    await user.click(cancel)
    await user.click("Иә" if lang == "kk" else "Да, отменить")
    row = await setup.db.fetch_one("SELECT status FROM event_rsvps WHERE user_id = 501")
    assert row is not None and row[0] == "cancelled"
    assert go in user.buttons()


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_filters_week_month_category(setup: Setup, lang: str) -> None:
    await add_event(
        setup.db, days=1, title_kk="Апталық турнир", title_ru="Турнир недели", category="tournament"
    )
    await add_event(setup.db, days=8, title_kk="Айлық форум", title_ru="Форум месяца")
    await add_event(
        setup.db, days=45, title_kk="Алыс байқау", title_ru="Далёкий конкурс", category="contest"
    )
    user = await person(setup, 502, lang)
    await user.send("/events")
    for word in ("турнир" if lang == "kk" else "Турнир", "форум" if lang == "kk" else "Форум"):
        assert word in user.last_text
    await user.click("Осы апта" if lang == "kk" else "Эта неделя")
    text = user.last_text
    assert ("Апталық турнир" if lang == "kk" else "Турнир недели") in text
    assert ("Айлық форум" if lang == "kk" else "Форум месяца") not in text
    await user.click("Осы ай" if lang == "kk" else "Этот месяц")
    assert ("Айлық форум" if lang == "kk" else "Форум месяца") in user.last_text
    assert ("Алыс байқау" if lang == "kk" else "Далёкий конкурс") not in user.last_text
    await user.click("Барлығы" if lang == "kk" else "Все")
    await user.click("Санат" if lang == "kk" else "Категория")
    await user.click("Байқаулар" if lang == "kk" else "Конкурсы")
    assert ("Алыс байқау" if lang == "kk" else "Далёкий конкурс") in user.last_text
    assert ("Айлық форум" if lang == "kk" else "Форум месяца") not in user.last_text


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_waiting_list_and_the_promotion_notice(setup: Setup, lang: str) -> None:
    await add_event(setup.db, capacity=1)
    first = await person(setup, 511, lang)
    second = await person(setup, 512, "ru" if lang == "kk" else "kk")
    await first.send("/events")
    await first.click("форум")
    await first.click("Барамын" if lang == "kk" else "Приду")
    await second.send("/events")
    await second.click("форум")
    # Full: the second is offered the waiting list and told their place.
    await second.click("Күту тізіміне" if lang == "ru" else "В лист ожидания")
    assert "1" in second.last_text and "⏳" in second.last_text
    await first.click("Бара алмаймын" if lang == "kk" else "Не смогу прийти")
    await first.click("Иә" if lang == "kk" else "Да, отменить")
    told = second.messages[-1].text
    assert ("Орын босады" if lang == "ru" else "Освободилось место") in told
    row = await setup.db.fetch_one("SELECT status FROM event_rsvps WHERE user_id = 512")
    assert row is not None and row[0] == "confirmed"


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_my_lists_events_and_ics_and_qr(setup: Setup, lang: str) -> None:
    event = await add_event(
        setup.db, title_kk="Форум; жастар, 2026", title_ru="Форум; молодёжь, 2026"
    )
    user = await person(setup, 521, lang)
    await user.send(f"/start ev-{event.id}")
    assert "2026" in user.last_text
    await user.click("Барамын" if lang == "kk" else "Приду")
    await user.send("/my")
    assert ("Менің іс-шараларым" if lang == "kk" else "Мои мероприятия") in user.last_text
    await user.click("Күнтізбеге" if lang == "kk" else "календарь")
    doc = user.last
    assert doc.upload is not None and doc.upload[0] == f"event-{event.id}.ics"
    ics = doc.upload[1].decode("utf-8").replace("\r\n ", "")
    assert "DTSTART:20261122T090000Z" in ics
    assert "SUMMARY:Форум\\; " in ics and "\\, 2026" in ics
    await user.send(f"/start ev-{event.id}")
    await user.click("QR")
    assert user.last.kind == "photo"
    assert user.last.upload is not None and user.last.upload[1].startswith(b"\x89PNG")


async def test_deep_link_to_an_unknown_event(setup: Setup) -> None:
    user = await person(setup, 522, "ru")
    await user.send("/start ev-9999")
    assert "не найдено" in user.last_text


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_rsvp_with_a_registration_is_confirmed_not_retyped(setup: Setup, lang: str) -> None:
    """A new user fills the existing form and is signed up at its end; the second event
    of the same programme takes one confirmation, nothing typed."""
    first = await add_event(setup.db, needs_registration="neet")
    second = await add_event(
        setup.db,
        days=3,
        needs_registration="neet",
        title_ru="Второй форум",
        title_kk="Екінші форум",
    )
    user = await person(setup, 531, lang)
    await user.send(f"/start ev-{first.id}")
    await user.click("Барамын" if lang == "kk" else "Приду")
    await user.send("Айдана Сейтқали")
    await user.send("19")
    await user.send("+77011234567")
    await user.click("Абай")
    await user.click(user.buttons()[0])  # occupation
    await user.click("Өткізіп" if lang == "kk" else "Пропустить")  # no comment
    await user.click("Келісемін" if lang == "kk" else "Согласен")
    await user.click("Растау" if lang == "kk" else "Подтвердить")
    row = await setup.db.fetch_one(
        "SELECT status, registration_id FROM event_rsvps WHERE user_id = 531 AND event_id = ?",
        (first.id,),
    )
    assert row is not None and row[0] == "confirmed" and row[1] is not None
    typed_before = len([m for m in setup.h.api.chats[531].messages if not m.from_bot])
    await user.send(f"/start ev-{second.id}")
    await user.click("Барамын" if lang == "kk" else "Приду")
    assert "Айдана Сейтқали" in user.last_text
    await user.click("осы деректермен" if lang == "kk" else "с этими данными")
    row = await setup.db.fetch_one(
        "SELECT status, registration_id FROM event_rsvps WHERE user_id = 531 AND event_id = ?",
        (second.id,),
    )
    assert row is not None and row[0] == "confirmed" and row[1] is not None
    typed_after = len([m for m in setup.h.api.chats[531].messages if not m.from_bot])
    assert typed_after == typed_before + 1  # only the /start link


@pytest.mark.parametrize(
    ("lang", "question", "expected"),
    [
        ("kk", "турнир бар ма", "Кубок турнирі"),
        ("ru", "что будет на выходных", "Кубок турнира"),
    ],
)
async def test_free_text_lists_matching_events(
    setup: Setup, lang: str, question: str, expected: str
) -> None:
    await add_event(
        setup.db, days=1, category="tournament", title_kk="Кубок турнирі", title_ru="Кубок турнира"
    )
    user = await person(setup, 541, lang)
    await user.send(question)
    assert expected in user.last_text


@pytest.mark.parametrize(
    ("lang", "way_out"), [("kk", "Мүмкін, сізге мына бөлім керек"), ("ru", "Может быть, вам сюда")]
)
async def test_events_answer_offers_the_programme_the_question_may_mean(
    setup: Setup, lang: str, way_out: str
) -> None:
    """Events named beside a programme the engine is unsure of: the list, and first a button
    to that programme's card, so a wrong guess costs one tap."""
    await add_event(setup.db, days=1, category="forum", title_kk="Жастар форумы", title_ru="Форум")
    user = await person(setup, 545, lang)
    await user.send("мероприятия ресурсного центра")
    first = user.buttons()[0]
    assert way_out in first
    await user.click(first)
    title = "Жастар ресурстық орталығы" if lang == "kk" else "Молодёжный ресурсный центр"
    assert title in user.last_text


@pytest.mark.parametrize(
    ("lang", "question", "watch"),
    [
        ("kk", "форум қашан болады", "Келесісі туралы"),
        ("ru", "когда будет форум?", "Сообщить о следующем"),
    ],
)
async def test_no_event_offers_to_notify_and_the_news_arrives(
    setup: Setup, lang: str, question: str, watch: str
) -> None:
    user = await person(setup, 551, lang)
    await user.send("іс-шара бар ма" if lang == "kk" else "какие мероприятия есть")
    assert ("жоспарланбаған" if lang == "kk" else "не запланировано") in user.last_text
    await user.send(question)
    # A category word with "when" and nothing planned: the topic engine answers instead.
    assert watch not in user.buttons()
    await user.send("форум іс-шарасы қашан" if lang == "kk" else "когда мероприятие форум")
    await user.click(watch)
    setup.clock.moment = NOW + timedelta(hours=2)
    made = await events.create(
        setup.db,
        Draft(
            title_kk="Жаңа форум",
            title_ru="Новый форум",
            category="forum",
            starts_at=NOW + timedelta(days=10),
            ends_at=NOW + timedelta(days=10, hours=2),
            place_kk="Орталық",
            place_ru="Центр",
        ),
        1001,
        setup.clock.now(),
        CATEGORIES,
    )
    assert isinstance(made, Event)
    assert await setup.worker.run_once() == 1
    assert ("Жаңа форум" if lang == "kk" else "Новый форум") in user.last_text
    assert await setup.worker.run_once() == 0


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_reminders_once_across_a_restart_never_to_the_wrong_people(
    settings: Settings,
    db: Database,
    content: ContentStore,
    fake_api: FakeTelegramServer,
    lang: str,
) -> None:
    clock = FakeClock(NOW)
    h = await start(settings, db, content, fake_api, clock)
    s = Setup(h, db, clock)
    event = await add_event(db, days=3)
    going = await person(s, 561, lang)
    cancelled = await person(s, 562, lang)
    blocked = await person(s, 563, lang)
    silent = await person(s, 564, lang)
    for user in (going, cancelled, blocked, silent):
        await user.send(f"/start ev-{event.id}")
        await user.click("Барамын" if lang == "kk" else "Приду")
    await cancelled.click("Бара алмаймын" if lang == "kk" else "Не смогу прийти")
    await cancelled.click("Иә" if lang == "kk" else "Да, отменить")
    await silent.send("/reminders")
    await silent.click("өшіру" if lang == "kk" else "Выключить")
    await h.feed(h.api.member_status(563, "kicked"))

    clock.moment = NOW + timedelta(days=2, hours=1)  # 23 hours before
    counts_before = {u.id: len(u.messages) for u in (going, cancelled, blocked, silent)}
    assert await s.worker.run_once() == 1
    assert ("Ертең" if lang == "kk" else "Завтра") in going.last_text
    # Restart: the new worker finds the reminder recorded and sends nothing again.
    await stop(h)
    h = await start(settings, db, content, fake_api, clock)
    s = Setup(h, db, clock)
    for user in (going, cancelled, blocked, silent):
        user.h = h  # the same chats, now with the restarted bot (the old one's session is closed)
    assert await s.worker.run_once() == 0
    for user in (cancelled, blocked, silent):
        assert len(user.messages) == counts_before[user.id]
    assert len(going.messages) == counts_before[going.id] + 1

    # A crash between the record and the call: never sent at the next start.
    clock.moment = NOW + timedelta(days=3) - timedelta(minutes=30)
    [due] = await event_reminders.due_reminders(db, clock.now())
    assert await event_reminders.claim(db, due, clock.now())
    await stop(h)
    h = await start(settings, db, content, fake_api, clock)
    s = Setup(h, db, clock)
    going.h = h
    assert await event_reminders.status_of(db, event.id, 561, "1h") == "uncertain"
    assert await s.worker.run_once() == 0
    assert len(going.messages) == counts_before[going.id] + 1

    # After the event: the rating question, a score and a comment.
    clock.moment = NOW + timedelta(days=3, hours=4)
    assert await s.worker.run_once() >= 1
    assert ("1-ден 5-ке" if lang == "kk" else "от 1 до 5") in going.last_text
    await going.click("⭐⭐⭐⭐")
    await going.send("Өте жақсы өтті" if lang == "kk" else "Всё понравилось")
    assert ("Рақмет" if lang == "kk" else "Спасибо") in going.last_text
    row = await db.fetch_one("SELECT score, comment FROM event_ratings WHERE user_id = 561")
    assert row is not None and row[0] == 4 and row[1]
    await stop(h)


async def test_forget_leaves_no_event_rows(setup: Setup) -> None:
    event = await add_event(setup.db, capacity=1)
    user = await person(setup, 571, "kk")
    other = await person(setup, 572, "ru")
    await user.send(f"/start ev-{event.id}")
    await user.click("Барамын")
    await other.send(f"/start ev-{event.id}")
    await other.click("В лист ожидания")
    await user.send("/forget")
    await user.click("Иә")
    for table in ("event_rsvps", "event_ratings", "event_watches", "event_reminders"):
        row = await setup.db.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE user_id = 571")
        assert row is not None and row[0] == 0, table
    assert "Освободилось место" in other.last_text
