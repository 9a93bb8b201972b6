"""What the event workers share: one background task that looks for work on a timer or when
woken, sends at the announcements' pace (`Pacer.acquire(background=True)`: replies first),
and reads a send's outcome the same way, so "exactly once" means the same in each of them.
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
from aiogram.types import InlineKeyboardMarkup

from bot.config import Language, Settings, stored_language
from bot.db.events import NoticeStatus
from bot.loop import cancel_and_wait
from bot.transport.pacing import Pacer, own_retries, pacer
from bot.transport.retry import never_reached

log = logging.getLogger(__name__)


async def send_paced(
    bot: Bot,
    pace: Pacer,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    what: str,
) -> NoticeStatus:
    """One message at the background pace; a flood wait holds everyone, then this one goes
    again. The outcome as the notice tables record it: 'sent'; 'blocked'; 'failed' when it
    certainly did not reach Telegram or was refused; 'uncertain' when it may have arrived."""
    while True:
        await pace.acquire(background=True)
        try:
            await bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as exc:
            pace.hold(exc.retry_after)
            continue
        except TelegramForbiddenError:
            return "blocked"
        except (TelegramNetworkError, TelegramServerError) as exc:
            return "failed" if never_reached(exc) else "uncertain"
        except TelegramAPIError as exc:
            log.warning("%s to %s refused: %s", what, chat_id, exc)
            return "failed"
        except Exception as exc:  # an unreadable answer: it may have arrived
            log.warning("%s: unreadable answer: %s", what, type(exc).__name__)
            return "uncertain"
        return "sent"


class PacedWorker:
    """`start(bot)` at start-up, `stop()` at shutdown, `wake()` when there is new work;
    subclasses say what `run_once()` sends (tests and benches call it directly)."""

    name = "paced-worker"

    def __init__(self, settings: Settings, interval: float) -> None:
        self.settings = settings
        self.pacer = Pacer(settings.send_rate, settings.broadcast_rate)
        self.interval = interval
        self._bot: Bot | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    def _begin(self, bot: Bot, *, loop: bool = True) -> None:
        self._bot = bot
        self.pacer = pacer(bot) or self.pacer
        if loop:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        raise NotImplementedError

    async def _loop(self) -> None:
        own_retries.set(True)  # this task paces itself and waits out flood waits for all
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: the worker failed; retrying shortly", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    def _language(self, stored: str | None) -> Language:
        return stored_language(stored, self.settings.default_language)
