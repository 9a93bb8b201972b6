"""Per-update context (the user row, their language, a bound translator), flood control, and
writing the conversation states an update changed."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, Message, TelegramObject, User

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.i18n import pick_language
from bot.services import users

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserContextMiddleware(BaseMiddleware):
    """Records the user and puts `user`, `lang` and `t` into the handler's data.

    The language lives in the users table (not FSM data) so that clearing a form never
    forgets it; until the user picks one, Telegram's `language_code` decides.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
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
        user = await users.seen(db, tg_user.id)
        lang = user.language or pick_language(tg_user.language_code, settings.default_language)
        data["user"] = user
        data["lang"] = lang
        data["t"] = content.i18n(lang)
        return await handler(event, data)


class FloodControlMiddleware(BaseMiddleware):
    """Drops a user's updates beyond `rate` per second, before any database work.

    A fixed one-second window per user. The first dropped update of a flood gets one short
    warning (in a private chat); further ones are dropped silently, with at most one more
    warning per `warn_every` seconds. Admins are never throttled. Idle users are forgotten, so
    memory follows the number of users active in the last second, not all users.
    """

    def __init__(
        self,
        rate: int,
        *,
        admin_ids: frozenset[int] = frozenset(),
        warn_every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.admin_ids = admin_ids
        self.warn_every = warn_every
        self.clock = clock
        self._windows: dict[int, tuple[float, int]] = {}  # user → (window start, count)
        self._warned: dict[int, float] = {}  # user → when the last warning went out
        self._next_sweep = 0.0
        self.dropped = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        if self.rate <= 0 or tg_user is None or tg_user.id in self.admin_ids:
            return await handler(event, data)
        now = self.clock()
        self._sweep(now)
        start, count = self._windows.get(tg_user.id, (now, 0))
        if now - start >= 1.0:
            start, count = now, 0
        count += 1
        self._windows[tg_user.id] = (start, count)
        if count <= self.rate or _in_danger(event, data):
            return await handler(event, data)
        self.dropped += 1
        last = self._warned.get(tg_user.id)
        self._warned[tg_user.id] = now if last is None or now - last >= self.warn_every else last
        if last is None or now - last >= self.warn_every:
            log.info("flood control: user %s over %d updates/s", tg_user.id, self.rate)
            await self._warn(tg_user, data)
        return None

    async def _warn(self, tg_user: User, data: dict[str, Any]) -> None:
        chat: Chat | None = data.get("event_chat")
        bot = data.get("bot")
        if bot is None or (chat is not None and chat.type != ChatType.PRIVATE):
            return
        content: ContentStore = data["content"]
        settings: Settings = data["settings"]
        lang = pick_language(tg_user.language_code, settings.default_language)
        try:
            await bot.send_message(tg_user.id, content.i18n.get(lang, "flood-warning"))
        except TelegramAPIError as exc:
            log.info("flood warning to user %s not sent: %s", tg_user.id, exc)

    def _sweep(self, now: float) -> None:
        """Forget windows older than a second and warnings older than `warn_every`."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + max(self.warn_every, 1.0)
        self._windows = {u: w for u, w in self._windows.items() if now - w[0] < 1.0}
        self._warned = {u: t for u, t in self._warned.items() if now - t < self.warn_every}


def _in_danger(event: TelegramObject, data: dict[str, Any]) -> bool:
    """A message from someone in danger is never dropped, however fast they write: the
    helplines come first in any state of the bot."""
    message = event if isinstance(event, Message) else getattr(event, "message", None)
    answerer = data.get("answerer")
    return (
        isinstance(message, Message)
        and answerer is not None
        and answerer.crisis(message.text or message.caption) is not None
    )


class FlushStateMiddleware(BaseMiddleware):
    """Writes the form states an update changed once it has been handled, in one go.

    `SQLiteStorage` keeps changes in memory until `flush()`: a form step's new state and
    data become one statement instead of two, and updates handled together share one
    transaction. Runs whether the handler succeeded or failed. A failed write is logged,
    not reported to this update's user (the rows may be other users'): they stay pending
    and the next flush tries again.
    """

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        finally:
            try:
                await self.storage.flush()
            except Exception:
                log.exception("form states not written yet; kept for the next flush")
