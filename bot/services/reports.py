"""Figures for the department: the content-gap report (`/gaps`, `python -m bot gaps`) and
`/stats`. The queries are in `bot.db.reports`; no Telegram here."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import clock
from bot.db.database import Database
from bot.db.reports import Reports
from bot.services import events
from bot.services.crisis import answer_kind

MAX_DAYS = 366


def clamp_days(days: int) -> int:
    return max(1, min(days, MAX_DAYS))


@dataclass(frozen=True, slots=True)
class Gap:
    """One normalised question the bot did not answer well, and how often."""

    text: str
    count: int
    unanswered: int  # the bot did not know, or was not sure
    not_helpful: int  # answered, but the user said "not helpful" / "not what I asked"
    topics: tuple[str, ...]  # topics the bot offered for it, if any


async def gaps(
    db: Database, days: int = 30, limit: int = 20, now: datetime | None = None
) -> list[Gap]:
    """The most frequent unanswered or not-helpful questions of the last `days` days.

    Crisis messages are left out: they are answered with the helplines by design, and the
    report should not put such words in front of editors as "content to add"."""
    since = clock.iso((now or clock.now()) - timedelta(days=clamp_days(days)))
    rows = await Reports(db.conn).gaps(since, max(1, limit))
    return [
        Gap(
            r["normalised"],
            r["n"],
            r["unanswered"],
            r["not_helpful"],
            tuple(sorted((r["topics"] or "").split(",")) if r["topics"] else ()),
        )
        for r in rows
    ]


async def answered_this_month(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Questions each topic answered since the 1st of this month (Shymkent's calendar)."""
    rows = await Reports(db.conn).answered_by_topic(clock.iso(clock.month_start(now)))
    return {r["topic_id"]: r["n"] for r in rows}


@dataclass(slots=True)
class Stats:
    days: int
    users: int = 0
    active_7: int = 0
    active_30: int = 0
    languages: dict[str, int] = field(default_factory=dict)  # kk, ru, "" (not chosen yet)
    subscribed: int = 0  # subscribed and not blocked: who an announcement would reach
    blocked: int = 0
    registrations: dict[str, dict[str, int]] = field(default_factory=dict)  # topic → status → n
    tickets: dict[str, int] = field(default_factory=dict)  # status → n, all time
    median_answer: timedelta | None = None  # tickets opened in the period
    questions: int = 0  # free-text questions in the period (crisis included)
    answered: int = 0
    helpful: int = 0
    not_helpful: int = 0
    crisis: dict[str, int] = field(default_factory=dict)  # answer kind → messages, no words
    written_in: dict[str, int] = field(default_factory=dict)  # kk/ru/uz → questions so written
    # Events that started in the period, and those starting within a year from now.
    events_held: events.Totals | None = None
    events_coming: events.Totals | None = None

    @property
    def answer_rate(self) -> int | None:
        """Percent of free-text questions the bot answered itself."""
        return round(100 * self.answered / self.questions) if self.questions else None


async def stats(db: Database, days: int = 30, now: datetime | None = None) -> Stats:
    now = now or clock.now()
    days = clamp_days(days)
    since = clock.iso(now - timedelta(days=days))
    result = Stats(days=days)
    figures = Reports(db.conn)
    row = await figures.users(
        clock.iso(now - timedelta(days=7)), clock.iso(now - timedelta(days=30))
    )
    if row is not None:
        result.users = row["total"] or 0
        result.active_7, result.active_30 = row["a7"] or 0, row["a30"] or 0
        result.subscribed, result.blocked = row["subscribed"] or 0, row["blocked"] or 0
    for r in await figures.languages():
        result.languages[r["lang"]] = r["n"]
    for r in await figures.registrations():
        result.registrations.setdefault(r["topic_id"], {})[r["status"]] = r["n"]
    for r in await figures.tickets():
        result.tickets[r["status"]] = r["n"]
    waits = [
        clock.parse_iso(r["first_answer_at"]) - clock.parse_iso(r["created_at"])
        for r in await figures.answered_tickets(since)
    ]
    if waits:
        # The median of durations, taken in seconds (statistics wants numbers).
        result.median_answer = timedelta(
            seconds=statistics.median(w.total_seconds() for w in waits)
        )
    row = await figures.questions(since)
    if row is not None:
        result.questions, result.answered = row["n"] or 0, row["answered"] or 0
        result.helpful, result.not_helpful = row["yes"] or 0, row["no"] or 0
    for r in await figures.written_in(since):
        result.written_in[r["written_in"]] = r["n"]
    for r in await figures.crisis_kinds(since):
        kind = answer_kind(r["crisis_kind"])
        result.crisis[kind] = result.crisis.get(kind, 0) + r["n"]
    result.events_held = await events.totals(db, now - timedelta(days=days), now)
    result.events_coming = await events.totals(db, now, now + timedelta(days=MAX_DAYS))
    return result
