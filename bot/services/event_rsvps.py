"""Who comes to an event: RSVPs, the waiting list, check-in, ratings, watches. No Telegram.

Seats are counted and taken in one write transaction (`BEGIN IMMEDIATE`, and the
connection's writer lock inside the process), so a hundred people pressing "I'll come" for
the last ten seats at once leave exactly ten confirmed and the rest on the waiting list,
in the order they came.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from bot import clock
from bot.db.database import Database
from bot.db.events import Event, Events, Rsvp
from bot.services.audit import Actor, record_in

# Check-in codes: letters and digits no one confuses when reading them aloud or off a
# screen (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G). 23**6 ≈ 148 million codes.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 6
MAX_COMMENT = 1000

RsvpKind = Literal["confirmed", "waiting", "already", "needs_registration", "closed", "unknown"]
CheckInKind = Literal["checked_in", "already", "not_confirmed", "unknown"]


@dataclass(frozen=True, slots=True)
class RsvpOutcome:
    """The answer to "I'll come". `already`: the person had a seat or a place in line
    (`rsvp` says which); `closed`: the event was cancelled or has started;
    `needs_registration`: the event takes RSVPs only with a registration for its topic."""

    kind: RsvpKind
    event: Event | None = None
    rsvp: Rsvp | None = None
    place_in_line: int | None = None  # 1 = next to get a seat


@dataclass(frozen=True, slots=True)
class Cancelled:
    rsvp: Rsvp
    promoted: list[Rsvp]  # who got the freed seat (at most one), for the caller to tell


@dataclass(frozen=True, slots=True)
class CheckIn:
    kind: CheckInKind
    rsvp: Rsvp | None = None
    event: Event | None = None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str:
    """A code as typed or scanned: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def _unique_code(repo: Events) -> str:
    while True:
        code = new_code()
        if not await repo.code_taken(code):
            return code


async def rsvp(
    db: Database,
    event_id: int,
    user_id: int,
    now: datetime,
    registration_id: int | None = None,
) -> RsvpOutcome:
    """Take a seat if one is left, else a place at the end of the waiting list: one
    transaction, so seats never overshoot. `registration_id` is the user's active
    registration for the event's topic, required when the event needs one."""
    stamp = clock.iso(now)
    async with db.transaction() as conn:
        repo = Events(conn)
        event = await repo.get(event_id)
        if event is None:
            return RsvpOutcome("unknown")
        if not event.active or event.starts_at <= stamp:
            return RsvpOutcome("closed", event)
        mine = await repo.rsvp(event_id, user_id)
        if mine is not None and mine.status != "cancelled":
            line = (
                await repo.place_in_line(event_id, mine.position)
                if mine.status == "waiting" and mine.position is not None
                else None
            )
            return RsvpOutcome("already", event, mine, line)
        if event.needs_registration and registration_id is None:
            return RsvpOutcome("needs_registration", event)
        taken = await repo.count_confirmed(event_id)
        if event.capacity is None or taken < event.capacity:
            status: Literal["confirmed", "waiting"] = "confirmed"
            position = None
        else:
            status, position = "waiting", await repo.next_position(event_id)
        if mine is None:
            code = await _unique_code(repo)
            await repo.insert_rsvp(
                event_id, user_id, status, position, code, registration_id, stamp
            )
        else:
            await repo.set_rsvp(mine.id, status, position, stamp, registration_id, rejoined=True)
        saved = await repo.rsvp(event_id, user_id)
        event = await repo.get(event_id)
        line = await repo.place_in_line(event_id, position) if position is not None else None
    return RsvpOutcome(status, event, saved, line)


async def fill_seats(conn: aiosqlite.Connection, event_id: int, now: str) -> list[Rsvp]:
    """Give free seats to the first in line (inside the caller's transaction); returns who
    was promoted. Nothing for a cancelled or started event."""
    repo = Events(conn)
    event = await repo.get(event_id)
    if event is None or not event.active or event.starts_at <= now or event.waiting == 0:
        return []
    free = event.waiting if event.capacity is None else event.capacity - event.confirmed
    if free <= 0:
        return []
    promoted: list[Rsvp] = []
    for waiting in await repo.first_waiting(event_id, free):
        await repo.set_rsvp(waiting.id, "confirmed", None, now)
        again = await repo.rsvp_by_id(waiting.id)
        assert again is not None
        promoted.append(again)
    return promoted


async def cancel_rsvp(db: Database, event_id: int, user_id: int, now: datetime) -> Cancelled | None:
    """The user will not come: the seat goes to the first in line, in the same transaction.
    None when they had no seat or place in line."""
    stamp = clock.iso(now)
    async with db.transaction() as conn:
        repo = Events(conn)
        mine = await repo.rsvp(event_id, user_id)
        if mine is None or mine.status == "cancelled":
            return None
        await repo.set_rsvp(mine.id, "cancelled", None, stamp)
        promoted = await fill_seats(conn, event_id, stamp) if mine.status == "confirmed" else []
        saved = await repo.rsvp_by_id(mine.id)
    assert saved is not None
    return Cancelled(saved, promoted)


async def of_user(db: Database, user_id: int, now: datetime) -> list[tuple[Event, Rsvp]]:
    """The user's seats and places in line for events not over yet (for /my)."""
    return await Events(db.conn).of_user(user_id, clock.iso(now))


async def get_rsvp(db: Database, event_id: int, user_id: int) -> Rsvp | None:
    return await Events(db.conn).rsvp(event_id, user_id)


async def place_in_line(db: Database, rsvp: Rsvp) -> int | None:
    if rsvp.status != "waiting" or rsvp.position is None:
        return None
    return await Events(db.conn).place_in_line(rsvp.event_id, rsvp.position)


async def check_in(db: Database, code: str, now: datetime, by: Actor | None = None) -> CheckIn:
    """An admin scans or types a code: attendance is marked once; a second scan says
    "already" (with the time of the first, in `rsvp.checked_in_at`)."""
    cleaned = clean_code(code)
    if len(cleaned) != CODE_LENGTH:
        return CheckIn("unknown")
    async with db.transaction() as conn:
        repo = Events(conn)
        found = await repo.rsvp_by_code(cleaned)
        if found is None:
            return CheckIn("unknown")
        event = await repo.get(found.event_id)
        if found.status != "confirmed":
            return CheckIn("not_confirmed", found, event)
        if not await repo.check_in(found.id, clock.iso(now)):
            return CheckIn("already", found, event)
        marked = await repo.rsvp_by_id(found.id)
        if by is not None:
            await record_in(conn, by, "checkin", f"event:{found.event_id}", now)
    return CheckIn("checked_in", marked, event)


async def rate(db: Database, event_id: int, user_id: int, score: int, now: datetime) -> bool:
    """Store (or change) a 1–5 score; only someone who had a seat at an event that has
    started may rate it. False otherwise."""
    if not 1 <= score <= 5:
        return False
    stamp = clock.iso(now)
    async with db.transaction() as conn:
        repo = Events(conn)
        event = await repo.get(event_id)
        mine = await repo.rsvp(event_id, user_id)
        if event is None or mine is None or mine.status != "confirmed" or event.starts_at > stamp:
            return False
        await repo.rate(event_id, user_id, score, stamp)
    return True


async def comment(db: Database, event_id: int, user_id: int, text: str, now: datetime) -> bool:
    """The optional comment after a score; False without a score to attach it to."""
    text = text.strip()[:MAX_COMMENT]
    if not text:
        return False
    async with db.statement() as conn:
        return await Events(conn).comment(event_id, user_id, text, clock.iso(now))


async def watch(db: Database, user_id: int, category: str, now: datetime) -> None:
    """Tell the user about the next event of `category` (once; the reminder worker sends it)."""
    async with db.statement() as conn:
        await Events(conn).watch(user_id, category, clock.iso(now))


async def watchers(db: Database, category: str) -> list[int]:
    return await Events(db.conn).watchers(category)


async def reminders_on(db: Database, user_id: int) -> bool:
    return await Events(db.conn).reminders_on(user_id)


async def set_reminders(db: Database, user_id: int, on: bool) -> None:
    async with db.statement() as conn:
        await Events(conn).set_reminders(user_id, on)


async def forget_in(conn: aiosqlite.Connection, user_id: int, now: datetime) -> list[Rsvp]:
    """/forget, inside its transaction: free the user's seats for the first in line, then
    delete every event row naming them. Returns who was promoted."""
    repo = Events(conn)
    stamp = clock.iso(now)
    held = await repo.rsvp_event_ids(user_id, "confirmed")
    await repo.forget_user(user_id)
    promoted: list[Rsvp] = []
    for event_id in held:
        promoted.extend(await fill_seats(conn, event_id, stamp))
    return promoted
