"""Canaries: one test per private surface of aiogram or pydantic the bot relies on.

Each test is named after what it guards and fails when an upgrade changes that surface; its
docstring says where the bot uses it and what to do then. None of them checks the bot's
behaviour (the e2e tests do); they only make an upgrade's breakage point at its cause.
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import threading
import weakref
from typing import Any

from aiogram import Bot, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.dispatcher.event.handler import CallableObject, FilterObject
from aiogram.methods import GetMe, Response
from aiogram.types import User
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from pydantic import BaseModel

from bot import speedups

TOKEN = "42:canary-token-never-sent-anywhere-0000000"


def test_aiogram_filter_object_has_the_fields_the_inline_filter_patch_sets() -> None:
    """bot/speedups.py wraps `FilterObject.__post_init__` and sets `callback`/`awaitable`,
    reading `magic`. If this fails, rework `install_inline_filters` before widening
    `SUPPORTED_AIOGRAM`."""
    fields = {f.name for f in dataclasses.fields(FilterObject)}
    assert {"callback", "awaitable", "magic"} <= fields
    assert "__post_init__" in vars(FilterObject)


async def test_aiogram_still_calls_sync_filters_through_a_thread() -> None:
    """The reason for the inline-filter patch: aiogram runs a synchronous callback (a magic
    filter's `resolve`) in the thread pool. If this fails, aiogram runs them inline itself:
    drop `bot/speedups.py`."""
    plain = CallableObject(callback=F.text.resolve)
    assert plain.awaitable is False
    loop_thread = threading.get_ident()
    where = CallableObject(callback=lambda: threading.get_ident())
    assert await where.call() != loop_thread


def test_this_aiogram_is_one_the_inline_filter_patch_was_checked_on() -> None:
    """`create_dispatcher` installs the patch only on `SUPPORTED_AIOGRAM`. If this fails,
    the installed aiogram is newer: run these canaries, then widen the range."""
    assert speedups.inline_filters_supported()


def test_pydantic_still_drops_unreferenced_generic_models() -> None:
    """bot/transport/models.py pins `Response[T]` because pydantic caches parametrized
    models only weakly. If this fails, pydantic keeps them itself: drop `PinResponseModels`."""

    def build() -> weakref.ref[Any]:
        class Fresh(BaseModel):  # a result type no bot in this process has pinned
            id: int

        return weakref.ref(Response[Fresh])

    ref = build()
    gc.collect()
    assert ref() is None


def test_aiogram_parses_answers_with_response_of_returning() -> None:
    """What `PinResponseModels` pins is `Response[method.__returning__]`, the class aiogram's
    `check_response` builds per call. If this fails, pin what it builds now."""
    assert GetMe.__returning__ is User
    source = inspect.getsource(AiohttpSession.check_response)
    assert "Response[method.__returning__]" in source


def test_aiogram_prepare_value_still_takes_dumps_json() -> None:
    """bot/transport/session.py calls `prepare_value(..., _dumps_json=False)` to get nested
    values as JSON-ready objects rather than strings. If this fails, `JsonSession.build_json`
    must prepare values another way."""
    session = AiohttpSession()
    bot = Bot(TOKEN, session=session)
    assert "_dumps_json" in inspect.signature(session.prepare_value).parameters
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    assert session.prepare_value(markup, bot=bot, files={}, _dumps_json=False) == markup
    assert isinstance(session.prepare_value(markup, bot=bot, files={}), str)  # the default


async def test_aiogram_bot_keeps_get_me_in_underscore_me() -> None:
    """bot/app.py sets `bot._me` (a stand-in while getMe is retried, then the real answer)
    because `Bot.me()` and polling read it there. If this fails, find where aiogram keeps it."""
    bot = Bot(TOKEN)
    assert bot._me is None
    stand_in = User(id=bot.id, is_bot=True, first_name="")
    bot._me = stand_in
    assert await bot.me() is stand_in  # no call made: the session was never opened
    await bot.session.close()


def test_aiogram_webhook_handler_builds_its_answer_with_build_response_writer() -> None:
    """bot/transport/webhook.py overrides `SimpleRequestHandler.handle` and answers through
    the private `_build_response_writer`, after `verify_secret`. If this fails, rewrite
    `WebhookHandler.handle` after aiogram's new one."""
    assert callable(getattr(SimpleRequestHandler, "_build_response_writer", None))
    writer = inspect.signature(SimpleRequestHandler._build_response_writer).parameters
    assert {"bot", "result"} <= set(writer)
    assert list(inspect.signature(SimpleRequestHandler.verify_secret).parameters) == [
        "self",
        "telegram_secret_token",
        "bot",
    ]


def test_aiogram_session_middlewares_are_a_sequence() -> None:
    """`bot.transport.pacing.pacer` finds the pacer by iterating `session.middleware`. If this
    fails, keep a reference to the pacer in `create_bot` instead."""
    session = AiohttpSession()
    marker = object()
    session.middleware(marker)  # type: ignore[arg-type]
    assert list(session.middleware) == [marker]


def test_aiogram_keyboard_builder_keeps_its_rows_in_markup() -> None:
    """`bot.speedups.InlineKeyboardBuilder.export` reads the private `_markup` (rows of
    buttons) instead of deep-copying them. If this fails, drop the subclass or follow aiogram."""
    from aiogram.types import InlineKeyboardButton
    from aiogram.utils.keyboard import InlineKeyboardBuilder

    kb = InlineKeyboardBuilder()
    button = InlineKeyboardButton(text="a", callback_data="b")
    kb.row(button)
    assert kb._markup == [[button]]
    assert kb.export() == [[button]] and kb.export()[0][0] is not button  # aiogram copies
