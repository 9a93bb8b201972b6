"""1,000 young people fill the registration form at once, through the real dispatcher.

    python bench/registrations.py [--users 1000]

Each simulated user sends the deep link, name, age and phone, and presses the district,
occupation, skip, consent and confirm buttons: 10 updates, all through aiogram's real HTTP
session to a fake Bot API on 127.0.0.1, with the production SQLite FSM storage and
database. It prints throughput and per-update latency, then checks the table: every user
must have exactly one row (none lost, none duplicated). The same run with aiogram's
in-memory FSM storage is the baseline, to show what keeping forms on disk costs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram.fsm.storage.base import BaseStorage  # noqa: E402
from aiogram.fsm.storage.memory import MemoryStorage  # noqa: E402
from aiogram.types import Update  # noqa: E402

from bot.app import create_bot, create_dispatcher  # noqa: E402
from bot.catalog.store import ContentStore  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db.database import Database  # noqa: E402
from tests.fake_api import FakeTelegramServer  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-fake-api-0000000000"


async def run(users: int, storage_kind: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        # Flood control off: a simulated user answers as soon as the bot has replied, over
        # 5 updates a second once the bot is fast enough, which no thumb manages.
        settings = load_settings(
            database_path=Path(tmp) / "bench.sqlite3", content_dir=ROOT / "content", flood_rate=0
        )
        server = await FakeTelegramServer().start()
        api = server.emulator
        db = await Database(settings.database_path).connect()
        await db.migrate()
        content = ContentStore(settings.content_dir)
        # No flood limit in this fake API: the bot's own speed, not Telegram's pace.
        settings = settings.model_copy(
            update={"telegram_api_url": server.base_url, "send_rate": 1e6}
        )
        bot = create_bot(settings, TOKEN)
        storage: BaseStorage | None = MemoryStorage() if storage_kind == "memory" else None
        dp = create_dispatcher(settings, db, content, storage=storage)
        latencies: list[float] = []

        async def feed(update: dict) -> None:
            started = time.perf_counter()
            await dp.feed_update(bot, Update.model_validate(update, context={"bot": bot}))
            latencies.append(time.perf_counter() - started)

        async def one_user(user_id: int) -> None:
            api.add_chat(user_id, f"U{user_id}", language_code="kk" if user_id % 2 else "ru")
            await feed(api.user_sends(user_id, "/start reg-neet"))
            for text in ("Сейітов Ерлан", "19", "+7 701 123 45 67"):
                await feed(api.user_sends(user_id, text))
            for data in (
                "rf:district:abai",
                "rf:occ:neet",
                "rf:skip:",
                "rf:agree:adult",
                "rf:confirm:",
            ):
                last = api.bot_messages(user_id)[-1]
                await feed(api.user_presses(user_id, last.message_id, data))

        started = time.perf_counter()
        await asyncio.gather(*(one_user(100_000 + i) for i in range(users)))
        elapsed = time.perf_counter() - started
        rows = await db.fetch_all(
            "SELECT user_id, COUNT(*) AS n FROM registrations GROUP BY user_id"
        )
        await bot.session.close()
        await db.close()
        await server.stop()
    latencies.sort()
    return {
        "seconds": elapsed,
        "registrations_per_s": users / elapsed,
        "updates_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "stored": sum(r["n"] for r in rows),
        "lost": users - len(rows),
        "duplicated": sum(r["n"] - 1 for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    print(f"{args.users} concurrent users, 10 updates each, fake Bot API over HTTP\n")
    header = (
        f"{'FSM storage':<22}{'seconds':>9}{'reg/s':>8}{'upd/s':>8}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'stored':>8}{'lost':>6}{'dupes':>7}"
    )
    print(header)
    for kind, label in (("sqlite", "SQLite (production)"), ("memory", "memory (baseline)")):
        r = asyncio.run(run(args.users, kind))
        print(
            f"{label:<22}{r['seconds']:>9.1f}{r['registrations_per_s']:>8.1f}"
            f"{r['updates_per_s']:>8.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['stored']:>8}{r['lost']:>6}{r['duplicated']:>7}"
        )
        if r["lost"] or r["duplicated"] or r["stored"] != args.users:
            print("FAIL: registrations lost or duplicated", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
