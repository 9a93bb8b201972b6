"""Content editing in headless Chromium (issue 20), on a copy of content/: fill an
admin-fill field and see the bot's card show it in the fake Bot API; a broken edit refused
while the bot keeps answering; the concurrent-edit conflict; restoring an old version.
Screenshots go to tests/screenshots/ (git-ignored), as in part 1's browser test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.services import users
from tests.browser.test_panel_browser import browser, call, pytestmark, shot, until
from tests.conversation import Harness
from tests.panel import ADMIN, copy_content, link_from_bot, root_app

__all__ = ["browser", "pytestmark"]  # the fixture and the skip marks of part 1's test

PHONE_FILL = "[[FILL: department reception phone number]]"
PHONE = "8 7252 00 00 00"  # a test value, not the department's number


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"content_dir": copy_content(tmp_path)})


def set_value(driver: Any, element_id: str, value: str) -> None:
    """Type into a field the way an edit does (the live check listens to `input`)."""
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));",
        element_id,
        value,
    )


def value_of(driver: Any, element_id: str) -> str:
    return str(
        driver.execute_script("return document.getElementById(arguments[0]).value", element_id)
    )


async def test_admin_fills_a_field_breaks_an_edit_meets_a_conflict_and_restores(
    harness: Harness, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    db = harness.dp["db"]
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = harness.user(ADMIN, "Админ", language_code="ru")
    young = harness.user(7100, "Ерлан", language_code="ru")
    await young.start("Русский")
    path = harness.dp["content"].content_dir / "topics" / "contacts.toml"
    original = path.read_text("utf-8")
    server = TestServer(root_app(harness), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")

    def click(element_id: str) -> None:
        browser.find_element(By.ID, element_id).click()

    def page() -> str:
        return str(browser.page_source)

    try:
        await call(browser.get, base + await link_from_bot(admin))
        await call(click, "signin")
        await until(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "the dashboard")

        # The topics with unfilled fields, then the contacts topic.
        await call(browser.get, base + "/panel/content?kind=fill")
        await until(lambda: "Показано тем" in page(), "the topics list")
        await shot(browser, "11-content-topics")
        await call(
            lambda: browser.find_element(
                By.CSS_SELECTOR, 'a[href="/panel/content/contacts"]'
            ).click()
        )
        await until(lambda: "Сначала заполните" in page(), "the edit page")
        await until(lambda: "Так увидит пользователь" in page(), "the preview")
        await shot(browser, "12-content-edit")

        # Fill the phone in both languages; the live check and the preview follow.
        for lang in ("kk", "ru"):
            text = await call(value_of, browser, f"f-{lang}-text")
            assert PHONE_FILL in text
            await call(set_value, browser, f"f-{lang}-text", text.replace(PHONE_FILL, f"☎ {PHONE}"))
        await until(lambda: PHONE in browser.find_element(By.ID, "check").text, "the live preview")
        await shot(browser, "13-content-live-check")
        await call(click, "save")
        await until(lambda: "Сохранено" in page(), "the saved notice")
        await shot(browser, "14-content-saved")
        await young.send("/menu")
        await young.click("📞 Контакты")
        await young.click("Подробнее")  # the full text, where the phone line is
        assert PHONE in young.last_text, young.last_text

        # Try a question against the saved text.
        await call(set_value, browser, "try-q", "какой телефон управления")
        await call(lambda: browser.find_element(By.ID, "try-lang").send_keys("р"))
        await call(click, "try-button")
        await until(lambda: "Бот ответит" in browser.find_element(By.ID, "tried").text, "the try")
        await shot(browser, "15-content-try")

        # A broken edit: refused with its errors; the bot keeps answering as before.
        await call(set_value, browser, "f-kk-title", "")
        await until(lambda: browser.find_elements(By.ID, "check-errors"), "the live errors")
        await call(click, "save")
        await until(lambda: "Не сохранено" in page(), "the refusal")
        assert "contacts.toml: kk.title" in await call(page)
        await shot(browser, "16-content-refused")
        await young.send("/menu")
        await young.click("📞 Контакты")
        await young.click("Подробнее")  # the full text, where the phone line is
        assert PHONE in young.last_text

        # Two admins: the file changes while this one edits; the save is refused.
        await call(browser.get, base + "/panel/content/contacts")
        await until(lambda: "Сохранить" in page(), "the edit page again")
        hand = path.read_text("utf-8").replace('title = "Контакты"', 'title = "Контакты (ред.)"')
        path.write_text(hand, "utf-8")
        await call(
            set_value, browser, "f-ru-benefits", "Изменение, которое не должно затереть чужое."
        )
        await call(click, "save")
        await until(lambda: browser.find_elements(By.ID, "conflict"), "the conflict")
        await shot(browser, "17-content-conflict")
        assert path.read_text("utf-8") == hand

        # The history: the first version back in one click.
        await admin.send("/reload")  # the hand edit is picked up and recorded
        await call(browser.get, base + "/panel/content/contacts/history")
        await until(lambda: "Версии" in page(), "the history")
        links = await call(lambda: browser.find_elements(By.CSS_SELECTOR, "ol.versions li a"))
        assert len(links) == 3  # found at start-up, saved from the panel, the hand edit
        await call(links[1].click)  # the panel's save: the phone filled in
        await until(lambda: PHONE in browser.find_element(By.CSS_SELECTOR, "pre.diff").text, "diff")
        await shot(browser, "18-content-diff")
        links = await call(lambda: browser.find_elements(By.CSS_SELECTOR, "ol.versions li a"))
        await call(links[-1].click)
        await until(lambda: browser.find_elements(By.ID, "restore"), "the restore button")
        await shot(browser, "18-content-history-first")
        await call(click, "restore")
        await until(lambda: "Версия возвращена" in page(), "the restored notice")
        await shot(browser, "19-content-restored")
        assert path.read_text("utf-8") == original
        await young.send("/menu")
        await young.click("📞 Контакты")
        await young.click("Подробнее")  # the full text, where the phone line is
        assert PHONE not in young.last_text
    finally:
        await server.close()


async def test_a_gap_question_turned_into_a_faq_item_is_then_answered(
    harness: Harness, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    question = "можно ли у вас взять в аренду палатку для похода"
    answer_ru = "Палатки напрокат — тестовый ответ для проверки панели."
    db = harness.dp["db"]
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = harness.user(ADMIN, "Админ", language_code="ru")
    young = harness.user(7200, "Айбек", language_code="ru")
    await young.start("Русский")
    await young.send(question)
    assert answer_ru not in young.last_text
    server = TestServer(root_app(harness), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    try:
        await call(browser.get, base + await link_from_bot(admin))
        await call(lambda: browser.find_element(By.ID, "signin").click())
        await until(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "the dashboard")
        await call(browser.get, base + "/panel/gaps")
        await until(lambda: "Вопросов: 1" in browser.page_source, "the gaps report")
        await call(lambda: browser.find_element(By.CSS_SELECTOR, "li.gap summary").click())
        await call(
            lambda: Select(browser.find_element(By.ID, "gap-topic-1")).select_by_value(
                "resource-centre"
            )
        )
        await call(set_value, browser, "gap-q-ru-1", question)
        await call(set_value, browser, "gap-a-ru-1", answer_ru)
        await call(set_value, browser, "gap-a-kk-1", "Шатыр жалға беру — сынақ жауабы.")
        await shot(browser, "21-gaps-answer")
        await call(
            lambda: browser.find_element(By.CSS_SELECTOR, "#gap-faq-1 button[type=submit]").click()
        )
        await until(lambda: browser.find_elements(By.ID, "done"), "the added notice")
        await shot(browser, "22-gaps-added")
    finally:
        await server.close()
    await young.send(question)
    assert answer_ru in young.last_text
