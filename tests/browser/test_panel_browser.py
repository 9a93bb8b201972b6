"""The web panel in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
Selenium), against the real dispatcher and the fake Bot API: sign in through the link the
bot sent, filter, change a status and see the user's notification, export the filtered rows
and read the file, and see the dashboard's charts drawn. A screenshot of each page is
saved under tests/screenshots/ (git-ignored).

Selenium's calls block, and the panel is served by this test's own event loop: every
browser call goes through `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp.test_utils import TestServer

from bot.services import users
from tests.conversation import Harness
from tests.panel import ADMIN, link_from_bot, register, root_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
T = TypeVar("T")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        # CI sets JASTAR_BROWSER_REQUIRED: there a missing browser fails the run, not skips it.
        (CHROMIUM is None or DRIVER is None) and not os.environ.get("JASTAR_BROWSER_REQUIRED"),
        reason="headless Chromium is not installed here (apt-get install chromium "
        "chromium-driver; .ci/run installs it)",
    ),
]


async def call(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(fn, *args)


async def until(check: Callable[[], Any], what: str, seconds: float = 15.0) -> Any:
    """Poll `check` (run in a thread) until it returns something true. An element htmx
    swapped out between being found and being read counts as not there yet."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            found = await call(check)
        except StaleElementReferenceException:
            found = None
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=ru",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(tmp_path), "download.prompt_for_download": False},
    )
    driver = await call(lambda: webdriver.Chrome(options=options, service=Service(DRIVER)))
    await call(
        driver.execute_cdp_cmd,
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(tmp_path)},
    )
    driver.downloads = tmp_path
    SHOTS.mkdir(exist_ok=True)
    yield driver
    await call(driver.quit)


async def shot(driver: Any, name: str) -> None:
    await call(driver.save_screenshot, str(SHOTS / f"{name}.png"))


async def test_admin_signs_in_filters_changes_a_status_exports_and_sees_charts(
    harness: Harness, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    db = harness.dp["db"]
    await users.seen(db, ADMIN)
    await users.set_language(db, ADMIN, "ru")
    admin = harness.user(ADMIN, "Админ", language_code="ru")
    people = [harness.user(7000 + i, f"u{i}", language_code="kk") for i in range(5)]
    await register(db, people[0].id, "first-job", name="Айгерім Сейітова")
    await register(db, people[1].id, "volunteering", name="Данияр Омаров", age=17, guardian=True)
    await register(
        db,
        people[2].id,
        "volunteering",
        name="<script>alert(1)</script>",
        comment='=HYPERLINK("http://evil.example","x")',
        phone="+77471234567",
    )
    await register(db, people[3].id, "neet", name="Ольга Ким", language="ru")
    server = TestServer(root_app(harness), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    try:
        # Sign in through the link the bot sent in the (fake) Telegram chat.
        path = await link_from_bot(admin)
        await call(browser.get, base + path)
        await shot(browser, "01-signin")
        await call(lambda: browser.find_element(By.ID, "signin").click())
        await until(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "the dashboard")
        charts = await call(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart"))
        assert len(charts) >= 5
        sizes = await call(lambda: [c.size for c in charts])
        assert all(s["width"] > 100 and s["height"] > 40 for s in sizes), sizes
        bars = await call(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"))
        assert bars, "the registration charts drew no bars"
        await shot(browser, "02-dashboard")

        # Filter: the programme select updates the table in place (htmx).
        await call(browser.get, base + "/panel/registrations")
        await until(lambda: "Найдено заявок: 4" in browser.page_source, "all rows")
        assert "<script>alert(1)</script>" not in await call(
            lambda: browser.execute_script("return document.querySelector('table').innerHTML")
        )
        alerts = await call(lambda: browser.execute_script("return typeof window.alert"))
        assert alerts == "function"  # the page ran no injected script (nothing replaced it)
        await call(
            lambda: Select(browser.find_element(By.ID, "f-programme")).select_by_value(
                "volunteering"
            )
        )
        await until(lambda: "Найдено заявок: 2" in browser.page_source, "the filtered rows")
        assert "programme=volunteering" in await call(lambda: browser.current_url)
        await shot(browser, "03-registrations-filtered")

        # Change one status: the young person hears of it in the fake Bot API.
        boxes = await call(lambda: browser.find_elements(By.CSS_SELECTOR, "input[name=id]"))
        await call(boxes[0].click)
        await call(
            lambda: Select(browser.find_element(By.ID, "bulk-status")).select_by_value("contacted")
        )
        before = len(people[2].messages) + len(people[1].messages)
        await call(lambda: browser.find_element(By.ID, "bulk-apply").click())
        await until(lambda: "Статус изменён: 1" in browser.page_source, "the status notice")
        await until(
            lambda: len(people[2].messages) + len(people[1].messages) == before + 1,
            "the user's notification",
        )
        told = (people[2].messages or people[1].messages)[-1].text
        assert "маман хабарласты" in told
        await shot(browser, "04-status-changed")

        # Export the filtered rows and read the file.
        await call(lambda: browser.find_element(By.ID, "export-csv").click())
        csv_path = await until(
            lambda: next(iter(browser.downloads.glob("*.csv")), None), "the CSV download"
        )
        await until(lambda: csv_path.stat().st_size > 0, "the whole file")
        lines = csv_path.read_text("utf-8-sig").strip().splitlines()
        assert len(lines) == 3, lines  # the header and the two volunteering rows
        assert "'=HYPERLINK" in "\n".join(lines) and "Айгерім" not in "\n".join(lines)

        # The card of one registration, the audit log, and the table on a phone's screen.
        link = await call(lambda: browser.find_element(By.CSS_SELECTOR, "table a"))
        await call(link.click)
        await until(lambda: "История статуса" in browser.page_source, "the card")
        await shot(browser, "05-registration-card")
        await call(browser.get, base + "/panel/audit")
        await until(lambda: "выгрузка заявок" in browser.page_source, "the audit log")
        assert "смена статуса" in await call(lambda: browser.page_source)
        await shot(browser, "06-audit")
        await call(browser.set_window_size, 390, 844)
        await call(browser.get, base + "/panel/registrations")
        await until(lambda: "Найдено заявок" in browser.page_source, "the phone layout")
        await shot(browser, "07-registrations-phone")
        await call(browser.get, base + "/panel/")
        await shot(browser, "08-dashboard-phone")
    finally:
        await server.close()
