"""Tickets of "Ask a specialist" and the messages of each ticket's thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiosqlite

from bot.clock import utc_now

TicketStatus = Literal["open", "answered", "closed"]
MessageRole = Literal["question", "ticket", "answer", "followup"]


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    user_id: int | None
    language: str
    status: TicketStatus
    rejected_topic: str | None
    created_at: str
    first_answer_at: str | None
    answered_at: str | None
    answered_by: int | None
    urgent: bool = False  # opened from a crisis answer: first in the operators' queue
    crisis_kind: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    role: MessageRole  # question (the user's), answer (sent to the user)
    body: str | None  # None: not kept (media without caption, older messages, a note)
    author: int | None
    created_at: str


def _ticket(row: aiosqlite.Row) -> Ticket:
    return Ticket(
        id=row["id"],
        user_id=row["user_id"],
        language=row["language"],
        status=row["status"],
        rejected_topic=row["rejected_topic"],
        created_at=row["created_at"],
        first_answer_at=row["first_answer_at"],
        answered_at=row["answered_at"],
        answered_by=row["answered_by"],
        urgent=bool(row["urgent"]),
        crisis_kind=row["crisis_kind"],
    )


class Tickets:
    """Repository over `tickets` and `ticket_messages`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        user_id: int,
        language: str,
        rejected_topic: str | None,
        now: str | None = None,
        *,
        urgent: bool = False,
        crisis_kind: str | None = None,
    ) -> Ticket:
        now = now or utc_now()
        async with self.conn.execute(
            "INSERT INTO tickets (user_id, language, rejected_topic, created_at, updated_at,"
            " urgent, crisis_kind) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (user_id, language, rejected_topic, now, now, int(urgent), crisis_kind),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return _ticket(row)

    async def get(self, ticket_id: int) -> Ticket | None:
        async with self.conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)) as cur:
            row = await cur.fetchone()
        return _ticket(row) if row else None

    async def delete(self, ticket_id: int) -> None:
        await self.conn.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))

    # A ticket is the user's by its user_id, or, once /forget cleared that, by the keyed hash
    # of their id in `ticket_owners` (migration 0008): limits must survive forgetting.
    _MINE = "(user_id = ? OR id IN (SELECT ticket_id FROM ticket_owners WHERE owner = ?))"

    async def count_open(self, user_id: int, owner: str = "", held_since: str = "") -> int:
        """Open tickets, and unanswered ones /forget closed after `held_since`."""
        return await self._count(
            f"SELECT COUNT(*) FROM tickets WHERE {self._MINE} AND (status = 'open'"
            " OR (forgotten_at >= ? AND first_answer_at IS NULL))",
            (user_id, owner, held_since or "9999"),
        )

    async def count_since(self, user_id: int, since: str, owner: str = "") -> int:
        return await self._count(
            f"SELECT COUNT(*) FROM tickets WHERE {self._MINE} AND created_at >= ?",
            (user_id, owner, since),
        )

    async def count_for_user(self, user_id: int) -> int:
        return await self._count("SELECT COUNT(*) FROM tickets WHERE user_id = ?", (user_id,))

    async def mark_answered(
        self, ticket_id: int, operator_id: int, now: str | None = None
    ) -> Ticket:
        now = now or utc_now()
        async with self.conn.execute(
            "UPDATE tickets SET status = 'answered', answered_at = ?, answered_by = ?,"
            " first_answer_at = COALESCE(first_answer_at, ?), updated_at = ?"
            " WHERE id = ? RETURNING *",
            (now, operator_id, now, now, ticket_id),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None, f"ticket {ticket_id} vanished"
        return _ticket(row)

    async def set_status(
        self, ticket_id: int, status: TicketStatus, now: str | None = None
    ) -> Ticket | None:
        async with self.conn.execute(
            "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ? RETURNING *",
            (status, now or utc_now(), ticket_id),
        ) as cur:
            row = await cur.fetchone()
        return _ticket(row) if row else None

    async def close_unposted(self, now: str | None = None) -> int:
        """Close open tickets whose group post was never recorded; returns how many."""
        cur = await self.conn.execute(
            "UPDATE tickets SET status = 'closed', updated_at = ? WHERE status = 'open'"
            " AND NOT EXISTS (SELECT 1 FROM ticket_messages m"
            " WHERE m.ticket_id = tickets.id AND m.role = 'ticket')",
            (now or utc_now(),),
        )
        return cur.rowcount

    async def group_posts_of(self, user_id: int) -> list[int]:
        """Message ids, outside the user's own chat, that showed their questions (/forget)."""
        async with self.conn.execute(
            "SELECT m.message_id FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE t.user_id = ? AND m.chat_id != ? AND m.role IN ('ticket', 'followup')",
            (user_id, user_id),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def ids_of(self, user_id: int) -> list[int]:
        async with self.conn.execute("SELECT id FROM tickets WHERE user_id = ?", (user_id,)) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def forget_private_chat(self, user_id: int) -> None:
        """Message ids of the user's private chat in hand-off threads: nothing left to route."""
        await self.conn.execute("DELETE FROM ticket_messages WHERE chat_id = ?", (user_id,))

    async def close_all_of(self, user_id: int, now: str | None = None) -> int:
        """Close every ticket of a user who asked to be forgotten: nobody waits for them."""
        cur = await self.conn.execute(
            "UPDATE tickets SET status = 'closed', updated_at = ?1, forgotten_at = ?1"
            " WHERE user_id = ?2 AND status != 'closed'",
            (now or utc_now(), user_id),
        )
        return cur.rowcount

    async def add_message(
        self,
        ticket_id: int,
        chat_id: int,
        message_id: int,
        role: MessageRole,
        body: str | None = None,
        author: int | None = None,
    ) -> None:
        """Remember one message of the thread (its text, for the panel's thread view, only
        for messages in the user's own chat); the same message twice is harmless."""
        await self.conn.execute(
            "INSERT OR IGNORE INTO ticket_messages (ticket_id, chat_id, message_id, role,"
            " created_at, body, author) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, chat_id, message_id, role, utc_now(), body, author),
        )

    async def purge_bodies(self, before: str) -> int:
        """Retention: the texts of thread messages older than `before` are dropped."""
        cur = await self.conn.execute(
            "UPDATE ticket_messages SET body = NULL WHERE body IS NOT NULL AND created_at < ?",
            (before,),
        )
        return cur.rowcount

    async def queue(self, status: TicketStatus | None, limit: int, offset: int) -> list[Ticket]:
        """The specialists' queue: urgent first, then the oldest waiting first."""
        where = "WHERE status = ?" if status else ""
        params: tuple[object, ...] = (status,) if status else ()
        async with self.conn.execute(
            f"SELECT * FROM tickets {where} ORDER BY urgent DESC,"
            " CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END,"
            " created_at LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ) as cur:
            return [_ticket(row) for row in await cur.fetchall()]

    async def count_by_status(self) -> dict[str, int]:
        async with self.conn.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status") as cur:
            return {row[0]: int(row[1]) for row in await cur.fetchall()}

    async def thread(self, ticket_id: int) -> list[ThreadMessage]:
        """The messages of the user's side of the thread, in order: what they asked and
        what they were sent."""
        async with self.conn.execute(
            "SELECT m.role, m.body, m.author, m.created_at FROM ticket_messages m"
            " JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.ticket_id = ? AND m.chat_id = t.user_id ORDER BY m.id",
            (ticket_id,),
        ) as cur:
            return [ThreadMessage(row[0], row[1], row[2], row[3]) for row in await cur.fetchall()]

    async def by_message(
        self, chat_id: int, message_id: int, roles: tuple[MessageRole, ...]
    ) -> Ticket | None:
        """The ticket a message belongs to, if it has one of `roles` in that thread."""
        marks = ", ".join("?" for _ in roles)
        async with self.conn.execute(
            "SELECT t.* FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id"
            f" WHERE m.chat_id = ? AND m.message_id = ? AND m.role IN ({marks})",
            (chat_id, message_id, *roles),
        ) as cur:
            row = await cur.fetchone()
        return _ticket(row) if row else None

    async def message_of(self, ticket_id: int, role: MessageRole) -> tuple[int, int] | None:
        """(chat, message) of the first message with `role` in a ticket's thread."""
        async with self.conn.execute(
            "SELECT chat_id, message_id FROM ticket_messages WHERE ticket_id = ? AND role = ?"
            " ORDER BY id LIMIT 1",
            (ticket_id, role),
        ) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else None

    async def count_messages_since(self, ticket_id: int, role: MessageRole, since: str) -> int:
        """Messages with `role` recorded in a ticket's thread since `since`."""
        return await self._count(
            "SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = ? AND role = ?"
            " AND created_at >= ?",
            (ticket_id, role, since),
        )

    async def _count(self, sql: str, params: tuple[object, ...]) -> int:
        async with self.conn.execute(sql, params) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
