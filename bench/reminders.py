"""Benchmark of event reminders beside a running announcement, against a fake Bot API that
enforces 30 messages/s.

    python bench/reminders.py [--reminders 1500] [--recipients 3000] [--rate 25]

Everything in this process: the fake API over HTTP, the real dispatcher, the real
announcement worker and the real reminder worker (`bot/workers/event_reminders.py`), which
share one pace (announcements and reminders together within BROADCAST_RATE, replies
first). Prints, in one run: the broadcast alone (the baseline), then the same broadcast with
an event whose 24-hour reminders are all due: reminders a minute, announcements a second,
all messages a second against the limit, flood waits (429) after the first second (target 0)
and duplicates (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from broadcast import TELEGRAM_LIMIT, TimedEmulator, paced_calls  # noqa: E402

from bot.app import create_bot, create_dispatcher  # noqa: E402
from bot.catalog.store import ContentStore  # noqa: E402
from bot.clock import Clock, iso  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db.broadcasts import Audience, Broadcasts  # noqa: E402
from bot.db.database import Database  # noqa: E402
from bot.services import events  # noqa: E402
from bot.services.broadcasts import Draft, create_broadcast  # noqa: E402
from bot.services.events import Draft as EventDraft  # noqa: E402
from bot.workers.broadcasts import Broadcaster  # noqa: E402
from bot.workers.event_reminders import EventReminders  # noqa: E402
from tests.fake_api import FakeTelegramServer  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-fake-api-00000000"
ADMIN = 1001
FIRST = 100_000
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class FixedClock(Clock):
    def now(self) -> datetime:
        return NOW


async def seed(db: Database, api: TimedEmulator, count: int) -> None:
    api.add_chat(ADMIN, "Admin", language_code="ru")
    rows = [(FIRST + i, "kk" if i % 2 else "ru") for i in range(count)]
    for uid, _ in rows:
        api.add_chat(uid, f"U{uid}")
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (telegram_id, language, first_seen, last_seen)"
            " VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            rows,
        )


async def broadcast(db: Database, broadcaster: Broadcaster, api: TimedEmulator, text: str) -> int:
    source = api.user_sends(ADMIN, text)["message"]["message_id"]
    job_id, _ = await create_broadcast(
        db, Draft(ADMIN, ADMIN, source, Audience()), broadcaster.clock.now()
    )
    broadcaster.wake()
    return job_id


async def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.ERROR)
    api = TimedEmulator(flood_limit=TELEGRAM_LIMIT)
    server = await FakeTelegramServer(api).start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            database_path=Path(tmp) / "bench.sqlite3",
            content_dir=ROOT / "content",
            admin_ids=str(ADMIN),
            telegram_api_url=server.base_url,
            broadcast_rate=args.rate,
        )
        db = await Database(settings.database_path).connect()
        await db.migrate()
        content = ContentStore(settings.content_dir)
        bot = create_bot(settings, TOKEN)
        dp = create_dispatcher(settings, db, content, clock=FixedClock())
        broadcaster: Broadcaster = dp["broadcaster"]
        worker: EventReminders = dp["event_reminders"]
        worker.interval = 3600.0  # this bench calls run_once() itself
        await dp.emit_startup(bot=bot, **dp.workflow_data)
        try:
            await seed(db, api, args.recipients)
            print(
                f"{args.recipients} announcement recipients, {args.reminders} reminders due, "
                f"BROADCAST_RATE={args.rate:g}/s, fake API limit {TELEGRAM_LIMIT}/s",
                flush=True,
            )
            # Baseline: the broadcast alone.
            before = paced_calls(api)
            started = time.monotonic()
            first = await broadcast(db, broadcaster, api, "baseline")
            await broadcaster.settle()
            alone = time.monotonic() - started
            alone_tally = await Broadcasts(db.conn).tally(first)
            alone_rate = alone_tally.processed / alone
            alone_all = (paced_calls(api) - before) / alone
            await asyncio.sleep(1.5)

            # The event: everyone in the first `reminders` users signed up long ago.
            made = await events.create(
                db,
                EventDraft(
                    title_kk="Жастар форумы",
                    title_ru="Молодёжный форум",
                    category="forum",
                    starts_at=NOW + timedelta(hours=20),
                    ends_at=NOW + timedelta(hours=23),
                    place_kk="Жастар орталығы",
                    place_ru="Молодёжный центр",
                ),
                ADMIN,
                NOW - timedelta(days=7),
                {"forum"},
            )
            assert not isinstance(made, events.Invalid)
            async with db.transaction() as conn:
                await conn.executemany(
                    "INSERT INTO event_rsvps (event_id, user_id, status, code, created_at,"
                    " updated_at) VALUES (?, ?, 'confirmed', ?, ?, ?)",
                    [
                        (made.id, FIRST + i, f"C{i:07d}", iso(NOW - timedelta(days=3)), iso(NOW))
                        for i in range(args.reminders)
                    ],
                )
            refused_before = len(api.refused_at)
            before = paced_calls(api)
            started = time.monotonic()
            second = await broadcast(db, broadcaster, api, "with reminders")
            reminders_task = asyncio.create_task(worker.run_once())
            sent = await reminders_task
            reminders_took = time.monotonic() - started
            await broadcaster.settle()
            both = time.monotonic() - started
            tally = await Broadcasts(db.conn).tally(second)
            all_rate = (paced_calls(api) - before) / both
            late_429 = sum(1 for at in api.refused_at[refused_before:] if at > started + 1.0)
            reminder_texts = [
                sum(1 for m in chat.messages if m.from_bot and "форум" in m.text.lower())
                for chat in api.chats.values()
            ]
            duplicates = sum(max(0, n - 1) for n in reminder_texts)
        finally:
            await dp.emit_shutdown(bot=bot, **dp.workflow_data)
            await bot.session.close()
            await db.close()
            await server.stop()

    print("\nbroadcast alone (baseline):")
    print(f"  announcements {alone_rate:.2f}/s, all messages {alone_all:.2f}/s")
    print("broadcast with reminders due:")
    print(
        f"  reminders {sent} in {reminders_took:.1f} s = {sent / reminders_took * 60:.0f}/min"
        f" ({sent / reminders_took:.2f}/s)"
    )
    print(
        f"  announcements {tally.processed} in {both:.1f} s = "
        f"{tally.processed / both:.2f}/s while sharing"
    )
    print(f"  all messages {all_rate:.2f}/s (limit {TELEGRAM_LIMIT}/s, budget {args.rate:g}/s)")
    print(f"  429s after the first second: {late_429}   duplicates: {duplicates}")
    ok = late_429 == 0 and duplicates == 0 and sent == args.reminders
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=1500)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=25.0)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
