"""Fixtures: settings on a temporary database, the fake Bot API, and a conversation helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings, load_settings
from bot.db.database import Database
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-token-for-the-fake-api-000000000"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in (
        "BOT_TOKEN",
        "ADMIN_IDS",
        "ADMIN_CHAT_ID",
        "TELEGRAM_API_URL",
        "DATABASE_PATH",
        "CONTENT_DIR",
        "DEFAULT_LANGUAGE",
        "FLOOD_RATE",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's folder
    loaded = load_settings(
        database_path=tmp_path / "data" / "bot.sqlite3",
        content_dir=ROOT / "content",
        admin_ids="1001",
        # The harness feeds updates faster than any thumb; tests of flood control turn it on.
        flood_rate=0,
    )
    # The fake API takes messages as fast as they come unless a test sets its flood limit;
    # tests of pacing (tests/e2e/test_burst.py) use the deployed rate.
    return loaded.model_copy(update={"send_rate": 1000.0})


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = await Database(settings.database_path).connect()
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
def content(settings: Settings) -> ContentStore:
    return ContentStore(settings.content_dir)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeTelegramServer]:
    server = await FakeTelegramServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def harness(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Harness]:
    """The production dispatcher and a Bot on aiogram's real aiohttp session → fake API."""
    api_settings = settings.model_copy(update={"telegram_api_url": fake_api.base_url})
    bot = create_bot(api_settings, TOKEN)
    dp = create_dispatcher(api_settings, db, content)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    yield Harness(bot=bot, dp=dp, api=fake_api.emulator, settings=api_settings)
    await dp.emit_shutdown(bot=bot, **dp.workflow_data)
    await bot.session.close()


@pytest.fixture
def user(harness: Harness) -> Conversation:
    """A Kazakh-speaking phone (language_code kk) that has never written to the bot."""
    return harness.user(5001, "Айгерім", language_code="kk")
