"""The live content: catalog + UI texts, swapped whole on `/reload` so readers never see half."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.catalog.loader import Catalog, load_content
from bot.i18n import I18n


class ContentStore:
    """Holds the current catalog and texts; listeners (the search index) rebuild on reload."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.catalog: Catalog
        self.i18n: I18n
        self.catalog, self.i18n = load_content(content_dir)
        self._listeners: list[Callable[[Catalog], None]] = []
        self._after_swap: list[Callable[[], None]] = []

    def on_reload(self, listener: Callable[[Catalog], None]) -> None:
        self._listeners.append(listener)
        listener(self.catalog)

    def after_reload(self, listener: Callable[[], None]) -> None:
        """Call `listener` after each reload, once the old content is no longer held here
        (the heap freezer lets it go then); it runs in the thread that reloaded."""
        self._after_swap.append(listener)

    def reload(self) -> Catalog:
        """Load everything first, then swap: a broken edit leaves the running content as it was."""
        catalog, i18n = load_content(self.content_dir)
        for listener in self._listeners:
            listener(catalog)
        self.catalog, self.i18n = catalog, i18n
        for after in self._after_swap:
            after()
        return catalog
