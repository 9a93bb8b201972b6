"""The serving dispatcher freezes the heap once started and refreezes after `/reload`; the
factory does both (`create_dispatcher(freeze_heap=True)`), the chat mode and tests do not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from tests.conftest import TOKEN
from tests.conversation import Harness
from tests.fake_api import FakeTelegramServer

ADMIN = 1001


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the rest of the run must not be)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
async def serving(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Harness]:
    """The dispatcher as `python -m bot run` builds it, on the fake Bot API."""
    api_settings = settings.model_copy(update={"telegram_api_url": fake_api.base_url})
    bot = create_bot(api_settings, TOKEN)
    dp = create_dispatcher(api_settings, db, content, freeze_heap=True)
    assert gc.get_freeze_count() == 0  # building it freezes nothing yet
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    yield Harness(bot=bot, dp=dp, api=fake_api.emulator, settings=api_settings)
    await dp.emit_shutdown(bot=bot, **dp.workflow_data)
    await bot.session.close()


def frozen(obj: object) -> bool:
    """Out of the collector's sight: frozen objects are in no generation."""
    return gc.is_tracked(obj) and all(o is not obj for o in gc.get_objects())


async def test_start_up_freezes_what_it_built(serving: Harness, content: ContentStore) -> None:
    assert gc.get_freeze_count() > 0
    assert frozen(content.catalog)


async def test_a_reload_lets_the_old_content_go_and_freezes_the_new(
    serving: Harness, content: ContentStore
) -> None:
    old = weakref.ref(content.catalog)
    admin = serving.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/reload")
    assert admin.last_text.startswith("✅ Контент обновлён")
    assert old() is None
    assert content.catalog is not None and frozen(content.catalog)
    assert gc.get_freeze_count() > 0


async def test_the_tests_and_chat_dispatcher_freeze_nothing(
    harness: Harness, content: ContentStore
) -> None:
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/reload")
    assert gc.get_freeze_count() == 0
