"""aiogram FSM storage in the bot's SQLite database.

A deploy or a crash must not throw away a half-filled registration form, so states and
their data live in `fsm_state` (migration 0006), not in memory. Forms idle for longer than
`ttl` seconds expire: the next read finds nothing and the row is removed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey

from bot.db.database import Database

DAY = 24 * 60 * 60
StateType = str | State | None


class SQLiteStorage(BaseStorage):
    """FSM storage over `Database`; every write is one short transaction."""

    def __init__(self, db: Database, *, ttl: float = DAY,
                 clock: Callable[[], float] = time.time,
                 key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.ttl = ttl
        self.clock = clock
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO fsm_state (key, state, touched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET state = excluded.state,"
                " touched_at = excluded.touched_at",
                (self.key_builder.build(key), value, self.clock()),
            )
            await self._drop_empty(conn, key)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._row(key)
        return row["state"] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), ensure_ascii=False)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO fsm_state (key, data, touched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET data = excluded.data,"
                " touched_at = excluded.touched_at",
                (self.key_builder.build(key), payload, self.clock()),
            )
            await self._drop_empty(conn, key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._row(key)
        return json.loads(row["data"]) if row else {}

    async def purge_expired(self) -> int:
        """Delete every expired row (run at start-up); returns how many went."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM fsm_state WHERE touched_at < ?",
                                     (self.clock() - self.ttl,))
            return cur.rowcount

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""

    async def _row(self, key: StorageKey) -> Any:
        built = self.key_builder.build(key)
        row = await self.db.fetch_one("SELECT * FROM fsm_state WHERE key = ?", (built,))
        if row is not None and row["touched_at"] < self.clock() - self.ttl:
            async with self.db.transaction() as conn:
                await conn.execute("DELETE FROM fsm_state WHERE key = ? AND touched_at < ?",
                                   (built, self.clock() - self.ttl))
            return None
        return row

    async def _drop_empty(self, conn: Any, key: StorageKey) -> None:
        """A row with no state and no data is a finished conversation: keep the table small."""
        await conn.execute("DELETE FROM fsm_state WHERE key = ? AND state IS NULL"
                           " AND data = '{}'", (self.key_builder.build(key),))
