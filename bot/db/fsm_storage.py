"""aiogram FSM storage in the bot's SQLite database.

A deploy or a crash must not throw away a half-filled registration form, so states and
their data live in `fsm_state` (migration 0006), not in memory. Forms idle for longer than
`ttl` seconds expire: the next read finds nothing and the row is removed.

aiogram reads the state of every update, in a form or not; one bot process owns the
database, so reads are served from a bounded write-through cache and only writes reach
SQLite (`bench/registrations.py` measures the difference).
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey

from bot.db.database import Database

DAY = 24 * 60 * 60
CACHE_SIZE = 10_000
StateType = str | State | None


@dataclass
class _Entry:
    state: str | None
    data: dict[str, Any]
    touched_at: float


class SQLiteStorage(BaseStorage):
    """FSM storage over `Database`; every write is one statement, atomic on its own."""

    def __init__(self, db: Database, *, ttl: float = DAY,
                 clock: Callable[[], float] = time.time,
                 key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.ttl = ttl
        self.clock = clock
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        # key → the row as stored, or None for "no row"; least recently used first.
        self._cache: OrderedDict[str, _Entry | None] = OrderedDict()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        entry = await self._entry(key)
        data = entry.data if entry else {}
        await self._write(self.key_builder.build(key), value, data)

    async def get_state(self, key: StorageKey) -> str | None:
        entry = await self._entry(key)
        return entry.state if entry else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        entry = await self._entry(key)
        state = entry.state if entry else None
        await self._write(self.key_builder.build(key), state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        entry = await self._entry(key)
        return dict(entry.data) if entry else {}

    async def purge_expired(self) -> int:
        """Delete every expired row (run at start-up); returns how many went."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM fsm_state WHERE touched_at < ?",
                                     (self.clock() - self.ttl,))
        self._cache.clear()
        return cur.rowcount

    def forget(self, user_id: int) -> None:
        """Drop cached rows of a user whose rows were deleted with plain SQL (/forget)."""
        for built in [k for k in self._cache if f":{user_id}:" in k]:
            self._cache[built] = None

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""

    async def _write(self, built: str, state: str | None, data: dict[str, Any]) -> None:
        """Store the whole row; a row with no state and no data is a finished conversation
        and is deleted, which keeps the table small."""
        now = self.clock()
        async with self.db.statement() as conn:
            if state is None and not data:
                await conn.execute("DELETE FROM fsm_state WHERE key = ?", (built,))
            else:
                await conn.execute(
                    "INSERT INTO fsm_state (key, state, data, touched_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET state = excluded.state,"
                    " data = excluded.data, touched_at = excluded.touched_at",
                    (built, state, json.dumps(data, ensure_ascii=False), now),
                )
        self._remember(built, _Entry(state, data, now) if state or data else None)

    async def _entry(self, key: StorageKey) -> _Entry | None:
        built = self.key_builder.build(key)
        if built in self._cache:
            self._cache.move_to_end(built)
            entry = self._cache[built]
        else:
            row = await self.db.fetch_one("SELECT * FROM fsm_state WHERE key = ?", (built,))
            entry = (_Entry(row["state"], json.loads(row["data"]), row["touched_at"])
                     if row else None)
            self._remember(built, entry)
        if entry is not None and entry.touched_at < self.clock() - self.ttl:
            async with self.db.statement() as conn:
                await conn.execute("DELETE FROM fsm_state WHERE key = ? AND touched_at < ?",
                                   (built, self.clock() - self.ttl))
            self._remember(built, None)
            return None
        return entry

    def _remember(self, built: str, entry: _Entry | None) -> None:
        self._cache[built] = entry
        self._cache.move_to_end(built)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
