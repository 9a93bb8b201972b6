"""The bot's one clock: what time it is, how a moment is stored, and how people read it.

Moments are stored as ISO 8601 UTC text (`2026-11-25T14:40:00Z`): sortable, comparable as
strings in SQL, and readable in the sqlite shell. People in Shymkent read local time, which
is UTC+5 all year (Kazakhstan has had one time zone since 1 March 2024).
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone

SHYMKENT = timezone(timedelta(hours=5))
# The same offset as SQLite's date modifier: `date(created_at, SQL_SHYMKENT)` is the day
# in Shymkent of a stored moment (reports group by it).
SQL_SHYMKENT = "+5 hours"
STORED = "%Y-%m-%dT%H:%M:%SZ"  # the storage form: `iso()` writes it, `parse_iso()` reads it
DATE_TIME = "%d.%m.%Y %H:%M"  # what a user reads next to a registration: 25.11.2026 19:40
TIME_DATE = "%H:%M, %d.%m"  # what operators read next to a ticket: 14:05, 12.03
DAY = "%d.%m.%Y"  # a date alone: 07.12.2026


def now() -> datetime:
    """The current moment, aware, in UTC (callers take `now` as an argument for tests)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """An aware moment in the storage form."""
    return moment.astimezone(UTC).strftime(STORED)


def utc_now() -> str:
    """The current moment in the storage form, for a row's timestamp."""
    return now().strftime(STORED)


def parse_iso(text: str) -> datetime:
    """The storage form back into an aware UTC moment."""
    return datetime.strptime(text, STORED).replace(tzinfo=UTC)


def in_shymkent(moment: datetime | str, pattern: str = DATE_TIME) -> str:
    """A moment (aware, or in the storage form) as people in Shymkent read it: 25.12.2026
    18:00 (`DATE_TIME` unless told otherwise)."""
    if isinstance(moment, str):
        moment = parse_iso(moment)
    return moment.astimezone(SHYMKENT).strftime(pattern)


def day(value: date) -> str:
    """A calendar date as users read it: 07.12.2026 (a topic's "facts as of" line)."""
    return value.strftime(DAY)


def today() -> date:
    """Today's date in Shymkent (not the server's): the MRP year, ages, export file names."""
    return now().astimezone(SHYMKENT).date()


def month_start(moment: datetime | None = None) -> datetime:
    """Midnight of the 1st of the Shymkent month holding `moment` (default: now), in UTC:
    "this month" in reports begins when it begins in Shymkent, not on the server."""
    local = (moment or now()).astimezone(SHYMKENT)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.astimezone(UTC)


def parse_day(text: str) -> date:
    """A date an admin typed: `2026-11-25` or `25.11.2026`; ValueError otherwise."""
    if "." in text:
        return datetime.strptime(text, DAY).date()
    return date.fromisoformat(text)


# Ways an admin types a date and time; the first is the one the bot shows (`DATE_TIME`).
# Excel may add seconds when it rewrites a cell it took for a date (season plans, CSV).
TYPED = (
    DATE_TIME,
    "%d.%m.%y %H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)


def parse_typed(text: str) -> datetime | None:
    """A date and time typed in Shymkent time → an aware UTC moment; None if unreadable."""
    cleaned = re.sub(r"\s+", " ", text.strip().replace(",", " "))
    for pattern in TYPED:
        try:
            naive = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=SHYMKENT).astimezone(UTC)
    return None


class Clock:
    """Wall time for schedules, monotonic time and sleep for pacing. Tests replace `now`."""

    def now(self) -> datetime:
        return now()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
