"""Announcements in the panel (issue 20): the history with delivery figures and the live
row htmx polls, pause/resume/cancel through the worker, composing a text announcement
(formatting checked as Telegram does, a button, the audience and its count, a preview),
sending now or at a time, delivered once by the same worker; sessions, CSRF, escaping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.services import audit, users
from tests.e2e.test_announcements import (
    FakeClock,
    Setup,
    seed_users,
    start_dispatcher,
    stop_dispatcher,
)
from tests.fake_api import FakeTelegramServer
from tests.panel import ADMIN, form_fields, panel_client, sign_in

TEXT = "<b>Концерт</b> в парке в субботу"


@pytest.fixture
async def setup(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Setup]:
    fast = settings.model_copy(update={"broadcast_rate": 400.0})
    clock = FakeClock(datetime(2026, 12, 25, 10, 0, tzinfo=UTC))  # 15:00 in Shymkent
    h = await start_dispatcher(fast, db, content, fake_api, clock)
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = h.user(ADMIN, "Admin", language_code="ru")
    yield Setup(h, db, h.dp["broadcaster"], clock, admin)
    await stop_dispatcher(h)


def copies(setup: Setup, chat_id: int, text: str) -> int:
    return sum(1 for m in setup.h.api.bot_messages(chat_id) if m.text == text)


async def test_announcement_pages_need_a_session_and_csrf(setup: Setup) -> None:
    async with panel_client(setup.h) as client:
        for path in ("/panel/announcements", "/panel/announcements/new"):
            assert (await client.get(path)).status == 401
        for path in ("/panel/announcements/preview", "/panel/announcements/create"):
            assert (await client.post(path, data={"text": "x"})).status == 401
        await sign_in(client, setup.admin)
        for path in ("/panel/announcements/create", "/panel/announcements/1/stop"):
            assert (await client.post(path, data={"csrf": "forged", "text": "x"})).status == 403


async def test_a_scheduled_announcement_from_the_panel_is_delivered_once(setup: Setup) -> None:
    await seed_users(setup.h, setup.db, [7001, 7002])
    await seed_users(setup.h, setup.db, [7003], language="kk")
    async with panel_client(setup.h) as client:
        await sign_in(client, setup.admin)
        page = await (await client.get("/panel/announcements/new")).text()
        fields = form_fields(page, "bc-form")
        assert fields["at"] == "2026-12-25T15:00"  # now, in Shymkent time
        # A broken text is refused, the admin's text kept (escaped).
        bad = {**fields, "text": "<script>alert(1)</script>"}
        refused = await client.post("/panel/announcements/create", data=bad)
        assert refused.status == 422
        shown = await refused.text()
        assert "<script>alert" not in shown and "Telegram не примет" in shown
        # The preview: the formatted text, the button, who and how many.
        fields.update(
            text=TEXT,
            audience="lang",
            **{"lang-value": "ru", "button": "card", "button-topic": "volunteering"},
        )
        preview = await (await client.post("/panel/announcements/preview", data=fields)).text()
        # Two seeded Russian-speaking subscribers and the admin, who chose Russian too.
        assert "<b>Концерт</b>" in preview and "Получателей: 3" in preview
        assert "Волонтёрство" in preview.split('id="bc-preview-card"', 1)[1]
        # In the past: refused; at 18:00 Shymkent time: scheduled.
        past = {**fields, "when": "later", "at": "2026-12-25T14:00"}
        assert (await client.post("/panel/announcements/create", data=past)).status == 422
        fields.update(when="later", at="2026-12-25T18:00")
        made = await client.post("/panel/announcements/create", data=fields, allow_redirects=False)
        assert made.status == 303, await made.text()
        listed = await (await client.get(made.headers["Location"])).text()
        assert "Рассылка №1 создана" in listed and "запланирована" in listed
        assert 'hx-trigger="every 2s"' in listed  # the live row of an active job
    source = setup.h.api.bot_messages(ADMIN)[-1]
    assert source.text == "Концерт в парке в субботу"  # the admin's own copy, formatted
    await setup.broadcaster.settle()
    assert copies(setup, 7001, source.text) == 0
    setup.clock.moment = datetime(2026, 12, 25, 13, 0, tzinfo=UTC)  # 18:00 in Shymkent
    await setup.broadcaster.settle()
    await setup.broadcaster.settle()
    assert copies(setup, 7001, source.text) == 1 and copies(setup, 7002, source.text) == 1
    assert copies(setup, 7003, source.text) == 0  # Kazakh-speaking: not in the audience
    copy = setup.h.api.bot_messages(7001)[-1]
    assert any("Волонтёрство" in b.text for row in copy.buttons for b in row)
    async with panel_client(setup.h) as client:
        await sign_in(client, setup.admin)
        row = await (await client.get("/panel/announcements/1/row")).text()
        assert "завершена" in row and "доставлено 3 из 3" in row
        assert "hx-trigger" not in row  # done: no more polling
    entries = await audit.page(setup.db, audit.AuditFilter(action="announce"), 5, 0)
    assert entries.total == 1 and entries.entries[0].via == "panel"


async def test_pause_resume_and_cancel_from_the_panel(setup: Setup) -> None:
    await seed_users(setup.h, setup.db, [7001])
    async with panel_client(setup.h) as client:
        csrf = await sign_in(client, setup.admin)
        fields = form_fields(await (await client.get("/panel/announcements/new")).text(), "bc-form")
        fields.update(text="Сбор в воскресенье", when="later", at="2026-12-26T10:00")
        made = await client.post("/panel/announcements/create", data=fields, allow_redirects=False)
        assert made.status == 303
        stop = await client.post(
            "/panel/announcements/1/stop", data={"csrf": csrf}, headers={"HX-Request": "true"}
        )
        row = await stop.text()
        assert stop.status == 200 and "отменена" in row and "hx-trigger" not in row
    setup.clock.moment = datetime(2026, 12, 27, tzinfo=UTC)
    await setup.broadcaster.settle()
    assert copies(setup, 7001, "Сбор в воскресенье") == 0
    entries = await audit.page(setup.db, audit.AuditFilter(action="announce-control"), 5, 0)
    assert entries.total == 1 and entries.entries[0].via == "panel"
