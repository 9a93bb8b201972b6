"""The web panel under load: `python bench/panel.py [--rows 100000] [--requests 60]`.

A database with 100,000 users and 100,000 registrations (spread over four months, every
programme, status, district and age); the panel served by the bot's own process (the same
event loop and database connection as the dispatcher), asked for the registrations page with
a filter and for the dashboard, one request after another:
- quiet: nothing else running (the baseline);
- beside the bot: the bot handling `--rate` updates a second from 200 users at the same
  time (menu presses, free-text questions, form steps: bench/load.py's script), through the
  real dispatcher and the fake Bot API.
Prints p50 / p95 / max per page and the updates the bot handled meanwhile. Target: p95 under
150 ms for each page beside the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from load import TOKEN, script, seed  # noqa: E402  (bench/load.py: the same users and script)

PAGES = {
    "registrations (filtered)": "/panel/registrations?status=new&district=abai&sort=created",
    "registrations (search)": "/panel/registrations?q=%D0%B0%D0%B9%D0%B3%D0%B5%D1%80",
    "dashboard": "/panel/",
}


async def seed_registrations(db: Any, count: int) -> None:
    """`count` registrations with their consents, over the last 120 days (plain SQL)."""
    from bot import clock
    from bot.choices import DISTRICTS, OCCUPATIONS, STATUSES

    rng = random.Random(19)
    topics = ["first-job", "volunteering", "neet", "entrepreneurship", "generations-contract"]
    names = ["Айгерім Сейітова", "Данияр Омаров", "Ольга Ким", "Нұрлан Әлиев", "Иван Петров"]
    now = clock.now()
    consents, regs = [], []
    for i in range(count):
        at = clock.iso(now - clock.timedelta(seconds=rng.randint(0, 120 * 86400)))
        user = 10_000_000 + i
        consents.append((i + 1, user, "2025-01", "kk" if i % 3 else "ru", at))
        status = rng.choice(STATUSES)
        regs.append(
            (
                i + 1,
                user,
                rng.choice(topics),
                f"{rng.choice(names)} {i}",
                rng.randint(14, 35),
                f"+7701{i:07d}",
                rng.choice(DISTRICTS),
                rng.choice(OCCUPATIONS),
                i + 1,
                status,
                at,
                at,
                at,
            )
        )
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO consents (id, user_id, version, language, given_at) VALUES (?,?,?,?,?)",
            consents,
        )
        # One active registration per user and programme: each row has its own user.
        await conn.executemany(
            "INSERT INTO registrations (id, user_id, topic_id, full_name, age, phone, district,"
            " occupation, consent_id, status, created_at, updated_at, admin_notified_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            regs,
        )
    await db.conn.execute("ANALYZE")


async def measure(client: Any, cookie: dict[str, str], requests: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(requests):
        for name, path in PAGES.items():
            started = time.perf_counter()
            async with client.get(path, cookies=cookie) as response:
                await response.read()
                assert response.status == 200, (path, response.status)
            found[name].append((time.perf_counter() - started) * 1000)
    return found


def summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"{statistics.median(values):6.1f} / {p95:6.1f} / {values[-1]:6.1f}"


async def main_async(rows: int, requests: int, rate: float) -> None:
    import aiohttp
    from aiogram.types import Update
    from aiohttp.test_utils import TestServer

    from bot.app import create_bot, create_dispatcher
    from bot.catalog.store import ContentStore
    from bot.config import load_settings
    from bot.db.database import Database
    from bot.services import panel_auth
    from tests.conversation import Harness
    from tests.fake_api import FakeTelegramServer
    from tests.panel import root_app

    tmp = tempfile.mkdtemp()
    settings = load_settings(
        database_path=Path(tmp) / "panel.sqlite3",
        content_dir=ROOT / "content",
        flood_rate=0,
        admin_ids="1001",
    )
    server = await FakeTelegramServer().start()
    api = server.emulator
    settings = settings.model_copy(update={"telegram_api_url": server.base_url, "send_rate": 1e6})
    db = await Database(settings.database_path).connect()
    await db.migrate()
    started = time.perf_counter()
    await seed(db, rows)
    await seed_registrations(db, rows)
    print(f"seeded {rows} users and {rows} registrations in {time.perf_counter() - started:.1f} s")
    bot = create_bot(settings, TOKEN)
    dp = create_dispatcher(settings, db, ContentStore(settings.content_dir), freeze_heap=True)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    harness = Harness(bot=bot, dp=dp, api=api, settings=settings)
    panel = TestServer(root_app(harness), host="127.0.0.1")
    await panel.start_server()
    token = await panel_auth.issue_link(db, 1001)
    session = await panel_auth.redeem(db, token, settings.admin_ids)
    assert isinstance(session, panel_auth.NewSession)
    cookie = {"jastar_panel": session.token}
    base = str(panel.make_url("")).rstrip("/")
    async with aiohttp.ClientSession(base) as client:
        await measure(client, cookie, 3)  # warm up: templates compiled, pages cached by SQLite
        quiet = await measure(client, cookie, requests)

        handled = 0
        stop = asyncio.Event()

        async def user(i: int) -> None:
            nonlocal handled
            user_id = 900_000 + i
            api.add_chat(user_id, f"U{i}", language_code="kk" if i % 2 else "ru")
            steps = script(i, 10_000)
            k = 0
            while not stop.is_set():
                kind, value = steps[k % len(steps)]
                if kind == "text":
                    update = api.user_sends(user_id, value)
                else:
                    sent = api.bot_messages(user_id)
                    update = api.user_presses(user_id, sent[-1].message_id if sent else 1, value)
                await dp.feed_update(bot, Update.model_validate(update, context={"bot": bot}))
                handled += 1
                k += 1
                await asyncio.sleep(200 / rate)

        users = [asyncio.create_task(user(i)) for i in range(200)]
        await asyncio.sleep(2)
        t0, h0 = time.perf_counter(), handled
        loaded = await measure(client, cookie, requests)
        load_rate = (handled - h0) / (time.perf_counter() - t0)
        stop.set()
        await asyncio.gather(*users, return_exceptions=True)

    head = f"{'quiet p50 / p95 / max ms':>26}   {'beside the bot p50 / p95 / max ms':>34}"
    print(f"\n{'page':28} {head}")
    for name in PAGES:
        print(f"{name:28} {summary(quiet[name]):>26}   {summary(loaded[name]):>34}")
    print(f"\nthe bot handled {load_rate:.0f} updates/s meanwhile (asked for {rate:.0f})")
    worst = max(sorted(v)[max(0, int(len(v) * 0.95) - 1)] for v in loaded.values())
    print(f"worst p95 beside the bot: {worst:.1f} ms (target < 150 ms)")
    await panel.close()
    await dp.emit_shutdown(bot=bot, **dp.workflow_data)
    await bot.session.close()
    await db.close()
    await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per page and phase")
    parser.add_argument("--rate", type=float, default=100.0, help="bot updates a second")
    args = parser.parse_args()
    asyncio.run(main_async(args.rows, args.requests, args.rate))


if __name__ == "__main__":
    main()
