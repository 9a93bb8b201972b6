"""The users table: who writes to the bot, in which language, and whether they get announcements."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.clock import utc_now
from bot.config import Language


@dataclass(frozen=True, slots=True)
class User:
    telegram_id: int
    language: Language | None
    first_seen: str
    last_seen: str
    subscribed: bool
    blocked: bool
    crisis_at: str | None = None  # when the bot last answered them with the helplines


def _user(row: aiosqlite.Row) -> User:
    return User(
        telegram_id=row["telegram_id"],
        language=row["language"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        subscribed=bool(row["subscribed"]),
        blocked=bool(row["blocked"]),
        crisis_at=row["crisis_at"],
    )


class Users:
    """Repository over `users`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def delete(self, telegram_id: int) -> None:
        await self.conn.execute("DELETE FROM users WHERE telegram_id = ?", (telegram_id,))

    async def get(self, telegram_id: int) -> User | None:
        # One trip to aiosqlite's thread instead of three (execute, fetch, close): this read
        # runs for every update.
        rows = await self.conn.execute_fetchall(
            "SELECT * FROM users WHERE telegram_id = ?", (telegram_id,)
        )
        return _user(next(iter(rows))) if rows else None

    async def touch(self, telegram_id: int, now: str | None = None) -> User:
        """Insert on first contact, else refresh `last_seen`; one who writes has not blocked us."""
        now = now or utc_now()
        rows = await self.conn.execute_fetchall(
            "INSERT INTO users (telegram_id, first_seen, last_seen) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET last_seen = excluded.last_seen, blocked = 0"
            " RETURNING *",
            (telegram_id, now, now),
        )
        return _user(next(iter(rows)))

    async def set_language(self, telegram_id: int, language: Language) -> None:
        await self.conn.execute(
            "UPDATE users SET language = ? WHERE telegram_id = ?", (language, telegram_id)
        )

    async def set_subscribed(self, telegram_id: int, subscribed: bool) -> None:
        await self.conn.execute(
            "UPDATE users SET subscribed = ? WHERE telegram_id = ?", (int(subscribed), telegram_id)
        )

    async def set_crisis_at(self, telegram_id: int, when: str) -> None:
        await self.conn.execute(
            "UPDATE users SET crisis_at = ? WHERE telegram_id = ?", (when, telegram_id)
        )

    async def set_blocked(self, telegram_id: int, blocked: bool) -> None:
        """Blocking the bot also unsubscribes from announcements; coming back (Telegram's
        "member" status, i.e. restarting the bot) subscribes again, as a first /start does."""
        await self.conn.execute(
            "UPDATE users SET blocked = ?, subscribed = ? WHERE telegram_id = ?",
            (int(blocked), int(not blocked), telegram_id),
        )

    async def count(self) -> int:
        async with self.conn.execute("SELECT COUNT(*) FROM users") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
