"""Announcements end to end: the admin's flow, delivery through the fake Bot API (flood
waits, blocked chats, server errors), restarts, schedules on an injected clock, users' choices."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Settings
from bot.db.broadcasts import Audience, Broadcasts
from bot.db.database import Database
from bot.db.users import Users
from bot.services.broadcasts import Draft, create_broadcast
from bot.workers.broadcasts import Broadcaster
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

ADMIN = 1001


class FakeClock(Clock):
    """Wall time the test sets; pacing still uses real monotonic time and sleep."""

    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


class GatedServer(FakeTelegramServer):
    """Lets the first `open_for` copyMessage calls through, then holds the rest until
    `gate` is set: the calls a process killed half-way had in flight."""

    def __init__(self, open_for: int) -> None:
        super().__init__()
        self.open_for = open_for
        self.copies = 0
        self.held = 0
        self.gate = asyncio.Event()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"].lower() == "copymessage":
            self.copies += 1
            if self.copies > self.open_for:
                self.held += 1
                await self.gate.wait()
        return await super()._handle(request)


@dataclass
class Setup:
    h: Harness
    db: Database
    broadcaster: Broadcaster
    clock: FakeClock
    admin: Conversation


async def until(check: Callable[[], Awaitable[bool] | bool]) -> None:
    """Wait for a condition the bot reaches on its own (generous: the machine is shared)."""
    async with asyncio.timeout(30):
        while True:
            result = check()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)


async def seed_users(
    h: Harness,
    db: Database,
    ids: range | list[int],
    *,
    language: str = "ru",
    subscribed: bool = True,
    blocked: bool = False,
) -> None:
    """Users who talked to the bot earlier: rows in `users` and chats in the fake API."""
    async with db.transaction() as conn:
        for uid in ids:
            h.api.add_chat(uid, f"U{uid}")
            await conn.execute(
                "INSERT INTO users (telegram_id, language, first_seen, last_seen, subscribed,"
                " blocked) VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?, ?)",
                (uid, language, int(subscribed), int(blocked)),
            )


async def register(
    db: Database,
    user_id: int,
    topic: str,
    *,
    status: str = "new",
    district: str = "abai",
    occupation: str = "neet",
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO registrations (user_id, topic_id, district, occupation, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z',"
            " '2026-01-01T00:00:00Z')",
            (user_id, topic, district, occupation, status),
        )


def copies(h: Harness, chat_id: int, source: tuple[int, int]) -> int:
    return sum(1 for m in h.api.bot_messages(chat_id) if m.copied_from == source)


async def statuses(db: Database, job_id: int) -> dict[int, str]:
    rows = await db.fetch_all(
        "SELECT user_id, status FROM broadcast_deliveries WHERE broadcast_id = ?", (job_id,)
    )
    return {row[0]: row[1] for row in rows}


async def start_dispatcher(
    settings: Settings,
    db: Database,
    content: ContentStore,
    api: FakeTelegramServer,
    clock: Clock,
    **worker: float,
) -> Harness:
    api_settings = settings.model_copy(update={"telegram_api_url": api.base_url})
    bot = create_bot(api_settings, TOKEN)
    dp = create_dispatcher(api_settings, db, content, clock=clock)
    broadcaster: Broadcaster = dp["broadcaster"]
    for name, value in {"progress_every": 0.05, "backoff": 0.01, **worker}.items():
        setattr(broadcaster, name, value)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    return Harness(bot=bot, dp=dp, api=api.emulator, settings=api_settings)


async def stop_dispatcher(h: Harness) -> None:
    await h.dp.emit_shutdown(bot=h.bot, **h.dp.workflow_data)
    await h.bot.session.close()


@pytest.fixture
async def setup(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Setup]:
    # A high rate keeps the tests quick; the bench measures the real one.
    fast = settings.model_copy(update={"broadcast_rate": 400.0})
    clock = FakeClock(datetime(2026, 12, 25, 10, 0, tzinfo=UTC))  # 15:00 in Shymkent
    h = await start_dispatcher(fast, db, content, fake_api, clock)
    admin = h.user(ADMIN, "Admin", language_code="ru")
    await admin.start("Русский")
    yield Setup(h, db, h.dp["broadcaster"], clock, admin)
    await stop_dispatcher(h)


async def compose(
    admin: Conversation, text: str, audience: list[str], button: list[str] | None = None
) -> tuple[int, int]:
    """The admin's flow up to the preview; returns the source message (chat, id)."""
    await admin.send("/announce")
    assert "Новое объявление" in admin.last_text
    await admin.send(text)
    mine = [m for m in admin.h.api.chats[admin.id].messages if not m.from_bot]
    source = (admin.id, mine[-1].message_id)
    for label in audience:
        await admin.click(label)
    for label in button or ["Без кнопки"]:
        await admin.click(label)
    return source


# --- the whole flow ------------------------------------------------------------------------


async def test_everyone_gets_exactly_one_copy_and_blocked_users_are_marked(setup: Setup) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, range(2001, 2031))
    await seed_users(h, db, [2101, 2102], subscribed=False)
    await seed_users(h, db, [2201], blocked=True)
    for uid in (2005, 2006, 2007):  # they blocked the bot; the database does not know yet
        h.api.chats[uid].blocked = True
    source = await compose(
        setup.admin, "Грант на обучение: приём заявок до 1 марта", ["Всем подписчикам"]
    )
    preview = setup.admin.new_messages()
    assert preview[0].copied_from == source, "the preview is the copy users will get"
    assert [b.text for r in preview[0].buttons for b in r] == ["🔕 Не присылать объявления"]
    assert "Получателей:</b> 31" in (preview[1].html or ""), "30 users and the admin"
    await setup.admin.click("Отправить сейчас")
    assert "№1" in setup.admin.last_text
    await setup.broadcaster.settle()

    for uid in range(2001, 2031):
        expected = 0 if uid in (2005, 2006, 2007) else 1
        assert copies(h, uid, source) == expected, uid
    assert copies(h, ADMIN, source) == 2, "the preview and the announcement itself"
    for uid in (2101, 2102, 2201):
        assert copies(h, uid, source) == 0, "unsubscribed and blocked users are never targeted"
    for uid in (2005, 2006, 2007):
        stored = await Users(db.conn).get(uid)
        assert stored is not None and stored.blocked and not stored.subscribed
    tally = await Broadcasts(db.conn).tally(1)
    assert (tally.sent, tally.blocked, tally.remaining) == (28, 3, 0)
    job = await Broadcasts(db.conn).get(1)
    assert job is not None and job.status == "done"
    progress = h.api.find_message(ADMIN, job.progress_message_id or 0)
    assert progress is not None and "завершено" in progress.text and progress.buttons == []
    report = setup.admin.messages[-1].text
    assert "доставлено: 28" in report and "заблокировали бота: 3" in report


async def test_programme_registrants_with_a_status_and_a_registration_link(
    setup: Setup,
) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, range(3001, 3007), language="kk")
    await register(db, 3001, "neet", status="enrolled")
    await register(db, 3002, "neet", status="new")
    await register(db, 3003, "first-job", status="enrolled")
    await register(db, 3004, "neet", status="enrolled")
    async with db.transaction() as conn:
        await Users(conn).set_subscribed(3004, False)
    source = await compose(
        setup.admin,
        "Встреча участников в пятницу",
        ["Записавшимся на программу", "NEET", "Зачислен"],
        ["Ссылка на запись", "NEET"],
    )
    assert "Получателей:</b> 1" in (setup.admin.last.html or "")
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    assert [copies(h, uid, source) for uid in range(3001, 3007)] == [1, 0, 0, 0, 0, 0]
    sent = h.api.bot_messages(3001)[-1]
    urls = [b.url for r in sent.buttons for b in r if b.url]
    assert urls == ["https://t.me/jastar_test_bot?start=reg-neet"]
    labels = [b.text for r in sent.buttons for b in r]
    assert labels[-1] == "🔕 Хабарландыруларды өшіру", "buttons in the recipient's language"


async def test_audiences_by_language_district_and_occupation(setup: Setup) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, [4001, 4002], language="kk")
    await seed_users(h, db, [4003], language="ru")
    await register(db, 4001, "neet", district="turan", occupation="study")
    await register(db, 4003, "first-job", district="turan", occupation="work")
    await register(db, 4002, "first-job", district="abai", occupation="work")
    count = Broadcasts(db.conn).count_audience
    assert await count(Audience("lang", "kk")) == 2
    assert await count(Audience("lang", "ru")) == 2  # and the admin
    assert await count(Audience("district", "turan")) == 2
    assert await count(Audience("occupation", "work")) == 2
    assert await count(Audience("topic", "first-job")) == 2
    assert await count(Audience("topic", "first-job", "declined")) == 0
    with pytest.raises(ValueError):
        Audience("district", "nowhere")
    # The same through the admin's buttons: by district, to the card of a topic.
    source = await compose(
        setup.admin,
        "В Туранском районе открылся молодёжный центр",
        ["По району", "Туранский"],
        ["Карточка темы", "NEET"],
    )
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    assert [copies(h, uid, source) for uid in (4001, 4002, 4003)] == [1, 0, 1]
    # The card button under the announcement opens the topic card.
    reader = Conversation(h, 4001)
    await reader.click("NEET")
    assert "NEET" in reader.last_text


# --- delivery under trouble ---------------------------------------------------------------


async def test_flood_waits_server_errors_and_forbidden_chats(setup: Setup) -> None:
    h, db = setup.h, setup.db
    h.api.flood_limit = 30  # the bot's rate (400/s) is far above it: Telegram says 429
    await seed_users(h, db, range(5001, 5046))
    h.api.chats[5010].blocked = True
    source = await compose(setup.admin, "Субботник в субботу", ["Всем подписчикам"])
    for _ in range(3):  # a burst of server errors, then a flood wait
        h.api.fail_next("copyMessage", 502, "Bad Gateway")
    h.api.fail_next("copyMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    got = [copies(h, uid, source) for uid in range(5001, 5046)]
    assert got.count(1) == 44 and got.count(0) == 1 and got[9] == 0
    job = await Broadcasts(db.conn).get(1)
    assert job is not None and job.flood_waits >= 1
    assert h.api.flood_refusals >= 1
    tally = await Broadcasts(db.conn).tally(1)
    assert (tally.sent, tally.blocked, tally.failed) == (45, 1, 0)


async def test_a_chat_that_keeps_failing_is_marked_failed_after_bounded_retries(
    setup: Setup,
) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, [5501])
    admin_source = h.api.user_sends(ADMIN, "Новости")
    for _ in range(setup.broadcaster.max_attempts):  # never reached Telegram: retried
        h.api.gateway_page_next("copyMessage", 503)
    draft = Draft(ADMIN, ADMIN, admin_source["message"]["message_id"], Audience("lang", "ru"))
    async with db.transaction() as conn:  # only 5501 gets it: the admin unsubscribes
        await Users(conn).set_subscribed(ADMIN, False)
    job_id, count = await create_broadcast(db, draft, setup.clock.now())
    assert count == 1
    await setup.broadcaster.settle()
    tally = await Broadcasts(db.conn).tally(job_id)
    assert (tally.failed, tally.sent) == (1, 0)
    calls = [m for m, p in h.api.calls if m == "copyMessage" and p.get("chat_id") == "5501"]
    assert len(calls) == setup.broadcaster.max_attempts


async def test_killed_half_way_and_restarted_finishes_without_duplicates(
    settings: Settings,
    db: Database,
    content: ContentStore,
) -> None:
    server = await GatedServer(open_for=12).start()
    clock = FakeClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    fast = settings.model_copy(update={"broadcast_rate": 400.0})
    first = await start_dispatcher(fast, db, content, server, clock, concurrency=4)
    try:
        await seed_users(first, db, range(6001, 6041))
        first.api.add_chat(ADMIN, "Admin")
        source_id = first.api.user_sends(ADMIN, "Конкурс грантов")["message"]["message_id"]
        draft = Draft(ADMIN, ADMIN, source_id, Audience())
        job_id, total = await create_broadcast(db, draft, clock.now())
        first.dp["broadcaster"].wake()
        await until(lambda: server.held == 4)  # every sending slot is stuck mid-call
    finally:
        await stop_dispatcher(first)  # the process stops with four calls in flight
    before = await statuses(db, job_id)
    assert list(before.values()).count("sending") == 4
    assert list(before.values()).count("sent") == 12
    server.gate.set()  # the held calls do reach Telegram: their users got the message

    second = await start_dispatcher(fast, db, content, server, clock)
    try:
        await second.dp["broadcaster"].settle()
        after = await statuses(db, job_id)
        assert list(after.values()).count("uncertain") == 4
        assert list(after.values()).count("sent") == total - 4
        source = (ADMIN, source_id)
        for uid in range(6001, 6041):
            expected = {0, 1} if after[uid] == "uncertain" else {1}
            assert copies(second, uid, source) in expected, uid
        job = await Broadcasts(db.conn).get(job_id)
        assert job is not None and job.status == "done"
        report = second.api.bot_messages(ADMIN)[-1].text  # the admin has no language: kk
        assert "белгісіз (жеткені расталмады, қайта жіберілмеді): 4" in report
    finally:
        await stop_dispatcher(second)
        await server.stop()


# --- schedule ------------------------------------------------------------------------------


async def test_scheduled_announcement_fires_at_the_right_time(setup: Setup) -> None:
    h, db, admin = setup.h, setup.db, setup.admin
    await seed_users(h, db, [7001, 7002])
    source = await compose(admin, "Концерт в парке", ["Всем подписчикам"])
    await admin.click("Запланировать")
    assert "25.12.2026 15:00" in admin.last_text, "the example is now, in Shymkent time"
    await admin.send("завтра вечером")
    assert "Не понял дату" in admin.last_text
    await admin.send("25.12.2026 14:00")  # Shymkent is UTC+5: that was an hour ago
    assert "уже прошло" in admin.last_text
    await admin.send("25.12.2026 18:00")
    assert "запланировано на 25.12.2026 18:00" in admin.last_text
    await setup.broadcaster.settle()
    assert copies(h, 7001, source) == 0
    setup.clock.moment = datetime(2026, 12, 25, 12, 59, 59, tzinfo=UTC)
    await setup.broadcaster.settle()
    assert copies(h, 7001, source) == 0, "one second early"
    setup.clock.moment = datetime(2026, 12, 25, 13, 0, tzinfo=UTC)  # 18:00 in Shymkent
    await setup.broadcaster.settle()
    assert copies(h, 7001, source) == 1 and copies(h, 7002, source) == 1
    await admin.send("/announcements")
    assert "№1" in admin.last_text and "завершено" in admin.last_text


async def test_a_scheduled_announcement_can_be_cancelled(setup: Setup) -> None:
    h, db, admin = setup.h, setup.db, setup.admin
    await seed_users(h, db, [7101])
    source = await compose(admin, "Отменится", ["Всем подписчикам"])
    await admin.click("Запланировать")
    await admin.send("26.12.26 09:30")
    await admin.send("/announcements")
    assert "запланировано" in admin.last_text
    await admin.click("Отменить №1")
    setup.clock.moment = datetime(2026, 12, 27, tzinfo=UTC)
    await setup.broadcaster.settle()
    assert copies(h, 7101, source) == 0
    job = await Broadcasts(db.conn).get(1)
    assert job is not None and job.status == "cancelled"


# --- control while sending -----------------------------------------------------------------


async def test_pause_resume_and_cancel_from_the_progress_message(
    settings: Settings,
    db: Database,
    content: ContentStore,
) -> None:
    server = await GatedServer(open_for=5).start()
    clock = FakeClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    h = await start_dispatcher(settings, db, content, server, clock, concurrency=2)
    try:
        admin = h.user(ADMIN, "Admin", language_code="ru")
        await admin.start("Русский")
        await seed_users(h, db, range(8001, 8021))
        source = await compose(admin, "Пауза", ["Всем подписчикам"])
        await admin.click("Отправить сейчас")
        await until(lambda: server.held == 2)
        job = await Broadcasts(db.conn).get(1)
        assert job is not None and job.progress_message_id is not None
        await admin.click("Пауза")
        server.gate.set()
        await h.dp["broadcaster"].settle()
        job = await Broadcasts(db.conn).get(1)
        assert job is not None and job.status == "paused"
        paused = await Broadcasts(db.conn).tally(1)
        assert paused.pending > 0 and paused.sending == 0
        assert (
            "на паузе"
            in (h.api.find_message(ADMIN, job.progress_message_id or 0) or admin.last).text
        )
        await admin.click("Продолжить")
        await h.dp["broadcaster"].settle()
        done = await Broadcasts(db.conn).tally(1)
        assert done.sent == 21 and done.remaining == 0
        assert all(copies(h, uid, source) == 1 for uid in range(8001, 8021))
        # Cancel a second one half-way: the rest are never sent.
        server.gate.clear()
        server.copies, server.held, server.open_for = 0, 0, 3
        second = await compose(admin, "Отмена", ["Всем подписчикам"])
        await admin.click("Отправить сейчас")
        await until(lambda: server.held == 2)
        await admin.click("Отменить")
        server.gate.set()
        await h.dp["broadcaster"].settle()
        job = await Broadcasts(db.conn).get(2)
        assert job is not None and job.status == "cancelled"
        got = sum(copies(h, uid, second) for uid in [*range(8001, 8021), ADMIN])
        assert got == 5, "the preview, two before the hold, the two in flight; no more"
    finally:
        await stop_dispatcher(h)
        await server.stop()


# --- admins only; the flow never leaks ------------------------------------------------------


async def test_non_admins_cannot_announce_or_press_admin_buttons(setup: Setup) -> None:
    stranger = setup.h.user(9001, "Stranger", language_code="ru")
    await stranger.start("Русский")
    await stranger.send("/announce")
    assert "Такой команды я не знаю" in stranger.last_text
    await stranger.send("/announcements")
    assert "Такой команды я не знаю" in stranger.last_text
    answer = await stranger.press(stranger.last.message_id, "bc:go:")
    assert "устарела" in answer.get("text", "")
    answer = await stranger.press(stranger.last.message_id, "bc:stop:1")
    assert "устарела" in answer.get("text", "")


async def test_wrong_input_re_asks_and_cancel_leaves_at_any_step(setup: Setup) -> None:
    admin = setup.admin
    await admin.send("/announce")
    await admin.send(
        sticker={
            "file_id": "s1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    assert "нельзя" in admin.last_text
    await admin.send("/menu")
    assert "нельзя" in admin.last_text, "a command is not an announcement"
    await admin.send("Текст")
    assert "Кому отправить" in admin.last_text
    await admin.send("всем")
    assert "кнопкой выше" in admin.last_text
    await admin.click("Отмена")
    assert "отменено" in admin.last_text
    await admin.send("Грант")  # no longer in the flow: an ordinary question
    assert "Кому отправить" not in admin.last_text
    # /cancel at the time step, and the old buttons are dead afterwards.
    await compose(admin, "Текст", ["По языку", "Қазақша"])
    await admin.click("Запланировать")
    await admin.send(photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])
    assert "Не понял дату" in admin.last_text
    await admin.send("/cancel")
    assert "отменено" in admin.last_text
    answer = await admin.press(admin.messages[-3].message_id, "bc:go:")
    assert "устарела" in answer.get("text", "")
    assert await Broadcasts(setup.db.conn).recent() == []


async def test_photo_with_caption_is_copied_with_its_media(setup: Setup) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, [9101])
    await setup.admin.send("/announce")
    await setup.admin.send(
        photo=[{"file_id": "ph1", "file_unique_id": "ph1", "width": 800, "height": 600}],
        caption="Афиша фестиваля",
    )
    await setup.admin.click("Всем подписчикам")
    await setup.admin.click("Без кнопки")
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    got = h.api.bot_messages(9101)[-1]
    assert got.kind == "photo" and got.text == "Афиша фестиваля" and got.media


# --- users ----------------------------------------------------------------------------------


async def test_users_stop_and_resume_announcements(setup: Setup) -> None:
    h, db = setup.h, setup.db
    user = h.user(9201, "Dana", language_code="ru")
    await user.start("Русский")
    await user.send("/unsubscribe")
    assert "больше не придут" in user.last_text
    stored = await Users(db.conn).get(9201)
    assert stored is not None and not stored.subscribed
    await user.send("/subscribe")
    assert "включены" in user.last_text
    source = await compose(setup.admin, "Новости", ["Всем подписчикам"])
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    assert copies(h, 9201, source) == 1
    answer = await user.click("Не присылать объявления")
    assert answer.get("text") == "Объявления отключены"
    assert user.buttons() == ["🔔 Снова присылать объявления"]
    stored = await Users(db.conn).get(9201)
    assert stored is not None and not stored.subscribed
    second = await compose(setup.admin, "Ещё новости", ["Всем подписчикам"])
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    assert copies(h, 9201, second) == 0
    await user.click("Снова присылать")
    assert user.buttons() == ["🔕 Не присылать объявления"]
    stored = await Users(db.conn).get(9201)
    assert stored is not None and stored.subscribed


async def test_blocking_the_bot_is_marked_as_it_happens(setup: Setup) -> None:
    h, db = setup.h, setup.db
    user = h.user(9301, "Arman", language_code="kk")
    await user.start("Қазақша")
    await h.feed(h.api.member_status(9301, "kicked"))
    stored = await Users(db.conn).get(9301)
    assert stored is not None and stored.blocked and not stored.subscribed
    assert await Broadcasts(db.conn).count_audience(Audience()) == 1, "only the admin"
    await h.feed(h.api.member_status(9301, "member"))
    stored = await Users(db.conn).get(9301)
    assert stored is not None and not stored.blocked and stored.subscribed


async def test_a_deleted_original_cancels_the_job_instead_of_failing_everyone(
    setup: Setup,
) -> None:
    h, db = setup.h, setup.db
    await seed_users(h, db, range(9401, 9461))
    source = await compose(setup.admin, "Удалю потом", ["Всем подписчикам"])
    original = h.api.find_message(*source)
    assert original is not None
    h.api.chats[ADMIN].messages.remove(original)  # the admin deleted it after the preview
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    job = await Broadcasts(db.conn).get(1)
    tally = await Broadcasts(db.conn).tally(1)
    assert job is not None and job.status == "cancelled"
    assert tally.sent == 0 and tally.failed <= setup.broadcaster.concurrency
    assert tally.pending > 0


# --- Telegram's gateway pages and lost answers (see also test_gateway.py) ---------------------


async def test_a_broadcast_through_gateway_pages_reaches_everyone_exactly_once(
    setup: Setup,
) -> None:
    """300 recipients; the gateway answers some copies with 502/503 pages: each recipient
    gets one copy and nothing stays in flight or uncertain."""
    h, db = setup.h, setup.db
    await seed_users(h, db, range(7001, 7301))
    source = await compose(setup.admin, "Жастар форумы 20 желтоқсанда", ["Всем подписчикам"])
    for status in (502, 503, 502, 502, 503, 502):
        h.api.gateway_page_next("copyMessage", status)
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    got = [copies(h, uid, source) for uid in range(7001, 7301)]
    assert got == [1] * 300
    tally = await Broadcasts(db.conn).tally(1)
    assert (tally.sent, tally.sending, tally.uncertain, tally.failed) == (301, 0, 0, 0)


async def only_user(
    setup: Setup, user_id: int, text: str, language: str = "ru"
) -> tuple[int, tuple[int, int]]:
    """A job for the one user who speaks `language` (the admin unsubscribes): (job id,
    source)."""
    await seed_users(setup.h, setup.db, [user_id], language=language)
    async with setup.db.transaction() as conn:
        await Users(conn).set_subscribed(ADMIN, False)
    source_id = setup.h.api.user_sends(ADMIN, text)["message"]["message_id"]
    draft = Draft(ADMIN, ADMIN, source_id, Audience("lang", language))
    job_id, count = await create_broadcast(setup.db, draft, setup.clock.now())
    assert count == 1
    return job_id, (ADMIN, source_id)


async def test_a_copy_behind_a_504_or_500_page_counts_as_maybe_delivered(setup: Setup) -> None:
    """504: Telegram delivered it; 500: unknown. Neither is sent again, neither stays in
    flight until the next start: both are settled as uncertain at once."""
    h = setup.h
    job_504, source_504 = await only_user(setup, 7401, "Первое объявление")
    h.api.gateway_page_next("copyMessage", 504)
    await setup.broadcaster.settle()
    assert copies(h, 7401, source_504) == 1
    assert await statuses(setup.db, job_504) == {7401: "uncertain"}

    job_500, source_500 = await only_user(setup, 7402, "Екінші хабарландыру", "kk")
    h.api.gateway_page_next("copyMessage", 500, processed=False)
    await setup.broadcaster.settle()
    assert copies(h, 7402, source_500) == 0  # this time it was not done: a known loss
    assert await statuses(setup.db, job_500) == {7402: "uncertain"}


async def test_a_stop_during_a_flood_wait_leaves_the_delivery_for_the_next_start(
    setup: Setup,
) -> None:
    """A deploy while the worker waits out a 429: that copy never went out, so it is pending
    at the next start and delivered then, once (not "uncertain" and lost)."""
    h = setup.h
    h.api.fail_next("copyMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    job_id, source = await only_user(setup, 7601, "Объявление перед деплоем")
    setup.broadcaster.wake()
    await until(lambda: any(m == "copyMessage" for m, _ in h.api.calls))
    await asyncio.sleep(0.2)  # the worker is now waiting out the flood
    await setup.broadcaster.stop()
    assert await statuses(setup.db, job_id) == {7601: "pending"}
    assert copies(h, 7601, source) == 0
    await setup.broadcaster.start(h.bot)
    await setup.broadcaster.settle()
    assert await statuses(setup.db, job_id) == {7601: "sent"}
    assert copies(h, 7601, source) == 1


async def test_a_copy_that_timed_out_but_arrived_is_not_sent_twice(
    setup: Setup, fake_api: FakeTelegramServer
) -> None:
    """Telegram is slow: the worker gives up waiting, Telegram delivers anyway."""
    h = setup.h
    h.bot.session.timeout = 0.3
    fake_api.hang_next("copyMessage", 1.0)
    job_id, source = await only_user(setup, 7501, "Объявление в час пик")
    await setup.broadcaster.settle()
    await asyncio.wait_for(fake_api.hung.wait(), 10)
    await asyncio.sleep(0.2)  # a second copy, if one were sent, has arrived by now
    assert copies(h, 7501, source) == 1
    assert await statuses(setup.db, job_id) == {7501: "uncertain"}
