"""The event loop the bot serves on: uvloop where it is installed, asyncio's own otherwise.

Most of an update's time is spent in the loop itself: sockets to the Bot API and the
hand-offs to aiosqlite's thread. uvloop (libuv, the loop aiogram's docs recommend) does
those in C; `bench/load.py` measured about a quarter more updates per second with it.
"""

from __future__ import annotations

import asyncio
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
