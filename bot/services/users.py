"""Who writes to the bot: first contact and last seen, language, announcements, blocking.

Handlers and middlewares reach the users table only through these functions, so the web
panel can call the same ones. No Telegram here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import clock
from bot.config import Language
from bot.db.database import Database
from bot.db.users import User, Users

# How stale `last_seen` may get (the reports count days, not minutes).
TOUCH_EVERY = timedelta(minutes=5)


async def seen(db: Database, telegram_id: int, now: datetime | None = None) -> User:
    """The user's row for an update they sent, created on first contact.

    A read is enough for most updates; the row is written (taking the single writer's turn)
    only for a new user, one marked blocked, or `last_seen` older than `TOUCH_EVERY`."""
    user = await Users(db.conn).get(telegram_id)
    stale = clock.iso((now or clock.now()) - TOUCH_EVERY)
    if user is None or user.blocked or user.last_seen < stale:
        async with db.statement() as conn:
            user = await Users(conn).touch(telegram_id)
    return user


async def get(db: Database, telegram_id: int) -> User | None:
    """The user's row as it is, without recording a visit (for staff looking them up)."""
    return await Users(db.conn).get(telegram_id)


async def language_of(db: Database, telegram_id: int) -> Language | None:
    """The language the user chose, None if they have not (or are not known)."""
    user = await Users(db.conn).get(telegram_id)
    return user.language if user else None


async def set_language(db: Database, telegram_id: int, language: Language) -> None:
    async with db.statement() as conn:
        await Users(conn).set_language(telegram_id, language)


async def set_subscribed(db: Database, telegram_id: int, subscribed: bool) -> None:
    """/subscribe, /unsubscribe and the button under an announcement."""
    async with db.transaction() as conn:
        await Users(conn).set_subscribed(telegram_id, subscribed)


async def set_blocked(db: Database, telegram_id: int, blocked: bool) -> None:
    """Telegram said the user blocked the bot (or came back): see `Users.set_blocked`."""
    async with db.transaction() as conn:
        await Users(conn).set_blocked(telegram_id, blocked)


async def member_status(db: Database, telegram_id: int, blocked: bool) -> None:
    """A block or a return reported by Telegram: a known user is marked; one coming back
    whom the bot does not know yet gets a row, as at first contact."""
    async with db.transaction() as conn:
        users = Users(conn)
        if await users.get(telegram_id) is not None:
            await users.set_blocked(telegram_id, blocked)
        elif not blocked:
            await users.touch(telegram_id)
