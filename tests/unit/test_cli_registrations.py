"""`python -m bot qr` and `python -m bot export` from the shell."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.db.database import Database
from bot.db.registrations import NewRegistration, Registrations
from bot.db.users import Users
from bot.links import registration_link


def test_registration_link() -> None:
    assert registration_link("@jastar_bot", "neet") == "https://t.me/jastar_bot?start=reg-neet"
    with pytest.raises(ValueError):
        registration_link("no way", "neet")


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The shell commands read settings from the environment, as in production."""
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    return settings


def test_qr_writes_a_png(env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "neet.png"
    assert main(["qr", "neet", "--out", str(out), "--username", "jastar_bot"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "https://t.me/jastar_bot?start=reg-neet" in capsys.readouterr().out
    assert main(["qr", "psych-support", "--out", str(out), "--username", "jastar_bot"]) == 1
    assert main(["qr", "neet", "--out", str(out)]) == 2  # no token to ask Telegram with


def test_export_from_the_shell(env: Settings, tmp_path: Path) -> None:
    async def seed() -> None:
        async with Database(env.database_path) as db:
            await db.migrate()
            async with db.transaction() as conn:
                await Users(conn).touch(7)
                await Registrations(conn).add(
                    NewRegistration(
                        7,
                        "neet",
                        "Әлиев Нұр",
                        20,
                        "+77011234567",
                        "abai",
                        "neet",
                        "@admin",
                        "v",
                        "kk",
                        False,
                    )
                )

    env.database_path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(seed())
    out = tmp_path / "all.csv"
    assert main(["export", "--out", str(out), "--lang", "ru"]) == 0
    header, row = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert record["ФИО"] == "Әлиев Нұр" and record["Комментарий"] == "'@admin"
    assert record["Район"] == "Абайский район"
    assert main(["export", "--out", str(out), "--topic", "nope"]) == 1
