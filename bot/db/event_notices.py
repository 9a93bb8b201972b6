"""The SQL of cancellation notices (migration 0015): who is owed one, and the record that
each went out once. The caller owns the transaction; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.config import Language
from bot.db.events import NoticeStatus


@dataclass(frozen=True, slots=True)
class CancelNotice:
    event_id: int
    user_id: int
    language: Language | None


class EventNotices:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def owed(self, now: str, limit: int) -> list[CancelNotice]:
        """Seats and places in line at cancelled events not over yet, of users who have
        not blocked the bot and have not been told (or are being told)."""
        rows = await self.conn.execute_fetchall(
            "SELECT r.event_id, r.user_id, u.language FROM event_rsvps r"
            " JOIN events e ON e.id = r.event_id"
            " JOIN users u ON u.telegram_id = r.user_id"
            " WHERE e.status = 'cancelled' AND e.ends_at > ?"
            " AND r.status IN ('confirmed', 'waiting') AND u.blocked = 0"
            " AND NOT EXISTS (SELECT 1 FROM event_cancel_notices n"
            "   WHERE n.event_id = r.event_id AND n.user_id = r.user_id)"
            " ORDER BY e.updated_at, r.event_id, r.id LIMIT ?",
            (now, limit),
        )
        return [CancelNotice(r[0], r[1], r[2]) for r in rows]

    async def claim(self, notice: CancelNotice, now: str) -> bool:
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO event_cancel_notices (event_id, user_id, status, sent_at)"
            " VALUES (?, ?, 'sending', ?)",
            (notice.event_id, notice.user_id, now),
        )
        return cur.rowcount == 1

    async def settle(self, notice: CancelNotice, status: NoticeStatus, now: str) -> None:
        await self.conn.execute(
            "UPDATE event_cancel_notices SET status = ?, sent_at = ?"
            " WHERE event_id = ? AND user_id = ?",
            (status, now, notice.event_id, notice.user_id),
        )

    async def in_flight_to_uncertain(self) -> int:
        cur = await self.conn.execute(
            "UPDATE event_cancel_notices SET status = 'uncertain' WHERE status = 'sending'"
        )
        return cur.rowcount

    async def tally(self, event_id: int) -> dict[str, int]:
        """Notices of one event by status."""
        rows = await self.conn.execute_fetchall(
            "SELECT status, COUNT(*) FROM event_cancel_notices WHERE event_id = ? GROUP BY status",
            (event_id,),
        )
        return {r[0]: r[1] for r in rows}

    async def forget_user(self, user_id: int) -> None:
        await self.conn.execute("DELETE FROM event_cancel_notices WHERE user_id = ?", (user_id,))
