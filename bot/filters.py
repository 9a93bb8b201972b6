"""Filters shared by several routers."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Chat, TelegramObject, User

from bot.config import Settings


class IsAdmin(Filter):
    """The sender is in `ADMIN_IDS`. Checked on every update, callbacks included, so a
    forged admin button pressed by anyone else falls through to the "out of date" reply."""

    async def __call__(self, event: TelegramObject, settings: Settings,
                       event_from_user: User | None = None) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class InPrivate(Filter):
    """The update comes from a private chat (or has no chat, like an inline button).

    The bot also sits in the operators' group: every router meant for young people carries
    this filter, so group chatter is never answered, searched or logged."""

    async def __call__(self, event: TelegramObject, event_chat: Chat | None = None) -> bool:
        return event_chat is None or event_chat.type == ChatType.PRIVATE


class InOperatorsChat(Filter):
    """The update comes from the operators' group (`ADMIN_CHAT_ID`) and no other chat."""

    async def __call__(self, event: TelegramObject, settings: Settings,
                       event_chat: Chat | None = None) -> bool:
        return (event_chat is not None and settings.admin_chat_id is not None
                and event_chat.id == settings.admin_chat_id)
