"""Filters shared by several routers."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import Chat, TelegramObject, User

from bot.config import Settings
from bot.services.operators import MembershipCache

log = logging.getLogger(__name__)


class IsAdmin(Filter):
    """The sender is in `ADMIN_IDS`. Checked on every update, callbacks included, so a
    forged admin button pressed by anyone else falls through to the "out of date" reply."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class InPrivate(Filter):
    """The update comes from a private chat (or has no chat, like an inline button).

    The bot also sits in the operators' group: every router meant for young people carries
    this filter, so group chatter is never answered, searched or logged."""

    async def __call__(self, event: TelegramObject, event_chat: Chat | None = None) -> bool:
        return event_chat is None or event_chat.type == ChatType.PRIVATE


class InOperatorsChat(Filter):
    """The update comes from the operators' group (`ADMIN_CHAT_ID`) and no other chat."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_chat: Chat | None = None
    ) -> bool:
        return (
            event_chat is not None
            and settings.admin_chat_id is not None
            and event_chat.id == settings.admin_chat_id
        )


class FromOperator(Filter):
    """The sender may act for the department in the operators' group: one of `ADMIN_IDS`,
    or a member (member, administrator, creator) by `getChatMember`, cached a few minutes.
    Others are logged and ignored; if Telegram cannot say, the answer is no."""

    async def __call__(
        self,
        event: TelegramObject,
        settings: Settings,
        bot: Bot,
        operators: MembershipCache,
        event_from_user: User | None = None,
        event_chat: Chat | None = None,
    ) -> bool:
        if event_from_user is None or event_chat is None:
            return False
        if event_from_user.id in settings.admin_ids:
            return True
        sender_chat = getattr(event, "sender_chat", None)
        if sender_chat is not None and sender_chat.id == settings.admin_chat_id:
            return True  # an anonymous administrator writes as the group itself
        allowed = operators.get(event_from_user.id)
        if allowed is None:
            try:
                member = await bot.get_chat_member(event_chat.id, event_from_user.id)
            except TelegramAPIError as exc:
                log.warning("could not check a group member: %s", type(exc).__name__)
                return False
            allowed = operators.put(event_from_user.id, member.status)
        if not allowed:
            log.info(
                "ignored %s from user %s: not a member of the operators' group",
                type(event).__name__,
                event_from_user.id,
            )
        return allowed
