"""Two measured workarounds for aiogram costs: filters run inline, keyboards copied by row.

Found with cProfile under `bench/load.py`. aiogram calls every synchronous filter callback
through `asyncio.to_thread`, magic filters and bare `State` filters included: `F.text` or
`RegForm.age` cost a round trip to the thread pool each, about a dozen per update with this
bot's routers. Both are a few attribute lookups that never block, so they run on the loop.

aiogram offers no public switch for this, so `FilterObject.__post_init__` is wrapped; the
patch changes no result, only where the filter runs. `create_dispatcher` installs it, before
the routers are built, and only on the aiogram versions it was checked on
(`SUPPORTED_AIOGRAM`); on others the bot runs unpatched (correct, a little slower) and says
so in the log. tests/unit/test_canaries.py fails by name when an aiogram upgrade changes
the private surface this relies on.

`InlineKeyboardBuilder.as_markup()` deep-copies every button; with one builder per message
that copy protects nothing. The menu cache (`same_for_everyone`) leaves about 0.8 keyboards
built per update under `bench/load.py`, and the subclass below makes each about 0.13 ms of
CPU cheaper (a keyboard of nine buttons: 0.21 ms against 0.08 ms): a few per cent of an
update's CPU: within the bench's noise, but on a quiet machine both of issue 16's runs
without it came out a little slower (medians), so it stays.
"""

from __future__ import annotations

import logging
from typing import Any

import aiogram
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as _AiogramBuilder

log = logging.getLogger(__name__)

# aiogram versions whose `FilterObject` this patch was checked against: from (inclusive)
# to (exclusive), as (major, minor). Widen it after the canary tests pass on a new release.
SUPPORTED_AIOGRAM = ((3, 13), (3, 32))
_MARK = "_jastar_inline"  # on FilterObject once patched: aiogram's own __post_init__


def aiogram_version(version: str = aiogram.__version__) -> tuple[int, int]:
    """(major, minor) of a version string such as "3.31.0" or "3.32.0b1"."""
    major, minor, *_ = [*version.split("."), "0", "0"]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def inline_filters_supported(version: str = aiogram.__version__) -> bool:
    low, high = SUPPORTED_AIOGRAM
    return low <= aiogram_version(version) < high


def inline_filters_installed() -> bool:
    return _MARK in vars(FilterObject)


def install_inline_filters(version: str = aiogram.__version__) -> bool:
    """Patch aiogram (once per process) so magic and `State` filters run inline; True when
    the patch is in place. Filters built before the call are not affected."""
    if inline_filters_installed():
        return True
    if not inline_filters_supported(version):
        log.warning(
            "aiogram %s is outside the versions the inline-filter patch was checked "
            "on (%s); filters run in threads as aiogram does by default",
            version,
            SUPPORTED_AIOGRAM,
        )
        return False
    original = FilterObject.__post_init__

    def post_init(self: FilterObject) -> None:
        original(self)
        inline = self.magic is not None or isinstance(self.callback, State)
        if inline and not self.awaitable:
            resolve = self.callback

            async def resolve_inline(*args: Any, **kwargs: Any) -> Any:
                return resolve(*args, **kwargs)

            self.callback = resolve_inline
            self.awaitable = True

    FilterObject.__post_init__ = post_init  # type: ignore[method-assign]
    setattr(FilterObject, _MARK, original)
    return True


class InlineKeyboardBuilder(_AiogramBuilder):
    """aiogram's builder whose `export()` copies the rows, not the buttons (see above)."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]
