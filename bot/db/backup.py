"""Online backup of the SQLite database with SQLite's own backup API.

Copying the file with `cp` while the bot writes can catch a page half-written or miss what
still sits in the `-wal` file. The backup API copies from one read transaction: a consistent
snapshot, while the bot keeps reading and writing (WAL lets a writer go on beside a reader).
The copy is written next to the target and renamed into place, so a failed backup never
leaves a half file under the target's name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from bot.private_files import private_dir, private_file

COUNTED = ("users", "registrations", "consents", "tickets", "question_log")


class BackupError(Exception):
    """The copy failed its integrity check; the target was not written."""


def backup(
    source: Path | str, target: Path | str, *, busy_timeout_ms: int = 10_000
) -> dict[str, int]:
    """Copy `source` to `target` in one step; returns row counts of the main tables."""
    target = Path(target)
    private_dir(target.parent)  # a backup holds the same personal data as the database
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # 0600 before SQLite writes; its journal takes the same mode
    src = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # pages=-1: everything from one read transaction
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the copy failed SQLite's integrity check")
            counts = _counts(dst)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(partial, target)
    return counts


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {
        name: conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]  # names from COUNTED
        for name in COUNTED
        if name in tables
    }
