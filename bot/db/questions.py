"""The question log: what was asked, what the bot concluded, for the content-gap report."""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiosqlite

from bot.clock import utc_now

# Seven or more digits in a row, single spaces allowed between them: a phone number
# (+7 701 123 45 67, a local 123-45-67) or an IIN (12 digits), as they look once
# normalised (punctuation gone, doubled digits folded, so an IIN may shrink to 9 or 10).
# Shorter numbers (ages, years, "1 0 0" left of a million) are kept: they say nothing
# about who asked.
LONG_NUMBER = re.compile(r"\d(?: ?\d){6,}")


def scrub_numbers(text: str) -> str:
    """The question without anything shaped like a phone number or an ID number."""
    if not LONG_NUMBER.search(text):
        return text
    return " ".join(LONG_NUMBER.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    user_id: int | None
    normalised: str
    language: str
    topic_id: str | None
    score: float
    answered: bool
    crisis: bool
    crisis_kind: str | None = None  # the detector's category; the text is then left empty
    written_in: str | None = None  # kk, ru or uz as recognised (`catalog.language.detect`)


class Questions:
    """Repository over `question_log`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def forget_user(self, user_id: int) -> None:
        """Questions typed to the bot may hold a name or a number: /forget takes them all."""
        await self.conn.execute("DELETE FROM question_log WHERE user_id = ?", (user_id,))

    async def add(self, q: LoggedQuestion) -> int:
        """Log a question; phone and ID numbers typed into it are left out here, so that
        no caller can store them."""
        cur = await self.conn.execute(
            "INSERT INTO question_log (user_id, asked_at, normalised, language, topic_id, score,"
            " answered, crisis, crisis_kind, written_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                q.user_id,
                utc_now(),
                "" if q.crisis else scrub_numbers(q.normalised),
                q.language,
                q.topic_id,
                q.score,
                int(q.answered),
                int(q.crisis),
                q.crisis_kind,
                q.written_in,
            ),
        )
        return int(cur.lastrowid or 0)

    async def purge_text(self, before: str) -> int:
        """Questions asked before `before` keep their figures (for /stats) but lose their
        text and their author: the gaps report no longer looks that far back."""
        cur = await self.conn.execute(
            "UPDATE question_log SET normalised = '', user_id = NULL"
            " WHERE asked_at < ? AND (normalised != '' OR user_id IS NOT NULL)",
            (before,),
        )
        return cur.rowcount

    async def recent(self, limit: int = 50) -> list[aiosqlite.Row]:
        async with self.conn.execute(
            "SELECT * FROM question_log ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            return list(await cur.fetchall())

    async def set_helpful(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """Record the asker's feedback; False when the row is not theirs (a forged button)."""
        cur = await self.conn.execute(
            "UPDATE question_log SET helpful = ? WHERE id = ? AND user_id = ?",
            (int(helpful), question_id, user_id),
        )
        return cur.rowcount > 0

    async def count_for_user(self, user_id: int) -> int:
        async with self.conn.execute(
            "SELECT COUNT(*) FROM question_log WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def last_rejected_topic(self, user_id: int, since: str) -> str | None:
        """The topic of the user's latest answer marked "not what I asked" / "not helpful"."""
        async with self.conn.execute(
            "SELECT topic_id FROM question_log WHERE user_id = ? AND helpful = 0"
            " AND topic_id IS NOT NULL AND asked_at >= ? ORDER BY id DESC LIMIT 1",
            (user_id, since),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None
