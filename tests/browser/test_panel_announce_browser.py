"""A scheduled announcement created in headless Chromium (issue 20): composed, previewed
with its recipient count, scheduled, then delivered once by the worker when due, the
history's live row following it; screenshots under tests/screenshots/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.services import users
from tests.browser.test_panel_browser import browser, call, pytestmark, shot, until
from tests.e2e.test_announcements import (
    FakeClock,
    Setup,
    seed_users,
    start_dispatcher,
    stop_dispatcher,
)
from tests.fake_api import FakeTelegramServer
from tests.panel import ADMIN, link_from_bot, root_app

__all__ = ["browser", "pytestmark"]  # the fixture and the skip marks of part 1's test


@pytest.fixture
async def setup(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Setup]:
    fast = settings.model_copy(update={"broadcast_rate": 400.0})
    clock = FakeClock(datetime(2026, 12, 25, 10, 0, tzinfo=UTC))  # 15:00 in Shymkent
    h = await start_dispatcher(fast, db, content, fake_api, clock)
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = h.user(ADMIN, "Админ", language_code="ru")
    yield Setup(h, db, h.dp["broadcaster"], clock, admin)
    await stop_dispatcher(h)


def set_value(driver: Any, element_id: str, value: str) -> None:
    driver.execute_script(
        "document.getElementById(arguments[0]).value = arguments[1];", element_id, value
    )


async def test_a_scheduled_announcement_made_in_the_browser_is_delivered_once(
    setup: Setup, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    await seed_users(setup.h, setup.db, [7401, 7402])
    text = "Субботник в парке «Кен-Баба» — приходите!"
    server = TestServer(root_app(setup.h), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    try:
        await call(browser.get, base + await link_from_bot(setup.admin))
        await call(lambda: browser.find_element(By.ID, "signin").click())
        await until(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "the dashboard")
        await call(browser.get, base + "/panel/announcements/new")
        await until(lambda: browser.find_elements(By.ID, "bc-text"), "the compose form")
        await call(set_value, browser, "bc-text", f"<b>{text}</b>")
        await call(lambda: Select(browser.find_element(By.ID, "bc-button")).select_by_value("card"))
        await call(
            lambda: Select(browser.find_element(By.ID, "bc-button-topic")).select_by_value(
                "volunteering"
            )
        )
        await call(lambda: browser.find_element(By.ID, "bc-later").click())
        await call(set_value, browser, "bc-at", "2026-12-25T18:00")
        await call(lambda: browser.find_element(By.ID, "bc-preview").click())
        await until(lambda: browser.find_elements(By.ID, "bc-count"), "the preview")
        assert "Получателей: 3" in await call(lambda: browser.find_element(By.ID, "bc-count").text)
        await shot(browser, "41-announcement-preview")
        await call(lambda: browser.find_element(By.ID, "bc-send").click())
        await until(lambda: browser.find_elements(By.ID, "created"), "the created notice")
        assert "запланирована" in await call(lambda: browser.page_source)
        await shot(browser, "42-announcement-scheduled")

        await setup.broadcaster.settle()
        assert not [m for m in setup.h.api.bot_messages(7401) if m.text == text]
        setup.clock.moment = datetime(2026, 12, 25, 13, 0, tzinfo=UTC)  # 18:00 in Shymkent
        await setup.broadcaster.settle()
        await setup.broadcaster.settle()
        for uid in (7401, 7402):
            assert len([m for m in setup.h.api.bot_messages(uid) if m.text == text]) == 1
        # The live row, polled by htmx, turns to "done" with the figures.
        await until(lambda: "завершена" in browser.page_source, "the live row", seconds=20)
        assert "доставлено 3 из 3" in await call(lambda: browser.page_source)
        await shot(browser, "43-announcement-delivered")
    finally:
        await server.close()
