"""Retention: what the bot keeps only for a while is purged at start-up and every few hours.

Question texts are kept for `QUESTION_TEXT_DAYS` (the gaps report looks 30 days back by
default; a quarter leaves room for a quarterly look). After that a question row keeps only
its figures (date, language, topic, answered, rating) for /stats. The texts of ticket
threads kept for the web panel (migration 0018) go after the same time. Each round ends with a
WAL checkpoint, which also finishes one that /forget could not (a backup was reading).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import aiosqlite

from bot import clock
from bot.db.database import Database
from bot.db.questions import Questions
from bot.db.tickets import Tickets
from bot.loop import cancel_and_wait

log = logging.getLogger(__name__)

QUESTION_TEXT_DAYS = 90
EVERY = 6 * 3600.0  # seconds between rounds


async def tidy(db: Database, now: datetime | None = None) -> int:
    """One round; returns how many questions lost their text."""
    before = clock.iso((now or clock.now()) - timedelta(days=QUESTION_TEXT_DAYS))
    async with db.transaction() as conn:
        purged = await Questions(conn).purge_text(before)
        threads = await Tickets(conn).purge_bodies(before)
    # The blanked text is zeroed in the pages written; the checkpoint takes it out of the
    # WAL's older frames and the main file too.
    if not await db.checkpoint():
        log.warning("WAL checkpoint incomplete (a reader was busy); next round retries")
    if threads:
        log.info("%d old ticket messages lost their text", threads)
    if purged:
        log.info("%d old questions lost their text (kept %d days)", purged, QUESTION_TEXT_DAYS)
    return purged


class Housekeeper:
    """`start()` tidies once (start-up), then every `every` seconds in a background task."""

    def __init__(self, db: Database, *, every: float = EVERY) -> None:
        self.db = db
        self.every = every
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await tidy(self.db)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="housekeeping")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await tidy(self.db)
            except aiosqlite.Error as exc:  # a locked database: the next round tries again
                log.warning("housekeeping failed: %s", type(exc).__name__)
