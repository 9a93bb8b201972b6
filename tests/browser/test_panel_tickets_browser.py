"""A ticket answered from the browser (issue 20), in headless Chromium: the queue, the
thread, the answer typed and sent, and the user's copy in the fake Bot API; screenshots
under tests/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.services import users
from tests.browser.test_panel_browser import browser, call, pytestmark, shot, until
from tests.conversation import Harness
from tests.panel import ADMIN, link_from_bot, root_app

__all__ = ["browser", "pytestmark"]  # the fixture and the skip marks of part 1's test

GROUP = -1001234567890


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_chat_id": GROUP})


async def test_a_ticket_answered_from_the_browser_is_delivered(
    harness: Harness, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
    db = harness.dp["db"]
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = harness.user(ADMIN, "Админ", language_code="ru")
    young = harness.user(7300, "Дана", language_code="ru")
    await young.start("Русский")
    await young.send("/ask")
    await young.send("Можно ли пройти практику летом?")
    server = TestServer(root_app(harness), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    try:
        await call(browser.get, base + await link_from_bot(admin))
        await call(lambda: browser.find_element(By.ID, "signin").click())
        await until(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "the dashboard")
        await call(browser.get, base + "/panel/tickets?status=open")
        await until(lambda: "№1" in browser.page_source, "the queue")
        await shot(browser, "31-tickets-queue")
        await call(lambda: browser.find_element(By.LINK_TEXT, "№1").click())
        await until(lambda: "Можно ли пройти практику летом?" in browser.page_source, "the thread")
        box = await call(lambda: browser.find_element(By.ID, "answer-text"))
        await call(box.send_keys, "Да, летом открыт набор на молодёжную практику.")
        await shot(browser, "32-ticket-answer")
        young.new_messages()
        await call(lambda: browser.find_element(By.ID, "answer-send").click())
        await until(lambda: browser.find_elements(By.ID, "done"), "the delivered notice")
        await shot(browser, "33-ticket-answered")
        answer, note = young.new_messages()
        assert answer.text == "Да, летом открыт набор на молодёжную практику."
        assert "№1" in note.text
        mirror = harness.api.bot_messages(GROUP)[-1]
        assert "Да, летом открыт набор" in mirror.text
    finally:
        await server.close()
