"""Links into the bot that leave Telegram: posters, QR codes, announcements."""

from __future__ import annotations

import re

USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def registration_link(username: str, topic_id: str) -> str:
    """`https://t.me/<bot>?start=reg-<topic>`: opens the form for that programme."""
    username = username.removeprefix("@")
    if not USERNAME.match(username):
        raise ValueError(f"not a Telegram username: {username!r}")
    return f"https://t.me/{username}?start=reg-{topic_id}"


def event_link(username: str, event_id: int) -> str:
    """`https://t.me/<bot>?start=ev-<id>`: opens the event's card."""
    username = username.removeprefix("@")
    if not USERNAME.match(username):
        raise ValueError(f"not a Telegram username: {username!r}")
    return f"https://t.me/{username}?start=ev-{event_id}"


def qr_png(text: str) -> bytes:
    """A QR code as PNG bytes (a check-in code on the user's card)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def write_qr_png(link: str, out: str) -> None:
    """A printable QR code (error correction M, 10 px modules, the standard quiet zone)."""
    import segno  # only this command needs it

    segno.make(link, error="m", micro=False).save(out, kind="png", scale=10, border=4)
