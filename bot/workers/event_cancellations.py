"""Telling everyone who signed up or waits that an event was cancelled: one background task,
paced like announcements (`Pacer.acquire(background=True)`: replies first, then
announcements and these within `BROADCAST_RATE`), each person told once, in their language.

Exactly once, as announcements and reminders are: a notice is recorded as 'sending' before
the call (the key refuses a second record) and settled after it; a stop in between leaves
'sending', which the next start turns into 'uncertain', never sent again. A cancellation
found at start-up (the bot stopped while telling) is carried on from where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Language, Settings
from bot.db.database import Database
from bot.db.event_notices import CancelNotice
from bot.db.events import NoticeStatus
from bot.loop import cancel_and_wait
from bot.services import event_admin, events, users
from bot.transport.pacing import Pacer, own_retries, pacer
from bot.transport.retry import never_reached
from bot.views.event_admin import cancelled_notice

log = logging.getLogger(__name__)

INTERVAL = 60.0  # a look now and then besides `wake()`: a cancellation left by a stop


class CancellationNotices:
    """`start(bot)` at start-up, `stop()` at shutdown, `wake()` after a cancellation;
    `run_once()` tells everyone owed a notice now (tests call it to wait for the worker)."""

    def __init__(
        self,
        db: Database,
        content: ContentStore,
        settings: Settings,
        clock: Clock | None = None,
        *,
        interval: float = INTERVAL,
    ) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.clock = clock or Clock()
        self.pacer = Pacer(settings.send_rate, settings.broadcast_rate)
        self.interval = interval
        self._bot: Bot | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    async def start(self, bot: Bot) -> None:
        self._bot = bot
        self.pacer = pacer(bot) or self.pacer
        uncertain = await event_admin.recover_cancel_notices(self.db)
        if uncertain:
            log.warning("%d cancellation notices were in flight at the last stop", uncertain)
        self._task = asyncio.create_task(self._loop(), name="event-cancellations")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        own_retries.set(True)  # this task paces itself and waits out flood waits for all
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cancellation notices: the worker failed; retrying shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

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

    def _language(self, stored: str | None) -> Language:
        return (
            "kk" if stored == "kk" else "ru" if stored == "ru" else self.settings.default_language
        )

    async def _deliver(self, notice: CancelNotice) -> bool:
        assert self._bot is not None
        if not await event_admin.claim_cancel_notice(self.db, notice, self.clock.now()):
            return False
        event = await events.get(self.db, notice.event_id)
        if event is None:
            await self._settle(notice, "failed")
            return False
        text = cancelled_notice(self.content.i18n(self._language(notice.language)), event)
        while True:
            await self.pacer.acquire(background=True)
            try:
                await self._bot.send_message(notice.user_id, text)
            except TelegramRetryAfter as exc:
                self.pacer.hold(exc.retry_after)  # everyone waits, then this one again
                continue
            except TelegramForbiddenError:
                await self._settle(notice, "blocked")
                await users.set_blocked(self.db, notice.user_id, True)
                return False
            except (TelegramNetworkError, TelegramServerError) as exc:
                await self._settle(notice, "failed" if never_reached(exc) else "uncertain")
                return False
            except TelegramAPIError as exc:
                log.warning("cancellation notice to %s refused: %s", notice.user_id, exc)
                await self._settle(notice, "failed")
                return False
            except Exception as exc:  # an unreadable answer: it may have arrived
                log.warning("cancellation notice: unreadable answer: %s", type(exc).__name__)
                await self._settle(notice, "uncertain")
                return False
            await self._settle(notice, "sent")
            return True

    async def _settle(self, notice: CancelNotice, status: NoticeStatus) -> None:
        await event_admin.settle_cancel_notice(self.db, notice, status, self.clock.now())
