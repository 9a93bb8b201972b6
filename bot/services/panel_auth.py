"""Signing in to the web panel: one-time links sent by `/panel`, sessions, sign-out.

A link is valid `LINK_TTL` and once; a session ends after `IDLE` without a request or on
sign-out. Tokens are 32 random bytes (URL-safe base64); only their SHA-256 is stored, and
they are compared through the hash lookup, never logged. The web layer re-checks
`ADMIN_IDS` on every request (`bot/panel/security.py`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot import clock
from bot.db.database import Database
from bot.db.panel_sessions import PanelSession, PanelSessions
from bot.services.audit import Actor, record_in

LINK_TTL = timedelta(minutes=10)
IDLE = timedelta(hours=12)
# `last_seen` is written at most this often: a page view only reads (the bot's writer
# stays free); the idle limit is hours, a minute of slack is nothing.
TOUCH_EVERY = timedelta(minutes=1)
KEEP_ENDED = timedelta(days=7)  # ended sessions and old links are purged after this

LinkState = Literal["ok", "unknown", "used", "expired"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def issue_link(db: Database, admin_id: int, now: datetime | None = None) -> str:
    """A fresh sign-in token for `admin_id` (the caller builds the URL)."""
    now = now or clock.now()
    token = new_token()
    async with db.transaction() as conn:
        repo = PanelSessions(conn)
        await repo.purge(clock.iso(now - KEEP_ENDED), clock.iso(now - KEEP_ENDED))
        await repo.add_link(digest(token), admin_id, clock.iso(now), clock.iso(now + LINK_TTL))
    return token


async def link_state(
    db: Database, token: str, admin_ids: frozenset[int], now: datetime | None = None
) -> tuple[LinkState, int | None]:
    """What opening the link would do, without using it (the confirmation page), and
    whose it is."""
    found = await PanelSessions(db.conn).link(digest(token))
    if found is None or found.admin_id not in admin_ids:
        return "unknown", None
    if found.used_at is not None:
        return "used", found.admin_id
    if found.expires_at <= clock.iso(now or clock.now()):
        return "expired", found.admin_id
    return "ok", found.admin_id


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # the cookie's value
    admin_id: int
    csrf: str


async def redeem(
    db: Database, token: str, admin_ids: frozenset[int], now: datetime | None = None
) -> NewSession | LinkState:
    """Use the link and start a session, or say why not. An admin removed from
    `ADMIN_IDS` after the link was sent cannot use it ("unknown")."""
    now = now or clock.now()
    stamp = clock.iso(now)
    async with db.transaction() as conn:
        repo = PanelSessions(conn)
        found = await repo.link(digest(token))
        if found is None or found.admin_id not in admin_ids:
            return "unknown"
        if found.used_at is not None:
            return "used"
        if not await repo.use_link(found.token_hash, stamp):
            return "expired"
        session = NewSession(new_token(), found.admin_id, secrets.token_urlsafe(24))
        await repo.add_session(digest(session.token), session.admin_id, session.csrf, stamp)
        await record_in(conn, Actor(found.admin_id, "panel"), "signin", now=now)
    return session


async def current(
    db: Database, token: str, admin_ids: frozenset[int], now: datetime | None = None
) -> PanelSession | None:
    """The live session of a cookie; None when unknown, ended, idle too long, or its
    admin is no longer in `ADMIN_IDS` (then every session of theirs is ended)."""
    now = now or clock.now()
    hashed = digest(token)
    found = await PanelSessions(db.conn).session(hashed)
    if found is None or found.ended_at is not None:
        return None
    if found.admin_id not in admin_ids:
        async with db.statement() as conn:
            await PanelSessions(conn).end_all_of(found.admin_id, clock.iso(now))
        return None
    if found.last_seen < clock.iso(now - IDLE):
        async with db.statement() as conn:
            await PanelSessions(conn).end(hashed, clock.iso(now))
        return None
    if found.last_seen < clock.iso(now - TOUCH_EVERY):
        async with db.statement() as conn:
            await PanelSessions(conn).touch(hashed, clock.iso(now))
    return found


async def sign_out(db: Database, session: PanelSession, now: datetime | None = None) -> None:
    now = now or clock.now()
    async with db.transaction() as conn:
        await PanelSessions(conn).end(session.token_hash, clock.iso(now))
        await record_in(conn, Actor(session.admin_id, "panel"), "signout", now=now)
