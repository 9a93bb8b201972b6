"""Per-update context: the user row, their language and a bound translator."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.db.users import Users
from bot.i18n import pick_language

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserContextMiddleware(BaseMiddleware):
    """Records the user and puts `user`, `lang` and `t` into the handler's data.

    The language lives in the users table (not FSM data) so that clearing a form never
    forgets it; until the user picks one, Telegram's `language_code` decides.
    """

    async def __call__(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        content: ContentStore = data["content"]
        settings: Settings = data["settings"]
        chat: Chat | None = data.get("event_chat")
        # Operators writing in the group are staff, not users: no row, the default language.
        in_group = chat is not None and chat.type != ChatType.PRIVATE
        if tg_user is None or tg_user.is_bot or in_group:
            data["lang"] = settings.default_language
            data["t"] = content.i18n(settings.default_language)
            return await handler(event, data)
        db: Database = data["db"]
        async with db.transaction() as conn:
            user = await Users(conn).touch(tg_user.id)
        lang = user.language or pick_language(tg_user.language_code, settings.default_language)
        data["user"] = user
        data["lang"] = lang
        data["t"] = content.i18n(lang)
        return await handler(event, data)
