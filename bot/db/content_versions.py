"""The history of the content files (topics): every version, whoever wrote it."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

COLUMNS = "id, path, sha256, body, at, admin_id, via, restored_from"


@dataclass(frozen=True, slots=True)
class ContentVersion:
    id: int
    path: str  # inside content/: "topics/neet.toml"
    sha256: str
    body: str
    at: str
    admin_id: int | None  # None: found on disk (a hand edit, or the first sight of a file)
    via: str  # panel, restore, disk
    restored_from: int | None


def _version(row: aiosqlite.Row) -> ContentVersion:
    return ContentVersion(
        id=row["id"],
        path=row["path"],
        sha256=row["sha256"],
        body=row["body"],
        at=row["at"],
        admin_id=row["admin_id"],
        via=row["via"],
        restored_from=row["restored_from"],
    )


class ContentVersions:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        path: str,
        sha256: str,
        body: str,
        at: str,
        admin_id: int | None,
        via: str,
        restored_from: int | None = None,
    ) -> int:
        cursor = await self.conn.execute(
            "INSERT INTO content_versions"
            " (path, sha256, body, at, admin_id, via, restored_from)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (path, sha256, body, at, admin_id, via, restored_from),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def latest_hashes(self) -> dict[str, str]:
        """Each file's last recorded hash."""
        cursor = await self.conn.execute(
            "SELECT path, sha256 FROM content_versions WHERE id IN"
            " (SELECT MAX(id) FROM content_versions GROUP BY path)"
        )
        return {row["path"]: row["sha256"] for row in await cursor.fetchall()}

    async def of_path(self, path: str, limit: int = 200) -> list[ContentVersion]:
        """A file's versions, newest first."""
        cursor = await self.conn.execute(
            f"SELECT {COLUMNS} FROM content_versions WHERE path = ? ORDER BY id DESC LIMIT ?",
            (path, limit),
        )
        return [_version(row) for row in await cursor.fetchall()]

    async def get(self, version_id: int) -> ContentVersion | None:
        cursor = await self.conn.execute(
            f"SELECT {COLUMNS} FROM content_versions WHERE id = ?", (version_id,)
        )
        row = await cursor.fetchone()
        return _version(row) if row else None

    async def before(self, version: ContentVersion) -> ContentVersion | None:
        """The version of the same file just before this one (what it changed)."""
        cursor = await self.conn.execute(
            f"SELECT {COLUMNS} FROM content_versions WHERE path = ? AND id < ?"
            " ORDER BY id DESC LIMIT 1",
            (version.path, version.id),
        )
        row = await cursor.fetchone()
        return _version(row) if row else None
