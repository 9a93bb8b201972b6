"""A regular install (the built wheel, not an editable checkout) can migrate; none found is
loud (issue 14, item 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from bot.db.database import Database, MigrationError

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
    assert result.returncode == 0, f"{cmd}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_the_installed_wheel_carries_and_applies_every_migration(tmp_path: Path) -> None:
    # Build from a copy of what the package is made of: the checkout stays untouched.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("bot", "migrations"):
        shutil.copytree(
            ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    wheels = tmp_path / "wheels"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "-w",
        wheels,
        source,
        cwd=tmp_path,
    )
    [wheel] = wheels.glob("jastar_bot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(Path(n).name for n in archive.namelist() if n.endswith(".sql"))
        assert all(
            n.startswith("bot/migrations/") for n in archive.namelist() if n.endswith(".sql")
        )
    assert shipped == MIGRATIONS  # each once, all of them

    # A fresh virtualenv: the wheel without its dependencies, which come from this test's
    # own environment (its site-packages as a path, so its editable checkout is not seen).
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    if not python.exists():  # Windows
        python = env_dir / "Scripts" / "python.exe"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        wheel,
        cwd=tmp_path,
    )
    site = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
    ).strip()
    (Path(site) / "test-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "BOT_TOKEN", "ADMIN_IDS", "CONTENT_DIR")
    }
    env["DATABASE_PATH"] = str(tmp_path / "data" / "bot.sqlite3")
    work = tmp_path / "elsewhere"  # not the checkout: `python -m` puts the cwd on the path
    work.mkdir()
    where = _run(python, "-c", "import bot; print(bot.__file__)", cwd=work, env=env)
    assert Path(where.strip()).is_relative_to(env_dir), where

    out = _run(python, "-m", "bot", "migrate", cwd=work, env=env)
    assert all(name in out for name in MIGRATIONS), out
    assert f"schema version {int(MIGRATIONS[-1][:4])}" in out, out


def test_every_package_under_bot_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists packages by hand (to map migrations/ in): none may be missed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "bot").rglob("__init__.py")
    }
    assert found | {"bot.migrations"} == listed


async def test_no_migrations_found_is_an_error_not_schema_version_0(tmp_path: Path) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        with pytest.raises(MigrationError, match="no migrations found"):
            await db.migrate(tmp_path / "missing")
        (tmp_path / "empty").mkdir()
        with pytest.raises(MigrationError, match="no migrations found"):
            await db.migrate(tmp_path / "empty")


async def test_a_migration_not_in_utf8_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_init.sql").write_bytes("-- таблица\nCREATE TABLE a (x);".encode("cp1251"))
    async with Database(tmp_path / "a.sqlite3") as db:
        with pytest.raises(MigrationError, match=r"file 0001_init\.sql is not UTF-8"):
            await db.migrate(folder)
