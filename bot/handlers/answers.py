"""What no other router took: free text (for now: the menu), other messages, stale buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.handlers.common import acknowledge
from bot.i18n import Translator
from bot.keyboards import main_menu


async def on_text(message: Message, t: Translator) -> None:
    await message.answer(t("answers-use-menu"), reply_markup=main_menu(t))


async def on_other(message: Message, t: Translator) -> None:
    """Stickers, voice, photos…: a kind word and the way back, never an error."""
    await message.answer(t("unsupported-message"), reply_markup=main_menu(t))



async def on_unknown_button(query: CallbackQuery, t: Translator) -> None:
    """A button from an old message, or forged data: stop the spinner with a hint."""
    await acknowledge(query, t("button-outdated"))


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="answers")
    router.message.register(on_text, F.text)
    router.message.register(on_other)
    router.callback_query.register(on_unknown_button)
    return router
