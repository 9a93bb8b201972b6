"""/gaps and /stats against seeded data; the same gap report from the command line."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import create_dispatcher
from bot.catalog.store import ContentStore
from bot.clock import iso
from bot.config import Settings
from bot.db.database import Database
from tests.conversation import Harness

ADMIN = 1001


async def seed(db: Database) -> None:
    """Users, registrations, tickets and questions with figures chosen to be checkable."""
    now = datetime.now(UTC)

    def ago(**delta: float) -> str:
        return iso(now - timedelta(**delta))

    async with db.transaction() as conn:
        for uid, lang, seen, subscribed, blocked in (
            (1, "kk", ago(days=1), 1, 0),
            (2, "kk", ago(days=10), 0, 0),
            (3, "ru", ago(days=20), 1, 1),
            (4, "ru", ago(days=40), 1, 0),
            (5, None, ago(days=3), 1, 0),
        ):
            await conn.execute(
                "INSERT INTO users (telegram_id, language, first_seen, last_seen, subscribed,"
                " blocked) VALUES (?, ?, ?, ?, ?, ?)",
                (uid, lang, seen, seen, subscribed, blocked),
            )
        for topic, status in (
            ("youth-practice", "new"),
            ("youth-practice", "new"),
            ("youth-practice", "enrolled"),
            ("neet", "contacted"),
        ):
            await conn.execute(
                "INSERT INTO registrations (topic_id, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (topic, status, ago(days=2), ago(days=2)),
            )
        # Answer waits 1 h, 3 h, 2 h in the period (median 2 h); 5 h long ago (not counted).
        for status, created, wait in (
            ("answered", 2, 1),
            ("answered", 3, 3),
            ("answered", 4, 2),
            ("open", 1, None),
            ("closed", 40, 5),
        ):
            opened = now - timedelta(days=created)
            first = iso(opened + timedelta(hours=wait)) if wait else None
            await conn.execute(
                "INSERT INTO tickets (user_id, language, status, created_at, first_answer_at,"
                " answered_at, updated_at) VALUES (1, 'kk', ?, ?, ?, ?, ?)",
                (status, iso(opened), first, first, iso(opened)),
            )
        for text, n, answered, helpful, topic, crisis, when in (
            ("погода завтра", 3, 0, None, None, 0, ago(days=1)),
            ("как стать волонтером", 2, 1, 0, "volunteering", 0, ago(days=1)),
            ("практика", 1, 1, 1, "youth-practice", 0, ago(days=1)),
            ("работа", 1, 1, None, "employment", 0, ago(days=1)),
            ("не хочу жить", 1, 1, None, "psych-support", 1, ago(days=1)),
            ("грант", 1, 0, None, None, 0, ago(days=10)),
            ("погода завтра", 1, 0, None, None, 0, ago(days=40)),
        ):
            for _ in range(n):
                await conn.execute(
                    "INSERT INTO question_log (user_id, asked_at, normalised, language, topic_id,"
                    " score, answered, crisis, helpful) VALUES (1, ?, ?, 'ru', ?, 0.5, ?, ?, ?)",
                    (when, text, topic, answered, crisis, helpful),
                )


async def test_stats_figures(harness: Harness, db: Database) -> None:
    await seed(db)
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/stats")
    text = admin.last_text
    # The admin wrote just now (and has not chosen a language): 6 users in all.
    assert "Пользователи: 6; активны за 7 дней: 3, за 30 дней: 5" in text
    assert "қазақша 2, русский 2, не выбран 2" in text
    assert "Подписаны на новости: 4; заблокировали бота: 1" in text
    assert "Молодёжная практика: новые 2, зачислены 1" in text
    assert "Поддержка NEET-молодёжи: связались 1" in text
    assert "ждут ответа 1, отвечены 3, закрыты 1" in text
    assert "(за 30 дн.): 2 ч 0 мин" in text
    # 9 questions in 30 days, 5 answered by the bot itself (56 %); ratings 1 yes, 2 no.
    assert "за 30 дн.: 9, бот ответил сам: 5 (56%)" in text
    assert "помогло 1, не помогло 2" in text


async def test_gaps_report(harness: Harness, db: Database) -> None:
    await seed(db)
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/gaps")
    lines = [line for line in admin.last_text.splitlines() if line]
    assert "за 30 дн." in lines[0]
    assert lines[1] == "1. 3× погода завтра" and lines[2] == "без ответа: 3, не помогло: 0"
    assert lines[3] == "2. 2× как стать волонтером"
    assert lines[4] == "без ответа: 0, не помогло: 2"
    assert lines[5] == "бот предлагал: Волонтёрство и Гражданский форум"
    assert lines[6] == "3. 1× грант"
    assert "практика" not in admin.last_text and "жить" not in admin.last_text
    await admin.send("/gaps 7")
    assert "грант" not in admin.last_text and "погода завтра" in admin.last_text


async def test_empty_gaps(harness: Harness) -> None:
    admin = harness.user(ADMIN, "Admin", language_code="kk")
    await admin.send("/gaps")
    assert "барлық сұраққа жауап берді" in admin.last_text


async def test_non_admins_cannot_use_reports(harness: Harness, db: Database) -> None:
    await seed(db)
    user = harness.user(5301, language_code="ru")
    await user.start("Русский")
    for command in ("/gaps", "/stats", "/gaps 7"):
        await user.send(command)
        assert "Такой команды я не знаю" in user.last_text, command


async def test_gaps_command_line(
    settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(db)
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    # main() runs its own event loop, so it gets a thread of its own.
    assert await asyncio.to_thread(main, ["gaps", "--days", "30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(": 3")
    assert out[2].split() == ["3", "3", "0", "погода", "завтра"]
    assert out[3].split() == ["2", "0", "2", "как", "стать", "волонтером", "[volunteering]"]
    assert await asyncio.to_thread(main, ["gaps", "--days", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["question"] for g in data] == ["погода завтра", "как стать волонтером"]


async def test_question_text_is_kept_only_as_long_as_the_gaps_report_needs_it(
    harness: Harness, db: Database, content: ContentStore
) -> None:
    """At start-up (and periodically) questions older than the retention lose their text
    and their author; the count stays for /stats. The files hold the text no more."""
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (telegram_id, first_seen, last_seen) VALUES (42, ?, ?)",
            (iso(now), iso(now)),
        )
        for text, days in (("қайда барамын ескі сұрақ", 100), ("жаңа сұрақ грант", 10)):
            await conn.execute(
                "INSERT INTO question_log (user_id, asked_at, normalised, language, score,"
                " answered) VALUES (42, ?, ?, 'kk', 0.1, 0)",
                (iso(now - timedelta(days=days)), text),
            )
    # The bot restarts (a deploy): a new dispatcher on the same database.
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    harness.dp = create_dispatcher(harness.settings, db, content)
    await harness.dp.emit_startup(bot=harness.bot, **harness.dp.workflow_data)
    rows = await db.fetch_all("SELECT user_id, normalised FROM question_log ORDER BY id")
    assert [(r["user_id"], r["normalised"]) for r in rows] == [(None, ""), (42, "жаңа сұрақ грант")]
    path = Path(harness.settings.database_path)
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert "ескі сұрақ".encode() not in raw
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/stats 366")
    assert "за 366 дн.: 2" in admin.last_text  # still counted


async def test_id_numbers_and_phones_are_not_logged(harness: Harness, db: Database) -> None:
    user = harness.user(5302, language_code="ru")
    await user.start("Русский")
    await user.send("мой ИИН 990101300123, телефон +7 (701) 123-45-67, где получить грант?")
    await user.send("позвоните 87059876543 или 123-45-67 про волонтерство 2025")
    rows = await db.fetch_all("SELECT normalised FROM question_log")
    logged = " ".join(r["normalised"] for r in rows)
    assert "грант" in logged and "2025" in logged  # the question itself stays
    digits = "".join(ch for ch in logged if ch.isdigit())
    for number in ("0101300", "9010130", "701123", "1234", "8705", "9876"):
        assert number not in digits, number
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/gaps")
    shown = admin.last_text.replace(" ", "")
    assert "грант" in shown and "9010130" not in shown and "701123" not in shown
