"""Per-user event isolation: one user's updates are handled one at a time, in order.

Dispatcher machinery, not storage: aiogram asks its `events_isolation` for a lock per
storage key around each update, whatever the FSM storage is (`create_dispatcher` installs
this one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


class OneUpdateAtATime(BaseEventIsolation):
    """A user's updates are handled one after another, in the order they came.

    aiogram handles updates concurrently, so a form answer typed twice quickly, or a
    button tapped twice, could run two steps on the same state: the second message would
    be checked against the step the first one already finished. With this, the second
    waits for the first. aiogram's `SimpleEventIsolation` does the same but keeps a lock
    for every user it has ever seen; here a lock lives only while someone holds or waits
    for it.
    """

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}  # lock, holders+waiters

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, count = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, count + 1)
        try:
            async with lock:
                yield
        finally:
            lock, count = self._locks[key]
            if count == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, count - 1)

    @property
    def held(self) -> int:
        """Users with an update being handled or waiting (not `__len__`: aiogram tests the
        isolation object for truth, and an empty one must not read as "none given")."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()
