"""Events, RSVPs, reminders, ratings and watches: all the SQL of issue 18.

Moments are stored in the form of `bot.clock.iso` and compared as strings. The caller (a
service in `bot/services/events*.py`) owns the transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from bot.config import Language

RsvpStatus = Literal["confirmed", "waiting", "cancelled"]
NoticeKind = Literal["24h", "1h", "rating", "new"]
NoticeStatus = Literal["sending", "sent", "failed", "blocked", "uncertain"]


@dataclass(frozen=True, slots=True)
class EventFields:
    """What an admin writes about an event (dates already in the storage form)."""

    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str
    category: str
    starts_at: str
    ends_at: str
    place_kk: str
    place_ru: str
    age_min: int | None
    age_max: int | None
    bring_kk: str
    bring_ru: str
    capacity: int | None
    needs_registration: str | None


FIELDS = tuple(EventFields.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str
    category: str
    starts_at: str
    ends_at: str
    place_kk: str
    place_ru: str
    age_min: int | None
    age_max: int | None
    bring_kk: str
    bring_ru: str
    capacity: int | None
    needs_registration: str | None
    status: str
    created_by: int | None
    created_at: str
    updated_at: str
    confirmed: int = 0  # RSVPs holding a seat
    waiting: int = 0  # RSVPs on the waiting list

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def seats_left(self) -> int | None:
        """None: no limit."""
        return None if self.capacity is None else max(0, self.capacity - self.confirmed)

    def title(self, lang: Language) -> str:
        return self.title_kk if lang == "kk" else self.title_ru

    def description(self, lang: Language) -> str:
        return self.description_kk if lang == "kk" else self.description_ru

    def place(self, lang: Language) -> str:
        return self.place_kk if lang == "kk" else self.place_ru

    def bring(self, lang: Language) -> str:
        return self.bring_kk if lang == "kk" else self.bring_ru

    def fields(self) -> EventFields:
        return EventFields(**{name: getattr(self, name) for name in FIELDS})


@dataclass(frozen=True, slots=True)
class Rsvp:
    id: int
    event_id: int
    user_id: int
    status: RsvpStatus
    position: int | None
    code: str
    registration_id: int | None
    checked_in_at: str | None
    created_at: str
    updated_at: str
    language: Language | None = None  # the user's, for telling them something
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Attendee:
    """A row of the attendee list: the RSVP and, for events with registration, the form data."""

    rsvp: Rsvp
    full_name: str | None
    age: int | None
    phone: str | None
    district: str | None
    occupation: str | None


@dataclass(frozen=True, slots=True)
class Rating:
    event_id: int
    user_id: int
    score: int
    comment: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class DueNotice:
    """A message the reminder worker owes someone about an event."""

    kind: NoticeKind
    event_id: int
    user_id: int
    language: Language | None


@dataclass(frozen=True, slots=True)
class EventCounts:
    confirmed: int
    waiting: int
    cancelled: int
    checked_in: int
    ratings: int
    average: float | None  # of the scores; None without ratings
    comments: int
    reminders_sent: int


SELECT_EVENT = (
    "SELECT e.*,"
    " (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.status = 'confirmed')"
    " AS confirmed,"
    " (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.status = 'waiting')"
    " AS waiting"
    " FROM events e"
)
SELECT_RSVP = (
    "SELECT r.*, u.language AS language, COALESCE(u.blocked, 0) AS blocked"
    " FROM event_rsvps r LEFT JOIN users u ON u.telegram_id = r.user_id"
)


def _event(row: aiosqlite.Row) -> Event:
    return Event(
        id=row["id"],
        title_kk=row["title_kk"],
        title_ru=row["title_ru"],
        description_kk=row["description_kk"],
        description_ru=row["description_ru"],
        category=row["category"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        place_kk=row["place_kk"],
        place_ru=row["place_ru"],
        age_min=row["age_min"],
        age_max=row["age_max"],
        bring_kk=row["bring_kk"],
        bring_ru=row["bring_ru"],
        capacity=row["capacity"],
        needs_registration=row["needs_registration"],
        status=row["status"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        confirmed=row["confirmed"],
        waiting=row["waiting"],
    )


def _rsvp(row: aiosqlite.Row) -> Rsvp:
    return Rsvp(
        id=row["id"],
        event_id=row["event_id"],
        user_id=row["user_id"],
        status=row["status"],
        position=row["position"],
        code=row["code"],
        registration_id=row["registration_id"],
        checked_in_at=row["checked_in_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        language=row["language"],
        blocked=bool(row["blocked"]),
    )


class Events:
    """Repository over the event tables; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _all(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[aiosqlite.Row]:
        bound = dict(params) if isinstance(params, Mapping) else tuple(params)
        return list(await self.conn.execute_fetchall(sql, bound))

    async def _one(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> aiosqlite.Row | None:
        rows = await self._all(sql, params)
        return rows[0] if rows else None

    # --- events ---------------------------------------------------------------------------

    async def add(self, fields: EventFields, created_by: int | None, now: str) -> Event:
        names = ", ".join(FIELDS)
        marks = ", ".join("?" for _ in FIELDS)
        row = await self._one(
            f"INSERT INTO events ({names}, created_by, created_at, updated_at)"
            f" VALUES ({marks}, ?, ?, ?) RETURNING id",
            (*(getattr(fields, n) for n in FIELDS), created_by, now, now),
        )
        assert row is not None
        found = await self.get(row[0])
        assert found is not None
        return found

    async def update(self, event_id: int, fields: EventFields, now: str) -> None:
        sets = ", ".join(f"{n} = ?" for n in FIELDS)
        await self.conn.execute(
            f"UPDATE events SET {sets}, updated_at = ? WHERE id = ?",
            (*(getattr(fields, n) for n in FIELDS), now, event_id),
        )

    async def set_status(self, event_id: int, status: str, now: str) -> None:
        await self.conn.execute(
            "UPDATE events SET status = ?, updated_at = ? WHERE id = ?", (status, now, event_id)
        )

    async def get(self, event_id: int) -> Event | None:
        row = await self._one(SELECT_EVENT + " WHERE e.id = ?", (event_id,))
        return _event(row) if row else None

    async def upcoming(
        self,
        now: str,
        until: str | None,
        category: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Event], int]:
        """Active events not yet over, soonest first (an event under way still shows), and
        how many there are in all."""
        where = ["e.status = 'active'", "e.ends_at > ?"]
        params: list[object] = [now]
        if until is not None:
            where.append("e.starts_at < ?")
            params.append(until)
        if category is not None:
            where.append("e.category = ?")
            params.append(category)
        clause = " WHERE " + " AND ".join(where)
        total = await self._one("SELECT COUNT(*) FROM events e" + clause, params)
        rows = await self._all(
            SELECT_EVENT + clause + " ORDER BY e.starts_at, e.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_event(r) for r in rows], int(total[0]) if total else 0

    async def all_events(self, since: str | None = None) -> list[Event]:
        """Every event (cancelled ones too) starting at or after `since`, by start time."""
        if since is None:
            rows = await self._all(SELECT_EVENT + " ORDER BY e.starts_at, e.id")
        else:
            rows = await self._all(
                SELECT_EVENT + " WHERE e.starts_at >= ? ORDER BY e.starts_at, e.id", (since,)
            )
        return [_event(r) for r in rows]

    # --- RSVPs ----------------------------------------------------------------------------

    async def rsvp(self, event_id: int, user_id: int) -> Rsvp | None:
        row = await self._one(
            SELECT_RSVP + " WHERE r.event_id = ? AND r.user_id = ?", (event_id, user_id)
        )
        return _rsvp(row) if row else None

    async def rsvp_by_id(self, rsvp_id: int) -> Rsvp | None:
        row = await self._one(SELECT_RSVP + " WHERE r.id = ?", (rsvp_id,))
        return _rsvp(row) if row else None

    async def rsvp_by_code(self, code: str) -> Rsvp | None:
        row = await self._one(SELECT_RSVP + " WHERE r.code = ?", (code,))
        return _rsvp(row) if row else None

    async def count_confirmed(self, event_id: int) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM event_rsvps WHERE event_id = ? AND status = 'confirmed'",
            (event_id,),
        )
        return int(row[0]) if row else 0

    async def next_position(self, event_id: int) -> int:
        row = await self._one(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM event_rsvps"
            " WHERE event_id = ? AND status = 'waiting'",
            (event_id,),
        )
        return int(row[0]) if row else 1

    async def place_in_line(self, event_id: int, position: int) -> int:
        """1 for the first in line: positions are not renumbered when someone leaves."""
        row = await self._one(
            "SELECT COUNT(*) FROM event_rsvps"
            " WHERE event_id = ? AND status = 'waiting' AND position <= ?",
            (event_id, position),
        )
        return int(row[0]) if row else 0

    async def code_taken(self, code: str) -> bool:
        return await self._one("SELECT 1 FROM event_rsvps WHERE code = ?", (code,)) is not None

    async def insert_rsvp(
        self,
        event_id: int,
        user_id: int,
        status: RsvpStatus,
        position: int | None,
        code: str,
        registration_id: int | None,
        now: str,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO event_rsvps (event_id, user_id, status, position, code,"
            " registration_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, user_id, status, position, code, registration_id, now, now),
        )

    async def set_rsvp(
        self,
        rsvp_id: int,
        status: RsvpStatus,
        position: int | None,
        now: str,
        registration_id: int | None = None,
        *,
        rejoined: bool = False,
    ) -> None:
        """Change an RSVP's status; `rejoined` (back after cancelling) restarts its clock,
        so the reminders' "signed up before" rule sees the new sign-up."""
        await self.conn.execute(
            "UPDATE event_rsvps SET status = ?, position = ?, updated_at = ?,"
            " registration_id = COALESCE(?, registration_id),"
            " created_at = CASE WHEN ? THEN ? ELSE created_at END WHERE id = ?",
            (status, position, now, registration_id, int(rejoined), now, rsvp_id),
        )

    async def first_waiting(self, event_id: int, limit: int) -> list[Rsvp]:
        rows = await self._all(
            SELECT_RSVP + " WHERE r.event_id = ? AND r.status = 'waiting'"
            " ORDER BY r.position, r.id LIMIT ?",
            (event_id, limit),
        )
        return [_rsvp(r) for r in rows]

    async def rsvps_of_event(
        self, event_id: int, statuses: Iterable[RsvpStatus] = ("confirmed", "waiting")
    ) -> list[Rsvp]:
        wanted = tuple(statuses)
        marks = ", ".join("?" for _ in wanted)
        rows = await self._all(
            SELECT_RSVP + f" WHERE r.event_id = ? AND r.status IN ({marks})"
            " ORDER BY r.status, r.position, r.created_at, r.id",
            (event_id, *wanted),
        )
        return [_rsvp(r) for r in rows]

    async def of_user(self, user_id: int, since: str) -> list[tuple[Event, Rsvp]]:
        """The user's confirmed and waiting RSVPs for events not over before `since`,
        soonest first."""
        rows = await self._all(
            "SELECT r.id AS rsvp_id FROM event_rsvps r JOIN events e ON e.id = r.event_id"
            " WHERE r.user_id = ? AND r.status IN ('confirmed', 'waiting') AND e.ends_at > ?"
            " ORDER BY e.starts_at, e.id",
            (user_id, since),
        )
        found: list[tuple[Event, Rsvp]] = []
        for row in rows:
            rsvp = await self.rsvp_by_id(row["rsvp_id"])
            event = await self.get(rsvp.event_id) if rsvp else None
            if rsvp is not None and event is not None:
                found.append((event, rsvp))
        return found

    async def check_in(self, rsvp_id: int, now: str) -> bool:
        """Mark attendance once; False when it was already marked."""
        cur = await self.conn.execute(
            "UPDATE event_rsvps SET checked_in_at = ?, updated_at = ?"
            " WHERE id = ? AND checked_in_at IS NULL",
            (now, now, rsvp_id),
        )
        return cur.rowcount == 1

    async def attendees(self, event_id: int) -> list[Attendee]:
        """Confirmed, then waiting, then cancelled; personal data only through a linked
        registration (NULL after /forget or the retention period)."""
        rows = await self._all(
            "SELECT r.*, u.language AS language, COALESCE(u.blocked, 0) AS blocked,"
            " g.full_name AS full_name, g.age AS age, g.phone AS phone,"
            " g.district AS district, g.occupation AS occupation"
            " FROM event_rsvps r LEFT JOIN users u ON u.telegram_id = r.user_id"
            " LEFT JOIN registrations g ON g.id = r.registration_id"
            " WHERE r.event_id = ?"
            " ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,"
            " r.position, r.created_at, r.id",
            (event_id,),
        )
        return [
            Attendee(_rsvp(r), r["full_name"], r["age"], r["phone"], r["district"], r["occupation"])
            for r in rows
        ]

    # --- ratings --------------------------------------------------------------------------

    async def rate(self, event_id: int, user_id: int, score: int, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO event_ratings (event_id, user_id, score, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id)"
            " DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at",
            (event_id, user_id, score, now, now),
        )

    async def comment(self, event_id: int, user_id: int, text: str, now: str) -> bool:
        cur = await self.conn.execute(
            "UPDATE event_ratings SET comment = ?, updated_at = ?"
            " WHERE event_id = ? AND user_id = ?",
            (text, now, event_id, user_id),
        )
        return cur.rowcount == 1

    async def rating(self, event_id: int, user_id: int) -> Rating | None:
        row = await self._one(
            "SELECT * FROM event_ratings WHERE event_id = ? AND user_id = ?", (event_id, user_id)
        )
        return Rating(**dict(row)) if row else None

    async def ratings(self, event_id: int) -> list[Rating]:
        rows = await self._all(
            "SELECT * FROM event_ratings WHERE event_id = ? ORDER BY updated_at DESC",
            (event_id,),
        )
        return [Rating(**dict(r)) for r in rows]

    async def counts(self, event_id: int) -> EventCounts:
        row = await self._one(
            "SELECT"
            " (SELECT COUNT(*) FROM event_rsvps WHERE event_id = :e AND status = 'confirmed'),"
            " (SELECT COUNT(*) FROM event_rsvps WHERE event_id = :e AND status = 'waiting'),"
            " (SELECT COUNT(*) FROM event_rsvps WHERE event_id = :e AND status = 'cancelled'),"
            " (SELECT COUNT(*) FROM event_rsvps WHERE event_id = :e"
            "   AND checked_in_at IS NOT NULL),"
            " (SELECT COUNT(*) FROM event_ratings WHERE event_id = :e),"
            " (SELECT AVG(score) FROM event_ratings WHERE event_id = :e),"
            " (SELECT COUNT(*) FROM event_ratings WHERE event_id = :e"
            "   AND comment IS NOT NULL AND comment != ''),"
            " (SELECT COUNT(*) FROM event_reminders WHERE event_id = :e"
            "   AND kind IN ('24h', '1h') AND status = 'sent')",
            {"e": event_id},
        )
        assert row is not None
        average = float(row[5]) if row[5] is not None else None
        return EventCounts(row[0], row[1], row[2], row[3], row[4], average, row[6], row[7])

    async def totals(self, since: str, until: str) -> aiosqlite.Row:
        """Events starting in [since, until): how many, cancelled, RSVPs by status,
        check-ins, ratings and their average (for /stats)."""
        row = await self._one(
            "SELECT COUNT(*) AS events,"
            " COALESCE(SUM(e.status = 'cancelled'), 0) AS cancelled_events,"
            " (SELECT COUNT(*) FROM event_rsvps r JOIN events x ON x.id = r.event_id"
            "   WHERE x.starts_at >= :s AND x.starts_at < :u AND r.status = 'confirmed')"
            "   AS confirmed,"
            " (SELECT COUNT(*) FROM event_rsvps r JOIN events x ON x.id = r.event_id"
            "   WHERE x.starts_at >= :s AND x.starts_at < :u AND r.status = 'waiting')"
            "   AS waiting,"
            " (SELECT COUNT(*) FROM event_rsvps r JOIN events x ON x.id = r.event_id"
            "   WHERE x.starts_at >= :s AND x.starts_at < :u AND r.checked_in_at IS NOT NULL)"
            "   AS checked_in,"
            " (SELECT COUNT(*) FROM event_ratings g JOIN events x ON x.id = g.event_id"
            "   WHERE x.starts_at >= :s AND x.starts_at < :u) AS ratings,"
            " (SELECT AVG(score) FROM event_ratings g JOIN events x ON x.id = g.event_id"
            "   WHERE x.starts_at >= :s AND x.starts_at < :u) AS average"
            " FROM events e WHERE e.starts_at >= :s AND e.starts_at < :u",
            {"s": since, "u": until},
        )
        assert row is not None
        return row

    # --- notices (reminders, rating questions, news for watchers) --------------------------

    async def due_reminders(
        self, kind: Literal["24h", "1h"], now: str, horizon: str, lead_start: str, limit: int
    ) -> list[DueNotice]:
        """Confirmed RSVPs of active events starting in (now, horizon], made before
        `starts_at - lead` (`lead_start` is that offset as an SQLite modifier, e.g.
        '-24 hours'), to users not blocked and with reminders on, not yet noticed."""
        rows = await self._all(
            "SELECT r.event_id, r.user_id, u.language FROM event_rsvps r"
            " JOIN events e ON e.id = r.event_id"
            " JOIN users u ON u.telegram_id = r.user_id"
            " WHERE e.status = 'active' AND e.starts_at > ? AND e.starts_at <= ?"
            " AND r.status = 'confirmed' AND u.blocked = 0"
            " AND r.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', e.starts_at, ?)"
            " AND NOT EXISTS (SELECT 1 FROM event_reminders_off o WHERE o.user_id = r.user_id)"
            " AND NOT EXISTS (SELECT 1 FROM event_reminders m WHERE m.event_id = r.event_id"
            "   AND m.user_id = r.user_id AND m.kind = ?)"
            " ORDER BY e.starts_at, r.id LIMIT ?",
            (now, horizon, lead_start, kind, limit),
        )
        return [DueNotice(kind, r[0], r[1], r[2]) for r in rows]

    async def due_ratings(self, now: str, since: str, limit: int) -> list[DueNotice]:
        """Confirmed RSVPs of active events that ended in (since, now], not blocked, not yet
        asked and not yet rated."""
        rows = await self._all(
            "SELECT r.event_id, r.user_id, u.language FROM event_rsvps r"
            " JOIN events e ON e.id = r.event_id"
            " JOIN users u ON u.telegram_id = r.user_id"
            " WHERE e.status = 'active' AND e.ends_at <= ? AND e.ends_at > ?"
            " AND r.status = 'confirmed' AND u.blocked = 0"
            " AND NOT EXISTS (SELECT 1 FROM event_reminders m WHERE m.event_id = r.event_id"
            "   AND m.user_id = r.user_id AND m.kind = 'rating')"
            " AND NOT EXISTS (SELECT 1 FROM event_ratings g WHERE g.event_id = r.event_id"
            "   AND g.user_id = r.user_id)"
            " ORDER BY e.ends_at, r.id LIMIT ?",
            (now, since, limit),
        )
        return [DueNotice("rating", r[0], r[1], r[2]) for r in rows]

    async def due_news(self, now: str, limit: int) -> list[DueNotice]:
        """Watchers of a category and the soonest upcoming active event of it announced
        after they asked (one per watcher and category)."""
        rows = await self._all(
            "WITH next AS (SELECT w.user_id, w.created_at AS watched_at, u.language,"
            " (SELECT e.id FROM events e WHERE e.category = w.category"
            "   AND e.status = 'active' AND e.starts_at > ? AND e.created_at >= w.created_at"
            "   ORDER BY e.starts_at, e.id LIMIT 1) AS event_id"
            " FROM event_watches w JOIN users u ON u.telegram_id = w.user_id"
            " WHERE u.blocked = 0)"
            " SELECT n.event_id, n.user_id, n.language FROM next n"
            " WHERE n.event_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM event_reminders m WHERE m.event_id = n.event_id"
            "   AND m.user_id = n.user_id AND m.kind = 'new')"
            " ORDER BY n.watched_at LIMIT ?",
            (now, limit),
        )
        return [DueNotice("new", r[0], r[1], r[2]) for r in rows]

    async def claim_notice(self, notice: DueNotice, now: str) -> bool:
        """Record the notice as being sent; False when a row exists already (sent, or being
        sent by someone else): the key makes a second copy impossible."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO event_reminders (event_id, user_id, kind, status, sent_at)"
            " VALUES (?, ?, ?, 'sending', ?)",
            (notice.event_id, notice.user_id, notice.kind, now),
        )
        return cur.rowcount == 1

    async def settle_notice(
        self, event_id: int, user_id: int, kind: NoticeKind, status: NoticeStatus, now: str
    ) -> None:
        await self.conn.execute(
            "UPDATE event_reminders SET status = ?, sent_at = ?"
            " WHERE event_id = ? AND user_id = ? AND kind = ?",
            (status, now, event_id, user_id, kind),
        )

    async def notice_status(self, event_id: int, user_id: int, kind: NoticeKind) -> str | None:
        row = await self._one(
            "SELECT status FROM event_reminders WHERE event_id = ? AND user_id = ? AND kind = ?",
            (event_id, user_id, kind),
        )
        return str(row[0]) if row else None

    async def in_flight_to_uncertain(self) -> int:
        """At start-up: a notice still 'sending' may have arrived; it is never sent again."""
        cur = await self.conn.execute(
            "UPDATE event_reminders SET status = 'uncertain' WHERE status = 'sending'"
        )
        return cur.rowcount

    # --- watches and settings -------------------------------------------------------------

    async def watch(self, user_id: int, category: str, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO event_watches (user_id, category, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, category) DO NOTHING",
            (user_id, category, now),
        )

    async def unwatch(self, user_id: int, category: str) -> None:
        await self.conn.execute(
            "DELETE FROM event_watches WHERE user_id = ? AND category = ?", (user_id, category)
        )

    async def watchers(self, category: str) -> list[int]:
        rows = await self._all(
            "SELECT user_id FROM event_watches WHERE category = ? ORDER BY created_at",
            (category,),
        )
        return [r[0] for r in rows]

    async def watches_of(self, user_id: int) -> list[str]:
        rows = await self._all(
            "SELECT category FROM event_watches WHERE user_id = ? ORDER BY created_at", (user_id,)
        )
        return [r[0] for r in rows]

    async def reminders_on(self, user_id: int) -> bool:
        return (
            await self._one("SELECT 1 FROM event_reminders_off WHERE user_id = ?", (user_id,))
        ) is None

    async def set_reminders(self, user_id: int, on: bool) -> None:
        if on:
            await self.conn.execute("DELETE FROM event_reminders_off WHERE user_id = ?", (user_id,))
        else:
            await self.conn.execute(
                "INSERT OR IGNORE INTO event_reminders_off (user_id) VALUES (?)", (user_id,)
            )

    async def forget_user(self, user_id: int) -> None:
        """/forget: every event row that names the user. Seats they held are freed by the
        caller first (see services.events.forget)."""
        for table in (
            "event_rsvps",
            "event_ratings",
            "event_watches",
            "event_reminders",
            "event_reminders_off",
        ):
            await self.conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))

    async def rsvp_event_ids(self, user_id: int, status: RsvpStatus) -> list[int]:
        rows = await self._all(
            "SELECT event_id FROM event_rsvps WHERE user_id = ? AND status = ?", (user_id, status)
        )
        return [r[0] for r in rows]
