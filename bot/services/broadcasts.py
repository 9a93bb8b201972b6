"""Announcements without Telegram: audiences, job creation, schedule input and the clock.

The delivery worker (`bot/workers/broadcasts.py`) builds on these; everything here is
testable with a database and, for time, an injected clock.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.db.broadcasts import Audience, Broadcasts
from bot.db.database import Database


def _local_zone() -> tzinfo:
    """Shymkent time. Without the tz database (Windows without `tzdata`) fall back to the fixed
    UTC+5 that Kazakhstan has used everywhere since 1 March 2024."""
    try:
        return ZoneInfo("Asia/Almaty")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=5), "UTC+05")


LOCAL_TZ = _local_zone()
# Formats an admin is likely to type; the first is the one the bot shows.
TIME_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")
MAX_AHEAD = timedelta(days=366)


def iso(moment: datetime) -> str:
    """The storage form, the same as `bot.db.users.utc_now`: sortable ISO 8601 UTC text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def local_text(moment: datetime | str) -> str:
    """A moment as Shymkent people read it: 25.12.2026 18:00."""
    if isinstance(moment, str):
        moment = from_iso(moment)
    return moment.astimezone(LOCAL_TZ).strftime(TIME_FORMATS[0])


class Clock:
    """Wall time for schedules, monotonic time and sleep for pacing. Tests replace `now`."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ScheduleError(ValueError):
    """Why a typed date and time was refused: `reason` is "format", "past" or "far"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_local_time(text: str, now: datetime) -> datetime:
    """A date and time typed in Shymkent time → an aware UTC moment in the future."""
    cleaned = re.sub(r"\s+", " ", text.strip().replace(",", " "))
    for fmt in TIME_FORMATS:
        try:
            naive = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        moment = naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
        if moment <= now:
            raise ScheduleError("past")
        if moment - now > MAX_AHEAD:
            raise ScheduleError("far")
        return moment
    raise ScheduleError("format")


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


async def create_broadcast(db: Database, draft: Draft, now: datetime,
                           due: datetime | None = None) -> tuple[int, int]:
    """The job and its recipient rows in one transaction; returns (job id, recipients)."""
    async with db.transaction() as conn:
        return await Broadcasts(conn).create(
            created_by=draft.created_by, source_chat_id=draft.source_chat_id,
            source_message_id=draft.source_message_id, audience=draft.audience,
            buttons=draft.buttons, due_at=iso(due or now), now=iso(now),
        )
