"""Deploys: SIGTERM (what systemd sends) while updates are being handled, in polling and
webhook mode. The updates in hand finish on a working session and storage; only then does
the bot close them. Replies are held by the fake API so that the signal lands mid-handler."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.__main__ import run_polling
from bot.app import CANCEL_GRACE, DRAIN_TIMEOUT, create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.transport.webhook import build_app
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

SECRET = "webhook-secret-for-tests_123"
ERROR = "что-то пошло не так"


@pytest.fixture(autouse=True)
def unfreeze() -> Iterator[None]:
    """`run_polling` freezes the heap at start-up, as in production; not for the test run."""
    yield
    gc.unfreeze()


async def state_on_disk(db: Database, user_id: int) -> str | None:
    row = await db.fetch_one(
        "SELECT state FROM fsm_state WHERE key LIKE ?", (f"%:{user_id}:{user_id}%",)
    )
    return row["state"] if row else None


async def at_name_step(user: Conversation) -> None:
    await user.start("Русский")
    await user.send("/start reg-neet")
    assert "1/7" in user.last_text


async def test_sigterm_in_polling_lets_a_form_step_finish(
    harness: Harness, fake_api: FakeTelegramServer, settings: Settings, db: Database
) -> None:
    """`python -m bot` as systemd stops it: the name was taken, the age question arrives,
    no "something went wrong" follows, and the new step is on disk for the next start."""
    user = harness.user(5101, language_code="ru")
    await at_name_step(user)
    production = settings.model_copy(
        update={
            "bot_token": SecretStr(TOKEN),
            "telegram_api_url": fake_api.base_url,
            "polling_timeout": 1,
        }
    )
    fake_api.hang_next("sendMessage", 1.5)  # the reply to the name is slow to go out
    running = asyncio.create_task(run_polling(production))
    harness.api.user_sends(user.id, "Сейітов Ерлан")
    await asyncio.wait_for(fake_api.holding.wait(), 10)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, 20)
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    await asyncio.sleep(0.2)  # anything sent after the held reply has arrived by now
    texts = [m.text for m in user.new_messages()]
    assert any("2/7" in text for text in texts), texts
    assert not any(ERROR in text for text in texts), texts
    assert await state_on_disk(db, user.id) == "RegForm:age"


async def test_webhook_shutdown_lets_a_form_step_finish(
    harness: Harness,
    fake_api: FakeTelegramServer,
    settings: Settings,
    db: Database,
    content: ContentStore,
) -> None:
    """Webhook mode answers Telegram at once and handles the update in the background; the
    server stopping (SIGTERM ends `run_webhook` the same way) waits for that handler."""
    user = harness.user(5102, language_code="ru")
    await at_name_step(user)
    hook_settings = settings.model_copy(
        update={
            "telegram_api_url": fake_api.base_url,
            "webhook_url": "https://bot.example.kz/hook",
            "webhook_secret": SecretStr(SECRET),
        }
    )
    bot = create_bot(hook_settings, TOKEN)
    dp = create_dispatcher(hook_settings, db, content)
    client = TestClient(TestServer(build_app(dp, bot, hook_settings, db)))
    await client.start_server()
    try:
        fake_api.hang_next("sendMessage", 1.5)
        update = harness.api.user_sends(user.id, "Сейітов Ерлан")
        response = await client.post(
            "/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert response.status == 200
        await asyncio.wait_for(fake_api.holding.wait(), 10)
    finally:
        await client.close()
    assert bot.session._session is None or bot.session._session.closed  # closed last
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    await asyncio.sleep(0.2)
    texts = [m.text for m in user.new_messages()]
    assert any("2/7" in text for text in texts), texts
    assert not any(ERROR in text for text in texts), texts
    assert await state_on_disk(db, user.id) == "RegForm:age"


def test_the_systemd_unit_leaves_room_for_the_drain() -> None:
    """deploy/jastar-bot.service promises that SIGTERM lets the updates in hand finish:
    systemd must not kill the bot before the drain and its grace time are over."""
    unit = (Path(__file__).resolve().parents[2] / "deploy" / "jastar-bot.service").read_text(
        encoding="utf-8"
    )
    [timeout] = re.findall(r"^TimeoutStopSec=(\d+)$", unit, flags=re.MULTILINE)
    assert int(timeout) > DRAIN_TIMEOUT + CANCEL_GRACE + 2
    assert f"up to {DRAIN_TIMEOUT:.0f} s" in unit


async def test_the_wait_for_updates_in_hand_is_bounded(
    harness: Harness, fake_api: FakeTelegramServer
) -> None:
    """A handler stuck longer than the drain allows is cancelled, so shutdown ends (within
    systemd's stop timeout) while Telegram still holds the call; the user is not sent an
    error on the way out."""
    user = harness.user(5103, language_code="ru")
    await at_name_step(user)
    harness.dp.drain_timeout = 0.2
    fake_api.hang_next("sendMessage", 5.0)
    stuck = asyncio.create_task(user.send("Сейітов Ерлан"))
    await asyncio.wait_for(fake_api.holding.wait(), 10)
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    assert stuck.cancelled() and not fake_api.hung.is_set()
    assert harness.dp.in_hand == 0
    assert not any(ERROR in m.text for m in user.messages)
