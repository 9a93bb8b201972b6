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
import logging

from aiogram import Bot

from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.events import DueNotice, NoticeStatus
from bot.services import event_reminders, event_rsvps, events, users
from bot.transport.pacing import own_retries
from bot.views.events import notice as notice_view
from bot.workers.paced import PacedWorker, send_paced

log = logging.getLogger(__name__)

INTERVAL = 30.0  # seconds between looks for due notices (a reminder is at most this late)
BATCH = 200


class EventReminders(PacedWorker):
    """`start(bot)` at dispatcher start-up, `stop()` at shutdown; `run_once()` sends what is
    due now (the loop calls it every `INTERVAL`, tests and the bench call it directly)."""

    name = "event-reminders"

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
        super().__init__(settings, interval)
        self.db = db
        self.content = content
        self.clock = clock or Clock()
        self.concurrency = concurrency
        self.sent = 0  # notices delivered since start (the bench reads it)

    async def start(self, bot: Bot, *, loop: bool = True) -> None:
        uncertain = await event_reminders.recover(self.db)
        if uncertain:
            log.warning(
                "%d event notices were in flight at the last stop: counted as uncertain,"
                " not sent again",
                uncertain,
            )
        self._begin(bot, loop=loop)

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
        status = await send_paced(
            self._bot, self.pacer, notice.user_id, text, markup, what="event notice"
        )
        await self._settle(notice, status)
        if status == "blocked":
            await users.set_blocked(self.db, notice.user_id, True)
        if status == "sent":
            self.sent += 1
        return status == "sent"

    async def _settle(self, notice: DueNotice, status: NoticeStatus) -> None:
        await event_reminders.mark_reminder_sent(self.db, notice, self.clock.now(), status)
