"""Telling everyone who signed up or waits that an event was cancelled: one background task,
paced like announcements (`Pacer.acquire(background=True)`: replies first, then
announcements and these within `BROADCAST_RATE`), each person told once, in their language.

Exactly once, as announcements and reminders are: a notice is recorded as 'sending' before
the call (the key refuses a second record) and settled after it; a stop in between leaves
'sending', which the next start turns into 'uncertain', never sent again. A cancellation
found at start-up (the bot stopped while telling) is carried on from where it was.
"""

from __future__ import annotations

import logging

from aiogram import Bot

from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.event_notices import CancelNotice
from bot.db.events import NoticeStatus
from bot.services import event_admin, events, users
from bot.transport.pacing import own_retries
from bot.views.event_admin import cancelled_notice
from bot.workers.paced import PacedWorker, send_paced

log = logging.getLogger(__name__)

INTERVAL = 60.0  # a look now and then besides `wake()`: a cancellation left by a stop


class CancellationNotices(PacedWorker):
    """`start(bot)` at start-up, `stop()` at shutdown, `wake()` after a cancellation;
    `run_once()` tells everyone owed a notice now (tests call it to wait for the worker)."""

    name = "event-cancellations"

    def __init__(
        self,
        db: Database,
        content: ContentStore,
        settings: Settings,
        clock: Clock | None = None,
        *,
        interval: float = INTERVAL,
    ) -> None:
        super().__init__(settings, interval)
        self.db = db
        self.content = content
        self.clock = clock or Clock()

    async def start(self, bot: Bot) -> None:
        uncertain = await event_admin.recover_cancel_notices(self.db)
        if uncertain:
            log.warning("%d cancellation notices were in flight at the last stop", uncertain)
        self._begin(bot)

    async def run_once(self) -> int:
        """Tell everyone owed a notice now, one at a time at the announcements' pace;
        returns how many were told."""
        async with self._lock:
            token = own_retries.set(True)
            try:
                told = 0
                while owed := await event_admin.owed_cancel_notices(self.db, self.clock.now()):
                    for notice in owed:
                        told += await self._deliver(notice)
                return told
            finally:
                own_retries.reset(token)

    async def _deliver(self, notice: CancelNotice) -> bool:
        assert self._bot is not None
        if not await event_admin.claim_cancel_notice(self.db, notice, self.clock.now()):
            return False
        event = await events.get(self.db, notice.event_id)
        if event is None:
            await self._settle(notice, "failed")
            return False
        text = cancelled_notice(self.content.i18n(self._language(notice.language)), event)
        status = await send_paced(
            self._bot, self.pacer, notice.user_id, text, what="cancellation notice"
        )
        await self._settle(notice, status)
        if status == "blocked":
            await users.set_blocked(self.db, notice.user_id, True)
        return status == "sent"

    async def _settle(self, notice: CancelNotice, status: NoticeStatus) -> None:
        await event_admin.settle_cancel_notice(self.db, notice, status, self.clock.now())
