"""The event loop the bot serves on: uvloop where it is installed, asyncio's own otherwise.

Most of an update's time is spent in the loop itself: sockets to the Bot API and the
hand-offs to aiosqlite's thread. uvloop (libuv, the loop aiogram's docs recommend) does
those in C; `bench/load.py` measured about a quarter more updates per second with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def serve(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on the fastest loop available."""
    try:
        import uvloop
    except ImportError:  # Windows, or an install without it: same behaviour, slower
        return asyncio.run(main)
    return uvloop.run(main)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Stop a background worker's task and wait until it has stopped (at shutdown)."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class HeapFreezer:
    """The heap freeze of a serving process, installed by `create_dispatcher(freeze_heap=True)`.

    `freeze` runs when start-up is done; `content_swapped`, a `ContentStore.after_reload`
    listener, has the event loop refreeze (a reload runs in a worker thread; the collection
    and the finalizers it runs belong on the loop).
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    async def freeze(self) -> None:
        self._loop = asyncio.get_running_loop()
        await freeze_long_lived()

    def content_swapped(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(refreeze)


async def freeze_long_lived() -> None:
    """Hide what start-up built from the garbage collector (`HeapFreezer.freeze`).

    aiogram's and pydantic's types, the content index and the routers live as long as the
    process; every full collection used to walk them all, pausing the loop for up to a
    quarter of a second under `bench/load.py`. Frozen, they are never scanned again.
    """
    gc.collect()
    gc.freeze()


def refreeze() -> None:
    """After a content reload: let the collector see the old content, drop it, freeze the new.

    Only where start-up froze the heap (production); costs one full collection, on an
    admin's command. Without it each reload would keep the old catalog and index for good.
    """
    if gc.get_freeze_count() == 0:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
