"""Reading an editor's file: one place that knows what can be wrong with one on disk.

Editors save from Notepad and friends: Windows-1251 instead of UTF-8 (Notepad's usual
Cyrillic), UTF-8 with a byte-order mark, or, by accident, something that is not a file at
all (a FIFO would block a reader for ever). Each gets one line naming the file, the same
line in `check-content`, at start-up, in `/reload` and in the bot's log.
"""

from __future__ import annotations

from pathlib import Path


class NotUtf8Error(ValueError):
    """The file's bytes are not UTF-8; the message names the file and what to do."""

    def __init__(self, label: str) -> None:
        super().__init__(f"file {label} is not UTF-8 (open it and save it as UTF-8)")
        self.label = label


class NotRegularFileError(OSError):
    """A FIFO, a device or a folder where a text file was expected: never opened."""

    def __init__(self, label: str) -> None:
        super().__init__(f"{label}: not a regular file")
        self.label = label


def read_text(path: Path, label: str | None = None) -> str:
    """The file's text. `label` is how messages name it (`ui/kk.ftl`), the name by default.

    Raises FileNotFoundError, NotRegularFileError, NotUtf8Error or another OSError; a
    byte-order mark (Notepad's older "UTF-8") is dropped, as TOML does not allow one.
    """
    label = label or path.name
    if path.exists() and not path.is_file():
        raise NotRegularFileError(label)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotUtf8Error(label) from None
