"""The command line: `python -m bot [--webhook] [run|chat|migrate|check-content|ask|…|backup]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.catalog.loader import ContentError, check
from bot.catalog.store import ContentStore
from bot.config import Language, Settings, SettingsError, load_settings
from bot.db.database import Database, MigrationError
from bot.i18n import TextsError
from bot.logs import setup_logging
from bot.loop import serve

log = logging.getLogger("bot")


NO_TOKEN = (
    "BOT_TOKEN is not set: put the token from @BotFather into .env (see .env.example) "
    "to run on Telegram, or try the bot offline: python -m bot chat"
)


class StartupError(Exception):
    """Something the operator must fix before the bot can run; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Jastar bot")
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="run with a webhook server (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot with long polling (the default)")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal: no token, no network")
    chat.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file for the chat (default: a temporary one)",
    )
    chat.add_argument(
        "--admin",
        action="store_true",
        help="be an admin (announcements, /stats, /gaps, /reload) and see the "
        "operators' chat (registration posts and tickets) here too",
    )
    sub.add_parser("migrate", help="apply pending database migrations")
    ask = sub.add_parser("ask", help="print the answer the bot would give to a question")
    ask.add_argument("question", help="the question, or - to read one question per line")
    ask.add_argument(
        "--lang",
        choices=("kk", "ru"),
        default=None,
        help="language of the answer (default: DEFAULT_LANGUAGE)",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    gaps = sub.add_parser("gaps", help="the most frequent questions without a good answer")
    gaps.add_argument("--days", type=int, default=30, help="look back this many days (30)")
    gaps.add_argument("--limit", type=int, default=20, help="how many questions to list (20)")
    gaps.add_argument("--json", action="store_true", help="print one JSON array")
    check_cmd = sub.add_parser("check-content", help="validate the content folder")
    check_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    check_cmd.add_argument("--dir", type=Path, default=None, help="content folder to check")
    export = sub.add_parser("export", help="write registrations as CSV (UTF-8 with BOM, Excel)")
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.add_argument("--topic", default=None, help="only this programme (topic id)")
    export.add_argument(
        "--lang",
        choices=("kk", "ru"),
        default=None,
        help="language of headers and labels (default: DEFAULT_LANGUAGE)",
    )
    qr = sub.add_parser(
        "qr", help="write a printable QR code of a programme's sign-up link or an event's card"
    )
    qr.add_argument("topic", nargs="?", help="topic id of a programme open for registration")
    qr.add_argument("--event", type=int, default=None, help="an event id: its card's link")
    qr.add_argument("--out", type=Path, required=True, help="PNG file to write")
    qr.add_argument(
        "--username",
        default=None,
        help="the bot's username (default: asked from Telegram with BOT_TOKEN)",
    )
    events_cmd = sub.add_parser("events", help="a season's plan of events in and out as CSV")
    events_sub = events_cmd.add_subparsers(dest="events_command", required=True)
    events_import = events_sub.add_parser(
        "import", help="add the events of a CSV plan (all rows checked first; all or nothing)"
    )
    events_import.add_argument("file", type=Path, help="the plan: CSV, UTF-8, ; or , separated")
    events_import.add_argument(
        "--dry-run", action="store_true", help="check the file and write nothing"
    )
    events_import.add_argument(
        "--lang",
        choices=("kk", "ru"),
        default=None,
        help="language of the error messages (default: DEFAULT_LANGUAGE)",
    )
    events_export = events_sub.add_parser("export", help="every event as CSV (the import format)")
    events_export.add_argument(
        "--out", type=Path, default=None, help="CSV file to write (default: standard output)"
    )
    backup = sub.add_parser(
        "backup", help="copy the database consistently, even while the bot runs (SQLite backup API)"
    )
    backup.add_argument("file", type=Path, help="the backup file to write")
    return parser


def _setup_logging(settings: Settings) -> None:
    secrets = [s.get_secret_value() for s in (settings.bot_token, settings.webhook_secret) if s]
    setup_logging(settings.log_level, settings.log_format, secrets)


def _content(settings: Settings) -> ContentStore:
    """The content, or one line saying which file is broken and why (never a traceback)."""
    try:
        return ContentStore(settings.content_dir)
    except (ContentError, TextsError) as exc:
        raise StartupError(
            f"content in {settings.content_dir} is broken: {exc} (run: python -m bot check-content)"
        ) from None


async def _open(settings: Settings, db_path: Path | None = None) -> tuple[Database, ContentStore]:
    content = _content(settings)
    path = db_path or settings.database_path
    try:
        db = await Database(path).connect()
    except (sqlite3.Error, OSError) as exc:  # OSError: a folder the bot cannot write
        raise StartupError(_database_problem(path, exc)) from None
    try:
        applied = await db.migrate()
        await db.check_writable()
    except MigrationError as exc:
        await db.close()
        raise StartupError(f"database migration failed: {exc}") from None
    except (sqlite3.Error, OSError) as exc:  # OSError: a folder the bot cannot write
        await db.close()
        raise StartupError(_database_problem(path, exc)) from None
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    return db, content


def _database_problem(path: Path, exc: sqlite3.Error | OSError) -> str:
    """One line an operator can act on (a restore done as root leaves a file the bot's
    user can read but not write; ReadWritePaths in the systemd unit may miss its folder)."""
    if "readonly" in str(exc):
        return (
            f"the database {path} is read-only ({exc}): the bot's user needs write "
            f"access to the file and to its folder (for the -wal and -shm files)"
        )
    return f"cannot use the database {path}: {exc}"


async def run_polling(settings: Settings) -> None:
    from bot.app import create_bot, create_dispatcher, drop_webhook

    assert settings.bot_token is not None

    db, content = await _open(settings)
    bot = create_bot(settings, settings.bot_token.get_secret_value())
    dp = create_dispatcher(settings, db, content, freeze_heap=True)
    dp.startup.register(drop_webhook)  # retried in the background if Telegram fails it
    panel = None
    try:
        if settings.panel_enabled:
            from bot.panel.app import PanelServer

            panel = PanelServer(settings, dp, bot)
            try:
                await panel.start()
            except OSError as exc:  # the port is taken, or the address is not ours
                raise StartupError(
                    f"the web panel cannot listen on {settings.panel_host}:"
                    f"{settings.panel_port} ({exc.strerror}); set PANEL_PORT, or PANEL_ENABLED=0"
                ) from None
        await dp.start_polling(bot, polling_timeout=settings.polling_timeout)
    finally:
        if panel is not None:
            await panel.stop()
        await bot.session.close()
        await db.close()


async def run_webhook(settings: Settings) -> None:
    """Serve `WEBHOOK_URL`'s path on WEBHOOK_HOST:WEBHOOK_PORT until stopped."""
    from aiohttp import web

    from bot.app import create_bot, create_dispatcher
    from bot.transport.webhook import build_app, webhook_path

    assert settings.bot_token is not None
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise StartupError("webhook mode needs WEBHOOK_URL (https://…) and WEBHOOK_SECRET")
    db, content = await _open(settings)
    bot = create_bot(settings, settings.bot_token.get_secret_value())
    dp = create_dispatcher(settings, db, content, freeze_heap=True)
    app = build_app(dp, bot, settings, db)
    if settings.panel_enabled:  # the panel on the webhook's server: one port, one proxy
        from bot.panel.app import create_panel, mount

        mount(app, create_panel(settings, dp, bot))
    runner = web.AppRunner(app, access_log=None)
    try:
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        log.info(
            "webhook server on %s:%d%s",
            settings.webhook_host,
            settings.webhook_port,
            webhook_path(settings),
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):  # systemd stops services with SIGTERM
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
        await db.close()


def run_backup(settings: Settings, target: Path) -> int:
    """A consistent copy of the live database (readers and the bot keep going meanwhile)."""
    from bot.db.backup import backup

    if not settings.database_path.exists():
        print(f"no database at {settings.database_path}", file=sys.stderr)
        return 1
    counts = backup(settings.database_path, target)
    summary = ", ".join(f"{table} {n}" for table, n in counts.items())
    print(f"backup written to {target} ({summary})")
    return 0


def chat_settings(settings: Settings, admin: bool) -> Settings:
    """The settings of the terminal chat: one person, no flood to control (a pasted list of
    questions must all be answered), and no real operators' group. With `admin`, the
    terminal user is an admin and the operators' chat is the emulated one beside it."""
    from bot.sandbox.terminal import CHAT_ID, OPERATORS_CHAT_ID

    update: dict[str, object] = {"flood_rate": 0, "admin_chat_id": None}
    if admin:
        update.update(admin_ids=settings.admin_ids | {CHAT_ID}, admin_chat_id=OPERATORS_CHAT_ID)
    return settings.model_copy(update=update)


async def run_chat(
    settings: Settings,
    db_path: Path | None,
    admin: bool = False,
    read_line: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> None:
    import tempfile

    from bot.app import create_bot, create_dispatcher
    from bot.sandbox.emulator import TelegramEmulator
    from bot.sandbox.terminal import TERMINAL_TOKEN, EmulatorSession
    from bot.sandbox.terminal import run_chat as chat_loop

    settings = chat_settings(settings, admin)
    with tempfile.TemporaryDirectory() as tmp:
        db, content = await _open(settings, db_path or Path(tmp) / "chat.sqlite3")
        emulator = TelegramEmulator()
        bot = create_bot(settings, TERMINAL_TOKEN, session=EmulatorSession(emulator))
        dp = create_dispatcher(settings, db, content)
        try:
            await chat_loop(
                dp, emulator, bot, read_line, out=out, operators_chat=settings.admin_chat_id
            )
        finally:
            await db.close()


async def run_migrate(settings: Settings) -> None:
    try:
        async with Database(settings.database_path) as db:
            try:
                applied = await db.migrate()
            except MigrationError as exc:
                raise StartupError(f"migration failed: {exc}") from None
            version = await db.schema_version()
    except (sqlite3.Error, OSError) as exc:  # OSError: a folder the bot cannot write
        raise StartupError(_database_problem(settings.database_path, exc)) from None
    print(f"applied: {', '.join(applied) or 'nothing (up to date)'}; schema version {version}")


def run_check_content(content_dir: Path, as_json: bool) -> int:
    report = check(content_dir)
    if as_json:
        print(
            json.dumps(
                {
                    "topics": [
                        {
                            "id": t.id,
                            "category": t.category,
                            "title": {"kk": t.kk.title, "ru": t.ru.title},
                            "registration_open": t.registration_open,
                            "checked": t.checked.isoformat() if t.checked else None,
                            "sources": len(t.sources),
                        }
                        for t in report.topics
                    ],
                    "warnings": report.warnings,
                    "errors": report.errors,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line in report.errors:
            print(f"ERROR   {line}")
        for line in report.warnings:
            print(f"warning {line}")
        print(
            f"{len(report.topics)} topics, {len(report.warnings)} warnings, "
            f"{len(report.errors)} errors"
        )
    return 1 if report.errors else 0


def run_ask(settings: Settings, question: str, lang: Language | None, as_json: bool) -> int:
    from bot.services.answers import Answerer
    from bot.services.crisis import answer_kind

    content = _content(settings)
    answerer = Answerer()
    content.on_reload(answerer.rebuild)
    language: Language = lang or settings.default_language
    questions = sys.stdin if question == "-" else [question]
    for line in questions:
        line = line.strip()
        if not line:
            continue
        answer = answerer.answer(line, language)
        result = answer.result
        t = content.i18n(language)
        reply = answer.text
        if answer.kind == "unsure":
            titles = [tp.text(language).title for tp in [answer.topic, *answer.alternatives] if tp]
            reply = t("answers-unsure") + " " + " | ".join(titles)
        elif answer.kind == "unknown":
            reply = t("answers-unknown")
        elif answer.kind == "crisis":  # the helplines as the bot sends them, without the tags
            reply = re.sub(r"</?b>", "", t(f"crisis-answer-{answer_kind(result.crisis_category)}"))
        if answer.written_in == "uz" and answer.kind != "crisis":
            reply = f"{t('answers-uzbek-note')} {reply}"
        if as_json:
            print(
                json.dumps(
                    {
                        "topic": result.topic,
                        # the language the question was written in (kk, ru, uz); the one
                        # asked for when the message is too short to tell
                        "language": answer.written_in or language,
                        "score": result.score,
                        "alternatives": result.alternatives,
                        "crisis": result.crisis,
                        "crisis_category": result.crisis_category,
                        "answer": reply,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        else:
            label = result.topic or "(does not know)"
            print(f"[{answer.kind} {label} {result.score:.2f}] {reply}", flush=True)
    return 0


def run_export(settings: Settings, out: Path, topic: str | None, lang: Language | None) -> int:
    from bot.db.registrations import Registration
    from bot.private_files import write_private
    from bot.services import registrations
    from bot.services.audit import Actor
    from bot.services.export import registrations_csv

    async def fetch() -> tuple[list[Registration], ContentStore]:
        db, content = await _open(settings)
        try:
            by = Actor(None, "cli")
            return await registrations.export_rows(db, topic, by=by), content
        finally:
            await db.close()

    rows, content = asyncio.run(fetch())
    if topic is not None and content.catalog.get(topic) is None:
        print(f"unknown topic id: {topic}", file=sys.stderr)
        return 1
    t = content.i18n(lang or settings.default_language)
    write_private(out, registrations_csv(rows, content.catalog, t))  # personal data: 0600
    print(f"{len(rows)} registrations written to {out}")
    return 0


async def run_qr(
    settings: Settings,
    topic_id: str | None,
    out: Path,
    username: str | None,
    *,
    event_id: int | None = None,
) -> int:
    """A poster's QR code: a programme's sign-up link, or (`event_id`) an event's card."""
    from bot.links import event_link, registration_link, write_qr_png

    if event_id is not None:
        from bot.services import events

        async with Database(settings.database_path) as db:
            try:
                await db.migrate()
            except MigrationError as exc:
                raise StartupError(f"database migration failed: {exc}") from None
            event = await events.get(db, event_id)
        if event is None:
            print(f"event {event_id}: unknown", file=sys.stderr)
            return 1
        topic_id = None
    content = _content(settings)
    topic = content.catalog.get(topic_id) if topic_id else None
    if event_id is None and (topic is None or not topic.registration_open):
        state = "unknown" if topic is None else "not open for registration"
        print(
            f"{topic_id}: {state}; open ones: "
            + ", ".join(
                sorted(t.id for t in content.catalog.topics.values() if t.registration_open)
            ),
            file=sys.stderr,
        )
        return 1
    if username is None:
        if settings.bot_token is None:
            print("give --username, or set BOT_TOKEN to ask Telegram for it", file=sys.stderr)
            return 2
        from bot.app import create_bot

        bot = create_bot(settings, settings.bot_token.get_secret_value())
        try:
            username = (await bot.get_me()).username or ""
        finally:
            await bot.session.close()
    try:
        if event_id is not None:
            link = event_link(username, event_id)
        else:
            assert topic_id is not None
            link = registration_link(username, topic_id)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    write_qr_png(link, str(out))
    print(f"{out}: {link}")
    return 0


def run_events_import(settings: Settings, path: Path, dry_run: bool, lang: Language | None) -> int:
    """`events import FILE`: every row checked against the calendar's rules with its line
    number, then all rows added in one transaction, or none."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
        return 1
    return asyncio.run(_events_import(settings, path, raw, dry_run, lang))


async def _events_import(
    settings: Settings, path: Path, raw: bytes, dry_run: bool, lang: Language | None
) -> int:
    from bot import clock
    from bot.services import event_csv
    from bot.services.audit import Actor

    db, content = await _open(settings)
    try:
        t = content.i18n(lang or settings.default_language)
        text = event_csv.decode(raw) if len(raw) <= event_csv.MAX_BYTES else None
        if text is None:
            key = "event-csv-not-utf8" if len(raw) <= event_csv.MAX_BYTES else "event-csv-too-big"
            print(f"{path}: {t(key)}", file=sys.stderr)
            return 1
        now = clock.now()
        topics = [tp.id for tp in content.catalog.topics.values() if tp.registration_open]
        plan = event_csv.read_plan(text, now, content.catalog.events, topics)
        if plan.errors:
            print(t("event-csv-refused", count=len(plan.errors)), file=sys.stderr)
            for line in event_csv.error_lines(t, plan.errors):
                print(line, file=sys.stderr)
            return 1
        if dry_run:
            print(t("event-csv-checked", count=len(plan.drafts)))
            return 0
        added = await event_csv.import_plan(db, plan, now, by=Actor(None, "cli"))
    finally:
        await db.close()
    print(t("event-csv-imported", count=len(added), first=added[0].id, last=added[-1].id))
    return 0


async def run_events_export(settings: Settings, out: Path | None) -> int:
    """`events export [--out FILE]`: the calendar in the import's columns (no personal data)."""
    from bot.private_files import write_private
    from bot.services import event_csv

    db, _ = await _open(settings)
    try:
        data, count = await event_csv.export_plan(db)
    finally:
        await db.close()
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_private(out, data)
    print(f"{out}: {count} events")
    return 0


async def run_gaps(settings: Settings, days: int, limit: int, as_json: bool) -> int:
    """The `/gaps` figures for editors who work in a terminal (or a cron job's e-mail)."""
    from bot.services import reports

    async with Database(settings.database_path) as db:
        try:
            await db.migrate()
        except MigrationError as exc:
            raise StartupError(f"database migration failed: {exc}") from None
        found = await reports.gaps(db, days, limit)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "question": g.text,
                        "count": g.count,
                        "unanswered": g.unanswered,
                        "not_helpful": g.not_helpful,
                        "topics": list(g.topics),
                    }
                    for g in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(
        f"Questions without a good answer, last {reports.clamp_days(days)} days "
        f"(crisis messages left out): {len(found)}"
    )
    if found:
        print("count  no answer  not helpful  question  [topics the bot offered]")
    for gap in found:
        topics = f"  [{', '.join(gap.topics)}]" if gap.topics else ""
        print(f"{gap.count:5}  {gap.unanswered:9}  {gap.not_helpful:11}  {gap.text}{topics}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    _setup_logging(settings)
    try:
        if command == "check-content":
            return run_check_content(args.dir or settings.content_dir, args.json)
        if command == "ask":
            return run_ask(settings, args.question, args.lang, args.json)
        if command == "export":
            return run_export(settings, args.out, args.topic, args.lang)
        if command == "qr":
            if (args.event is None) == (args.topic is None):
                print("give a programme's topic id or --event ID (one of them)", file=sys.stderr)
                return 2
            return asyncio.run(
                run_qr(settings, args.topic, args.out, args.username, event_id=args.event)
            )
        if command == "gaps":
            return asyncio.run(run_gaps(settings, args.days, args.limit, args.json))
        if command == "events" and args.events_command == "import":
            return run_events_import(settings, args.file, args.dry_run, args.lang)
        if command == "events":
            return asyncio.run(run_events_export(settings, args.out))
        if command == "backup":
            return run_backup(settings, args.file)
        if command == "migrate":
            asyncio.run(run_migrate(settings))
        elif command == "chat":
            logging.getLogger().setLevel(logging.WARNING)  # keep the conversation readable
            asyncio.run(run_chat(settings, args.db, args.admin))
        elif settings.bot_token is None:
            print(NO_TOKEN, file=sys.stderr)
            if not sys.stdin.isatty():
                return 2
            print("Opening the terminal chat instead.\n", file=sys.stderr)
            logging.getLogger().setLevel(logging.WARNING)
            asyncio.run(run_chat(settings, None))
        elif args.webhook:
            serve(run_webhook(settings))
        else:
            serve(run_polling(settings))
    except StartupError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
