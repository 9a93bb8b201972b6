"""The delivery worker: one background task in the bot's process that sends announcements.

It never runs inside a handler, so conversations stay responsive while it sends. Each
delivery is marked in flight ("sending") in its own transaction before the API call and
settled after it; at start-up, rows still in flight become "uncertain" and are not sent
again. Sending takes its turns from the bot-wide bucket (`bot/transport/pacing.py`) at background
priority: replies go first, and announcements keep to `BROADCAST_RATE` within it.

A copy is sent again only when Telegram certainly did not make it: a flood wait, a
connection that could not be opened, the gateway's 502/503 (`bot.transport.retry.never_reached`).
After a timeout, a dropped connection, a 500 or a 504, or an answer that cannot be read,
Telegram may have delivered it: the delivery is settled as "uncertain" at once (maybe
delivered, reported to the admin as such) and never sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

from bot import clock
from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Language, Settings, stored_language
from bot.db.broadcasts import Broadcast, Broadcasts, Recipient, Tally
from bot.db.database import Database
from bot.db.users import Users
from bot.loop import cancel_and_wait
from bot.transport.pacing import Pacer, own_retries, pacer
from bot.transport.retry import never_reached
from bot.views.announcements import (
    announcement_markup,
    progress_keyboard,
    progress_text,
    report_text,
)

log = logging.getLogger(__name__)

BATCH = 200  # recipients read from the database at a time
T = TypeVar("T")


@dataclass
class _Run:
    """Figures of the current pass over a job, for the rate and the ETA."""

    job: Broadcast
    started: float
    processed_at_start: int


class Broadcaster:
    """Finds due jobs and sends them. `start(bot)` at dispatcher start-up, `stop()` at
    shutdown; handlers call `wake()` after creating a job and `pause/resume/cancel`."""

    def __init__(
        self,
        db: Database,
        content: ContentStore,
        settings: Settings,
        clock: Clock | None = None,
        *,
        concurrency: int = 8,
        max_attempts: int = 4,
        backoff: float = 0.5,
        progress_every: float = 3.0,
    ) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.clock = clock or Clock()
        # The bot's pacer, found at start(): one bucket for replies and announcements.
        self.pacer = Pacer(settings.send_rate, settings.broadcast_rate)
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.progress_every = progress_every
        self._bot: Bot | None = None
        self._username = ""
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._asked = 0  # settle() calls so far
        self._idle_at = 0  # the last of them answered by a look that found nothing due
        self._requests: dict[int, str] = {}  # job id → "paused" | "cancelled" while it runs
        self._current: int | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self, bot: Bot) -> None:
        """Count what was in flight at the last stop as uncertain, then resume the queue."""
        self._bot = bot
        self.pacer = pacer(bot) or self.pacer
        await self._learn_username()
        async with self.db.transaction() as conn:
            uncertain = await Broadcasts(conn).recover()
        if uncertain:
            log.warning(
                "%d announcement deliveries were in flight at the last stop: "
                "counted as uncertain, not sent again",
                uncertain,
            )
        self._task = asyncio.create_task(self._loop(), name="broadcaster")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _learn_username(self) -> None:
        """For registration links under announcements; empty while Telegram has not told
        the bot its own name (set-up retries that in the background), tried again per job."""
        if self._bot is not None and not self._username:
            with contextlib.suppress(Exception):
                self._username = (await self._bot.me()).username or ""

    def wake(self) -> None:
        self._wake.set()

    async def settle(self) -> None:
        """Wake the worker and wait until a look for due jobs that began after this call
        found none: everything due by now is sent (tests and the bench use it)."""
        self._asked += 1
        target = self._asked
        self._wake.set()
        while self._task is not None and not self._task.done() and self._idle_at < target:
            self._idle.clear()
            idle = asyncio.create_task(self._idle.wait())
            await asyncio.wait({idle, self._task}, return_when=asyncio.FIRST_COMPLETED)
            await cancel_and_wait(idle)

    # --- control from the admin's buttons ---------------------------------------------------

    async def pause(self, job_id: int) -> bool:
        return await self._control(job_id, "paused", ("running",))

    async def resume(self, job_id: int) -> bool:
        return await self._control(job_id, "running", ("paused",))

    async def cancel(self, job_id: int) -> bool:
        return await self._control(job_id, "cancelled", ("running", "scheduled", "paused"))

    async def _control(self, job_id: int, status: str, allowed: tuple[str, ...]) -> bool:
        async with self.db.transaction() as conn:
            changed = await Broadcasts(conn).control(
                job_id, status, allowed, clock.iso(self.clock.now())
            )
        if changed and status != "running" and job_id == self._current:
            self._requests[job_id] = status
        self.wake()
        return changed

    # --- the loop ---------------------------------------------------------------------------

    async def _loop(self) -> None:
        # This task paces itself and waits out flood waits for every sender at once; the
        # bot-wide retry middleware would only make each sender wait alone.
        own_retries.set(True)
        while True:
            self._wake.clear()
            asked = self._asked
            job = await Broadcasts(self.db.conn).next_due(clock.iso(self.clock.now()))
            if job is None:
                timeout = await self._until_next()
                self._idle_at = asked
                self._idle.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
                continue
            try:
                await self._process(job)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("announcement %s: the worker failed; retrying shortly", job.id)
                await asyncio.sleep(5)

    async def _until_next(self) -> float | None:
        """Seconds until the next scheduled job (at most a minute; None: nothing is queued)."""
        due = await Broadcasts(self.db.conn).next_due_at()
        if due is None:
            return None
        seconds = (clock.parse_iso(due) - self.clock.now()).total_seconds()
        return min(max(seconds, 0.05), 60.0)

    async def _process(self, job: Broadcast) -> None:
        async with self.db.transaction() as conn:
            await Broadcasts(conn).set_status(job.id, "running", clock.iso(self.clock.now()))
        self._current = job.id
        self._requests.pop(job.id, None)
        await self._learn_username()
        tally = await Broadcasts(self.db.conn).tally(job.id)
        run = _Run(job, self.clock.monotonic(), tally.processed)
        progress = asyncio.create_task(self._progress_loop(run))
        in_flight: dict[int, asyncio.Task[None]] = {}
        slots = asyncio.Semaphore(self.concurrency)
        try:
            while job.id not in self._requests:
                batch = await Broadcasts(self.db.conn).pending(job.id, BATCH, set(in_flight))
                if not batch:
                    if not in_flight:
                        break
                    await asyncio.wait(set(in_flight.values()), return_when=asyncio.FIRST_COMPLETED)
                    continue
                for recipient in batch:
                    await slots.acquire()
                    if job.id in self._requests:
                        slots.release()
                        break
                    await self.pacer.acquire(background=True)
                    task = asyncio.create_task(self._deliver(job, recipient))
                    in_flight[recipient.user_id] = task
                    task.add_done_callback(_finisher(in_flight, recipient.user_id, slots))
            if in_flight:
                await asyncio.gather(*in_flight.values(), return_exceptions=True)
        except asyncio.CancelledError:
            for task in in_flight.values():
                task.cancel()
            # Let them unwind (a delivery waiting between tries puts itself back to pending).
            await asyncio.gather(*in_flight.values(), return_exceptions=True)
            raise
        finally:
            progress.cancel()
            self._current = None
        if self._requests.pop(job.id, None) is None:
            async with self.db.transaction() as conn:
                await Broadcasts(conn).set_status(job.id, "done", clock.iso(self.clock.now()))
        try:
            await self._show_progress(run, final=True)
        except TelegramAPIError as exc:
            log.warning("announcement %s: final report failed: %s", job.id, exc)

    # --- one delivery -----------------------------------------------------------------------

    async def _deliver(self, job: Broadcast, recipient: Recipient) -> None:
        assert self._bot is not None
        async with self.db.transaction() as conn:
            if not await Broadcasts(conn).claim(
                job.id, recipient.user_id, clock.iso(self.clock.now())
            ):
                return
        markup = self.markup(job.buttons, recipient.language)
        failures = 0
        while True:
            try:
                sent = await self._bot.copy_message(
                    chat_id=recipient.user_id,
                    from_chat_id=job.source_chat_id,
                    message_id=job.source_message_id,
                    reply_markup=markup,
                )
            except TelegramRetryAfter as exc:
                # A flood wait is for the whole bot: every sender stops, then this one retries.
                self.pacer.hold(exc.retry_after)
                async with self.db.transaction() as conn:
                    await Broadcasts(conn).add_flood_wait(job.id)
                await self._between_tries(job, recipient, self.pacer.acquire(background=True))
                continue
            except TelegramForbiddenError as exc:
                await self._settle(job, recipient, "blocked", error=exc.message)
                return
            except (TelegramNetworkError, TelegramServerError) as exc:
                if not never_reached(exc):
                    # Telegram may have delivered it (timeout, 500, 504): never twice.
                    await self._settle(job, recipient, "uncertain", error=str(exc)[:200])
                    return
                failures += 1
                if failures >= self.max_attempts:
                    await self._settle(job, recipient, "failed", error=str(exc)[:200])
                    return
                await self._between_tries(
                    job, recipient, self.clock.sleep(self.backoff * 2 ** (failures - 1))
                )
                await self._between_tries(job, recipient, self.pacer.acquire(background=True))
                continue
            except TelegramAPIError as exc:
                await self._settle(job, recipient, "failed", error=str(exc)[:200])
                if "message to copy not found" in str(exc):
                    # The admin deleted the original: every other copy would fail the same way.
                    log.error("announcement %s: the source message is gone; cancelled", job.id)
                    await self.cancel(job.id)
                return
            except Exception as exc:
                # An answer that could not be read: the copy may be there. Settled now rather
                # than left in flight until the next start.
                log.warning(
                    "announcement %s: unreadable answer for %s: %s",
                    job.id,
                    recipient.user_id,
                    type(exc).__name__,
                )
                await self._settle(job, recipient, "uncertain", error=type(exc).__name__)
                return
            await self._settle(job, recipient, "sent", message_id=sent.message_id)
            return

    async def _between_tries(
        self, job: Broadcast, recipient: Recipient, wait: Awaitable[Any]
    ) -> None:
        """A wait before trying again, when the copy certainly has not gone out: a stop (a
        deploy) meanwhile leaves the delivery pending, to be sent at the next start, instead
        of in flight, which the next start would count as maybe delivered and never send."""
        try:
            await wait
        except asyncio.CancelledError:
            await asyncio.shield(self._release(job, recipient))
            raise

    async def _release(self, job: Broadcast, recipient: Recipient) -> None:
        async with self.db.transaction() as conn:
            await Broadcasts(conn).release(job.id, recipient.user_id, clock.iso(self.clock.now()))

    async def _settle(
        self,
        job: Broadcast,
        recipient: Recipient,
        status: str,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        async with self.db.transaction() as conn:
            await Broadcasts(conn).settle(
                job.id,
                recipient.user_id,
                status,
                clock.iso(self.clock.now()),
                message_id=message_id,
                error=error,
            )
            if status == "blocked":
                await Users(conn).set_blocked(recipient.user_id, True)

    def _language(self, stored: str | None) -> Language:
        return stored_language(stored, self.settings.default_language)

    def markup(self, buttons: dict[str, str], language: str | None) -> InlineKeyboardMarkup:
        """The keyboard under an announcement in the recipient's language (the preview uses
        it too, so the admin sees exactly what users get)."""
        t = self.content.i18n(self._language(language))
        return announcement_markup(t, self.content.catalog, buttons, self._username)

    # --- the admin's live progress message --------------------------------------------------

    async def refresh(self, job_id: int) -> None:
        """Redraw a job's progress message after a change the worker did not make itself
        (a paused or scheduled job cancelled from its buttons)."""
        job = await Broadcasts(self.db.conn).get(job_id)
        if job is None or job.progress_message_id is None or job_id == self._current:
            return
        tally = await Broadcasts(self.db.conn).tally(job_id)
        await self._show_progress(_Run(job, self.clock.monotonic(), tally.processed), final=True)

    async def _progress_loop(self, run: _Run) -> None:
        while True:
            try:
                await self._show_progress(run)
            except TelegramAPIError as exc:
                log.warning("announcement %s: progress message failed: %s", run.job.id, exc)
            await asyncio.sleep(self.progress_every)

    async def _show_progress(self, run: _Run, final: bool = False) -> None:
        """Edit the progress message in place (send it the first time); the final pass also
        sends the report as a new message, so the admin is notified."""
        assert self._bot is not None
        repo = Broadcasts(self.db.conn)
        job = await repo.get(run.job.id)
        if job is None:
            return
        tally = await repo.tally(job.id)
        admin = await Users(self.db.conn).get(job.created_by)
        t = self.content.i18n(self._language(admin.language if admin else None))
        rate, eta = self._speed(run, tally)
        text = progress_text(t, job, tally, rate, eta)
        markup = progress_keyboard(t, job.id, job.status)
        bot = self._bot
        if job.progress_message_id is None or job.progress_chat_id is None:
            message = await self._paced(
                lambda: bot.send_message(job.created_by, text, reply_markup=markup)
            )
            async with self.db.transaction() as conn:
                await Broadcasts(conn).set_progress_message(
                    job.id, message.chat.id, message.message_id
                )
        else:
            chat_id, message_id = job.progress_chat_id, job.progress_message_id
            try:
                await self._paced(
                    lambda: bot.edit_message_text(
                        text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                    )
                )
            except TelegramBadRequest as exc:
                if "not modified" not in exc.message:
                    raise
        if final and job.status in ("done", "cancelled"):
            await self._paced(lambda: bot.send_message(job.created_by, report_text(t, job, tally)))

    async def _paced(self, call: Callable[[], Awaitable[T]]) -> T:
        """A call to the admin, inside the same rate as the announcements; a flood wait
        stops everyone and then the call is made again. From a handler (`refresh`) the
        session's pacer does all that already."""
        if not own_retries.get():
            return await call()
        while True:
            await self.pacer.acquire(background=True)
            try:
                return await call()
            except TelegramRetryAfter as exc:
                self.pacer.hold(exc.retry_after)

    def _speed(self, run: _Run, tally: Tally) -> tuple[float, float | None]:
        """Messages a second in this pass, and seconds left at that pace (None: unknown)."""
        elapsed = self.clock.monotonic() - run.started
        done = tally.processed - run.processed_at_start
        rate = done / elapsed if elapsed > 0.5 and done else 0.0
        eta = tally.remaining / rate if rate else None
        return rate, eta


def _finisher(
    in_flight: dict[int, asyncio.Task[None]], user_id: int, slots: asyncio.Semaphore
) -> Callable[[asyncio.Task[None]], None]:
    """When a delivery ends: free its slot, and log a failure that is not Telegram's."""

    def done(task: asyncio.Task[None]) -> None:
        in_flight.pop(user_id, None)
        slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "delivery to %s failed: %r (left in flight: counted uncertain at the next start)",
                user_id,
                task.exception(),
            )

    return done
