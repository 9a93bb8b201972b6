"""Announcements without Telegram: audiences, job creation, schedule input, the list, users'
subscriptions and the clock.

The delivery worker (`bot/workers/broadcasts.py`) builds on these; everything here is
testable with a database and, for time, an injected clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import clock
from bot.catalog.loader import Catalog
from bot.catalog.models import Topic
from bot.db.broadcasts import Audience, Broadcast, Broadcasts, Tally
from bot.db.database import Database
from bot.services.audit import Actor, Via, record_in

MAX_AHEAD = timedelta(days=366)


class ScheduleError(ValueError):
    """Why a typed date and time was refused: `reason` is "format", "past" or "far"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_local_time(text: str, now: datetime) -> datetime:
    """A date and time typed in Shymkent time → an aware UTC moment in the future."""
    moment = clock.parse_typed(text)
    if moment is None:
        raise ScheduleError("format")
    if moment <= now:
        raise ScheduleError("past")
    if moment - now > MAX_AHEAD:
        raise ScheduleError("far")
    return moment


@dataclass(frozen=True, slots=True)
class Draft:
    """What the admin composed: the message to copy, who gets it, the button under it."""

    created_by: int
    source_chat_id: int
    source_message_id: int
    audience: Audience = field(default_factory=Audience)
    buttons: dict[str, str] = field(default_factory=dict)


async def count_recipients(db: Database, audience: Audience) -> int:
    return await Broadcasts(db.conn).count_audience(audience)


async def create_broadcast(
    db: Database, draft: Draft, now: datetime, due: datetime | None = None, via: Via = "telegram"
) -> tuple[int, int]:
    """The job, its recipient rows and its audit entry in one transaction; returns (job
    id, recipients)."""
    async with db.transaction() as conn:
        job_id, count = await Broadcasts(conn).create(
            created_by=draft.created_by,
            source_chat_id=draft.source_chat_id,
            source_message_id=draft.source_message_id,
            audience=draft.audience,
            buttons=draft.buttons,
            due_at=clock.iso(due or now),
            now=clock.iso(now),
        )
        await record_in(
            conn,
            Actor(draft.created_by, via),
            "announce",
            f"broadcast:{job_id}",
            now,
            recipients=count,
            due=clock.iso(due) if due else None,
            audience=draft.audience.kind,
        )
        return job_id, count


async def audience_programmes(db: Database, catalog: Catalog) -> list[Topic]:
    """Programmes an audience may name: open for registration, or with registrants already."""
    with_rows = await Broadcasts(db.conn).registered_topics()
    topics = [tp for tp in catalog.topics.values() if tp.registration_open or tp.id in with_rows]
    return sorted(topics, key=lambda x: x.id)


def button_topics(catalog: Catalog, kind: str) -> list[Topic]:
    """Topics a button under an announcement may lead to: any card, or an open registration."""
    return [
        tp
        for tp in sorted(catalog.topics.values(), key=lambda x: x.id)
        if kind == "card" or tp.registration_open
    ]


async def recent_broadcasts(db: Database, limit: int = 10) -> list[tuple[Broadcast, Tally]]:
    """The latest jobs, newest first, each with its deliveries counted (for /announcements)."""
    repo = Broadcasts(db.conn)
    return [(job, await repo.tally(job.id)) for job in await repo.recent(limit)]


async def tally(db: Database, job_id: int) -> Tally:
    """One job's deliveries counted (the panel's live progress)."""
    return await Broadcasts(db.conn).tally(job_id)


async def get_broadcast(db: Database, job_id: int) -> Broadcast | None:
    return await Broadcasts(db.conn).get(job_id)
