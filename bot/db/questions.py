"""The question log: what was asked, what the bot concluded, for the content-gap report."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.db.users import utc_now


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    user_id: int | None
    normalised: str
    language: str
    topic_id: str | None
    score: float
    answered: bool
    crisis: bool


class Questions:
    """Repository over `question_log`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, q: LoggedQuestion) -> int:
        cur = await self.conn.execute(
            "INSERT INTO question_log (user_id, asked_at, normalised, language, topic_id, score,"
            " answered, crisis) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (q.user_id, utc_now(), q.normalised, q.language, q.topic_id, q.score,
             int(q.answered), int(q.crisis)),
        )
        return int(cur.lastrowid or 0)

    async def recent(self, limit: int = 50) -> list[aiosqlite.Row]:
        async with self.conn.execute(
            "SELECT * FROM question_log ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            return list(await cur.fetchall())
