"""The audit log: who changed what, from the panel, from Telegram or from the command line.

Services that change something an admin asked for take an `Actor` and record the change in
the same transaction as the change itself (`record_in`), so a front end cannot forget it
and a rolled-back change leaves no entry. Details never hold names, phones or typed text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from bot import clock
from bot.db.audit import AuditEntry, AuditFilter, AuditLog
from bot.db.database import Database

Via = Literal["panel", "telegram", "cli"]
VIAS: tuple[Via, ...] = ("panel", "telegram", "cli")
# What the log records; the panel's filter lists these (texts: panel-action-<code>).
ACTIONS = (
    *("status", "export", "signin", "signout", "reload", "announce", "announce-control"),
    *("event-create", "event-edit", "event-cancel", "event-import", "checkin"),
    *("content-save", "content-restore", "gap-faq", "gap-offtopic"),
    *("ticket-answer", "ticket-close", "ticket-reopen"),
)


@dataclass(frozen=True, slots=True)
class Actor:
    """An admin acting through one front end (`admin_id` None: the command line)."""

    admin_id: int | None
    via: Via


async def record_in(
    conn: aiosqlite.Connection,
    actor: Actor,
    action: str,
    target: str | None = None,
    now: datetime | None = None,
    **details: object,
) -> None:
    """Add an entry inside the caller's transaction."""
    await AuditLog(conn).add(
        at=clock.iso(now or clock.now()),
        admin_id=actor.admin_id,
        via=actor.via,
        action=action,
        target=target,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True),
    )


async def record(
    db: Database,
    actor: Actor,
    action: str,
    target: str | None = None,
    now: datetime | None = None,
    **details: object,
) -> None:
    """Add an entry on its own (a change that has no transaction of ours: a reload)."""
    async with db.statement() as conn:
        await record_in(conn, actor, action, target, now, **details)


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    actions: list[str]
    admins: list[int]


async def page(db: Database, found: AuditFilter, limit: int, offset: int) -> AuditPage:
    repo = AuditLog(db.conn)
    return AuditPage(
        await repo.page(found, limit, offset),
        await repo.count(found),
        sorted(set(ACTIONS) | set(await repo.actions())),
        await repo.admins(),
    )


def details_of(entry: AuditEntry) -> dict[str, object]:
    """The entry's details as a mapping (an unreadable one as empty)."""
    try:
        found = json.loads(entry.details)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
