"""Retrying Bot API calls that failed for a passing reason, without ever sending twice.

aiogram's session does not retry. This request middleware (installed in `create_bot`) does,
a bounded number of times, and only where a repeat cannot duplicate anything:

- **429 Too Many Requests**: Telegram did nothing and says when to come back; every method is
  retried after `retry_after` (if that is short enough to wait inside a handler).
- **Could not connect** (connection refused, DNS): the request never left; every method.
- **5xx and timeouts**: the server may have done the work before failing to answer, so only
  methods that are harmless to repeat are retried — reads, and calls that set a state rather
  than add something (edits, deletes, reactions, answering a button, the command menu).
  `sendMessage`, `copyMessage`, `sendDocument`… are not: the error reaches the handler and
  the global error handler, and the user, who sees what arrived, can simply ask again.

`getUpdates` is left to the polling loop, which has its own back-off, and code that paces and
retries its own calls (the announcement worker, which pauses every sender on a 429) turns
this off for its task with `own_retries.set(True)`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiohttp import ClientConnectorError

log = logging.getLogger(__name__)

# Calls that set a state (or only read): repeating one after an unknown outcome is harmless.
# An edit that already happened answers "not modified", a second answerCallbackQuery "query
# is too old"; the handlers already take both in their stride.
REPEATABLE = frozenset({
    "getMe", "getChat", "getChatMember", "getFile", "getMyCommands", "getWebhookInfo",
    "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook",
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "deleteMessage",
    "setMessageReaction", "answerCallbackQuery", "sendChatAction",
})
NOT_RETRIED = frozenset({"getUpdates"})
# True in a task that handles flood waits and errors itself: its calls pass straight through.
own_retries: contextvars.ContextVar[bool] = contextvars.ContextVar("own_retries", default=False)


class RetryMiddleware(BaseRequestMiddleware):
    """Up to `attempts` tries per call, waiting `backoff * 2**n` (or Telegram's retry_after)."""

    def __init__(self, attempts: int = 3, backoff: float = 0.5, max_wait: float = 10.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.retried = 0

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        if own_retries.get():
            return await make_request(bot, method)
        name = method.__api_method__
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except (TelegramRetryAfter, TelegramServerError, TelegramNetworkError) as exc:
                wait = self._wait(name, exc, attempt)
                if wait is None:
                    raise
                log.warning("%s failed (%s), retry %d of %d in %.1fs", name,
                            type(exc).__name__, attempt, self.attempts - 1, wait)
            self.retried += 1
            attempt += 1
            await self.sleep(wait)

    def _wait(self, name: str, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before the next try, or None when the error must go up."""
        if attempt >= self.attempts or name in NOT_RETRIED:
            return None
        if isinstance(exc, TelegramRetryAfter):
            return float(exc.retry_after) if exc.retry_after <= self.max_wait else None
        never_sent = isinstance(exc, TelegramNetworkError) and isinstance(
            exc.__cause__, ClientConnectorError)
        if never_sent or name in REPEATABLE:
            return self.backoff * 2 ** (attempt - 1)
        return None


def retry_middleware(bot: Bot) -> RetryMiddleware:
    """The retry middleware `create_bot` installed on this bot's session."""
    for middleware in bot.session.middleware._middlewares:
        if isinstance(middleware, RetryMiddleware):
            return middleware
    raise LookupError("this bot's session has no RetryMiddleware")
