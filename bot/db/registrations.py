"""Registrations and consents: the SQL behind the form, /my, /forget, admin posts and export."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.choices import ACTIVE_STATUSES as ACTIVE
from bot.choices import STATUSES
from bot.clock import utc_now

# An operators'-chat message: (chat id, or None when recorded before migration 0008; message id).
Post = tuple[int | None, int]


class DuplicateRegistration(Exception):  # noqa: N818 - reads as what happened
    """The user already has an active registration for this programme."""


@dataclass(frozen=True, slots=True)
class Registration:
    id: int
    user_id: int | None
    topic_id: str
    full_name: str | None
    age: int | None
    phone: str | None
    district: str | None
    occupation: str | None
    comment: str | None
    status: str
    created_at: str
    updated_at: str
    guardian_confirmed: bool = False
    consent_version: str | None = None
    # The language the form was filled in (stored with the consent): status notices use it.
    language: str | None = None
    admin_message_id: int | None = None
    expired_at: str | None = None  # personal fields removed after the retention period

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass(frozen=True, slots=True)
class Consent:
    """The consent a registration rests on (the notice's version, and for a minor whether
    a parent or guardian agreed)."""

    version: str
    language: str
    guardian_confirmed: bool
    given_at: str
    withdrawn_at: str | None


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    at: str
    changed_by: int | None  # an admin's Telegram id; None: the user (or /forget)


@dataclass(frozen=True, slots=True)
class RegFilter:
    """The web panel's filters; None does not filter. `since`/`until` are stored-form UTC
    moments (until exclusive); `q` a name fragment or phone digits."""

    topic_id: str | None = None
    status: str | None = None
    district: str | None = None
    occupation: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    with_data: bool = False  # only rows that still hold personal data (exports)


# Sort keys of the panel's table → SQL (a whitelist: never a column name from a request).
SORTS = {
    "created": "r.id",
    "name": "r.full_name",
    "age": "r.age",
    "status": "r.status",
    "programme": "r.topic_id",
    "district": "r.district",
}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filter_sql(found: RegFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for clause, value in (
        ("r.topic_id = ?", found.topic_id),
        ("r.status = ?", found.status),
        ("r.district = ?", found.district),
        ("r.occupation = ?", found.occupation),
        ("r.age >= ?", found.age_min),
        ("r.age <= ?", found.age_max),
        ("r.created_at >= ?", found.since),
        ("r.created_at < ?", found.until),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if found.with_data:
        clauses.append("r.user_id IS NOT NULL")
    q = (found.q or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 3 and len(digits) >= len(q.replace(" ", "").replace("+", "")) - 2:
            if q.startswith("8") and len(digits) >= 4:  # typed with the national 8: +7
                digits = "7" + digits[1:]
            clauses.append("r.phone LIKE ? ESCAPE '\\'")
            params.append(_like(digits))
        else:
            # SQLite folds case for ASCII only: try the fragment as typed, lower-case and
            # capitalised (names are written "Айгерім Сейітова").
            forms = list(dict.fromkeys((q, q.lower(), q[:1].upper() + q[1:].lower())))
            clauses.append("(" + " OR ".join(["r.full_name LIKE ? ESCAPE '\\'"] * len(forms)) + ")")
            params.extend(_like(form) for form in forms)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


@dataclass(frozen=True, slots=True)
class NewRegistration:
    """What the form collected, ready to store."""

    user_id: int
    topic_id: str
    full_name: str
    age: int
    phone: str
    district: str
    occupation: str
    comment: str | None
    consent_version: str
    language: str
    guardian_confirmed: bool


SELECT = (
    "SELECT r.*, c.version AS consent_version, c.language AS language,"
    " COALESCE(c.guardian_confirmed, 0) AS guardian_confirmed"
    " FROM registrations r LEFT JOIN consents c ON c.id = r.consent_id"
)


def _registration(row: aiosqlite.Row) -> Registration:
    return Registration(
        id=row["id"],
        user_id=row["user_id"],
        topic_id=row["topic_id"],
        full_name=row["full_name"],
        age=row["age"],
        phone=row["phone"],
        district=row["district"],
        occupation=row["occupation"],
        comment=row["comment"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        guardian_confirmed=bool(row["guardian_confirmed"]),
        consent_version=row["consent_version"],
        language=row["language"],
        admin_message_id=row["admin_message_id"],
        expired_at=row["expired_at"],
    )


class Registrations:
    """Repository over `registrations` and `consents`; the caller owns the transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, new: NewRegistration, now: str | None = None) -> Registration:
        """Record the consent and the registration together (call inside one transaction).

        The partial unique index, not a check in code, refuses a second active row; a
        concurrent double tap therefore cannot create two.
        """
        now = now or utc_now()
        async with self.conn.execute(
            "INSERT INTO consents (user_id, version, language, guardian_confirmed, given_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (new.user_id, new.consent_version, new.language, int(new.guardian_confirmed), now),
        ) as cur:
            consent_id = (await cur.fetchone())[0]  # type: ignore[index]
        try:
            async with self.conn.execute(
                "INSERT INTO registrations (user_id, topic_id, full_name, age, phone, district,"
                " occupation, comment, consent_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    new.user_id,
                    new.topic_id,
                    new.full_name,
                    new.age,
                    new.phone,
                    new.district,
                    new.occupation,
                    new.comment,
                    consent_id,
                    now,
                    now,
                ),
            ) as cur:
                reg_id = (await cur.fetchone())[0]  # type: ignore[index]
        except aiosqlite.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateRegistration(new.topic_id) from exc
            raise
        found = await self.get(reg_id)
        assert found is not None
        return found

    async def get(self, reg_id: int) -> Registration | None:
        async with self.conn.execute(SELECT + " WHERE r.id = ?", (reg_id,)) as cur:
            row = await cur.fetchone()
        return _registration(row) if row else None

    async def active_for(self, user_id: int, topic_id: str) -> Registration | None:
        async with self.conn.execute(
            SELECT + " WHERE r.user_id = ? AND r.topic_id = ? AND r.status IN (?, ?, ?)",
            (user_id, topic_id, *ACTIVE),
        ) as cur:
            row = await cur.fetchone()
        return _registration(row) if row else None

    async def of_user(self, user_id: int) -> list[Registration]:
        async with self.conn.execute(
            SELECT + " WHERE r.user_id = ? ORDER BY r.created_at DESC, r.id DESC", (user_id,)
        ) as cur:
            return [_registration(row) for row in await cur.fetchall()]

    async def set_status(
        self,
        reg_id: int,
        status: str,
        now: str | None = None,
        *,
        only_active: bool = False,
        changed_by: int | None = None,
    ) -> Registration | None:
        """Change the status and add it to the history (`changed_by`: the admin, None for
        the user); with `only_active`, a finished registration is left alone."""
        if status not in STATUSES:
            raise ValueError(status)
        now = now or utc_now()
        sql = "UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?"
        if only_active:
            sql += " AND status IN ('new', 'contacted', 'enrolled')"
        try:
            cur = await self.conn.execute(sql, (status, now, reg_id))
        except aiosqlite.IntegrityError as exc:  # reopening one that has a newer twin
            raise DuplicateRegistration(str(reg_id)) from exc
        if not cur.rowcount:
            return None
        await self.conn.execute(
            "INSERT INTO registration_history (registration_id, status, at, changed_by)"
            " VALUES (?, ?, ?, ?)",
            (reg_id, status, now, changed_by),
        )
        return await self.get(reg_id)

    async def history(self, reg_id: int) -> list[StatusChange]:
        """The statuses the registration took after it was made, oldest first."""
        rows = await self.conn.execute_fetchall(
            "SELECT status, at, changed_by FROM registration_history"
            " WHERE registration_id = ? ORDER BY id",
            (reg_id,),
        )
        return [StatusChange(row[0], row[1], row[2]) for row in rows]

    async def consent(self, reg_id: int) -> Consent | None:
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT c.* FROM consents c JOIN registrations r ON r.consent_id = c.id"
                " WHERE r.id = ?",
                (reg_id,),
            )
        )
        if not rows:
            return None
        row = rows[0]
        return Consent(
            row["version"],
            row["language"],
            bool(row["guardian_confirmed"]),
            row["given_at"],
            row["withdrawn_at"],
        )

    async def search(
        self,
        found: RegFilter,
        sort: str = "created",
        desc: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Registration]:
        """One page of the panel's table (`sort` one of `SORTS`; ties by id)."""
        where, params = _filter_sql(found)
        order = SORTS.get(sort, "r.id")
        direction = "DESC" if desc else "ASC"
        rows = await self.conn.execute_fetchall(
            f"{SELECT}{where} ORDER BY {order} {direction}, r.id {direction} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_registration(row) for row in rows]

    async def count(self, found: RegFilter) -> int:
        where, params = _filter_sql(found)
        rows = list(
            await self.conn.execute_fetchall(f"SELECT COUNT(*) FROM registrations r{where}", params)
        )
        return int(rows[0][0]) if rows else 0

    async def unnotified(self, limit: int) -> list[Registration]:
        async with self.conn.execute(
            SELECT + " WHERE r.admin_notified_at IS NULL AND r.user_id IS NOT NULL"
            " ORDER BY r.id LIMIT ?",
            (limit,),
        ) as cur:
            return [_registration(row) for row in await cur.fetchall()]

    async def mark_notified(
        self, ids: list[int], message_id: int | None = None, now: str | None = None
    ) -> None:
        await self.conn.executemany(
            "UPDATE registrations SET admin_notified_at = ?, admin_message_id = ? WHERE id = ?",
            [(now or utc_now(), message_id, i) for i in ids],
        )

    async def add_post(self, chat_id: int, message_id: int, ids: list[int]) -> None:
        """Remember that a message in the operators' chat shows these registrations."""
        await self.conn.executemany(
            "INSERT OR IGNORE INTO registration_posts (registration_id, chat_id, message_id)"
            " VALUES (?, ?, ?)",
            [(i, chat_id, message_id) for i in ids],
        )

    async def posts_showing(self, reg_id: int) -> list[Post]:
        """Every operators'-chat message that shows this registration (card, digest, opened
        card), so that a change the user made is drawn on all of them."""
        async with self.conn.execute(
            "SELECT chat_id, message_id FROM registration_posts WHERE registration_id = ?"
            " ORDER BY message_id",
            (reg_id,),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def admin_posts_of(self, user_id: int) -> list[Post]:
        """Operators'-chat messages (chat or None, message) that show this user's
        registrations: cards, digests, opened cards (call before /forget strips user_id)."""
        async with self.conn.execute(
            "SELECT DISTINCT p.chat_id, p.message_id FROM registration_posts p"
            " JOIN registrations r ON r.id = p.registration_id WHERE r.user_id = ?"
            " ORDER BY p.message_id",
            (user_id,),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def on_admin_post(self, chat_id: int, message_id: int) -> list[Registration]:
        """The registrations a message shows (a post of unknown chat counts as `chat_id`'s)."""
        async with self.conn.execute(
            SELECT + " WHERE r.id IN (SELECT registration_id FROM registration_posts"
            " WHERE message_id = ? AND (chat_id = ? OR chat_id IS NULL)) ORDER BY r.id",
            (message_id, chat_id),
        ) as cur:
            return [_registration(row) for row in await cur.fetchall()]

    async def export_rows(
        self, topic_id: str | None = None, since: str | None = None, until: str | None = None
    ) -> list[Registration]:
        """Rows for the CSV export; `since`/`until` are ISO dates (until is inclusive)."""
        sql, params = SELECT + " WHERE r.user_id IS NOT NULL", []
        if topic_id:
            sql += " AND r.topic_id = ?"
            params.append(topic_id)
        if since:
            sql += " AND r.created_at >= ?"
            params.append(since)
        if until:
            sql += " AND r.created_at < date(?, '+1 day')"
            params.append(until)
        async with self.conn.execute(sql + " ORDER BY r.id", params) as cur:
            return [_registration(row) for row in await cur.fetchall()]

    async def expire_finished(self, before: str, now: str | None = None) -> list[Post]:
        """Strip the personal fields of registrations cancelled or declined before `before`
        (the retention period); the rows stay as anonymous counts. Returns the admin-chat
        posts that showed them, to draw again."""
        now = now or utc_now()
        async with self.conn.execute(
            "SELECT DISTINCT p.chat_id, p.message_id FROM registration_posts p"
            " JOIN registrations r ON r.id = p.registration_id WHERE r.expired_at IS NULL"
            " AND r.user_id IS NOT NULL AND r.status IN ('cancelled', 'declined')"
            " AND r.updated_at < ? ORDER BY p.message_id",
            (before,),
        ) as cur:
            posts: list[Post] = [(row[0], row[1]) for row in await cur.fetchall()]
        await self.conn.execute(
            "UPDATE registrations SET user_id = NULL, full_name = NULL, age = NULL,"
            " phone = NULL, comment = NULL, district = NULL, occupation = NULL,"
            " expired_at = ? WHERE expired_at IS NULL AND user_id IS NOT NULL"
            " AND status IN ('cancelled', 'declined') AND updated_at < ?",
            (now, before),
        )
        # The consent record named the person too: it goes with the data it covered.
        await self.conn.execute(
            "UPDATE consents SET user_id = NULL, withdrawn_at = COALESCE(withdrawn_at, ?1)"
            " WHERE id IN (SELECT consent_id FROM registrations WHERE expired_at = ?1)",
            (now,),
        )
        return posts

    async def forget_user(self, user_id: int, now: str | None = None) -> int:
        """Withdraw consent and strip every personal field; rows stay as anonymous counts.

        Returns how many registrations were anonymised. Active ones become `cancelled`.
        """
        now = now or utc_now()
        await self.conn.execute(
            "INSERT INTO registration_history (registration_id, status, at)"
            " SELECT id, 'cancelled', ? FROM registrations"
            " WHERE user_id = ? AND status IN ('new', 'contacted', 'enrolled')",
            (now, user_id),
        )
        await self.conn.execute(
            "UPDATE consents SET withdrawn_at = ?, user_id = NULL WHERE user_id = ?",
            (now, user_id),
        )
        cur = await self.conn.execute(
            "UPDATE registrations SET user_id = NULL, full_name = NULL, age = NULL,"
            " phone = NULL, comment = NULL, district = NULL, occupation = NULL,"
            " status = CASE WHEN status IN ('new', 'contacted', 'enrolled')"
            "   THEN 'cancelled' ELSE status END, updated_at = ?"
            " WHERE user_id = ?",
            (now, user_id),
        )
        return cur.rowcount
