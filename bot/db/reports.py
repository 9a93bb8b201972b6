"""Read-only figures over several tables, for the gap report and /stats.

Plain aggregate queries; what they mean (periods, crisis kinds, rates) is decided in
`bot.services.reports`. Reads only, so they follow the read policy of `bot.db.database`.
"""

from __future__ import annotations

import aiosqlite


class Reports:
    """Aggregate reads for the department's reports; nothing here writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def _one(self, sql: str, params: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        rows = await self._all(sql, params)
        return rows[0] if rows else None

    async def gaps(self, since: str, limit: int) -> list[aiosqlite.Row]:
        """Normalised questions since `since` that went unanswered or were rated not
        helpful, most frequent first: `normalised, n, unanswered, not_helpful, topics`
        (topics comma-joined). Crisis messages and blanked texts are left out."""
        return await self._all(
            "SELECT normalised, COUNT(*) AS n, SUM(answered = 0) AS unanswered,"
            " SUM(answered = 1 AND helpful = 0) AS not_helpful,"
            " GROUP_CONCAT(DISTINCT topic_id) AS topics"
            " FROM question_log"
            " WHERE asked_at >= ? AND crisis = 0 AND normalised != ''"
            " AND (answered = 0 OR helpful = 0)"
            " GROUP BY normalised ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
            (since, limit),
        )

    async def answered_by_topic(self, since: str) -> list[aiosqlite.Row]:
        """`topic_id, n`: questions the bot answered (confidently) per topic since `since`."""
        return await self._all(
            "SELECT topic_id, COUNT(*) AS n FROM question_log"
            " WHERE asked_at >= ? AND answered = 1 AND crisis = 0 AND topic_id IS NOT NULL"
            " GROUP BY topic_id ORDER BY n DESC",
            (since,),
        )

    async def users(self, active_7: str, active_30: str) -> aiosqlite.Row | None:
        """`total, a7, a30, subscribed, blocked`: active means seen since the given moment."""
        return await self._one(
            "SELECT COUNT(*) AS total, SUM(last_seen >= ?) AS a7, SUM(last_seen >= ?) AS a30,"
            " SUM(subscribed = 1 AND blocked = 0) AS subscribed, SUM(blocked = 1) AS blocked"
            " FROM users",
            (active_7, active_30),
        )

    async def languages(self) -> list[aiosqlite.Row]:
        """`lang, n`; `lang` is '' for users who have not chosen yet."""
        return await self._all(
            "SELECT COALESCE(language, '') AS lang, COUNT(*) AS n FROM users GROUP BY lang"
        )

    async def registrations(self) -> list[aiosqlite.Row]:
        """`topic_id, status, n`, all time."""
        return await self._all(
            "SELECT topic_id, status, COUNT(*) AS n FROM registrations"
            " GROUP BY topic_id, status ORDER BY topic_id"
        )

    async def tickets(self) -> list[aiosqlite.Row]:
        """`status, n`, all time."""
        return await self._all("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")

    async def answered_tickets(self, since: str) -> list[aiosqlite.Row]:
        """`created_at, first_answer_at` of tickets opened since `since` and answered."""
        return await self._all(
            "SELECT created_at, first_answer_at FROM tickets"
            " WHERE first_answer_at IS NOT NULL AND created_at >= ?",
            (since,),
        )

    async def questions(self, since: str) -> aiosqlite.Row | None:
        """`n, answered, yes, no` over questions asked since `since`."""
        return await self._one(
            "SELECT COUNT(*) AS n, SUM(answered) AS answered, SUM(helpful = 1) AS yes,"
            " SUM(helpful = 0) AS no FROM question_log WHERE asked_at >= ?",
            (since,),
        )

    async def written_in(self, since: str) -> list[aiosqlite.Row]:
        """`written_in, n` over questions since `since`, by the language they were written in."""
        return await self._all(
            "SELECT written_in, COUNT(*) AS n FROM question_log"
            " WHERE asked_at >= ? AND written_in IS NOT NULL GROUP BY written_in",
            (since,),
        )

    async def crisis_kinds(self, since: str) -> list[aiosqlite.Row]:
        """`crisis_kind, n` over crisis messages since `since` (no words are kept)."""
        return await self._all(
            "SELECT crisis_kind, COUNT(*) AS n FROM question_log"
            " WHERE crisis = 1 AND asked_at >= ? GROUP BY crisis_kind",
            (since,),
        )

    # --- the web panel's dashboard ------------------------------------------------------

    async def users_daily(self, since: str, offset: str) -> list[aiosqlite.Row]:
        """`day, lang, n`: users first seen on each local day since `since` (`offset` is
        the SQLite modifier of local time); lang '' for users who have not chosen."""
        return await self._all(
            "SELECT date(first_seen, ?) AS day, COALESCE(language, '') AS lang,"
            " COUNT(*) AS n FROM users WHERE first_seen >= ? GROUP BY day, lang",
            (offset, since),
        )

    async def users_before(self, since: str) -> list[aiosqlite.Row]:
        """`lang, n`: users first seen before `since`, the start of the cumulative line."""
        return await self._all(
            "SELECT COALESCE(language, '') AS lang, COUNT(*) AS n FROM users"
            " WHERE first_seen < ? GROUP BY lang",
            (since,),
        )

    async def registrations_daily(self, since: str, offset: str) -> list[aiosqlite.Row]:
        """`day, topic_id, n`: registrations made on each local day since `since`."""
        return await self._all(
            "SELECT date(created_at, ?) AS day, topic_id, COUNT(*) AS n FROM registrations"
            " WHERE created_at >= ? GROUP BY day, topic_id",
            (offset, since),
        )

    async def registration_statuses(self) -> list[aiosqlite.Row]:
        """`status, n`, all time."""
        return await self._all("SELECT status, COUNT(*) AS n FROM registrations GROUP BY status")
