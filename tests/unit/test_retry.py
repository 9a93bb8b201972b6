"""Which failed calls the retry middleware repeats: never a send whose fate is unknown."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetMe, GetUpdates, SendMessage
from aiohttp import ClientConnectorError
from aiohttp.client_reqrep import ConnectionKey

from bot.transport.retry import RetryMiddleware
from bot.transport.session import ServerError

KEY = ConnectionKey("api.telegram.org", 443, True, True, None, None, None)


def refused_connection(method: Any) -> TelegramNetworkError:
    try:
        raise ClientConnectorError(KEY, OSError(111, "Connection refused"))
    except ClientConnectorError as exc:
        error = TelegramNetworkError(method=method, message="ClientConnectorError")
        error.__cause__ = exc
        return error


async def run(method: Any, errors: list[Exception]) -> tuple[int, Exception | None]:
    calls = 0
    waits: list[float] = []

    async def make_request(bot: Any, m: Any) -> str:
        nonlocal calls
        calls += 1
        if errors:
            raise errors.pop(0)
        return "ok"

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    middleware = RetryMiddleware(attempts=3, backoff=0.5, sleep=sleep)
    try:
        await middleware(make_request, None, method)  # type: ignore[arg-type]
    except Exception as exc:
        return calls, exc
    return calls, None


SEND = SendMessage(chat_id=1, text="x")


@pytest.mark.parametrize(
    ("method", "make_error", "expected_calls", "fails"),
    [
        (SEND, refused_connection, 2, False),  # the request never left: safe to send again
        (SEND, lambda m: TelegramNetworkError(method=m, message="Request timeout error"), 1, True),
        (SEND, lambda m: TelegramServerError(method=m, message="Bad Gateway"), 1, True),
        (GetMe(), lambda m: TelegramServerError(method=m, message="Bad Gateway"), 2, False),
        (GetUpdates(), lambda m: TelegramServerError(method=m, message="Bad Gateway"), 1, True),
        # The gateway's pages, by status: 502/503 never reached the Bot API, 500/504 may have.
        (SEND, lambda m: ServerError(m, 502, "Bad Gateway", page=True), 2, False),
        (SEND, lambda m: ServerError(m, 503, "Service Unavailable", page=True), 2, False),
        (SEND, lambda m: ServerError(m, 504, "Gateway Time-out", page=True), 1, True),
        (SEND, lambda m: ServerError(m, 500, "Internal Server Error", page=False), 1, True),
        (GetMe(), lambda m: ServerError(m, 504, "Gateway Time-out", page=True), 2, False),
        # A flood wait on a message call is the pacer's (transport/pacing.py);
        # on others, retried here.
        (SEND, lambda m: TelegramRetryAfter(method=m, message="wait", retry_after=1), 1, True),
        (GetMe(), lambda m: TelegramRetryAfter(method=m, message="wait", retry_after=1), 2, False),
    ],
)
async def test_what_is_retried(
    method: Any, make_error: Any, expected_calls: int, fails: bool
) -> None:
    calls, error = await run(method, [make_error(method)])
    assert calls == expected_calls and (error is not None) == fails


async def test_the_session_of_create_bot_retries(settings: Any) -> None:
    from bot.app import create_bot
    from tests.conftest import TOKEN
    from tests.transport import retry_middleware

    bot = create_bot(settings, TOKEN)
    assert isinstance(bot.session, AiohttpSession)
    assert retry_middleware(bot).attempts == 3
    await bot.session.close()
