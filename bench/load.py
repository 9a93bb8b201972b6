"""200 simulated users against the real dispatcher, beside a bare aiogram echo bot.

    python bench/load.py [--users 200] [--rate 100] [--seconds 20] [--seed-users 100000]
                         [--rounds 3]

Each user goes through a mix of menu presses, free-text questions and registration-form
steps. Every update goes through `Dispatcher.feed_update` and aiogram's real HTTP session
to the fake Bot API on 127.0.0.1 (in the same process, for both bots alike). Each bot runs
in its own subprocess, so their memory is measured apart:

- **throughput**: all users at once, each sending its next update as soon as the last one
  was handled (closed loop; flood control off, since no thumb is that fast);
- **paced**: a steady `--rate` updates per second spread over the users (open loop,
  production settings); latency is from the update's scheduled time to the end of its
  handling, so queueing counts;
- **RSS** at the end, the bot with `--seed-users` rows in its users table (plain SQL).

The echo bot answers every text with the same text and every button with an empty
callback answer: the floor of what any aiogram bot costs here. It is bare aiogram (its
default HTTP session and asyncio's loop); a second echo bot on this bot's transport (JSON
session, uvloop) shows how much of the gap is the transport and how much the bot's work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.loop import serve  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-fake-api-0000000000"
QUESTIONS = [
    "стипендия алу үшін не керек",
    "как найти первую работу",
    "грант на бизнес для молодежи",
    "волонтер болғым келеді",
    "психолог керек",
    "NEET деген не",
    "Жасыл ел жобасына қалай",
    "молодежная практика условия",
    "жұмыс таба алмай жүрмін",
    "где центр занятости",
    "хочу открыть свое дело",
    "спорт секциялары тегін бе",
    "как стать волонтером",
    "жастар ресурстық орталығы қайда",
    "первое рабочее место субсидия",
]
MENU = [
    "m:cats",
    "c:work",
    "t:first-job:c",
    "t:first-job:f",
    "c:support",
    "t:neet:c",
    "m:main",
    "m:help",
]
FORM_TEXT = ["Сейітов Ерлан", "19", "+7 701 123 45 67"]
FORM_PRESS = ["rf:district:abai", "rf:occ:neet", "rf:skip:", "rf:agree:adult", "rf:confirm:"]


KINDS = ("echo", "echo-stack", "bot")


def script(user_index: int, length: int) -> list[tuple[str, str]]:
    """The user's updates in order: ("text", …) or ("press", callback data)."""
    rng = random.Random(user_index)
    steps: list[tuple[str, str]] = [
        ("text", "/start"),
        ("press", "l:kk" if user_index % 2 else "l:ru"),
    ]
    while len(steps) < length:
        kind = rng.random()
        if kind < 0.4:
            steps += [("press", d) for d in rng.sample(MENU, 3)]
        elif kind < 0.75:
            steps.append(("text", rng.choice(QUESTIONS)))
        else:
            steps += [
                ("text", "/start reg-neet"),
                *[("text", t) for t in FORM_TEXT],
                *[("press", d) for d in FORM_PRESS],
                ("text", "/my"),
            ]
    return steps[:length]


def echo_dispatcher() -> Any:
    from aiogram import Dispatcher, F
    from aiogram.types import CallbackQuery, Message

    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…", parse_mode=None)

    @dp.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()

    return dp


async def seed(db: Any, count: int) -> None:
    """`count` users, as a year of a city's youth would leave them (plain SQL, one go)."""
    rows = (
        (10_000_000 + i, "kk" if i % 3 else "ru", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z")
        for i in range(count)
    )
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (telegram_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)",
            rows,
        )


async def worker(
    kind: str, users: int, length: int, rate: float, seconds: float, seed_users: int
) -> dict[str, float]:
    from aiogram.types import Update

    from bot.app import create_bot, create_dispatcher
    from bot.catalog.store import ContentStore
    from bot.config import load_settings
    from bot.db.database import Database
    from tests.fake_api import FakeTelegramServer

    tmp = tempfile.mkdtemp()
    settings = load_settings(
        database_path=Path(tmp) / "load.sqlite3", content_dir=ROOT / "content", flood_rate=0
    )
    server = await FakeTelegramServer().start()
    api = server.emulator
    # This fake API has no flood limit: the bot's own speed is measured, not Telegram's pace
    # (bot/transport/pacing.py; bench/broadcast.py runs against the limit).
    settings = settings.model_copy(update={"telegram_api_url": server.base_url, "send_rate": 1e6})
    if kind == "echo":
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
    else:
        bot = create_bot(settings, TOKEN)
    db = None
    if kind == "bot":
        db = await Database(settings.database_path).connect()
        await db.migrate()
        await seed(db, seed_users)
        dp = create_dispatcher(
            settings, db, ContentStore(settings.content_dir), freeze_heap=True
        )  # as `python -m bot run` does
        await dp.emit_startup(bot=bot, **dp.workflow_data)
    else:
        dp = echo_dispatcher()

    async def feed(update: dict[str, Any]) -> None:
        await dp.feed_update(bot, Update.model_validate(update, context={"bot": bot}))

    def make(user_id: int, step: tuple[str, str]) -> dict[str, Any]:
        if step[0] == "text":
            return api.user_sends(user_id, step[1])
        sent = api.bot_messages(user_id)
        return api.user_presses(user_id, sent[-1].message_id if sent else 1, step[1])

    async def run_users(
        first_id: int, pace: Callable[[int, int], Awaitable[float]]
    ) -> tuple[int, float, list[float]]:
        latencies: list[float] = []

        async def one(i: int) -> None:
            user_id = first_id + i
            api.add_chat(user_id, f"U{i}", language_code="kk" if i % 2 else "ru")
            for k, step in enumerate(script(i, length)):
                due = await pace(i, k)
                if due < 0:
                    return
                await feed(make(user_id, step))
                latencies.append(time.perf_counter() - due)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(users)))
        return len(latencies), time.perf_counter() - started, latencies

    async def at_once(i: int, k: int) -> float:
        return time.perf_counter()

    calls_before = len(api.calls)
    done, elapsed, _ = await run_users(1_000, at_once)
    api_calls = len(api.calls) - calls_before
    throughput = done / elapsed

    # Paced phase: production flood control; user i's k-th update is due at t0 + (k*U + i)/R.
    if kind == "bot":
        dp["flood_control"].rate = 5
    t0 = time.perf_counter() + 0.5

    async def paced(i: int, k: int) -> float:
        due = t0 + (k * users + i) / rate
        if due - t0 > seconds:
            return -1.0
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        return due

    count, paced_elapsed, latencies = await run_users(500_000, paced)
    latencies.sort()
    rss = _status_kb("VmRSS")
    peak = _status_kb("VmHWM")
    if db is not None:
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)
        await db.close()
    await bot.session.close()
    await server.stop()
    return {
        "throughput": throughput,
        "paced_rate": count / paced_elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "rss_mb": rss / 1024,
        "peak_mb": peak / 1024,
        "refused": sum(1 for r in api.refused if "not modified" not in r[2]),
        "calls_per_update": api_calls / done,
    }


def _status_kb(field: str) -> int:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--length", type=int, default=15, help="updates per user, closed loop")
    parser.add_argument("--rate", type=float, default=100.0, help="paced updates per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the paced run")
    parser.add_argument("--seed-users", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each bot; medians shown")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run = worker(args.worker, args.users, args.length, args.rate, args.seconds, args.seed_users)
        # Each bot runs on the loop it would run on in production.
        result = asyncio.run(run) if args.worker == "echo" else serve(run)
        print(json.dumps(result))
        return
    # The machine is shared and noisy: the kinds take turns, round after round, and each
    # figure is the median of its rounds.
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for _ in range(args.rounds):
        for kind in KINDS:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", kind, *sys.argv[1:]],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[kind].append(json.loads(out.strip().splitlines()[-1]))
    results = {
        kind: {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        for kind, rounds in runs.items()
    }
    echo, stack, bot = results["echo"], results["echo-stack"], results["bot"]
    print(
        f"{args.users} users; closed loop {args.length} updates each; paced "
        f"{args.rate:.0f} upd/s for {args.seconds:.0f} s; bot DB with {args.seed_users} users;"
        f" medians of {args.rounds} rounds\n"
    )
    throughputs = {
        kind: " ".join(f"{r['throughput']:.0f}" for r in rounds) for kind, rounds in runs.items()
    }
    print("throughput of each round: " + "; ".join(f"{k} {v}" for k, v in throughputs.items()))
    print(f"{'':<36}{'echo bot':>10}{'echo, our':>11}{'Jastar bot':>12}{'ratio':>7}")
    print(f"{'':<36}{'(bare)':>10}{'transport':>11}{'':>12}{'':>7}")
    rows = [
        ("throughput, updates/s", "throughput", "{:.0f}"),
        ("paced: handled updates/s", "paced_rate", "{:.0f}"),
        ("paced: p50 latency, ms", "p50_ms", "{:.1f}"),
        ("paced: p99 latency, ms", "p99_ms", "{:.1f}"),
        ("RSS at the end, MB", "rss_mb", "{:.0f}"),
        ("peak RSS, MB", "peak_mb", "{:.0f}"),
        ("calls refused (bar 'not modified')", "refused", "{:.0f}"),
        ("Bot API calls per update", "calls_per_update", "{:.2f}"),
    ]
    for label, key, fmt in rows:
        ratio = bot[key] / echo[key] if echo[key] else float("nan")
        print(
            f"{label:<36}{fmt.format(echo[key]):>10}{fmt.format(stack[key]):>11}"
            f"{fmt.format(bot[key]):>12}{ratio:>7.2f}"
        )
    share = bot["throughput"] / echo["throughput"]
    extra = bot["rss_mb"] - echo["rss_mb"]
    print(
        f"\nthroughput {share:.2f} of the bare echo bot (target ≥ 0.70), "
        f"{bot['throughput'] / stack['throughput']:.2f} of the echo bot on the same transport;"
        f"\nRSS {extra:+.0f} MB beside the bare echo bot (target ≤ +60 MB)"
    )


if __name__ == "__main__":
    main()
