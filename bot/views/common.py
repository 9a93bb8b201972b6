"""What every screen's view shares: bounded ids in buttons and the per-language keyboard cache."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import Field

from bot.i18n import Translator

Markup = TypeVar("Markup")
SCALARS = (str, int, float, bool, type(None))
KEYBOARDS_KEPT = 512
# Ids that travel in buttons are database row ids. SQLite's integers are signed 64-bit, so a
# forged button with 2**64 in it would fail in the query; bounded, it fails to unpack and is
# "out of date" like any other button the bot did not make.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=0, le=MAX_ID)]
Flag = Annotated[int, Field(ge=0, le=1)]


def same_for_everyone(build: Callable[..., Markup]) -> Callable[..., Markup]:
    """Build a keyboard once per language, texts and arguments, then hand out that one.

    Menus are the same for every user who reads a language, and building one costs dozens
    of pydantic objects. Markups are never changed after building, so sharing is safe. The
    texts (and a catalog argument) are compared by identity, so `/reload` starts afresh;
    the cache holds them, so an id is never reused while its entry lives.
    """
    kept: OrderedDict[tuple[Any, ...], tuple[Any, Markup]] = OrderedDict()

    @functools.wraps(build)
    def cached(t: Translator, *args: Any, **kwargs: Any) -> Markup:
        key = (
            t.lang,
            id(t.texts),
            *(a if isinstance(a, SCALARS) else id(a) for a in args),
            *sorted(kwargs.items()),
        )
        hit = kept.get(key)
        if hit is not None:
            kept.move_to_end(key)
            return hit[1]
        markup = build(t, *args, **kwargs)
        kept[key] = ((t.texts, args), markup)
        if len(kept) > KEYBOARDS_KEPT:
            kept.popitem(last=False)
        return markup

    return cached
