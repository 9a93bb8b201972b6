"""Start-up against a Telegram that answers set-up calls with gateway pages or anything
unexpected: the bot warns, serves, and makes the calls again in the background."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot import app
from bot.__main__ import run_polling
from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.transport.webhook import build_app
from tests.conftest import TOKEN
from tests.fake_api import FakeTelegramServer

SECRET = "webhook-secret-for-tests-0123456789"


async def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_polling_starts_and_serves_when_set_up_calls_fail(
    settings: Settings,
    fake_api: FakeTelegramServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = fake_api.emulator
    api.webhook = {"url": "https://old.example.kz/hook"}  # left from an earlier deploy
    for status in (502, 502, 502, 404):  # more than the retries; 404: nginx's own page
        api.gateway_page_next("deleteWebhook", status)
        api.gateway_page_next("getMe", status)
        api.gateway_page_next("setMyCommands", status)
    monkeypatch.setattr(app, "SETUP_RETRY_DELAYS", (0.2, 0.5), raising=False)
    live = settings.model_copy(
        update={
            "bot_token": SecretStr(TOKEN),
            "telegram_api_url": fake_api.base_url,
            "polling_timeout": 1,
        }
    )
    user = api.add_chat(5301, "Асель", language_code="kk")
    api.user_sends(user.id, "/start")
    task = asyncio.create_task(run_polling(live))
    try:
        await wait_for(lambda: task.done() or bool(api.bot_messages(user.id)))
        assert not task.done(), "the bot stopped at start-up"
        assert "Тілді таңдаңыз" in api.bot_messages(user.id)[-1].text
        # The set-up calls are made again until Telegram takes them.
        await wait_for(lambda: set(api.commands) == {"kk", "ru", ""} and api.webhook is None)
        assert any("retrying in the background" in r.message for r in caplog.records)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        gc.unfreeze()  # start-up froze the heap, as in production


async def test_the_webhook_server_starts_when_set_webhook_fails(
    settings: Settings,
    db: Database,
    content: ContentStore,
    fake_api: FakeTelegramServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = fake_api.emulator
    for status in (502, 502, 502, 504, 404):
        api.gateway_page_next("setWebhook", status, processed=False)
    monkeypatch.setattr(app, "SETUP_RETRY_DELAYS", (0.2, 0.5), raising=False)
    hook = settings.model_copy(
        update={
            "telegram_api_url": fake_api.base_url,
            "webhook_url": "https://bot.example.kz/tg/hook",
            "webhook_secret": SecretStr(SECRET),
        }
    )
    bot = create_bot(hook, TOKEN)
    dp = create_dispatcher(hook, db, content)
    client = TestClient(TestServer(build_app(dp, bot, hook, db, background=False)))
    await client.start_server()
    try:
        user = api.add_chat(5302, "Дана", language_code="ru")
        update = api.user_sends(user.id, "/start")
        response = await client.post(
            "/tg/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert response.status == 200
        assert "Выберите язык" in api.bot_messages(user.id)[-1].text
        await wait_for(lambda: api.webhook is not None)
        assert api.webhook["url"] == "https://bot.example.kz/tg/hook"  # type: ignore[index]
    finally:
        await client.close()
