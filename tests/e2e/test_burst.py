"""A poster's QR code scanned by a crowd: hundreds of first messages within a second, against
a fake Telegram that enforces its global limit (30 messages in any second, then 429)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.broadcasts import Broadcasts
from bot.db.database import Database
from bot.services.broadcasts import Draft, create_broadcast
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.e2e.test_announcements import ADMIN, copies, seed_users
from tests.fake_api import FakeTelegramServer

TELEGRAM_LIMIT = 30


@pytest.fixture
async def crowd(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Harness]:
    """The bot as deployed (default rates, retries and pacing) before a strict Telegram."""
    fake_api.emulator.flood_limit = TELEGRAM_LIMIT
    deployed = {
        name: field.default
        for name, field in Settings.model_fields.items()
        if name in ("send_rate", "broadcast_rate", "flood_rate")
    }
    live = settings.model_copy(update={**deployed, "telegram_api_url": fake_api.base_url})
    bot = create_bot(live, TOKEN)
    dp = create_dispatcher(live, db, content)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    yield Harness(bot=bot, dp=dp, api=fake_api.emulator, settings=live)
    await dp.emit_shutdown(bot=bot, **dp.workflow_data)
    await bot.session.close()


def first_replies(h: Harness, users: list[Conversation]) -> list[list[str]]:
    """What each user got: the start of the sign-up form, in Kazakh (their phone's language)."""
    intro, name = "бағдарламасына тіркелу", "Тегіңіз бен атыңызды жазыңыз"
    return [
        ["intro" if intro in m.text else "name" if name in m.text else m.text for m in u.messages]
        for u in users
    ]


async def test_two_hundred_people_scanning_a_poster_all_get_their_replies(crowd: Harness) -> None:
    users = [crowd.user(9000 + i, f"Q{i}", language_code="kk") for i in range(200)]
    await asyncio.gather(*(u.send("/start reg-neet") for u in users))
    assert first_replies(crowd, users) == [["intro", "name"]] * 200


async def test_replies_and_an_announcement_share_telegrams_limit(
    crowd: Harness, db: Database
) -> None:
    """An announcement is going out at its full rate when a crowd writes: everyone gets
    their reply and every recipient one copy; nobody is told "something went wrong"."""
    await seed_users(crowd, db, range(9501, 9561))
    crowd.api.add_chat(ADMIN, "Admin")
    source_id = crowd.api.user_sends(ADMIN, "Жастар күні")["message"]["message_id"]
    broadcaster = crowd.dp["broadcaster"]
    job_id, total = await create_broadcast(
        db, Draft(ADMIN, ADMIN, source_id), broadcaster.clock.now()
    )
    broadcaster.wake()
    users = [crowd.user(9000 + i, f"Q{i}", language_code="kk") for i in range(60)]
    await asyncio.sleep(0.5)  # the announcement is under way
    await asyncio.gather(*(u.send("/start reg-neet") for u in users))
    assert first_replies(crowd, users) == [["intro", "name"]] * 60
    await broadcaster.settle()
    assert [copies(crowd, uid, (ADMIN, source_id)) for uid in range(9501, 9561)] == [1] * 60
    tally = await Broadcasts(db.conn).tally(job_id)
    assert tally.sent == total
