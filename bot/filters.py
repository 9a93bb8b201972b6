"""Filters shared by several routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject, User

from bot.config import Settings


class IsAdmin(Filter):
    """The sender is in `ADMIN_IDS`. Checked on every update, callbacks included, so a
    forged admin button pressed by anyone else falls through to the "out of date" reply."""

    async def __call__(self, event: TelegramObject, settings: Settings,
                       event_from_user: User | None = None) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids
