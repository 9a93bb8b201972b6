"""The last line of defence: log the failure, tell the user politely, keep polling.

The log names the update, the user id and where it failed, never what the user wrote: an
exception's message may quote user input (`int("…")`), so only Telegram's own error
descriptions are kept; for everything else the type and the stack frames are enough.
"""

from __future__ import annotations

import logging
import traceback

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import ErrorEvent, User

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.i18n import pick_language
from bot.services import users
from bot.transport.retry import never_reached
from bot.transport.session import ServerError

log = logging.getLogger(__name__)
GATEWAY_TIMEOUT = 504


def describe(exc: BaseException) -> str:
    """`TypeName` (+ Telegram's description) and the stack, without the exception's text."""
    head = type(exc).__name__
    if isinstance(exc, TelegramAPIError):
        head += f": {exc.message}"
    frames = "".join(traceback.TracebackException.from_exception(exc).stack.format())
    return f"{head}\n{frames}".rstrip()


async def on_error(
    event: ErrorEvent, content: ContentStore, settings: Settings, db: Database
) -> bool:
    update = event.update
    chat_id: int | None = None
    user: User | None = None
    if update.message:
        chat_id, user = update.message.chat.id, update.message.from_user
        if update.message.chat.type != "private":
            chat_id = None  # a failure in the operators' group is only logged
    elif update.callback_query:
        user = update.callback_query.from_user
        chat_id = user.id
    if isinstance(event.exception, TelegramRetryAfter):
        # Telegram asked the bot to wait: an error message now would only add to the flood.
        log.warning(
            "update %s (user %s): not answered, flood wait of %ss",
            update.update_id,
            user.id if user else "-",
            event.exception.retry_after,
        )
        return True
    log.error(
        "update %s (user %s) failed: %s",
        update.update_id,
        user.id if user else "-",
        describe(event.exception),
    )
    if chat_id is None or update.bot is None:
        return True
    if _probably_arrived(event.exception):
        # "Something went wrong" after an answer that did arrive would only confuse.
        return True
    # Errors arrive without the per-message middleware data: look the language up again.
    lang = pick_language(user.language_code if user else None, settings.default_language)
    try:
        if user is not None:
            lang = await users.language_of(db, user.id) or lang
    except Exception:  # the database may be what failed; the reply matters more
        log.warning("language of user %s not read for the error reply", user.id if user else "-")
    try:
        await update.bot.send_message(chat_id, content.i18n.get(lang, "error-generic"))
    except TelegramAPIError:
        log.warning(
            "could not tell user %s about the failure of update %s",
            user.id if user else "-",
            update.update_id,
        )
    return True


def _probably_arrived(exc: Exception) -> bool:
    """A gateway timeout (504) or a lost answer: the Bot API most likely carried the call
    out. A 500 is reported to the user as before: it is as likely to have failed."""
    if isinstance(exc, ServerError):
        return exc.status == GATEWAY_TIMEOUT
    return isinstance(exc, TelegramNetworkError) and not never_reached(exc)


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
