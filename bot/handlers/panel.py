"""`/panel`: an admin gets a one-time sign-in link to the web panel.

Admins only, in a private chat: anyone else's `/panel` falls through to the unknown-command
reply, as if the command did not exist. The link is sent without a preview, so Telegram
does not open it on the admin's behalf.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import LinkPreviewOptions, Message

from bot.config import Settings
from bot.db.database import Database
from bot.filters import InPrivate, IsAdmin
from bot.i18n import Translator
from bot.panel.paths import signin_url
from bot.services import panel_auth


async def cmd_panel(message: Message, t: Translator, db: Database, settings: Settings) -> None:
    if not settings.panel_enabled:
        await message.answer(t("panel-disabled"))
        return
    token = await panel_auth.issue_link(db, message.chat.id)  # a private chat: the admin
    await message.answer(
        t("panel-link", url=signin_url(settings.panel_address, token)),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def create_router() -> Router:
    router = Router(name="panel")
    router.message.register(cmd_panel, Command("panel"), IsAdmin(), InPrivate())
    return router
