"""`python -m bot chat`: questions piped in are all answered, and `chat --admin` lets an
official try the admin flows without a token (issue 14, item 10)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.__main__ import run_chat
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
HELP_TITLE_KK = "Бот не істей алады"


def test_piped_questions_are_all_answered(tmp_path: Path) -> None:
    """An editor pastes a list of questions: no flood control in a one-person chat."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS")}
    env.update(PYTHONPATH=str(ROOT), CONTENT_DIR=str(ROOT / "content"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/help\n" * 12,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(HELP_TITLE_KK) == 12, result.stdout[-2000:]


class Script:
    """Types lines into the terminal chat; a step may press a button by its label (the
    number is read off the screen) or wait until something is on the screen."""

    def __init__(self, out: io.StringIO, steps: list[str | tuple[str, str]]) -> None:
        self.out, self.steps = out, iter(steps)

    def __call__(self, prompt: str) -> str:
        for step in self.steps:
            if isinstance(step, str):
                return step
            kind, what = step
            if kind == "wait":
                self._wait(lambda w=what: re.search(w, self.out.getvalue()) is not None, what)
                continue
            return self._number_of(what)
        raise EOFError

    def _wait(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 15
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"never shown: {what!r}\n{self.out.getvalue()[-3000:]}")
            time.sleep(0.05)

    def _number_of(self, label: str) -> str:
        pattern = re.compile(r"\[(\d+)\] [^\[\n]*" + re.escape(label))
        self._wait(lambda: pattern.search(self.out.getvalue()) is not None, label)
        return pattern.findall(self.out.getvalue())[-1]


def press(label: str) -> tuple[str, str]:
    return ("press", label)


def wait(pattern: str) -> tuple[str, str]:
    return ("wait", pattern)


async def test_chat_admin_announces_sees_stats_and_sets_a_status(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    script = Script(
        out,
        [
            press("Русский"),
            "/stats",
            wait("Статистика"),
            "/announce",
            wait("Новое объявление"),
            "Встреча волонтёров в субботу",
            press("Всем подписчикам"),
            press("Без кнопки"),
            press("Отправить сейчас"),
            wait(r"доставлено: 1\b"),
            "/start reg-neet",
            "Сейтов Ерлан",
            "19",
            "+7 701 123 45 67",
            press("Абайский"),
            press("Учусь"),
            press("Пропустить"),
            press("Согласен"),
            press("Подтвердить"),
            wait(r"👥 \[operators\] .*#1"),
            press("Хабарластық"),  # the operators' chat reads the default language, kk
            wait("Статус вашей заявки #1"),
        ],
    )
    await run_chat(settings, tmp_path / "chat.sqlite3", admin=True, read_line=script, out=out)
    screen = out.getvalue()
    assert screen.count("Встреча волонтёров в субботу") >= 2  # the preview and the delivery
    assert "Статус вашей заявки #1 на «Поддержка NEET-молодёжи»: специалист связался" in screen


async def test_chat_admin_answers_a_ticket_as_an_operator(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    script = Script(
        out,
        [
            press("Русский"),
            "/ask",
            wait("одним сообщением"),
            "Где найти стажировку?",
            wait(r"👥 \[operators\] .*№1"),
            "> Обратитесь в центр занятости",
            wait(r"🤖 Обратитесь в центр занятости"),  # the copy, in the private chat
        ],
    )
    await run_chat(settings, tmp_path / "chat.sqlite3", admin=True, read_line=script, out=out)
    assert "№1" in out.getvalue()


async def test_chat_without_admin_is_not_an_admin(settings: Settings, tmp_path: Path) -> None:
    out = io.StringIO()
    script = Script(out, [press("Русский"), "/stats"])
    await run_chat(settings, tmp_path / "chat.sqlite3", read_line=script, out=out)
    assert "Статистика" not in out.getvalue()
    assert "👥" not in out.getvalue()
