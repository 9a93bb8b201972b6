"""Registration use cases: store a finished form, cancel, change status, forget a user,
and the lookups the handlers and the registration poster need (the one door to
`bot.db.registrations`).

Plain functions over `Database`, testable without Telegram; every change is one transaction.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

import aiosqlite

from bot import clock
from bot.config import Language
from bot.db.database import Database
from bot.db.events import Rsvp
from bot.db.fsm_storage import delete_user_rows
from bot.db.owners import Owners
from bot.db.questions import Questions
from bot.db.registrations import (
    Consent,
    NewRegistration,
    Post,
    RegFilter,
    Registration,
    Registrations,
    StatusChange,
)
from bot.db.tickets import Tickets
from bot.db.users import Users
from bot.services import event_admin, event_rsvps
from bot.services.audit import Actor, record_in

log = logging.getLogger(__name__)

# Limit marks outlive every window they are counted in (a day) by a margin.
MARKS_KEPT = timedelta(days=2)
MAX_PER_DAY = 3  # registrations one person may make in any 24 hours, cancelled ones too
# Cancelled and declined registrations keep their personal fields this long, then lose
# them (content/consent.toml says so to the user, in both languages).
RETENTION_DAYS = 30


class TooManyToday(Exception):  # noqa: N818 - reads as what happened
    """The user made `MAX_PER_DAY` registrations in the last 24 hours."""


async def _count_today(conn: aiosqlite.Connection, user_id: int, now: datetime) -> tuple[str, int]:
    """The user's keyed hash and how many registrations it made in the last day: counted
    by the hash, so cancelling or /forget does not reset the count."""
    owners = Owners(conn)
    owner = await owners.of(user_id)
    since = clock.iso(now - timedelta(days=1))
    return owner, await owners.registrations_since(owner, since)


async def over_daily_limit(db: Database, user_id: int, now: datetime | None = None) -> bool:
    """Read-only check before the form starts (checked again when it is confirmed)."""
    _, made = await _count_today(db.conn, user_id, now or clock.now())
    return made >= MAX_PER_DAY


async def submit(db: Database, new: NewRegistration, now: datetime | None = None) -> Registration:
    """Store consent + registration atomically; raises `DuplicateRegistration`, or
    `TooManyToday` past the daily limit (register, cancel, register… leaves a copy of the
    personal data and a card in the group each round)."""
    now = now or clock.now()
    async with db.transaction() as conn:
        owner, made = await _count_today(conn, new.user_id, now)
        if made >= MAX_PER_DAY:
            raise TooManyToday(new.user_id)
        reg = await Registrations(conn).add(new, now=clock.iso(now))
        await Owners(conn).mark_registration(reg.id, owner, clock.iso(now))
        return reg


async def expire(db: Database, now: datetime | None = None) -> list[Post]:
    """Housekeeping: strip cancelled and declined registrations older than the retention
    period, and drop limit marks no window needs any more. Returns the admin-chat posts to
    draw again."""
    now = now or clock.now()
    async with db.transaction() as conn:
        posts = await Registrations(conn).expire_finished(
            clock.iso(now - timedelta(days=RETENTION_DAYS)), clock.iso(now)
        )
        await Owners(conn).purge(clock.iso(now - MARKS_KEPT))
    return posts


async def get(db: Database, reg_id: int) -> Registration | None:
    async with db.transaction() as conn:
        return await Registrations(conn).get(reg_id)


async def export_rows(
    db: Database,
    topic_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    by: Actor | None = None,
) -> list[Registration]:
    """The rows of `/export` and `python -m bot export` (stripped rows are left out); days
    are inclusive ISO dates. With `by`, the export is recorded in the audit log."""
    async with db.transaction() as conn:
        rows = await Registrations(conn).export_rows(topic_id, since, until)
        if by is not None:
            await record_in(
                conn, by, "export", rows=len(rows), topic=topic_id, since=since, until=until
            )
        return rows


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Registration]
    total: int


async def search(
    db: Database, found: RegFilter, sort: str, desc: bool, limit: int, offset: int
) -> Page:
    """One page of the panel's table and how many rows the filter finds in all."""
    repo = Registrations(db.conn)
    return Page(await repo.search(found, sort, desc, limit, offset), await repo.count(found))


async def export_filtered(
    db: Database, found: RegFilter, sort: str, desc: bool, by: Actor, file_format: str
) -> list[Registration]:
    """Exactly the rows the panel's filter shows that still hold personal data (rows
    stripped after /forget or the retention period are left out, as in `/export`);
    recorded in the audit log with the filter (a search fragment only as "given")."""
    found = dataclasses.replace(found, with_data=True)
    async with db.transaction() as conn:
        repo = Registrations(conn)
        rows = await repo.search(found, sort, desc, limit=-1)
        filters = {k: v for k, v in _fields(found).items() if v not in (None, False)}
        if "q" in filters:
            filters["q"] = "given"  # what was searched may be a name or a phone: not kept
        await record_in(
            conn, by, "export", None, None, rows=len(rows), format=file_format, filters=filters
        )
        return rows


def _fields(found: RegFilter) -> dict[str, object]:
    return {name: getattr(found, name) for name in RegFilter.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Details:
    registration: Registration
    consent: Consent | None
    history: list[StatusChange]


async def details(db: Database, reg_id: int) -> Details | None:
    """A registration with its consent record and status history (the panel's card)."""
    repo = Registrations(db.conn)
    reg = await repo.get(reg_id)
    if reg is None:
        return None
    return Details(reg, await repo.consent(reg_id), await repo.history(reg_id))


async def unposted(db: Database, limit: int) -> list[Registration]:
    """The oldest registrations not yet posted to the operators' chat."""
    async with db.transaction() as conn:
        return await Registrations(conn).unnotified(limit)


async def mark_posted(db: Database, reg_ids: list[int], message_id: int) -> None:
    async with db.transaction() as conn:
        await Registrations(conn).mark_notified(reg_ids, message_id)


async def record_post(
    db: Database, chat_id: int, message_id: int, reg_ids: list[int]
) -> list[Registration]:
    """Remember that a message shows `reg_ids`; returns what it shows as of now."""
    async with db.transaction() as conn:
        repo = Registrations(conn)
        await repo.add_post(chat_id, message_id, reg_ids)
        return await repo.on_admin_post(chat_id, message_id)


async def on_post(db: Database, chat_id: int, message_id: int) -> list[Registration]:
    """The registrations an operators'-chat message shows, as they are now."""
    async with db.transaction() as conn:
        return await Registrations(conn).on_admin_post(chat_id, message_id)


async def recipient(db: Database, reg: Registration) -> tuple[int, Language | None] | None:
    """Who hears of a status change, and the language of their row; None when the user
    was forgotten or never had a row."""
    user = await Users(db.conn).get(reg.user_id) if reg.user_id else None
    return None if user is None else (user.telegram_id, user.language)


async def mark_blocked(db: Database, user_id: int) -> None:
    """The user blocked the bot (a status message was refused)."""
    async with db.transaction() as conn:
        await Users(conn).set_blocked(user_id, True)


async def active_registration(db: Database, user_id: int, topic_id: str) -> Registration | None:
    async with db.transaction() as conn:
        return await Registrations(conn).active_for(user_id, topic_id)


async def of_user(db: Database, user_id: int) -> list[Registration]:
    async with db.transaction() as conn:
        return await Registrations(conn).of_user(user_id)


async def posts_showing(db: Database, reg_id: int) -> list[Post]:
    async with db.transaction() as conn:
        return await Registrations(conn).posts_showing(reg_id)


async def cancel(db: Database, user_id: int, reg_id: int) -> Registration | None:
    """The user cancels their own active registration; None if not theirs or not active."""
    async with db.transaction() as conn:
        repo = Registrations(conn)
        found = await repo.get(reg_id)
        if found is None or found.user_id != user_id or not found.active:
            return None
        return await repo.set_status(reg_id, "cancelled", only_active=True)


CANCELLED_BY_USER: Final = "cancelled"


async def change_status(
    db: Database, reg_id: int, status: str, by: Actor
) -> Registration | Literal["cancelled"] | None:
    """An admin sets the status; None if the registration is gone or was forgotten.

    A registration the user cancelled stays cancelled (`CANCELLED_BY_USER`): an old card's
    buttons must not bring it back, nor tell the user that a specialist contacted them.
    The change, its history row and its audit entry are one transaction."""
    async with db.transaction() as conn:
        repo = Registrations(conn)
        found = await repo.get(reg_id)
        if found is not None and found.status == "cancelled":
            return CANCELLED_BY_USER
        if found is None or found.user_id is None or found.status == status:
            return None
        changed = await repo.set_status(reg_id, status, changed_by=by.admin_id)
        if changed is not None:
            await record_in(
                conn, by, "status", f"registration:{reg_id}", before=found.status, after=status
            )
        return changed


@dataclass(frozen=True)
class Forgotten:
    """Operators'-chat messages that showed the user's data, to blank after /forget."""

    registration_posts: list[Post]
    ticket_posts: list[int]
    tickets: list[int]  # their ids, for what is kept in memory about them (follow-ups)
    # People who got a seat the user held at an event (to be told, like any promotion).
    promoted: list[Rsvp] = field(default_factory=list)


async def forget(db: Database, user_id: int, now: datetime | None = None) -> Forgotten:
    """/forget: withdraw consent, anonymise registrations, drop the user's row and state.

    One transaction: either all of it happens or none. Returns the operators'-chat posts
    that showed the user's registrations and questions, for the caller to blank.
    """
    async with db.transaction() as conn:
        repo = Registrations(conn)
        tickets = Tickets(conn)
        posts = await repo.admin_posts_of(user_id)
        ticket_posts = await tickets.group_posts_of(user_id)
        ticket_ids = await tickets.ids_of(user_id)
        await repo.forget_user(user_id)
        # Open tickets would wait for ever (and count as waiting in /stats): close them.
        await tickets.close_all_of(user_id)
        await Questions(conn).forget_user(user_id)
        await delete_user_rows(conn, user_id)
        await tickets.forget_private_chat(user_id)
        # Event RSVPs, ratings, watches and reminder rows; held seats go to the next in line.
        promoted = await event_rsvps.forget_in(conn, user_id, now or clock.now())
        await event_admin.forget_in(conn, user_id)  # who was told of a cancellation
        await Users(conn).delete(user_id)
    # The deleted values are zeroed in the pages just written, but the WAL's older frames
    # and the main file still hold them until a checkpoint: make the erasure true on disk now.
    if not await db.checkpoint():
        log.warning(
            "the WAL could not be truncated after /forget (a reader was busy);"
            " housekeeping will retry"
        )
    return Forgotten(posts, ticket_posts, ticket_ids, promoted)
