"""What the department does with events beyond part A's services: telling people an event
was cancelled (exactly once, paced by `workers/event_cancellations.py`), the figures an
admin's card shows, and `/forget` for the notices' rows. No Telegram.

Cancelling itself is `events.cancel_event`; the notices owed afterwards are found from the
RSVPs of cancelled events, so nothing is queued and nothing can be lost between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot import clock
from bot.catalog.loader import Catalog
from bot.db.database import Database
from bot.db.event_notices import CancelNotice, EventNotices
from bot.db.events import EventCounts, NoticeStatus, Rating
from bot.services import events

COMMENTS_SHOWN = 10  # the latest comments in the chat; the attendee CSV has them all


def registration_topics(catalog: Catalog) -> list[str]:
    """Topics whose registration form is open: what an event may require."""
    return sorted(t.id for t in catalog.topics.values() if t.registration_open)


@dataclass(frozen=True, slots=True)
class Figures:
    """An admin's view of one event: RSVPs, check-ins, ratings, and for a cancelled event
    how many were told."""

    counts: EventCounts
    told: dict[str, int]


async def figures(db: Database, event_id: int) -> Figures:
    counts = await events.counts(db, event_id)
    told = await EventNotices(db.conn).tally(event_id)
    return Figures(counts, told)


async def comments(db: Database, event_id: int, limit: int = COMMENTS_SHOWN) -> list[Rating]:
    """The latest ratings that came with a comment."""
    return [r for r in await events.ratings(db, event_id) if r.comment][:limit]


async def owed_cancel_notices(db: Database, now: datetime, limit: int = 200) -> list[CancelNotice]:
    return await EventNotices(db.conn).owed(clock.iso(now), limit)


async def claim_cancel_notice(db: Database, notice: CancelNotice, now: datetime) -> bool:
    """Record the notice as being sent, before the call; False if it was recorded already."""
    async with db.statement() as conn:
        return await EventNotices(conn).claim(notice, clock.iso(now))


async def settle_cancel_notice(
    db: Database, notice: CancelNotice, status: NoticeStatus, now: datetime
) -> None:
    async with db.statement() as conn:
        await EventNotices(conn).settle(notice, status, clock.iso(now))


async def recover_cancel_notices(db: Database) -> int:
    """At start-up: a notice left 'sending' may have arrived; it becomes 'uncertain'."""
    async with db.statement() as conn:
        return await EventNotices(conn).in_flight_to_uncertain()


async def forget_in(conn: aiosqlite.Connection, user_id: int) -> None:
    """/forget, inside its transaction: the rows that say the user was told."""
    await EventNotices(conn).forget_user(user_id)
