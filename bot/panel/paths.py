"""Where the panel lives: its URL prefix and the sign-in link `/panel` sends (no aiohttp
here, so the bot's handler can build the link without the web layer)."""

from __future__ import annotations

from urllib.parse import quote

PREFIX = "/panel"
SIGNIN = f"{PREFIX}/signin"


def signin_url(base: str, token: str) -> str:
    """The one-time link: `PANEL_URL` (or the local address) + the sign-in page."""
    return f"{base.rstrip('/')}{SIGNIN}?t={quote(token, safe='')}"
