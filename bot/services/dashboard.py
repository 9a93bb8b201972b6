"""The figures of the web panel's dashboard: users over time by language, registrations
per day by programme and by status, how free-text questions fared, tickets, and the last
announcements. Read-only, through `bot.db.reports`; the panel draws them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot import clock
from bot.choices import STATUSES
from bot.db.broadcasts import Broadcast, Tally
from bot.db.database import Database
from bot.db.reports import Reports
from bot.services.broadcasts import recent_broadcasts

USER_DAYS = 90
REGISTRATION_DAYS = 30
QUESTION_DAYS = 30
TOP_PROGRAMMES = 5  # the chart names this many programmes; the rest are "other"
LANGS = ("kk", "ru", "")  # "" users who have not chosen a language yet
TICKET_STATUSES = ("open", "answered", "closed")


@dataclass(slots=True)
class Dashboard:
    days: list[date]  # the users' chart: one point per day, oldest first
    users: dict[str, list[int]]  # language → cumulative users at the end of each day
    reg_days: list[date]
    registrations: dict[str, list[int]]  # programme id (or "" for the rest) → per day
    reg_totals: dict[str, int]  # the same over the period
    statuses: dict[str, int]
    questions: int = 0
    answered: int = 0
    rated: int = 0
    helpful: int = 0
    tickets: dict[str, int] = field(default_factory=dict)
    median_answer: timedelta | None = None
    broadcasts: list[tuple[Broadcast, Tally]] = field(default_factory=list)

    @property
    def users_total(self) -> int:
        return sum(values[-1] for values in self.users.values() if values)


def _days(end: date, count: int) -> list[date]:
    return [end - timedelta(days=count - 1 - i) for i in range(count)]


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=clock.SHYMKENT)


async def build(db: Database, now: datetime | None = None) -> Dashboard:
    now = now or clock.now()
    today = now.astimezone(clock.SHYMKENT).date()
    figures = Reports(db.conn)
    offset = clock.SQL_SHYMKENT

    days = _days(today, USER_DAYS)
    start = clock.iso(_local_midnight(days[0]))
    running = {lang: 0 for lang in LANGS}
    for row in await figures.users_before(start):
        running[row["lang"] if row["lang"] in running else ""] += row["n"]
    per_day: dict[tuple[str, str], int] = {}
    for row in await figures.users_daily(start, offset):
        lang = row["lang"] if row["lang"] in running else ""
        per_day[(row["day"], lang)] = per_day.get((row["day"], lang), 0) + row["n"]
    users: dict[str, list[int]] = {lang: [] for lang in LANGS}
    for day in days:
        key = day.isoformat()
        for lang in LANGS:
            running[lang] += per_day.get((key, lang), 0)
            users[lang].append(running[lang])

    reg_days = _days(today, REGISTRATION_DAYS)
    reg_start = clock.iso(_local_midnight(reg_days[0]))
    rows = await figures.registrations_daily(reg_start, offset)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["topic_id"]] = totals.get(row["topic_id"], 0) + row["n"]
    top = sorted(totals, key=lambda topic: (-totals[topic], topic))[:TOP_PROGRAMMES]
    index = {day.isoformat(): i for i, day in enumerate(reg_days)}
    registrations = {topic: [0] * len(reg_days) for topic in top}
    rest = [0] * len(reg_days)
    for row in rows:
        i = index.get(row["day"])
        if i is None:
            continue
        registrations.get(row["topic_id"], rest)[i] += row["n"]
    reg_totals = {topic: totals[topic] for topic in top}
    if any(rest):
        registrations[""] = rest
        reg_totals[""] = sum(rest)

    statuses = dict.fromkeys(STATUSES, 0)
    for row in await figures.registration_statuses():
        statuses[row["status"]] = row["n"]

    result = Dashboard(days, users, reg_days, registrations, reg_totals, statuses)
    since = clock.iso(now - timedelta(days=QUESTION_DAYS))
    asked = await figures.questions(since)
    if asked is not None:
        result.questions, result.answered = asked["n"] or 0, asked["answered"] or 0
        result.helpful = asked["yes"] or 0
        result.rated = (asked["yes"] or 0) + (asked["no"] or 0)
    result.tickets = dict.fromkeys(TICKET_STATUSES, 0)
    for ticket in await figures.tickets():
        result.tickets[ticket["status"]] = ticket["n"]
    waits = [
        (clock.parse_iso(r["first_answer_at"]) - clock.parse_iso(r["created_at"])).total_seconds()
        for r in await figures.answered_tickets(since)
    ]
    if waits:
        result.median_answer = timedelta(seconds=statistics.median(waits))
    result.broadcasts = await recent_broadcasts(db, 5)
    return result


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
