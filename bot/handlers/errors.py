"""The last line of defence: log the failure, tell the user politely, keep polling."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.db.users import Users
from bot.i18n import pick_language

log = logging.getLogger(__name__)
async def on_error(event: ErrorEvent, content: ContentStore, settings: Settings,
                   db: Database) -> bool:
    update = event.update
    log.error("update %s failed: %s: %s", update.update_id,
              type(event.exception).__name__, event.exception, exc_info=event.exception)
    chat_id = None
    user = None
    if update.message:
        chat_id, user = update.message.chat.id, update.message.from_user
    elif update.callback_query:
        user = update.callback_query.from_user
        chat_id = user.id
    if chat_id is None or update.bot is None:
        return True
    # Errors arrive without the per-message middleware data: look the language up again.
    lang = pick_language(user.language_code if user else None, settings.default_language)
    if user is not None:
        stored = await Users(db.conn).get(user.id)
        lang = stored.language if stored and stored.language else lang
    try:
        await update.bot.send_message(chat_id, content.i18n.get(lang, "error-generic"))
    except TelegramAPIError:
        log.warning("could not tell user about the failure of update %s", update.update_id)
    return True


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
