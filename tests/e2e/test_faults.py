"""Faults: Telegram answering 5xx, 429 or not at all; SQLite busy under concurrent writers;
an online backup taken while the bot works, restored and compared."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.broadcasts import Broadcasts
from bot.db.database import Database
from bot.services.broadcasts import Draft, create_broadcast
from bot.transport.pacing import pacer
from bot.transport.retry import RetryMiddleware
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.e2e.test_registration import fill
from tests.fake_api import FakeTelegramServer
from tests.transport import retry_middleware

ADMIN_CHAT = -100777
ADMIN = 1001


@pytest.fixture
def retry(harness: Harness) -> RetryMiddleware:
    """The bot's retrying middleware, with the waits recorded instead of slept."""
    found = retry_middleware(harness.bot)
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    found.sleep = no_sleep
    found.waits = waits  # type: ignore[attr-defined]
    return found


def sends(h: Harness, method: str = "sendMessage") -> int:
    return sum(1 for m, _ in h.api.calls if m == method)


async def test_idempotent_calls_are_retried_after_5xx(
    user: Conversation, harness: Harness, retry: RetryMiddleware
) -> None:
    await user.start("Қазақша")
    harness.api.fail_next("answerCallbackQuery", 500, "Internal Server Error")
    harness.api.fail_next("editMessageText", 502, "Bad Gateway")
    await user.click("Анықтама")  # answer the button + edit the menu into the help text
    assert "/register" in user.last_text and user.last.edited
    assert retry.retried == 2 and retry.waits == [0.5, 0.5]


async def test_a_send_is_not_repeated_after_5xx(
    user: Conversation, harness: Harness, retry: RetryMiddleware
) -> None:
    """The server may have sent it before failing: no retry, so never twice. The user is
    told (the next call goes through) and can simply ask again."""
    await user.start("Русский")
    before = len(user.messages)
    harness.api.fail_next("sendMessage", 500, "Internal Server Error")
    await user.send("/menu")
    assert [m.text for m in user.messages[before:]] == [
        harness.dp["content"].i18n.get("ru", "error-generic")
    ]
    assert retry.retried == 0
    await user.send("/menu")  # the API is back
    assert "Главное меню" in user.last_text


async def test_429_waits_retry_after_and_sends_once(
    user: Conversation, harness: Harness, retry: RetryMiddleware
) -> None:
    """A flood wait holds the bot-wide pace (transport/pacing.py); the reply goes out after it."""
    await user.start("Русский")
    before = len(user.messages)
    harness.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await user.send("/menu")
    assert [m.text for m in user.messages[before:]] == [user.last_text]
    assert "Главное меню" in user.last_text
    assert pacer(harness.bot).flood_waits == 1  # type: ignore[union-attr]
    assert retry.retried == 0


async def test_a_long_flood_wait_is_not_waited_and_not_answered_with_an_error(
    user: Conversation, harness: Harness, retry: RetryMiddleware
) -> None:
    """Five minutes is no global limit but a restriction on one chat: the bot does not stop
    for everyone, and the user is not sent an error message that would meet the same wait."""
    await user.start("Русский")
    before = len(user.messages)
    harness.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 300", retry_after=300)
    await user.send("/menu")
    assert user.messages[before:] == [] and retry.waits == []
    other = harness.user(5009, "Марат", language_code="ru")
    await other.send("/start")
    assert "Выберите язык" in other.last_text
    assert pacer(harness.bot).flood_waits == 0  # type: ignore[union-attr]


async def test_retries_are_bounded(
    user: Conversation, harness: Harness, retry: RetryMiddleware
) -> None:
    await user.start("Русский")
    for _ in range(3):
        harness.api.fail_next("answerCallbackQuery", 503, "Service Unavailable")
    await user.click("Справка")
    assert retry.retried == 2  # three attempts in all, then the error goes up
    assert "что-то пошло не так" in user.last_text


async def test_timeouts(
    user: Conversation, harness: Harness, fake_api: FakeTelegramServer, retry: RetryMiddleware
) -> None:
    """A call that times out may still arrive: a send is not repeated (one menu in the end),
    a read is."""
    await user.start("Русский")
    before = len(user.messages)
    harness.bot.session.timeout = 0.3
    fake_api.hang_next("sendMessage", 1.0)
    await user.send("/menu")  # times out; the error reply goes out meanwhile
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    menus = [m for m in user.messages[before:] if "Главное меню" in m.text]
    assert len(menus) == 1 and retry.retried == 0
    fake_api.hang_next("getMe", 1.0)
    me = await harness.bot.get_me()
    assert me.username == harness.api.username and retry.retried == 1


async def test_a_failed_confirmation_leaves_no_duplicate(
    user: Conversation, harness: Harness, db: Database
) -> None:
    """The registration is stored, then telling the user fails; pressing "confirm" again
    cannot store a second row."""
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    summary = user.last
    harness.api.fail_next("sendMessage", 500, "Internal Server Error")
    await user.click("Растау")
    await user.press(summary.message_id, "rf:confirm:")
    await user.send("/start reg-neet")
    assert len(await db.fetch_all("SELECT id FROM registrations")) == 1
    assert "#1" in user.last_text  # "you are already registered"


# --- SQLite under concurrent writers ---------------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_chat_id": ADMIN_CHAT})


@pytest.fixture
def harness(harness: Harness) -> Harness:
    """The shared harness with the admin chat and a fast registration poster."""
    return harness.open_admin_chat(ADMIN_CHAT, ADMIN, "Гүлнар", pace=0.05)


async def register(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user, comment="бірге")
    await user.click("Растау")


def hold_write_lock(path: str, seconds: float, started: threading.Event) -> None:
    """Another process's writer (a CLI, a migration) holding the database for a while."""
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE users SET last_seen = last_seen")
    started.set()
    threading.Event().wait(seconds)
    conn.commit()
    conn.close()


async def test_forms_forget_and_status_changes_at_once(
    harness: Harness, db: Database, settings: Settings
) -> None:
    """Twenty forms, five /forget, admin status changes and an announcement to everyone run
    together while another connection holds the write lock: busy_timeout and the single
    writer absorb it all."""
    early = [harness.user(8000 + i, f"E{i}", language_code="kk") for i in range(5)]
    for u in early:
        await register(u)
    ids = [r["id"] for r in await db.fetch_all("SELECT id FROM registrations")]
    forms = [harness.user(8100 + i, f"F{i}", language_code="kk") for i in range(20)]
    leavers = [harness.user(8200 + i, f"L{i}", language_code="kk") for i in range(5)]
    for u in leavers:
        await register(u)

    async def leave(u: Conversation) -> None:
        await u.send("/forget")
        await u.click("Иә, бәрін жою")

    async def set_status(reg_id: int) -> None:
        await harness.feed(
            harness.api.user_presses(ADMIN_CHAT, 1, f"rs:{reg_id}:contacted", from_id=ADMIN)
        )

    # An announcement to everyone subscribed so far, delivered while the rest goes on.
    harness.api.add_chat(ADMIN, "Admin")
    source = harness.api.user_sends(ADMIN, "Жаңалық: жастар форумы")["message"]["message_id"]
    broadcaster = harness.dp["broadcaster"]
    job_id, audience = await create_broadcast(
        db, Draft(ADMIN, ADMIN, source), broadcaster.clock.now()
    )

    started = threading.Event()
    locker = threading.Thread(
        target=hold_write_lock, args=(str(settings.database_path), 0.5, started)
    )
    locker.start()
    started.wait(5)
    try:
        broadcaster.wake()
        await asyncio.gather(
            *(register(u) for u in forms),
            *(leave(u) for u in leavers),
            *(set_status(i) for i in ids),
            broadcaster.settle(),
        )
    finally:
        locker.join()
    await broadcaster.settle()
    tally = await Broadcasts(db.conn).tally(job_id)
    # The leavers' deliveries went with their user rows (/forget); the rest were all sent.
    assert tally.remaining == 0 and tally.sent + tally.skipped == tally.total
    assert tally.total == audience - len(leavers)
    for u in early:  # subscribed before the job: exactly one copy each
        copies = [m for m in harness.api.bot_messages(u.id) if m.copied_from == (ADMIN, source)]
        assert len(copies) == 1
    rows = await db.fetch_all("SELECT user_id, status, full_name FROM registrations")
    mine = {r["user_id"] for r in rows if r["user_id"] is not None}
    assert mine == {u.id for u in early + forms}  # every form stored, once
    assert len(rows) == len(early) + len(forms) + len(leavers)
    assert sum(1 for r in rows if r["full_name"] is None) == len(leavers)
    statuses = {r["user_id"]: r["status"] for r in rows if r["user_id"] in {u.id for u in early}}
    assert set(statuses.values()) == {"contacted"}
    for u in forms:
        assert any("#" in m.text for m in u.messages[-2:]), u.id  # "registered, number #…"


# --- backup ----------------------------------------------------------------------------------


async def test_online_backup_restores_to_a_working_bot(
    harness: Harness,
    db: Database,
    settings: Settings,
    content: ContentStore,
    fake_api: FakeTelegramServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = [harness.user(8300 + i, f"B{i}", language_code="kk") for i in range(3)]
    for u in first:
        await register(u)
    target = tmp_path / "backups" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    # The backup runs (as its own command) while more people register.
    later = [harness.user(8400 + i, f"C{i}", language_code="kk") for i in range(8)]
    code, _ = await asyncio.gather(
        asyncio.to_thread(main, ["backup", str(target)]),
        asyncio.gather(*(register(u) for u in later)),
    )
    assert code == 0 and "backup written" in capsys.readouterr().out
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # (The poster marks rows as posted meanwhile: `admin_notified_at` is left out.)
    query = (
        "SELECT id, user_id, topic_id, full_name, phone, status, created_at "
        "FROM registrations ORDER BY id"
    )
    backed = copy.execute(query).fetchall()
    copy.close()
    live = [tuple(r) for r in await db.fetch_all(query)]
    assert len(backed) >= len(first) and backed == live[: len(backed)]  # a consistent prefix
    # Restore: the copy becomes the database of a freshly started bot.
    restored_path = tmp_path / "restored" / "bot.sqlite3"
    restored_path.parent.mkdir()
    shutil.copy(target, restored_path)
    async with Database(restored_path) as restored:
        assert await restored.migrate() == []
        bot = create_bot(harness.settings, TOKEN)
        dp = create_dispatcher(harness.settings, restored, content)
        again = Harness(bot=bot, dp=dp, api=harness.api, settings=harness.settings)
        try:
            user = again.user(first[0].id)
            await user.send("/my")
            assert "#1" in user.last_text
        finally:
            await bot.session.close()


# --- a database the bot cannot write -----------------------------------------------------------


def _as_an_ordinary_user() -> list[str]:
    """root writes to read-only files anyway: drop that power for the bot's process, as a
    service user (`User=jastar` in the unit) never had it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only file cannot be made")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


async def test_a_read_only_database_is_one_line_at_start_up(
    settings: Settings, fake_api: FakeTelegramServer, tmp_path: Path
) -> None:
    """The usual cause: a backup restored as root leaves a file the bot's user can only read.
    `python -m bot` says so in one line and exits, no traceback (old: start-up crashed on
    its first write with 80 lines of stack)."""
    path = tmp_path / "restored.sqlite3"
    async with Database(path) as made:
        await made.migrate()
    path.chmod(0o444)
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake_api.base_url,
        "DATABASE_PATH": str(path),
        "CONTENT_DIR": str(settings.content_dir),
    }
    proc = await asyncio.create_subprocess_exec(
        *_as_an_ordinary_user(),
        sys.executable,
        "-m",
        "bot",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    lines = (out + err).decode().strip().splitlines()
    assert proc.returncode == 2, lines
    assert len(lines) == 1 and lines[0].startswith("Cannot start: the database"), lines
    assert str(path) in lines[0] and "read-only" in lines[0]
