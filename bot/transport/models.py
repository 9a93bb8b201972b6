"""Response-model pinning: the `Response[T]` classes aiogram parses answers with stay alive.

aiogram writes `Response[method.__returning__]` for every call; pydantic caches such generic
classes only weakly, so after each garbage collection the class was built again (about 10 ms
each, hundreds of times a minute under `bench/load.py`). One strong reference per method
type keeps the cache warm. tests/unit/test_canaries.py checks that pydantic still caches
them weakly (else this can go) and that aiogram still builds them per call.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod


class PinResponseModels(BaseRequestMiddleware):
    """A session middleware (installed by `create_bot`) that holds one `Response[T]` per
    method type for the life of the session."""

    def __init__(self) -> None:
        self._pinned: dict[type[Any], type[Any]] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        kind = type(method)
        if kind not in self._pinned:
            self._pinned[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
