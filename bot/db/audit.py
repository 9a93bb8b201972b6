"""The audit log: every change an admin made, whichever front end they used."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    admin_id: int | None
    via: str  # panel, telegram, cli
    action: str  # status, export, signin, signout, reload, announce, ...
    target: str | None  # "registration:12", "broadcast:3"
    details: str  # a JSON object


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit page asks for; empty fields do not filter. Days are ISO UTC bounds."""

    admin_id: int | None = None
    action: str | None = None
    via: str | None = None
    since: str | None = None  # inclusive, stored form
    until: str | None = None  # exclusive, stored form
    target: str | None = None


def _entry(row: aiosqlite.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        admin_id=row["admin_id"],
        via=row["via"],
        action=row["action"],
        target=row["target"],
        details=row["details"],
    )


def _where(found: AuditFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (
        ("admin_id = ?", found.admin_id),
        ("action = ?", found.action),
        ("via = ?", found.via),
        ("at >= ?", found.since),
        ("at < ?", found.until),
        ("target = ?", found.target),
    ):
        if value is not None:
            clauses.append(column)
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class AuditLog:
    """Repository over `audit_log`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        *,
        at: str,
        admin_id: int | None,
        via: str,
        action: str,
        target: str | None,
        details: str,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO audit_log (at, admin_id, via, action, target, details)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (at, admin_id, via, action, target, details),
        )

    async def page(self, found: AuditFilter, limit: int, offset: int) -> list[AuditEntry]:
        """Newest first."""
        where, params = _where(found)
        rows = await self.conn.execute_fetchall(
            f"SELECT * FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_entry(row) for row in rows]

    async def count(self, found: AuditFilter) -> int:
        where, params = _where(found)
        rows = list(
            await self.conn.execute_fetchall(f"SELECT COUNT(*) FROM audit_log{where}", params)
        )
        return int(rows[0][0]) if rows else 0

    async def actions(self) -> list[str]:
        rows = await self.conn.execute_fetchall("SELECT DISTINCT action FROM audit_log ORDER BY 1")
        return [row[0] for row in rows]

    async def admins(self) -> list[int]:
        rows = await self.conn.execute_fetchall(
            "SELECT DISTINCT admin_id FROM audit_log WHERE admin_id IS NOT NULL ORDER BY 1"
        )
        return [row[0] for row in rows]
