"""Sign-in links and sessions of the web panel. Only SHA-256 hashes of tokens are stored:
a copy of the database lets nobody sign in."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class SignInLink:
    token_hash: str
    admin_id: int
    created_at: str
    expires_at: str
    used_at: str | None


@dataclass(frozen=True, slots=True)
class PanelSession:
    token_hash: str
    admin_id: int
    csrf: str
    created_at: str
    last_seen: str
    ended_at: str | None


class PanelSessions:
    """Repository over `panel_links` and `panel_sessions`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add_link(self, token_hash: str, admin_id: int, now: str, expires: str) -> None:
        await self.conn.execute(
            "INSERT INTO panel_links (token_hash, admin_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, admin_id, now, expires),
        )

    async def link(self, token_hash: str) -> SignInLink | None:
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT * FROM panel_links WHERE token_hash = ?", (token_hash,)
            )
        )
        if not rows:
            return None
        row = rows[0]
        return SignInLink(
            row["token_hash"], row["admin_id"], row["created_at"], row["expires_at"], row["used_at"]
        )

    async def use_link(self, token_hash: str, now: str) -> bool:
        """Mark the link used; False when it was used (or expired) meanwhile."""
        cur = await self.conn.execute(
            "UPDATE panel_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ?",
            (now, token_hash, now),
        )
        return cur.rowcount == 1

    async def add_session(self, token_hash: str, admin_id: int, csrf: str, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO panel_sessions (token_hash, admin_id, csrf, created_at, last_seen)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_hash, admin_id, csrf, now, now),
        )

    async def session(self, token_hash: str) -> PanelSession | None:
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT * FROM panel_sessions WHERE token_hash = ?", (token_hash,)
            )
        )
        if not rows:
            return None
        row = rows[0]
        return PanelSession(
            row["token_hash"],
            row["admin_id"],
            row["csrf"],
            row["created_at"],
            row["last_seen"],
            row["ended_at"],
        )

    async def touch(self, token_hash: str, now: str) -> None:
        await self.conn.execute(
            "UPDATE panel_sessions SET last_seen = ? WHERE token_hash = ?", (now, token_hash)
        )

    async def end(self, token_hash: str, now: str) -> None:
        await self.conn.execute(
            "UPDATE panel_sessions SET ended_at = COALESCE(ended_at, ?) WHERE token_hash = ?",
            (now, token_hash),
        )

    async def end_all_of(self, admin_id: int, now: str) -> None:
        """An admin removed from ADMIN_IDS loses every session at their next request."""
        await self.conn.execute(
            "UPDATE panel_sessions SET ended_at = COALESCE(ended_at, ?) WHERE admin_id = ?",
            (now, admin_id),
        )

    async def purge(self, links_before: str, sessions_before: str) -> None:
        """Drop links past their time and sessions idle or ended long enough ago."""
        await self.conn.execute("DELETE FROM panel_links WHERE expires_at < ?", (links_before,))
        await self.conn.execute(
            "DELETE FROM panel_sessions WHERE last_seen < ? OR ended_at < ?",
            (sessions_before, sessions_before),
        )
