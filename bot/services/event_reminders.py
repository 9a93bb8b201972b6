"""The messages the bot owes people about events, and the record that each goes out once.

Four kinds, all in `event_reminders` (one row per event, person and kind, never two):
- `24h` and `1h` before the start, to confirmed RSVPs made before that moment (someone who
  signs up two hours before gets the one-hour reminder only), never to cancelled RSVPs,
  blocked users or those who turned reminders off;
- `rating`, after the event ends (within `RATING_WINDOW`), to those who had a seat;
- `new`, to someone who asked to hear of the next event in a category, once it is announced.

The worker claims a notice (a 'sending' row) before the call and settles it after; a row
left 'sending' by a crash becomes 'uncertain' at start-up and is never sent again: a missed
reminder is better than two. No Telegram here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot import clock
from bot.db.database import Database
from bot.db.events import DueNotice, Events, NoticeKind, NoticeStatus

LEADS: dict[Literal["24h", "1h"], timedelta] = {
    "24h": timedelta(hours=24),
    "1h": timedelta(hours=1),
}
RATING_WINDOW = timedelta(days=3)  # a question a week later would puzzle more than help


async def due_reminders(db: Database, now: datetime, limit: int = 100) -> list[DueNotice]:
    """What is owed now, oldest need first: 1-hour reminders, 24-hour ones, news for
    watchers, rating questions. A 24-hour reminder is due between 24 h and 1 h before
    the start, a 1-hour one in the last hour."""
    repo = Events(db.conn)
    stamp = clock.iso(now)
    due: list[DueNotice] = []
    due += await repo.due_reminders("1h", stamp, clock.iso(now + LEADS["1h"]), "-1 hours", limit)
    due += await repo.due_reminders(
        "24h",
        clock.iso(now + LEADS["1h"]),
        clock.iso(now + LEADS["24h"]),
        "-24 hours",
        limit - len(due),
    )
    if len(due) < limit:
        due += await repo.due_news(stamp, limit - len(due))
    if len(due) < limit:
        due += await repo.due_ratings(stamp, clock.iso(now - RATING_WINDOW), limit - len(due))
    return due[:limit]


async def claim(db: Database, notice: DueNotice, now: datetime) -> bool:
    """Record the notice as being sent, before the call; False if it was recorded already.
    Claiming news for a watcher also ends the watch (they asked for the next one only)."""
    async with db.transaction() as conn:
        repo = Events(conn)
        if not await repo.claim_notice(notice, clock.iso(now)):
            return False
        if notice.kind == "new":
            event = await repo.get(notice.event_id)
            if event is not None:
                await repo.unwatch(notice.user_id, event.category)
    return True


async def mark_reminder_sent(
    db: Database,
    notice: DueNotice,
    now: datetime,
    status: NoticeStatus = "sent",
) -> None:
    """Settle a claimed notice: sent, failed (certainly not delivered), blocked, or
    uncertain (the call's fate is unknown)."""
    async with db.statement() as conn:
        await Events(conn).settle_notice(
            notice.event_id, notice.user_id, notice.kind, status, clock.iso(now)
        )


async def status_of(db: Database, event_id: int, user_id: int, kind: NoticeKind) -> str | None:
    return await Events(db.conn).notice_status(event_id, user_id, kind)


async def recover(db: Database) -> int:
    """At start-up: notices left 'sending' by a stop become 'uncertain' (never resent)."""
    async with db.statement() as conn:
        return await Events(conn).in_flight_to_uncertain()
