"""The event reminder worker: reminders 24 h and 1 h before, the rating question after, and
news of a new event for those who asked. One background task beside polling, like the
announcement worker, sharing its pace (`Pacer.acquire(background=True)`: replies first,
announcements and reminders together within `BROADCAST_RATE`).

Exactly once, as announcements: each notice is recorded as 'sending' in its own
transaction before the call (the primary key refuses a second record) and settled after
it. A stop between the two leaves it 'sending', which the next start turns into
'uncertain': never sent again. A send that certainly did not reach Telegram (a gateway
page, no connection) is recorded 'failed', and one whose fate is unknown 'uncertain'; a
blocked user is marked blocked. The clock is injectable: tests move it past the start of
an event and call `run_once()`.
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
from bot.db.events import DueNotice, NoticeStatus
from bot.loop import cancel_and_wait
from bot.services import event_reminders, event_rsvps, events, users
from bot.transport.pacing import Pacer, own_retries, pacer
from bot.transport.retry import never_reached
from bot.views.events import notice as notice_view

log = logging.getLogger(__name__)

INTERVAL = 30.0  # seconds between looks for due notices (a reminder is at most this late)
BATCH = 200


class EventReminders:
    """`start(bot)` at dispatcher start-up, `stop()` at shutdown; `run_once()` sends what is
    due now (the loop calls it every `INTERVAL`, tests and the bench call it directly)."""

    def __init__(
        self,
        db: Database,
        content: ContentStore,
        settings: Settings,
        clock: Clock | None = None,
        *,
        concurrency: int = 8,
        interval: float = INTERVAL,
    ) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.clock = clock or Clock()
        self.pacer = Pacer(settings.send_rate, settings.broadcast_rate)
        self.concurrency = concurrency
        self.interval = interval
        self.sent = 0  # notices delivered since start (the bench reads it)
        self._bot: Bot | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    async def start(self, bot: Bot, *, loop: bool = True) -> None:
        self._bot = bot
        self.pacer = pacer(bot) or self.pacer
        uncertain = await event_reminders.recover(self.db)
        if uncertain:
            log.warning(
                "%d event notices were in flight at the last stop: counted as uncertain,"
                " not sent again",
                uncertain,
            )
        if loop:
            self._task = asyncio.create_task(self._loop(), name="event-reminders")

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
                log.exception("event reminders: the worker failed; retrying shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    async def run_once(self) -> int:
        """Send every notice due now; returns how many were delivered."""
        async with self._lock:
            token = own_retries.set(True)
            try:
                delivered = 0
                slots = asyncio.Semaphore(self.concurrency)

                async def one(notice: DueNotice) -> bool:
                    async with slots:
                        return await self._deliver(notice)

                while True:
                    due = await event_reminders.due_reminders(self.db, self.clock.now(), BATCH)
                    if not due:
                        return delivered
                    results = await asyncio.gather(*(one(n) for n in due))
                    delivered += sum(results)
            finally:
                own_retries.reset(token)

    def _language(self, stored: str | None) -> Language:
        return (
            "kk" if stored == "kk" else "ru" if stored == "ru" else self.settings.default_language
        )

    async def _deliver(self, notice: DueNotice) -> bool:
        assert self._bot is not None
        if not await event_reminders.claim(self.db, notice, self.clock.now()):
            return False
        event = await events.get(self.db, notice.event_id)
        rsvp = await event_rsvps.get_rsvp(self.db, notice.event_id, notice.user_id)
        if event is None:
            await self._settle(notice, "failed")
            return False
        t = self.content.i18n(self._language(notice.language))
        text, markup = notice_view(t, self.content.catalog.events, notice.kind, event, rsvp)
        while True:
            await self.pacer.acquire(background=True)
            try:
                await self._bot.send_message(notice.user_id, text, reply_markup=markup)
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
                log.warning("event notice to %s refused: %s", notice.user_id, exc)
                await self._settle(notice, "failed")
                return False
            except Exception as exc:  # an unreadable answer: it may have arrived
                log.warning("event notice: unreadable answer: %s", type(exc).__name__)
                await self._settle(notice, "uncertain")
                return False
            await self._settle(notice, "sent")
            self.sent += 1
            return True

    async def _settle(self, notice: DueNotice, status: NoticeStatus) -> None:
        await event_reminders.mark_reminder_sent(self.db, notice, self.clock.now(), status)
