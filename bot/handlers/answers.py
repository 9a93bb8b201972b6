"""Free text outside any form. For now it points to the menu; the search engine comes later."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.i18n import Translator
from bot.keyboards import main_menu

router = Router(name="answers")


@router.message(F.text)
async def on_text(message: Message, t: Translator) -> None:
    await message.answer(t("answers-use-menu"), reply_markup=main_menu(t))


@router.message()
async def on_other(message: Message, t: Translator) -> None:
    """Stickers, voice, photos…: a kind word and the way back, never an error."""
    await message.answer(t("unsupported-message"), reply_markup=main_menu(t))
