"""Settings: defaults, comma-separated ids, and one clear line for a bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "BOT_TOKEN",
        "ADMIN_IDS",
        "ADMIN_CHAT_ID",
        "TELEGRAM_API_URL",
        "DATABASE_PATH",
        "DEFAULT_LANGUAGE",
        "CONTENT_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_and_parent_folder_created(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.default_language == "kk"
    assert settings.database_path == Path("data/bot.sqlite3")
    assert (tmp_path / "data").is_dir()
    assert settings.bot_token is None and settings.admin_ids == frozenset()


def test_admin_ids_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "101, 202,303")
    monkeypatch.setenv("ADMIN_CHAT_ID", "-100123")
    settings = load_settings()
    assert settings.admin_ids == {101, 202, 303}
    assert settings.admin_chat_id == -100123


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=ru\nADMIN_CHAT_ID=\n", encoding="utf-8")
    settings = load_settings()
    assert settings.default_language == "ru"
    assert settings.admin_chat_id is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("DEFAULT_LANGUAGE", "en"),
        ("TELEGRAM_API_URL", "localhost:8081"),
        ("BOT_TOKEN", "not-a-token"),
        ("ADMIN_CHAT_ID", "group"),
    ],
)
def test_malformed_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith(name), message
    assert "\n" not in message


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456:AAAbbbCCCdddEEEfffGGGhhh"
    monkeypatch.setenv("BOT_TOKEN", token)
    settings = load_settings()
    assert token not in repr(settings) and token not in str(settings)


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS")}
    env.update(
        PYTHONPATH=str(ROOT),
        CONTENT_DIR=str(ROOT / "content"),
        DATABASE_PATH=str(tmp_path / "db" / "bot.sqlite3"),
        **extra,
    )
    return env


def test_cli_bad_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = _run("migrate", env=_env(tmp_path, ADMIN_IDS="x"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "ADMIN_IDS" in result.stderr


def test_cli_run_without_token_says_how(tmp_path: Path) -> None:
    result = _run(env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "python -m bot chat" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_migrate(tmp_path: Path) -> None:
    result = _run("migrate", env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0001_init.sql" in result.stdout
    again = _run("migrate", env=_env(tmp_path), cwd=tmp_path)
    assert "up to date" in again.stdout
