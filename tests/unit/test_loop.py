"""The serving loop and the start-up heap freeze."""

from __future__ import annotations

import asyncio
import gc
import weakref

from bot.loop import freeze_long_lived, refreeze, serve


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


def test_a_reload_lets_the_old_content_go() -> None:
    class Catalog:  # stands for the content a reload replaces: a cycle, as real ones hold
        def __init__(self) -> None:
            self.me = self

    refreeze()  # nothing frozen (tests, chat mode): does nothing
    assert gc.get_freeze_count() == 0
    old = Catalog()
    ref = weakref.ref(old)
    try:
        asyncio.run(freeze_long_lived())
        del old
        gc.collect()
        assert ref() is not None  # frozen: the collector does not see it
        refreeze()
        assert ref() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
