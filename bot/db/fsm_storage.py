"""aiogram FSM storage in the bot's SQLite database.

A deploy or a crash must not throw away a half-filled registration form, so states and
their data live in `fsm_state` (migration 0006), not in memory. Forms idle for longer than
`ttl` seconds expire: the next read finds nothing and the row goes at the next flush.

aiogram reads the state of every update, in a form or not; one bot process owns the
database, so reads are served from a bounded cache and only writes reach SQLite
(`bench/registrations.py` measures the difference). A form step changes the state and the
data; both land in the cache at once and reach SQLite together in `flush()`, which the
dispatcher runs when the update has been handled (`FlushStateMiddleware`). One flush runs
at a time; one that had to wait takes every row changed meanwhile, so under load one
transaction carries many users' rows and the flushes behind it find nothing left to do.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StorageKey,
)

from bot.db.database import Database

DAY = 24 * 60 * 60
CACHE_SIZE = 10_000
StateType = str | State | None
UPSERT = (
    "INSERT INTO fsm_state (key, state, data, touched_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data,"
    " touched_at = excluded.touched_at"
)
DELETE = "DELETE FROM fsm_state WHERE key = ?"
# Keys are `fsm:<chat>:<user>:<destiny>` (`DefaultKeyBuilder(with_destiny=True)`); in a
# private chat the chat id is the user's id. This module alone knows that.
DELETE_USER = "DELETE FROM fsm_state WHERE key LIKE ?"


def _private_rows(user_id: int) -> str:
    """A LIKE pattern for every row of the user's private chat, any destiny."""
    return f"%:{user_id}:{user_id}:%"


def _mentions(built: str, user_id: int) -> bool:
    """A built key that names the user (their private chat or another chat)."""
    return f":{user_id}:" in built


async def delete_user_rows(conn: aiosqlite.Connection, user_id: int) -> None:
    """/forget: delete the user's stored form states inside the caller's transaction, so they
    go with the rest of the user's data or not at all. Follow it with `SQLiteStorage.forget`
    for what the running storage holds in memory."""
    await conn.execute(DELETE_USER, (_private_rows(user_id),))


@dataclass
class _Entry:
    state: str | None
    data: dict[str, Any]
    touched_at: float
    text: str = ""  # `data` as stored (JSON), made when the row changes


class SQLiteStorage(BaseStorage):
    """FSM storage over `Database`, written behind: see the module's docstring."""

    def __init__(
        self,
        db: Database,
        *,
        ttl: float = DAY,
        clock: Callable[[], float] = time.time,
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.clock = clock
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        # key → the row as stored, or None for "no row"; least recently used first.
        self._cache: OrderedDict[str, _Entry | None] = OrderedDict()
        # key → the row as it must be stored (None: delete), not yet written…
        self._dirty: dict[str, _Entry | None] = {}
        # …and the rows the running flush is writing: until it is done, they are the truth.
        self._writing: dict[str, _Entry | None] = {}
        self._flush_lock = asyncio.Lock()

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
        await self.flush()
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM fsm_state WHERE touched_at < ?", (self.clock() - self.ttl,)
            )
        self._cache.clear()
        return cur.rowcount

    def forget(self, user_id: int) -> None:
        """After their rows were deleted (`delete_user_rows`, /forget): every row of the user
        this storage knows becomes a pending delete. A flush already writing one of them (its
        update ran beside /forget) is followed by that delete, so nothing of theirs stays."""
        known = {*self._cache, *self._dirty, *self._writing}
        for built in [k for k in known if _mentions(k, user_id)]:
            self._cache[built] = None
            self._dirty[built] = None

    async def close(self) -> None:
        """Write what is pending; the database belongs to the application, which closes it."""
        await self.flush()

    async def flush(self) -> None:
        """Write every changed row: one statement for one row, one transaction for many.

        A row with no state and no data is a finished conversation and is deleted, which
        keeps the table small. If the write fails, its rows are pending again (those changed
        meanwhile keep the newer value) and the error goes up.
        """
        async with self._flush_lock:
            if not self._dirty:
                return
            batch = self._writing = self._dirty
            self._dirty = {}
            gone = [(key,) for key, entry in batch.items() if entry is None]
            kept = [
                (key, entry.state, entry.text, entry.touched_at)
                for key, entry in batch.items()
                if entry is not None
            ]
            try:
                if len(batch) == 1:
                    async with self.db.statement() as conn:
                        await conn.execute(*((DELETE, gone[0]) if gone else (UPSERT, kept[0])))
                else:
                    async with self.db.transaction() as conn:
                        if gone:
                            await conn.executemany(DELETE, gone)
                        if kept:
                            await conn.executemany(UPSERT, kept)
            except BaseException:
                self._dirty = {**batch, **self._dirty}
                raise
            finally:
                self._writing = {}

    async def _write(self, built: str, state: str | None, data: dict[str, Any]) -> None:
        """Keep the whole row in the cache and mark it for the next `flush()`. The data is
        turned into JSON here, so a value JSON cannot hold fails in the handler that set it,
        not later in a flush carrying other users' rows."""
        entry = None
        if state is not None or data:
            text = json.dumps(data, ensure_ascii=False)
            entry = _Entry(state, data, self.clock(), text)
        self._remember(built, entry)
        self._dirty[built] = entry

    async def _entry(self, key: StorageKey) -> _Entry | None:
        built = self.key_builder.build(key)
        if built in self._dirty:
            entry = self._dirty[built]
        elif built in self._writing:
            entry = self._writing[built]
        elif built in self._cache:
            self._cache.move_to_end(built)
            entry = self._cache[built]
        else:
            row = await self.db.fetch_one("SELECT * FROM fsm_state WHERE key = ?", (built,))
            if built in self._dirty or built in self._writing or built in self._cache:
                return await self._entry(key)  # changed or read by another task meanwhile
            entry = (
                _Entry(row["state"], json.loads(row["data"]), row["touched_at"]) if row else None
            )
            self._remember(built, entry)
        if entry is not None and entry.touched_at < self.clock() - self.ttl:
            await self._write(built, None, {})  # expired: deleted at the next flush
            return None
        return entry

    def _remember(self, built: str, entry: _Entry | None) -> None:
        self._cache[built] = entry
        self._cache.move_to_end(built)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
