"""First contact and settings: /start, /menu, /help, /language and the language choice."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.catalog.store import ContentStore
from bot.config import Language
from bot.db.database import Database
from bot.db.users import User
from bot.handlers.common import acknowledge, show
from bot.i18n import Translator
from bot.services import users
from bot.views.menu import (
    LangCD,
    MenuCD,
    back_to_menu,
    language_keyboard,
    main_menu,
    welcome_text,
)


async def cmd_start(
    message: Message, user: User, lang: Language, t: Translator, content: ContentStore
) -> None:
    if user.language is None:
        await message.answer(
            welcome_text(content.i18n, lang), reply_markup=language_keyboard(t, current=lang)
        )
        return
    await message.answer(t("menu-title"), reply_markup=main_menu(t))


async def cmd_menu(message: Message, t: Translator) -> None:
    await message.answer(t("menu-title"), reply_markup=main_menu(t))


async def cmd_help(message: Message, t: Translator) -> None:
    await message.answer(t("help-text"), reply_markup=back_to_menu(t))


async def cmd_language(message: Message, user: User, lang: Language, t: Translator) -> None:
    await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, current=lang))


async def on_language_menu(query: CallbackQuery, lang: Language, t: Translator) -> None:
    await acknowledge(query)
    await show(query, t("lang-choose"), language_keyboard(t, current=lang))


async def on_help(query: CallbackQuery, t: Translator) -> None:
    await acknowledge(query)
    await show(query, t("help-text"), back_to_menu(t))


async def on_language_chosen(
    query: CallbackQuery, callback_data: LangCD, db: Database, content: ContentStore
) -> None:
    lang: Language = "kk" if callback_data.code == "kk" else "ru"
    await users.set_language(db, query.from_user.id, lang)
    t = content.i18n(lang)
    await acknowledge(query, t("lang-changed"))
    await show(query, t("menu-title"), main_menu(t))


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="start")
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_menu, Command("menu"))
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_language, Command("language"))
    router.callback_query.register(on_language_menu, MenuCD.filter(F.to == "lang"))
    router.callback_query.register(on_help, MenuCD.filter(F.to == "help"))
    router.callback_query.register(on_language_chosen, LangCD.filter(F.code.in_({"kk", "ru"})))
    return router
