"""Announcement jobs and their per-recipient deliveries; the caller owns the transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

import aiosqlite

# The values migration 0003 allows in `registrations`; an audience names one of them.
from bot.choices import DISTRICTS, OCCUPATIONS
from bot.choices import STATUSES as REG_STATUSES

AudienceKind = Literal["all", "lang", "topic", "district", "occupation"]

LANGS = ("kk", "ru")
# Who may ever get an announcement: subscribed and not blocked, whatever the audience.
ELIGIBLE = "u.subscribed = 1 AND u.blocked = 0"
ACTIVE = ("scheduled", "running", "paused")


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an announcement is for. `value` names the language, topic, district or occupation;
    `status` narrows programme registrants to one registration status (None = any)."""

    kind: AudienceKind = "all"
    value: str | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        allowed: dict[str, tuple[str, ...]] = {
            "lang": LANGS,
            "district": DISTRICTS,
            "occupation": OCCUPATIONS,
        }
        if self.kind == "all":
            ok = self.value is None
        elif self.kind == "topic":
            ok = bool(self.value) and (self.status is None or self.status in REG_STATUSES)
        else:
            ok = self.kind in allowed and self.value in allowed[self.kind]
        if not ok:
            raise ValueError(f"bad audience {self!r}")

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "value": self.value, "status": self.status})

    @classmethod
    def from_json(cls, raw: str) -> Audience:
        data = json.loads(raw)
        return cls(data.get("kind", "all"), data.get("value"), data.get("status"))

    def where(self) -> tuple[str, tuple[object, ...]]:
        """An SQL condition on `users u` (and its parameters) for this audience."""
        if self.kind == "all":
            return ELIGIBLE, ()
        if self.kind == "lang":
            return f"{ELIGIBLE} AND u.language = ?", (self.value,)
        column = {"topic": "topic_id", "district": "district", "occupation": "occupation"}
        sql = f"SELECT user_id FROM registrations WHERE {column[self.kind]} = ?"
        params: tuple[object, ...] = (self.value,)
        if self.kind == "topic" and self.status is not None:
            sql += " AND status = ?"
            params += (self.status,)
        return f"{ELIGIBLE} AND u.telegram_id IN ({sql})", params


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    created_by: int
    source_chat_id: int
    source_message_id: int
    audience: Audience
    buttons: dict[str, str]
    status: str
    due_at: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress_chat_id: int | None
    progress_message_id: int | None
    flood_waits: int


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        source_chat_id=row["source_chat_id"],
        source_message_id=row["source_message_id"],
        audience=Audience.from_json(row["audience"]),
        buttons=json.loads(row["buttons"]),
        status=row["status"],
        due_at=row["due_at"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        flood_waits=row["flood_waits"],
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """Deliveries of one job by status."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    uncertain: int = 0

    @property
    def total(self) -> int:
        return (
            self.pending
            + self.sending
            + self.sent
            + self.failed
            + self.blocked
            + self.skipped
            + self.uncertain
        )

    @property
    def remaining(self) -> int:
        return self.pending + self.sending

    @property
    def processed(self) -> int:
        return self.total - self.remaining


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    language: str | None


class Broadcasts:
    """Repository over `broadcasts` and `broadcast_deliveries`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def count_audience(self, audience: Audience) -> int:
        where, params = audience.where()
        async with self.conn.execute(f"SELECT COUNT(*) FROM users u WHERE {where}", params) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def registered_topics(self) -> set[str]:
        """Programmes that have registrants (an audience may name one no longer open)."""
        async with self.conn.execute(
            "SELECT DISTINCT topic_id FROM registrations WHERE user_id IS NOT NULL"
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

    async def create(
        self,
        *,
        created_by: int,
        source_chat_id: int,
        source_message_id: int,
        audience: Audience,
        buttons: dict[str, str],
        due_at: str,
        now: str,
    ) -> tuple[int, int]:
        """The job and one pending delivery per recipient; returns (job id, recipients)."""
        cur = await self.conn.execute(
            "INSERT INTO broadcasts (created_by, source_chat_id, source_message_id, audience,"
            " buttons, status, due_at, created_at) VALUES (?, ?, ?, ?, ?, 'scheduled', ?, ?)",
            (
                created_by,
                source_chat_id,
                source_message_id,
                audience.to_json(),
                json.dumps(buttons),
                due_at,
                now,
            ),
        )
        job_id = int(cur.lastrowid or 0)
        where, params = audience.where()
        cur = await self.conn.execute(
            "INSERT INTO broadcast_deliveries (broadcast_id, user_id)"
            f" SELECT ?, u.telegram_id FROM users u WHERE {where}",
            (job_id, *params),
        )
        return job_id, cur.rowcount

    async def get(self, job_id: int) -> Broadcast | None:
        async with self.conn.execute("SELECT * FROM broadcasts WHERE id = ?", (job_id,)) as cur:
            row = await cur.fetchone()
        return _broadcast(row) if row else None

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        async with self.conn.execute(
            "SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            return [_broadcast(row) for row in await cur.fetchall()]

    async def next_due(self, now: str) -> Broadcast | None:
        """A job to work on: one already running (resumed after a restart) before due ones."""
        async with self.conn.execute(
            "SELECT * FROM broadcasts WHERE status = 'running'"
            " OR (status = 'scheduled' AND due_at <= ?)"
            " ORDER BY status = 'running' DESC, due_at, id LIMIT 1",
            (now,),
        ) as cur:
            row = await cur.fetchone()
        return _broadcast(row) if row else None

    async def next_due_at(self) -> str | None:
        async with self.conn.execute(
            "SELECT MIN(due_at) FROM broadcasts WHERE status = 'scheduled'"
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_status(self, job_id: int, status: str, now: str) -> None:
        await self.conn.execute(
            "UPDATE broadcasts SET status = ?,"
            " started_at = CASE WHEN ? = 'running' THEN COALESCE(started_at, ?)"
            " ELSE started_at END,"
            " finished_at = CASE WHEN ? IN ('done', 'cancelled') THEN ? ELSE finished_at END"
            " WHERE id = ?",
            (status, status, now, status, now, job_id),
        )

    async def control(
        self, job_id: int, status: str, allowed_from: tuple[str, ...], now: str
    ) -> bool:
        """Change status only from the given ones (pause a running job, resume a paused one)."""
        marks = ", ".join("?" * len(allowed_from))
        cur = await self.conn.execute(
            "UPDATE broadcasts SET status = ?,"
            " finished_at = CASE WHEN ? = 'cancelled' THEN ? ELSE finished_at END"
            f" WHERE id = ? AND status IN ({marks})",
            (status, status, now, job_id, *allowed_from),
        )
        return cur.rowcount == 1

    async def set_progress_message(self, job_id: int, chat_id: int, message_id: int) -> None:
        await self.conn.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, job_id),
        )

    async def add_flood_wait(self, job_id: int) -> None:
        await self.conn.execute(
            "UPDATE broadcasts SET flood_waits = flood_waits + 1 WHERE id = ?", (job_id,)
        )

    async def pending(
        self, job_id: int, limit: int, exclude: set[int] | frozenset[int] = frozenset()
    ) -> list[Recipient]:
        """The next recipients still to send to, with their language for the buttons."""
        async with self.conn.execute(
            "SELECT d.user_id, u.language FROM broadcast_deliveries d"
            " JOIN users u ON u.telegram_id = d.user_id"
            " WHERE d.broadcast_id = ? AND d.status = 'pending' ORDER BY d.user_id LIMIT ?",
            (job_id, limit + len(exclude)),
        ) as cur:
            rows = await cur.fetchall()
        found = [Recipient(r[0], r[1]) for r in rows if r[0] not in exclude]
        return found[:limit]

    async def claim(self, job_id: int, user_id: int, now: str) -> bool:
        """Mark one delivery in flight before the call. False when it is not pending any more,
        or when the user unsubscribed or blocked the bot since the job was created (then it is
        settled as skipped)."""
        async with self.conn.execute(
            f"SELECT {ELIGIBLE} FROM users u WHERE u.telegram_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        status = "sending" if row and row[0] else "skipped"
        cur = await self.conn.execute(
            "UPDATE broadcast_deliveries SET status = ?, attempts = attempts + 1, updated_at = ?"
            " WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'",
            (status, now, job_id, user_id),
        )
        return cur.rowcount == 1 and status == "sending"

    async def settle(
        self,
        job_id: int,
        user_id: int,
        status: str,
        now: str,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        await self.conn.execute(
            "UPDATE broadcast_deliveries SET status = ?, message_id = ?, error = ?, updated_at = ?"
            " WHERE broadcast_id = ? AND user_id = ? AND status = 'sending'",
            (status, message_id, error, now, job_id, user_id),
        )

    async def release(self, job_id: int, user_id: int, now: str) -> None:
        """A delivery in flight whose copy certainly did not go out (the worker stopped while
        waiting to try again) is pending again, for the next start."""
        await self.conn.execute(
            "UPDATE broadcast_deliveries SET status = 'pending', updated_at = ?"
            " WHERE broadcast_id = ? AND user_id = ? AND status = 'sending'",
            (now, job_id, user_id),
        )

    async def recover(self) -> int:
        """At start-up: whatever was in flight when the process stopped may have arrived, so
        it is counted as uncertain and never sent again."""
        cur = await self.conn.execute(
            "UPDATE broadcast_deliveries SET status = 'uncertain' WHERE status = 'sending'"
        )
        return cur.rowcount

    async def tally(self, job_id: int) -> Tally:
        async with self.conn.execute(
            "SELECT status, COUNT(*) FROM broadcast_deliveries WHERE broadcast_id = ?"
            " GROUP BY status",
            (job_id,),
        ) as cur:
            counts = {row[0]: int(row[1]) for row in await cur.fetchall()}
        return Tally(**counts)
