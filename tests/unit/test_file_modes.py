"""Files holding personal data are readable by the bot's user only (0600, folders 0700),
whatever the umask: the database and its WAL, backups, CSV exports."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import load_settings
from bot.db.backup import backup
from bot.db.database import Database
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask of a shell or a unit without UMask=: new files 0644, folders 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def fill(path: Path) -> None:
    async with Database(path) as db:
        await db.migrate()
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (telegram_id, first_seen, last_seen) VALUES (1, 'x', 'x')"
            )
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        assert mode(wal) == 0o600 and mode(path.with_name(path.name + "-shm")) == 0o600


async def test_a_new_database_and_its_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(database_path=tmp_path / "data" / "bot.sqlite3")
    assert mode(tmp_path / "data") == 0o700
    await fill(settings.database_path)
    assert mode(settings.database_path) == 0o600


async def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "bot.sqlite3"
    sqlite3.connect(path).close()
    assert mode(folder) == 0o755 and mode(path) == 0o644
    await fill(path)
    assert mode(path) == 0o600 and mode(folder) == 0o700


async def test_a_folder_shared_with_other_files_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("not ours")
    await fill(shared / "bot.sqlite3")
    assert mode(shared / "bot.sqlite3") == 0o600 and mode(shared) == 0o755


async def test_backups_and_exports_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "bot.sqlite3"
    await fill(source)
    backup(source, tmp_path / "backups" / "bot-1.sqlite3")
    assert mode(tmp_path / "backups" / "bot-1.sqlite3") == 0o600
    assert mode(tmp_path / "backups") == 0o700
    out = tmp_path / "registrations.csv"
    out.write_text("an older export, created 0644")
    monkeypatch.setenv("DATABASE_PATH", str(source))
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.chdir(tmp_path)
    assert await asyncio.to_thread(main, ["export", "--out", str(out)]) == 0
    assert mode(out) == 0o600


def test_the_systemd_unit_sets_a_private_umask() -> None:
    unit = (ROOT / "deploy" / "jastar-bot.service").read_text(encoding="utf-8")
    assert "\nUMask=0077\n" in unit
