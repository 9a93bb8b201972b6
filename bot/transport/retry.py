"""Retrying Bot API calls that failed for a passing reason, without ever sending twice.

aiogram's session does not retry. This request middleware (installed in `create_bot`) does,
a bounded number of times, and only where a repeat cannot duplicate anything. An answer is
classified by its HTTP status (`bot/transport/session.py`), whatever its body:

- **429 Too Many Requests**: Telegram did nothing and says when to come back. Calls that put
  a message in a chat are paced and held by `transport/pacing.py`, which waits flood waits out for
  everyone at once; other calls are retried here after `retry_after` (if short enough to
  wait inside a handler).
- **The call never reached the Bot API**: the connection could not be opened (refused, DNS),
  or the gateway answered **502 Bad Gateway / 503 Service Unavailable** (nginx's page: the
  Bot API behind it could not be reached). Every method is retried, sends included.
- **The call may have been done**: **500** (the server failed while handling it), **504
  Gateway Timeout** (the Bot API got the call and did not answer in time: Telegram may well
  have sent the message), a timeout or a connection dropped mid-call. Only methods that are
  harmless to repeat are retried — reads, and calls that set a state rather than add
  something (edits, deletes, reactions, answering a button, the command menu).
  `sendMessage`, `copyMessage`, `sendDocument`… are not: the error reaches the handler and
  the global error handler, and the user, who sees what arrived, can simply ask again.

`getUpdates` is left to the polling loop, which has its own back-off, and code that paces and
retries its own calls (the announcement worker) turns this off for its task with
`own_retries.set(True)`, using `never_reached` to decide for itself.
"""

from __future__ import annotations

import asyncio
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

from bot.transport.pacing import is_paced, own_retries
from bot.transport.session import ServerError

log = logging.getLogger(__name__)

# Calls that set a state (or only read): repeating one after an unknown outcome is harmless.
# An edit that already happened answers "not modified", a second answerCallbackQuery "query
# is too old"; the handlers already take both in their stride.
REPEATABLE = frozenset(
    {
        "getMe",
        "getChat",
        "getChatMember",
        "getFile",
        "getMyCommands",
        "getWebhookInfo",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "setMessageReaction",
        "answerCallbackQuery",
        "sendChatAction",
    }
)
NOT_RETRIED = frozenset({"getUpdates"})
# The gateway's answers that mean the Bot API behind it never got the call.
NEVER_REACHED_STATUSES = frozenset({502, 503})

__all__ = ["REPEATABLE", "RetryMiddleware", "never_reached", "own_retries"]


def never_reached(exc: BaseException) -> bool:
    """True when the failed call certainly did nothing, so even a send may be made again."""
    if isinstance(exc, ServerError):
        return exc.status in NEVER_REACHED_STATUSES
    return isinstance(exc, TelegramNetworkError) and isinstance(exc.__cause__, ClientConnectorError)


class RetryMiddleware(BaseRequestMiddleware):
    """Up to `attempts` tries per call, waiting `backoff * 2**n` (or Telegram's retry_after)."""

    def __init__(
        self,
        attempts: int = 3,
        backoff: float = 0.5,
        max_wait: float = 10.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.retried = 0

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
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
                log.warning(
                    "%s failed (%s), retry %d of %d in %.1fs",
                    name,
                    type(exc).__name__,
                    attempt,
                    self.attempts - 1,
                    wait,
                )
            self.retried += 1
            attempt += 1
            await self.sleep(wait)

    def _wait(self, name: str, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before the next try, or None when the error must go up."""
        if attempt >= self.attempts or name in NOT_RETRIED:
            return None
        if isinstance(exc, TelegramRetryAfter):
            if is_paced(name):  # the pacer has waited it out already, as long as it would
                return None
            wait = float(exc.retry_after)
            return wait if wait <= self.max_wait else None
        if never_reached(exc) or name in REPEATABLE:
            return float(self.backoff * 2 ** (attempt - 1))
        return None
