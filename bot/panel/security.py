"""The panel's guards: security headers, the session cookie, admin re-check, CSRF, and
the rate limit on bad sign-in links.

- Every page but sign-in needs a live session (`bot.services.panel_auth.current`), which
  re-checks `ADMIN_IDS` on every request; without one a page answers 401.
- Every POST carries the session's CSRF token (form field `csrf`, or the `X-CSRF-Token`
  header htmx sends); a request from another origin is refused before that.
- The cookie is HttpOnly, SameSite=Strict, path `/panel`, and Secure when the panel is
  reached over HTTPS: `PANEL_URL` starts with https://, or a proxy on this machine says
  `X-Forwarded-Proto: https` (a header from anyone else is ignored).
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections import deque
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy

from bot.config import Settings
from bot.db.panel_sessions import PanelSession
from bot.i18n import Translator
from bot.panel.paths import PREFIX

COOKIE = "jastar_panel"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# What `session_middleware` puts on a request: its session, the admin's texts, the form.
SESSION = web.RequestKey("panel_session", PanelSession)
TEXTS = web.RequestKey("panel_texts", Translator)
FORM = web.RequestKey("panel_form", MultiDictProxy[str | bytes | bytearray | FileField])
# Pages that need no session: the sign-in page and the static files.
OPEN_PATHS = (f"{PREFIX}/signin", f"{PREFIX}/static/")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def trusted_proxy(request: web.Request) -> bool:
    """A reverse proxy on this machine (nginx in front): its forwarded headers count."""
    peer = request.remote or ""
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


def over_https(request: web.Request, settings: Settings) -> bool:
    if request.secure or (settings.panel_url or "").startswith("https://"):
        return True
    return trusted_proxy(request) and request.headers.get("X-Forwarded-Proto") == "https"


def client_key(request: web.Request) -> str:
    """Who is knocking, for the rate limit: the proxy's X-Real-IP / last X-Forwarded-For
    hop when the proxy is ours, else the peer address."""
    if trusted_proxy(request):
        forwarded = (
            request.headers.get("X-Real-IP")
            or request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        )
        if forwarded:
            return forwarded
    return request.remote or "?"


def set_session_cookie(
    response: web.StreamResponse, request: web.Request, settings: Settings, token: str
) -> None:
    response.set_cookie(
        COOKIE,
        token,
        path=PREFIX,
        httponly=True,
        samesite="Strict",
        secure=over_https(request, settings),
        max_age=12 * 3600,
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=PREFIX)


class Attempts:
    """Bad sign-in links (unknown, used, expired) per client in a sliding window; past
    `limit` the client gets 429 until the window moves on. `overall` caps everyone
    together, so many addresses guessing at once are slowed down too."""

    def __init__(self, limit: int = 10, window: float = 600.0, overall: int = 100) -> None:
        self.limit = limit
        self.window = window
        self.overall = overall
        self._by_client: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _trim(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    def blocked(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self._trim(self._all, now)
        times = self._by_client.get(client)
        if times is not None:
            self._trim(times, now)
            if not times:
                del self._by_client[client]
                times = None
        return len(self._all) >= self.overall or (times is not None and len(times) >= self.limit)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._by_client.setdefault(client, deque()).append(now)
        self._all.append(now)


def csrf_ok(request: web.Request, session: PanelSession, sent: str | None) -> bool:
    """The form's (or htmx header's) token matches the session's."""
    token = sent or request.headers.get("X-CSRF-Token") or ""
    return hmac.compare_digest(token.encode(), session.csrf.encode())


def same_origin(request: web.Request) -> bool:
    """A browser's POST says where it comes from; another site's is refused (a request
    with no Origin, such as from curl, is left to the CSRF token)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("X-Forwarded-Host") if trusted_proxy(request) else None
    host = host or request.host
    return origin.split("://", 1)[-1].rstrip("/") == host


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every answer, errors included; pages are never cached."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _decorate(response, request)
        raise
    _decorate(response, request)
    return response


def _decorate(response: web.StreamResponse, request: web.Request) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"  # no-referrer makes Origin "null"
    response.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith(f"{PREFIX}/static/"):
        response.headers["Cache-Control"] = "no-store"


def session_of(request: web.Request) -> PanelSession:
    """The request's session (pages behind `session_middleware` always have one)."""
    return request[SESSION]
