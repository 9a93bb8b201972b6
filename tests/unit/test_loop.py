"""The serving loop and the start-up heap freeze."""

from __future__ import annotations

import asyncio
import gc

from bot.loop import freeze_long_lived, serve


def test_serve_runs_on_uvloop_when_installed() -> None:
    async def which() -> str:
        await asyncio.sleep(0)
        return type(asyncio.get_running_loop()).__module__

    try:
        import uvloop  # noqa: F401
    except ImportError:
        assert serve(which()).startswith("asyncio")
    else:
        assert serve(which()).startswith("uvloop")


def test_freeze_moves_what_lives_now_out_of_the_collectors_sight() -> None:
    try:
        asyncio.run(freeze_long_lived())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
