"""Workarounds for aiogram costs that dominated the bot's time per update.

Found with cProfile under `bench/load.py`; each is a drop-in that changes no behaviour.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.state import State
from aiogram.methods import Response, TelegramMethod
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as _AiogramBuilder


class InlineKeyboardBuilder(_AiogramBuilder):
    """aiogram's builder whose `export()` copies the rows, not the buttons.

    The original deep-copies every button (pydantic models) on each `as_markup()`; with one
    builder per message that copy protects nothing and cost about a millisecond a keyboard.
    """

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]


class PinResponseModels(BaseRequestMiddleware):
    """Keeps each `Response[T]` model aiogram parses answers with alive.

    aiogram writes `Response[method.__returning__]` for every call; pydantic caches such
    generic classes only weakly, so after each garbage collection the class is built again
    (about 10 ms each, hundreds of times a minute under load). One strong reference per
    method type keeps the cache warm.
    """

    def __init__(self) -> None:
        self._pinned: dict[type[Any], type[Any]] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        kind = type(method)
        if kind not in self._pinned:
            self._pinned[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)


def resolve_magic_filters_inline() -> None:
    """Evaluate `F.…` and FSM-state filters on the event loop instead of in a thread.

    aiogram calls every synchronous callback through `asyncio.to_thread`, magic filters and
    bare `State` filters included: `F.text` or `RegForm.age` cost a round trip to the thread
    pool each, about a dozen per update with this bot's routers. Both are a few attribute
    lookups that never block, so they run inline. Call before routers are built.
    """
    if getattr(FilterObject, "_jastar_inline", False):
        return
    original = FilterObject.__post_init__

    def post_init(self: FilterObject) -> None:
        original(self)
        inline = self.magic is not None or isinstance(self.callback, State)
        if inline and not self.awaitable:
            resolve = self.callback

            async def resolve_inline(*args: Any, **kwargs: Any) -> Any:
                return resolve(*args, **kwargs)

            self.callback = resolve_inline
            self.awaitable = True

    FilterObject.__post_init__ = post_init  # type: ignore[method-assign]
    FilterObject._jastar_inline = True  # type: ignore[attr-defined]
