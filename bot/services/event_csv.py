"""Events as CSV: a season's plan in (`python -m bot events import`), the calendar out
(`events export`), and an event's attendee list for Excel. No Telegram.

The plan is read as Excel writes it: UTF-8 with or without a BOM, `;` or `,` between cells
(Excel in a Russian or Kazakh locale writes `;`), a header row naming the columns in any
order, times in Shymkent time. Every row is checked before anything is written, and each
mistake comes back with its line number; the rows are then added in one transaction, so a
file with one bad row adds nothing. Files going out use the rules of the registrations
export (`services/export.py`): a BOM so Excel shows Cyrillic, and cells Excel would take
for a formula prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import clock
from bot.catalog.events import EventsConfig
from bot.db.database import Database
from bot.db.events import Attendee, Event, Events, Rating
from bot.i18n import Translator
from bot.services import events
from bot.services.audit import Actor, record_in
from bot.services.events import Draft
from bot.services.export import FORMULA_START, safe_cell

# The plan's columns: what an admin fills in. Required ones first.
REQUIRED = ("title_kk", "title_ru", "category", "starts", "ends", "place_kk", "place_ru")
OPTIONAL = (
    "description_kk",
    "description_ru",
    "age_min",
    "age_max",
    "bring_kk",
    "bring_ru",
    "capacity",
    "registration",
)
# Written by the export, accepted on import when empty (an exported file can be edited
# into next season's plan: clear the ids and change the dates).
EXPORT_ONLY = ("id", "status", "confirmed", "waiting", "checked_in", "ratings", "average")
COLUMNS = ("id", *REQUIRED, *OPTIONAL, *EXPORT_ONLY[1:])
MAX_ROWS = 2000  # a season is tens of events; a file of thousands is the wrong file
MAX_BYTES = 2_000_000
LOCAL = "%d.%m.%Y %H:%M"  # how times are written out (and the first way they are read)
TIME_ONLY = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

ATTENDEE_COLUMNS = (
    "status",
    "place",
    "code",
    "checked-in",
    "signed-up",
    "telegram-id",
    "language",
    "full-name",
    "age",
    "phone",
    "district",
    "occupation",
    "score",
    "comment",
)


@dataclass(frozen=True, slots=True)
class RowError:
    """A mistake in the plan: the line it starts on (1 is the header), the column, and a
    code (`event-csv-<code>` or `event-error-<code>` texts), with the value for context."""

    line: int
    column: str
    code: str
    value: str = ""


@dataclass(slots=True)
class Plan:
    drafts: list[tuple[int, Draft]] = field(default_factory=list)  # (line, draft)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str | None:
    """UTF-8 with or without a BOM; None for anything else (Excel's "CSV (comma
    delimited)" writes the Windows code page: the admin is told to pick "CSV UTF-8")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _separator(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _plain(value: str) -> str:
    """A cell as the admin meant it: an apostrophe our export put before `=`, `+`, `-`, `@`
    is taken off again."""
    value = value.strip()
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def read_moment(text: str, day_of: datetime | None = None) -> datetime | None:
    """A Shymkent date and time (the forms `clock.parse_typed` reads), or a time alone on
    the day of `day_of` (an end time: "18:00")."""
    found = clock.parse_typed(text)
    if found is not None or day_of is None:
        return found
    match = TIME_ONLY.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    local = day_of.astimezone(clock.SHYMKENT)
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return end + timedelta(days=1) if end < local else end  # "22:00–01:00" ends next day


def _int(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) <= 6 else None


def read_plan(
    text: str,
    now: datetime,
    config: EventsConfig,
    registration_topics: Collection[str] = (),
) -> Plan:
    """Parse and check every row of a season's plan (nothing is written here)."""
    plan = Plan()
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        plan.errors.append(RowError(1, "", "empty"))
        return plan
    reader = csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=_separator(lines[0]))
    header = [h.strip().lstrip("\ufeff").lower().replace(" ", "_") for h in next(reader)]
    known = set(COLUMNS)
    for name in header:
        if name and name not in known:
            plan.errors.append(RowError(1, name, "unknown-column"))
    for name in REQUIRED:
        if name not in header:
            plan.errors.append(RowError(1, name, "missing-column"))
    if len(set(h for h in header if h)) != len([h for h in header if h]):
        plan.errors.append(RowError(1, "", "column-twice"))
    if plan.errors:
        return plan
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # Excel leaves rows of empty cells at the end
        if len(plan.drafts) + len({e.line for e in plan.errors}) >= MAX_ROWS:
            plan.errors.append(RowError(line, "", "too-many-rows"))
            break
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            plan.errors.append(RowError(line, "", "extra-cells"))
            continue
        row = {name: _plain(cells[i]) if i < len(cells) else "" for i, name in enumerate(header)}
        draft = _row_draft(line, row, plan.errors)
        if draft is None:
            continue
        for code in events.validate(draft, now, config.ids, registration_topics):
            plan.errors.append(RowError(line, _column_of(code), code, _value_of(code, row)))
        plan.drafts.append((line, draft))
    if not plan.drafts and not plan.errors:
        plan.errors.append(RowError(1, "", "no-rows"))
    return plan


# Which column a validation code points at (for the error line).
_CODE_COLUMN = {
    "title-kk": "title_kk",
    "title-ru": "title_ru",
    "place-kk": "place_kk",
    "place-ru": "place_ru",
    "category": "category",
    "past": "starts",
    "ends-before-starts": "ends",
    "too-long-event": "ends",
    "ages": "age_min",
    "capacity": "capacity",
    "topic": "registration",
}


def _column_of(code: str) -> str:
    return _CODE_COLUMN.get(code, "")


def _value_of(code: str, row: dict[str, str]) -> str:
    column = _CODE_COLUMN.get(code)
    return row.get(column, "") if column else ""


def _row_draft(line: int, row: dict[str, str], errors: list[RowError]) -> Draft | None:
    """The draft a row describes, or None after adding what cannot be read to `errors`
    (the rest of the checks are `events.validate`'s)."""
    before = len(errors)
    if row.get("id") or row.get("status"):
        errors.append(RowError(line, "id", "has-id", row.get("id", "")))
    starts = read_moment(row["starts"])
    if starts is None:
        errors.append(RowError(line, "starts", "bad-time", row["starts"]))
    ends = read_moment(row["ends"], starts) if starts is not None else None
    if starts is not None and ends is None:
        errors.append(RowError(line, "ends", "bad-time", row["ends"]))
    numbers: dict[str, int | None] = {}
    for name in ("age_min", "age_max", "capacity"):
        value = row.get(name, "")
        numbers[name] = _int(value) if value else None
        if value and numbers[name] is None:
            errors.append(RowError(line, name, "bad-number", value))
    if len(errors) > before or starts is None or ends is None:
        return None
    return Draft(
        title_kk=row["title_kk"],
        title_ru=row["title_ru"],
        category=row["category"].lower(),
        starts_at=starts,
        ends_at=ends,
        place_kk=row["place_kk"],
        place_ru=row["place_ru"],
        description_kk=row.get("description_kk", ""),
        description_ru=row.get("description_ru", ""),
        age_min=numbers["age_min"],
        age_max=numbers["age_max"],
        bring_kk=row.get("bring_kk", ""),
        bring_ru=row.get("bring_ru", ""),
        capacity=numbers["capacity"],
        needs_registration=row.get("registration") or None,
    )


async def import_plan(
    db: Database, plan: Plan, now: datetime, by: Actor | None = None
) -> list[Event]:
    """Add every event of a checked plan in one transaction (all or nothing); the caller
    checked `plan.errors` is empty. Imported events have no author (`created_by` NULL)."""
    assert not plan.errors
    stamp = clock.iso(now)
    async with db.transaction() as conn:
        repo = Events(conn)
        added = [await repo.add(draft.fields(), None, stamp) for _, draft in plan.drafts]
        if by is not None:
            await record_in(conn, by, "event-import", None, now, events=len(added))
        return added


def error_lines(t: Translator, errors: list[RowError]) -> list[str]:
    """One line per mistake, in the reader's language: `line 4, starts: … («32.13.2026»)`."""
    out = []
    for error in errors:
        if error.code in events.ERRORS:
            text = t(f"event-error-{error.code}")
        else:
            text = t(f"event-csv-{error.code}")
        where = t("event-csv-where", line=error.line, column=error.column or "—")
        value = t("event-csv-value", value=error.value[:60]) if error.value else ""
        out.append(f"{where} {text}{value}")
    return out


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    """Written like the registrations export: commas, a BOM, formula cells made text."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow(header)
    for row in rows:
        writer.writerow(safe_cell(v) for v in row)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


async def export_plan(db: Database, since: datetime | None = None) -> tuple[bytes, int]:
    """The calendar as a plan file (cancelled events too, with their status and figures):
    the same columns `read_plan` takes, so a season can be copied into the next one."""
    rows: list[list[object]] = []
    for event in await events.all_events(db, since):
        counts = await events.counts(db, event.id)
        rows.append(
            [
                event.id,
                event.title_kk,
                event.title_ru,
                event.category,
                clock.in_shymkent(event.starts_at, LOCAL),
                clock.in_shymkent(event.ends_at, LOCAL),
                event.place_kk,
                event.place_ru,
                event.description_kk,
                event.description_ru,
                event.age_min,
                event.age_max,
                event.bring_kk,
                event.bring_ru,
                event.capacity,
                event.needs_registration,
                event.status,
                counts.confirmed,
                counts.waiting,
                counts.checked_in,
                counts.ratings,
                f"{counts.average:.1f}" if counts.average is not None else "",
            ]
        )
    return _csv(list(COLUMNS), rows), len(rows)


def attendees_csv(
    t: Translator, attendees: list[Attendee], ratings: list[Rating], places: dict[int, int]
) -> bytes:
    """An event's attendee list for Excel: confirmed, waiting (with the place in line),
    cancelled; form data only for events with registration; each person's score and
    comment. `places`: RSVP id → place in line."""
    scores = {r.user_id: r for r in ratings}
    rows: list[list[object]] = []
    for a in attendees:
        r = a.rsvp
        rating = scores.get(r.user_id)
        rows.append(
            [
                t(f"event-csv-status-{r.status}"),
                places.get(r.id, ""),
                r.code,
                clock.in_shymkent(r.checked_in_at) if r.checked_in_at else "",
                clock.in_shymkent(r.created_at),
                r.user_id,
                r.language or "",
                a.full_name,
                a.age,
                a.phone,
                t(f"district-{a.district}") if a.district else "",
                t(f"occupation-{a.occupation}") if a.occupation else "",
                rating.score if rating else "",
                rating.comment if rating and rating.comment else "",
            ]
        )
    return _csv([t(f"event-csv-col-{c}") for c in ATTENDEE_COLUMNS], rows)


def waiting_places(attendees: list[Attendee]) -> dict[int, int]:
    """RSVP id → place in line (1 = next), counted over the waiting rows in their order."""
    places: dict[int, int] = {}
    for a in attendees:
        if a.rsvp.status == "waiting":
            places[a.rsvp.id] = len(places) + 1
    return places
