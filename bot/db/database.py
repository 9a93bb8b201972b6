"""One aiosqlite connection per process, with WAL, a busy timeout and serialised transactions.

The read policy, the one every repository and service follows:

- **Reads** run on `Database.conn` without the writer's lock: a repository built over
  `db.conn` (`Users(db.conn).get(...)`), or `fetch_one`/`fetch_all`. aiosqlite runs one
  statement at a time, so a read never interleaves with a statement, only with a transaction
  another task holds open: it may then see that transaction's rows before COMMIT. That is
  accepted for what is only shown or counted (a menu, a report, a user's language).
- **A read a write depends on** (check, then change: "is this registration still open?")
  runs inside the same `transaction()`, so nothing changes between the two.
- **Writes** take the writer's turn: `statement()` for exactly one statement, `transaction()`
  for more than one; repositories never open either, the service does.
- SQL lives in `bot/db/` only; services call repositories, handlers call services.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.catalog.files import NotUtf8Error, read_text
from bot.private_files import narrow_database

# The WAL checkpoint is tried this many times, pausing 50 ms, 100 ms… between tries.
CHECKPOINT_ATTEMPTS = 6
CHECKPOINT_PAUSE = 0.05

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# An installed wheel carries them as `bot/migrations` (pyproject.toml maps the top-level
# folder there); a checkout or an editable install reads the top-level folder itself.
PACKAGED_MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
SOURCE_MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
DEFAULT_MIGRATIONS_DIR = (
    PACKAGED_MIGRATIONS_DIR if PACKAGED_MIGRATIONS_DIR.is_dir() else SOURCE_MIGRATIONS_DIR
)


class MigrationError(Exception):
    """A migration file is misnamed or failed; the database is left at the previous version."""


class Database:
    """Owns the connection. Writers go through `transaction()`, which one task holds at a time.

    aiosqlite runs every statement on one thread, so two tasks interleaving statements on one
    connection would share a transaction; the lock keeps each transaction whole.
    """

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def connect(self) -> Database:
        if self.path != ":memory:" and not self.path.startswith("file:"):
            # Created 0600 before SQLite opens it: SQLite gives the WAL and -shm the same mode.
            narrow_database(Path(self.path))
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        if self.path != ":memory:":
            await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, not left in free pages: /forget means it.
        await conn.execute("PRAGMA secure_delete = ON")
        self._conn = conn
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database.connect() was not called")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any error: all or nothing."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer's turn for exactly one statement, which SQLite commits on its own.

        A lone INSERT/UPDATE/DELETE is atomic in autocommit mode, so it needs no BEGIN and
        COMMIT: one trip to aiosqlite's thread instead of three. The lock still keeps it out
        of another task's open transaction. More than one statement: use `transaction()`.
        """
        async with self._write_lock:
            yield self.conn

    async def checkpoint(self) -> bool:
        """Copy the WAL into the main file and truncate it to zero bytes.

        With `secure_delete`, a delete zeroes the row in the page it writes to the WAL, but
        the WAL's older frames still hold every earlier version of that page, and the main
        file holds the version of the last checkpoint. After this call neither does (used
        by /forget). False when a reader in another process (a backup) kept it from
        finishing after a few short tries; the periodic housekeeping runs it again.
        """
        # A read of the bot's own (a worker's query in flight) or of another process often
        # ends within milliseconds: a few short retries spare the user's erasure a wait of
        # hours for the next housekeeping round.
        for attempt in range(CHECKPOINT_ATTEMPTS):
            if attempt:
                await asyncio.sleep(CHECKPOINT_PAUSE * attempt)
            async with self._write_lock:
                try:
                    rows = await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.OperationalError:  # a read of this connection still open
                    continue
            row = next(iter(rows), None)
            if row is None or row[0] == 0:
                return True
        return False

    async def ping(self) -> None:
        """Raise unless the database answers a query (the health check)."""
        await self.fetch_one("SELECT 1")

    async def fetch_one(self, sql: str, params: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        """One trip to aiosqlite's thread (execute + fetch + close there), not three."""
        return list(await self.conn.execute_fetchall(sql, params))

    async def schema_version(self) -> int:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        row = await self.fetch_one("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(row[0]) if row else 0

    async def check_writable(self) -> None:
        """Raise now (sqlite3.OperationalError, "readonly") if the file cannot be written,
        instead of at the first update. A write that changes nothing still needs the
        file's write lock, which a read-only file or folder refuses."""
        async with self.transaction() as conn:
            await conn.execute("DELETE FROM schema_version WHERE version < 0")

    async def migrate(self, migrations_dir: Path = DEFAULT_MIGRATIONS_DIR) -> list[str]:
        """Apply every migration not yet recorded, in number order, each in its own transaction.

        Recorded versions are compared one by one, not with the highest: a migration that
        was numbered below one already applied (branches merged late) still runs.
        """
        found = _list_migrations(migrations_dir)
        if not found:  # an install without them would otherwise run on an empty schema
            raise MigrationError(
                f"no migrations found in {migrations_dir}: the install is "
                f"incomplete (reinstall the package)"
            )
        await self.schema_version()
        done = {row[0] for row in await self.fetch_all("SELECT version FROM schema_version")}
        applied: list[str] = []
        for version, path in found:
            if version in done:
                continue
            try:
                statements = _split_sql(read_text(path))
            except (NotUtf8Error, OSError) as exc:
                raise MigrationError(str(exc)) from None
            try:
                async with self.transaction() as conn:
                    for statement in statements:
                        await conn.execute(statement)
                    await conn.execute(
                        "INSERT INTO schema_version (version, name, applied_at)"
                        " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                        (version, path.name),
                    )
            except aiosqlite.Error as exc:
                raise MigrationError(f"{path.name}: {exc}") from exc
            applied.append(path.name)
        return applied


def _list_migrations(folder: Path) -> list[tuple[int, Path]]:
    found: dict[int, Path] = {}
    if not folder.is_dir():
        return []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: name must look like 0001_what_it_does.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path.name}: version {version} is used twice")
        found[version] = path
    return sorted(found.items())


def _split_sql(script: str) -> list[str]:
    """Split a script into statements (sqlite3.complete_statement knows about quotes).

    `executescript` would be shorter, but it commits on its own and so breaks the
    all-or-nothing transaction around each migration.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if _strip_comments(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer):
        raise MigrationError(f"unterminated statement: {buffer.strip()[:60]}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines()).strip()
