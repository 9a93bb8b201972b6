"""Edits an official would make to `content/`, and what the bot does with them: a broken
text or a file in the wrong encoding is refused with one line naming it, and a running bot
keeps serving everyone (issue 14, items 6, 7 and the FIFO of item 9)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import check
from bot.config import Settings
from tests.conversation import Harness
from tests.fake_api import FakeTelegramServer

ROOT = Path(__file__).resolve().parents[2]
GROUP = -1001234567890
MENU_TITLE_RU = "menu-title =\n    <b>Главное меню</b>\n"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the content (so a test can break it) and an operators' group."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return settings.model_copy(update={"content_dir": copy, "admin_chat_id": GROUP})


@pytest.fixture
def fake_api(fake_api: FakeTelegramServer) -> FakeTelegramServer:
    """The operators' group exists before start-up (which reads it to warn if it is public)."""
    fake_api.emulator.add_chat(GROUP, "Operators", type="supergroup")
    return fake_api


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _to_cp1251(path: Path) -> None:
    """What Notepad's "ANSI" does to a Cyrillic file on a Russian Windows."""
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251", errors="replace"))


def _cli(*args: str, content: Path, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS")}
    env.update(
        PYTHONPATH=str(ROOT),
        CONTENT_DIR=str(content),
        DATABASE_PATH=str(cwd / "db" / "bot.sqlite3"),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


# --- item 6: texts Telegram would refuse ---------------------------------------------------


async def test_reload_refuses_a_ui_text_telegram_would_refuse(
    harness: Harness, settings: Settings
) -> None:
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    reader = harness.user(5002, "Аян", language_code="kk")
    await reader.start("Қазақша")
    ui = settings.content_dir / "ui"
    _edit(ui / "ru.ftl", MENU_TITLE_RU, "menu-title =\n    <b>Главное меню\n")  # unclosed <b>
    _edit(ui / "kk.ftl", "help-text =\n", "help-text =\n    Бізді сүйеміз <3\n")  # a bare <
    await admin.send("/reload")
    reply = admin.last_text
    assert "не обновлён" in reply, reply
    assert "ui/ru.ftl: menu-title" in reply and 'unclosed start tag "b"' in reply
    assert "ui/kk.ftl: help-text" in reply and 'unexpected "<"' in reply
    # The running texts stayed: the menu still opens in both languages.
    await admin.send("/menu")
    assert admin.last_text.startswith("Главное меню")
    await reader.send("/help")
    assert "<3" not in reader.last_text and reader.last_text
    assert harness.api.refused == []


def test_check_content_names_the_file_the_key_and_the_reason(settings: Settings) -> None:
    content = settings.content_dir
    _edit(content / "ui" / "ru.ftl", MENU_TITLE_RU, "menu-title =\n    <b>Главное меню\n")
    _edit(content / "ui" / "kk.ftl", "<b>{ $step }.</b> Тегіңіз", "<b>{ $step }.</i> Тегіңіз")
    errors = check(content).errors
    assert any(
        e.startswith("ui/ru.ftl: menu-title: ") and 'unclosed start tag "b"' in e for e in errors
    ), errors
    # Placeholders are filled with sample values before the check.
    assert any(e.startswith("ui/kk.ftl: reg-ask-name: ") for e in errors), errors
    result = _cli("check-content", content=content, cwd=content.parent)
    assert result.returncode == 1
    assert "ERROR   ui/ru.ftl: menu-title: Telegram would refuse this HTML" in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("lang-changed = ", "lang-changed = Сәлем :{ ", "Fluent cannot read it"),
        ("lang-changed = ", "lang-changed = { name } ", "cannot be filled in"),
    ],
)
def test_a_brace_the_bot_cannot_fill_is_named(
    settings: Settings, old: str, new: str, reason: str
) -> None:
    _edit(settings.content_dir / "ui" / "kk.ftl", old, new)
    errors = check(settings.content_dir).errors
    assert any(e.startswith("ui/kk.ftl: lang-changed: ") and reason in e for e in errors), errors


def test_start_up_refuses_a_broken_text_in_one_line(settings: Settings) -> None:
    content = settings.content_dir
    _edit(content / "ui" / "ru.ftl", MENU_TITLE_RU, "menu-title =\n    <b>Главное меню\n")
    result = _cli(
        content=content,
        cwd=content.parent,
        BOT_TOKEN="123456:AAAbbbCCCdddEEEfffGGGhhh",
        TELEGRAM_API_URL="http://127.0.0.1:9",
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "ui/ru.ftl: menu-title" in line, line


# --- item 7: a file saved in another encoding ----------------------------------------------


async def test_handoff_file_in_cp1251_does_not_fail_the_ticket(
    harness: Harness, settings: Settings
) -> None:
    harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
    _to_cp1251(settings.content_dir / "handoff.toml")
    user = harness.user(5001, "Айгүл", language_code="ru")
    await user.start("Русский")
    await user.send("/ask")
    await user.send("Где найти стажировку?")
    assert "передан" in user.last_text, user.last_text
    assert "что-то пошло не так" not in user.last_text
    assert len(harness.api.bot_messages(GROUP)) == 1
    assert "file handoff.toml is not UTF-8" in "; ".join(check(settings.content_dir).errors)


async def test_reload_names_a_ui_file_in_cp1251(harness: Harness, settings: Settings) -> None:
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    _to_cp1251(settings.content_dir / "ui" / "kk.ftl")
    await admin.send("/reload")
    assert "не обновлён" in admin.last_text
    assert "file ui/kk.ftl is not UTF-8" in admin.last_text, admin.last_text
    await admin.send("/menu")  # the running texts stayed
    assert admin.last_text.startswith("Главное меню")


@pytest.mark.parametrize("name", ["ui/kk.ftl", "handoff.toml", "topics/neet.toml"])
def test_a_file_in_cp1251_is_one_line_everywhere(settings: Settings, name: str) -> None:
    content = settings.content_dir
    _to_cp1251(content / name)
    label = name.removeprefix("topics/")
    checked = _cli("check-content", content=content, cwd=content.parent)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr
    assert f"ERROR   file {label} is not UTF-8" in checked.stdout, checked.stdout
    started = _cli(
        content=content,
        cwd=content.parent,
        BOT_TOKEN="123456:AAAbbbCCCdddEEEfffGGGhhh",
        TELEGRAM_API_URL="http://127.0.0.1:9",
    )
    assert started.returncode == 2 and "Traceback" not in started.stderr, started.stderr
    line = started.stderr.strip()
    assert "\n" not in line and f"file {label} is not UTF-8" in line, line


def test_a_byte_order_mark_is_not_an_error(settings: Settings) -> None:
    """Older Notepad saves "UTF-8" with a BOM, which TOML itself does not allow."""
    for path in (
        settings.content_dir / "ui" / "ru.ftl",
        settings.content_dir / "topics" / "neet.toml",
    ):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check(settings.content_dir).errors == []


# --- item 9: a FIFO among the topics -------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
async def test_reload_skips_a_fifo_in_topics(harness: Harness, settings: Settings) -> None:
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    fifo = settings.content_dir / "topics" / "zz-pipe.toml"
    os.mkfifo(fifo)
    try:
        await asyncio.wait_for(admin.send("/reload"), timeout=20)
    finally:
        # Had a reader opened the FIFO, it would wait for a writer for ever: be one.
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert "Контент обновлён" in admin.last_text, admin.last_text
    assert any(
        "topics/zz-pipe.toml: not a regular file" in w for w in check(settings.content_dir).warnings
    )
