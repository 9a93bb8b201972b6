"""An event as an iCalendar file (RFC 5545), written here: the format needs a dozen lines.

Times are in UTC ("Z"), so no VTIMEZONE block is needed and every calendar shows Shymkent
time correctly; text values escape backslash, comma, semicolon and newlines; lines end with
CRLF and are folded at 75 octets (never inside a UTF-8 character).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot import clock
from bot.config import Language
from bot.db.events import Event

PRODID = "-//Jastar bot//Shymkent youth events//KK"
UID_DOMAIN = "jastar-bot.shymkent"
FOLD_AT = 75


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF + space (§3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = FOLD_AT
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = "", 0
            limit = FOLD_AT - 1  # continuation lines start with a space
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime | str) -> str:
    if isinstance(moment, str):
        moment = clock.parse_iso(moment)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render(event: Event, lang: Language, now: datetime, url: str | None = None) -> bytes:
    """The .ics file of one event in the user's language."""
    description = event.description(lang)
    bring = event.bring(lang)
    if bring:
        description = f"{description}\n\n{bring}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{escape(event.title(lang))}",
        f"LOCATION:{escape(event.place(lang))}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if url:
        lines.append(f"URL:{url}")
    if not event.active:
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
