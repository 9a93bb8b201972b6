"""Files that hold personal data are readable by the bot's user only, whatever the umask.

The database (and the WAL and shared-memory files SQLite creates with the database's own
mode), backups and CSV exports are created 0600, their folders 0700. A file that already
exists with wider rights (an older install) is narrowed when the bot opens it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) as 0700; an existing folder is left as it is."""
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask


def private_file(path: Path) -> None:
    """Create `path` empty as 0600, or narrow an existing file of ours to 0600."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _narrow(path, FILE_MODE)
    else:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a file readable by its owner only (an existing file is narrowed)."""
    private_file(path)
    with open(path, "wb") as out:
        out.write(data)


def narrow_database(path: Path) -> None:
    """Make a database, its -wal and -shm files private; its folder too when nothing but
    this database lives there (a folder shared with other files is not ours to change)."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            _narrow(sibling, FILE_MODE)
    folder = path.parent
    if all(entry.name.startswith(path.name) for entry in folder.iterdir()):
        _narrow(folder, DIR_MODE)


def _narrow(path: Path, wanted: int) -> None:
    """Drop group and other rights of a file or folder this process owns."""
    info = path.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(info.st_mode) & wanted)
