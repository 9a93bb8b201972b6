"""One pace for everything the bot sends, as Telegram counts it: about 30 messages a second
for the whole bot, replies and announcements together.

`Pacer` is a request middleware on the bot's session (installed by `create_bot`): every call
that puts or changes a message (send*, copy*, forward*, edit*) takes a token from one
`TokenBucket` first, wherever it comes from (a handler, the error handler, the registration
poster). The announcement worker takes its tokens from the same bucket, itself and at
background priority (`Pacer.acquire(background=True)`), so a reply never waits behind
announcements, and announcements also keep to their own `BROADCAST_RATE`.

A flood wait (429) holds the bucket: nobody sends until it is over. A reply waits it out
and is sent then, so a burst of first messages costs time, never a reply, and never an
error message that would itself add to the flood. A wait longer than `max_flood_wait` is not
the global limit (Telegram asks for a second or two there) but a restriction on one chat or
method: it is not held for everyone, the call fails, and the error handler stays silent.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod

from bot.clock import Clock

log = logging.getLogger(__name__)

# True in a task that paces its calls and handles flood waits and errors itself (the
# announcement worker): its calls pass straight through the pacer and the retry middleware.
own_retries: contextvars.ContextVar[bool] = contextvars.ContextVar("own_retries", default=False)

# Calls Telegram's global limit counts: they put a message in a chat or change one.
PACED_PREFIXES = ("send", "copy", "forward", "edit")
NOT_PACED = frozenset({"sendChatAction"})


def is_paced(method_name: str) -> bool:
    return method_name.startswith(PACED_PREFIXES) and method_name not in NOT_PACED


class TokenBucket:
    """At most `rate` acquisitions a second, with a small burst; `hold` stops everyone for a
    flood wait. Urgent callers queue on a lock, in order; background callers take a token
    only while no urgent caller waits."""

    def __init__(self, rate: float, clock: Clock, burst: float | None = None) -> None:
        self.rate = rate
        # Telegram counts messages in a sliding second: a burst on top of a full second's rate
        # must stay under its ~30, so the bucket holds a tenth of a second's worth.
        self.capacity = burst if burst is not None else max(1.0, rate / 10)
        self.clock = clock
        self._tokens = self.capacity
        self._stamp = clock.monotonic()
        self._hold_until = 0.0
        self._lock = asyncio.Lock()  # urgent callers, first come first served
        self._background = asyncio.Lock()  # background callers, among themselves
        self._urgent = 0  # urgent callers waiting for a token
        self._no_urgent = asyncio.Event()
        self._no_urgent.set()

    def hold(self, seconds: float) -> None:
        self._hold_until = max(self._hold_until, self.clock.monotonic() + seconds)
        self._tokens = 0.0

    async def acquire(self, background: bool = False) -> None:
        if background:
            async with self._background:
                await self._take(background=True)
            return
        self._urgent += 1
        self._no_urgent.clear()
        try:
            async with self._lock:
                await self._take(background=False)
        finally:
            self._urgent -= 1
            if not self._urgent:
                self._no_urgent.set()

    async def _take(self, background: bool) -> None:
        while True:
            if background and self._urgent:
                await self._no_urgent.wait()
                continue
            now = self.clock.monotonic()
            if now < self._hold_until:
                await self.clock.sleep(self._hold_until - now)
                continue
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1 - 1e-9:  # float sums of small steps fall just short
                self._tokens = max(0.0, self._tokens - 1)
                return
            await self.clock.sleep(max((1 - self._tokens) / self.rate, 1e-4))


class Pacer(BaseRequestMiddleware):
    """The bot-wide bucket (`rate` messages a second) and the announcements' own limit
    (`background_rate`) within it; paces every message call that does not pace itself."""

    def __init__(
        self,
        rate: float,
        background_rate: float,
        clock: Clock | None = None,
        max_flood_wait: float = 10.0,
        max_total_wait: float = 60.0,
    ) -> None:
        clock = clock or Clock()
        self.bucket = TokenBucket(rate, clock)
        self.background = TokenBucket(background_rate, clock)
        self.max_flood_wait = max_flood_wait
        self.max_total_wait = max_total_wait
        self.flood_waits = 0  # 429s met by paced calls (the bench and tests read it)

    async def acquire(self, background: bool = False) -> None:
        """A token for one message; background callers (announcements) also keep to their
        own rate and let every waiting reply go first."""
        if background:
            await self.background.acquire()
        await self.bucket.acquire(background=background)

    def hold(self, seconds: float) -> None:
        """Telegram said to wait: nobody sends until then."""
        self.flood_waits += 1
        self.bucket.hold(seconds)

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        name = method.__api_method__
        if own_retries.get() or not is_paced(name):
            return await make_request(bot, method)
        waited = 0.0
        while True:
            await self.acquire()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                waited += exc.retry_after
                if exc.retry_after > self.max_flood_wait or waited > self.max_total_wait:
                    raise
                self.hold(exc.retry_after)
                log.warning(
                    "%s met a flood wait: everyone waits %ss, then it is sent",
                    name,
                    exc.retry_after,
                )


def pacer(bot: Bot) -> Pacer | None:
    """The pacer `create_bot` installed on this bot's session, if any."""
    for middleware in bot.session.middleware:  # aiogram's manager is a Sequence
        if isinstance(middleware, Pacer):
            return middleware
    return None
