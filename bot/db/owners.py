"""Keyed hashes of Telegram ids that limits are counted by, so that /forget (which removes
the id from every row) does not reset them. The key never leaves the database."""

from __future__ import annotations

import hashlib
import hmac

import aiosqlite

KEY_NAME = "owner_key"


def owner_hash(key: bytes, user_id: int) -> str:
    """HMAC-SHA256 of the id: the same person maps to the same mark, and the mark alone does
    not give the id back without the key."""
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()


class Owners:
    """Repository over `ticket_owners` and `registration_owners`; the caller owns the
    transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def of(self, user_id: int) -> str:
        async with self.conn.execute(
            "SELECT value FROM secrets WHERE name = ?", (KEY_NAME,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None, "migration 0008 creates the key"
        return owner_hash(bytes(row[0]), user_id)

    async def mark_ticket(self, ticket_id: int, owner: str, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO ticket_owners (ticket_id, owner, created_at) VALUES (?, ?, ?)",
            (ticket_id, owner, now),
        )

    async def mark_registration(self, reg_id: int, owner: str, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO registration_owners (registration_id, owner, created_at) VALUES (?, ?, ?)",
            (reg_id, owner, now),
        )

    async def registrations_since(self, owner: str, since: str) -> int:
        async with self.conn.execute(
            "SELECT COUNT(*) FROM registration_owners WHERE owner = ? AND created_at >= ?",
            (owner, since),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def purge(self, before: str) -> None:
        """Drop marks older than `before` that no limit needs: an open ticket's mark stays
        (the open-tickets limit counts it however old it is)."""
        await self.conn.execute(
            "DELETE FROM ticket_owners WHERE created_at < ? AND ticket_id NOT IN"
            " (SELECT id FROM tickets WHERE status = 'open')",
            (before,),
        )
        await self.conn.execute("DELETE FROM registration_owners WHERE created_at < ?", (before,))
