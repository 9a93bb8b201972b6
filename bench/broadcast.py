"""Benchmark of announcement delivery against a fake Bot API that enforces 30 messages/s.

    python bench/broadcast.py [--recipients 10000] [--rate 25] [--baseline 300]

Everything runs in this process: the fake API (`tests/fake_api.py`) over HTTP on 127.0.0.1,
the real dispatcher and the real worker. Reports the achieved rate of all messages
(announcements, the probe user's replies, progress edits: they share one bucket, replies
first) as a share of the slower of BROADCAST_RATE and SEND_RATE (target ≥ 95%), flood
waits (429) met after the first second (target 0), duplicates (must be 0), and the
dispatcher's handling time for ordinary user questions during the broadcast (p99 target
< 200 ms). In the same run, for comparison: a naive loop that sends as fast as it can and
only reacts to 429, and the handling time with no broadcast running.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.exceptions import TelegramRetryAfter  # noqa: E402
from aiogram.types import Update  # noqa: E402

from bot.app import create_bot, create_dispatcher  # noqa: E402
from bot.catalog.store import ContentStore  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db.broadcasts import Audience, Broadcasts  # noqa: E402
from bot.db.database import Database  # noqa: E402
from bot.sandbox.emulator import TelegramEmulator  # noqa: E402
from bot.services.broadcasts import Draft, create_broadcast  # noqa: E402
from bot.transport.pacing import is_paced, own_retries  # noqa: E402
from bot.workers.broadcasts import Broadcaster  # noqa: E402
from tests.fake_api import FakeTelegramServer, FaultyEmulator  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-fake-api-00000000"
ADMIN = 1001
FIRST_RECIPIENT = 100_000
PROBE_USER = 50
QUESTIONS = [
    "NEET деген не?",
    "Как попасть на молодёжную практику?",
    "волонтер болгым келеди",
    "Первое рабочее место условия",
    "жас кәсіпкерлерге грант",
]
TELEGRAM_LIMIT = 30


class TimedEmulator(FaultyEmulator):
    """Notes when each flood refusal happened."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refused_at: list[float] = []

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, body = super().handle(method, params)
        if status == 429:
            self.refused_at.append(time.monotonic())
        return status, body


def paced_calls(api: TelegramEmulator) -> int:
    """Message calls so far (what Telegram's global limit counts), refused or not."""
    return sum(1 for method, _ in api.calls if is_paced(method))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def seed(db: Database, api: TelegramEmulator, count: int) -> None:
    api.add_chat(ADMIN, "Admin", language_code="ru")
    api.add_chat(PROBE_USER, "Probe", language_code="kk")
    rows = [(FIRST_RECIPIENT + i, "kk" if i % 2 else "ru") for i in range(count)]
    for uid, _ in rows:
        api.add_chat(uid, f"U{uid}")
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (telegram_id, language, first_seen, last_seen)"
            " VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            rows,
        )


async def probe(
    dp: Any, bot: Bot, api: TelegramEmulator, stop: asyncio.Event, every: float = 0.5
) -> list[float]:
    """An ordinary user asks questions; each one's handling time through the dispatcher."""
    times: list[float] = []
    i = 0
    while not stop.is_set():
        update = api.user_sends(PROBE_USER, QUESTIONS[i % len(QUESTIONS)])
        api.updates.clear()
        parsed = Update.model_validate(update, context={"bot": bot})
        started = time.perf_counter()
        await dp.feed_update(bot, parsed)
        times.append(time.perf_counter() - started)
        i += 1
        with_stop = asyncio.create_task(stop.wait())
        await asyncio.wait({with_stop}, timeout=every)
        with_stop.cancel()
    return times


async def naive_loop(bot: Bot, api: TimedEmulator, recipients: list[int]) -> dict[str, float]:
    """The loop many templates use: send as fast as possible, sleep only when told to (past
    the bot's pacer, as a bot without one would)."""
    unpaced = own_retries.set(True)
    try:
        return await _naive(bot, api, recipients)
    finally:
        own_retries.reset(unpaced)


async def _naive(bot: Bot, api: TimedEmulator, recipients: list[int]) -> dict[str, float]:
    source = api.user_sends(ADMIN, "baseline")["message"]["message_id"]
    refused = len(api.refused_at)
    started = time.monotonic()
    for uid in recipients:
        while True:
            try:
                await bot.copy_message(uid, ADMIN, source)
                break
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
    elapsed = time.monotonic() - started
    return {"rate": len(recipients) / elapsed, "flood_waits": len(api.refused_at) - refused}


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
        dp = create_dispatcher(settings, db, content)
        broadcaster: Broadcaster = dp["broadcaster"]
        await dp.emit_startup(bot=bot, **dp.workflow_data)
        try:
            await seed(db, api, args.recipients)
            print(
                f"{args.recipients} recipients, BROADCAST_RATE={args.rate:g}/s, "
                f"fake API limit {TELEGRAM_LIMIT}/s",
                flush=True,
            )

            # Baselines: handling time with nothing else running; a naive unpaced loop.
            idle_stop = asyncio.Event()
            idle_task = asyncio.create_task(probe(dp, bot, api, idle_stop, every=0.05))
            await asyncio.sleep(args.idle_seconds)
            idle_stop.set()
            idle_times = await idle_task
            naive = await naive_loop(
                bot, api, [FIRST_RECIPIENT + i for i in range(min(args.baseline, args.recipients))]
            )
            await asyncio.sleep(1.5)  # let the fake API's window empty

            # The broadcast, with the ordinary user asking questions all along.
            source = api.user_sends(ADMIN, "Жаңа грант / Новый грант")["message"]["message_id"]
            job_id, total = await create_broadcast(
                db, Draft(ADMIN, ADMIN, source, Audience()), broadcaster.clock.now()
            )
            refused_before = len(api.refused_at)
            messages_before = paced_calls(api)
            stop = asyncio.Event()
            probe_task = asyncio.create_task(probe(dp, bot, api, stop))
            started = time.monotonic()
            await broadcaster.settle()
            elapsed = time.monotonic() - started
            stop.set()
            busy_times = await probe_task

            tally = await Broadcasts(db.conn).tally(job_id)
            achieved = (paced_calls(api) - messages_before) / elapsed
            announcements = tally.processed / elapsed
            late_429 = sum(1 for at in api.refused_at[refused_before:] if at > started + 1.0)
            duplicates = sum(
                max(0, sum(1 for m in chat.messages if m.copied_from == (ADMIN, source)) - 1)
                for chat in api.chats.values()
            )
        finally:
            await dp.emit_shutdown(bot=bot, **dp.workflow_data)
            await bot.session.close()
            await db.close()
            await server.stop()

    budget = min(args.rate, settings.send_rate)
    share = achieved / budget
    p99_idle, p99_busy = percentile(idle_times, 0.99), percentile(busy_times, 0.99)
    checks = [
        (
            "achieved rate",
            f"{achieved:.2f} messages/s = {share:.1%} of {budget:g}/s "
            f"({announcements:.2f}/s announcements)",
            share >= 0.95,
        ),
        ("429s after the first second", str(late_429), late_429 == 0),
        ("duplicates", str(duplicates), duplicates == 0),
        (
            "user question p99 during broadcast",
            f"{p99_busy * 1000:.0f} ms (p50 {statistics.median(busy_times) * 1000:.0f} ms, "
            f"{len(busy_times)} questions)",
            p99_busy < 0.2,
        ),
    ]
    print(
        f"\ndelivered {tally.sent}/{total} in {elapsed:.1f} s "
        f"(failed {tally.failed}, blocked {tally.blocked}, uncertain {tally.uncertain})"
    )
    for name, value, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")
    print("\nbaselines in the same run:")
    print(
        f"  naive unpaced loop over {min(args.baseline, args.recipients)} recipients: "
        f"{naive['rate']:.1f}/s, {naive['flood_waits']:.0f} flood waits (429)"
    )
    print(
        f"  user question p99 with no broadcast: {p99_idle * 1000:.0f} ms "
        f"(p50 {statistics.median(idle_times) * 1000:.0f} ms, {len(idle_times)} questions)"
    )
    return 0 if all(ok for _, _, ok in checks) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE")
    parser.add_argument(
        "--baseline", type=int, default=300, help="recipients for the naive-loop baseline"
    )
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=5.0,
        help="how long to measure handling time with no broadcast",
    )
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
