"""A fake Telegram Bot API over real HTTP on 127.0.0.1, around the in-memory emulator, with
the failures tests inject (an API error for the next call, the gateway's HTML page)."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import orjson
from aiohttp import web

from bot.sandbox.emulator import TelegramEmulator
from bot.transport.html import ApiError

# What nginx in front of the Bot API says when it answers itself, as Telegram shows it.
GATEWAY_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}
# Whether the Bot API got the call before the gateway answered: 502/503 mean it could not be
# reached (or refused the connection); 504 that it did not answer in time, having got it.
GATEWAY_PROCESSED = {500: False, 502: False, 503: False, 504: True}


def gateway_page(status: int, reason: str) -> str:
    """The page nginx serves for its own errors (what api.telegram.org answers then)."""
    title = f"{status} {reason}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


class FaultyEmulator(TelegramEmulator):
    """The emulator as the tests' Telegram: failures can be injected call by call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._faults: deque[tuple[str | None, ApiError]] = deque()
        self._pages: deque[tuple[str | None, int, bool]] = deque()

    def fail_next(self, method: str | None, status: int, description: str, **params: Any) -> None:
        """Make the next call of `method` (any method if None) fail, e.g. 429 with retry_after."""
        self._faults.append((method, ApiError(status, description, **params)))

    def gateway_page_next(
        self, method: str | None, status: int, *, processed: bool | None = None
    ) -> None:
        """Make the next call of `method` (any if None) get the gateway's HTML page with HTTP
        `status` instead of the Bot API's JSON. `processed`: whether the Bot API did the
        work all the same (by default: only for 504, the gateway's timeout)."""
        done = GATEWAY_PROCESSED.get(status, False) if processed is None else processed
        self._pages.append((method, status, done))

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self._faults and self._faults[0][0] in (None, method):
            self.calls.append((method, params))
            return self.refuse(method, self._faults.popleft()[1])
        return super().handle(method, params)

    def handle_http(self, method: str, params: dict[str, Any]) -> tuple[int, bytes, str]:
        """`handle` as the HTTP front sees it: (status, body, content type). An injected
        gateway page replaces the JSON answer; a page for a processed call still does its
        work first."""
        page = next((p for p in self._pages if p[0] in (None, method)), None)
        if page is None:
            status, body = self.handle(method, params)
            return status, orjson.dumps(body), "application/json"
        self._pages.remove(page)
        _, status, processed = page
        if processed:
            self.handle(method, params)
        else:
            self.calls.append((method, params))
        reason = GATEWAY_REASONS.get(status, "Error")
        self.refused.append((method, status, f"gateway page: {status} {reason}"))
        return status, gateway_page(status, reason).encode(), "text/html"


class FakeTelegramServer:
    """Serves `/bot<token>/<method>` like api.telegram.org; `emulator` holds the state."""

    def __init__(self, emulator: FaultyEmulator | None = None) -> None:
        self.emulator = emulator or FaultyEmulator()
        self.tokens: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._hangs: list[tuple[str | None, float]] = []
        self.hung = asyncio.Event()  # set when a hung call has been answered at last
        self.holding = asyncio.Event()  # set when a hung call has arrived and is held

    def hang_next(self, method: str | None, seconds: float) -> None:
        """Hold the next call of `method` (any if None) for `seconds` before handling it, as
        a slow Telegram does: the client may time out, yet the call still takes effect."""
        self._hangs.append((method, seconds))
        self.hung.clear()
        self.holding.clear()

    async def start(self) -> FakeTelegramServer:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.tokens.add(request.match_info["token"])
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            # As the real Bot API server does: a JSON body becomes the same string fields a
            # form would carry (nested objects and numbers as their JSON text).
            body = orjson.loads(await request.read())
            params = {
                key: value if isinstance(value, str) else orjson.dumps(value).decode()
                for key, value in body.items()
            }
            params["_files"] = {}
        elif request.can_read_body:
            form = await request.post()
            params = {key: value for key, value in form.items() if isinstance(value, str)}
            # Uploads arrive as multipart parts that the fields name as "attach://<part>".
            params["_files"] = {
                key: (value.filename, value.file.read())
                for key, value in form.items()
                if isinstance(value, web.FileField)
            }
        if method.lower() == "getupdates":
            await self._wait_for_updates(params)
        hang = next((h for h in self._hangs if h[0] in (None, method)), None)
        if hang is not None:
            self._hangs.remove(hang)
            self.holding.set()
            await asyncio.sleep(hang[1])
        status, body, content_type = self.emulator.handle_http(method, params)
        if hang is not None:
            self.hung.set()
        return web.Response(body=body, status=status, content_type=content_type)

    async def _wait_for_updates(self, params: dict[str, Any]) -> None:
        """Long polling: hold the request until an update arrives or the timeout passes."""
        timeout = min(float(params.get("timeout") or 0), 2.0)
        offset = params.get("offset")
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if self.emulator.take_updates(int(offset) if offset else None):
                return
            await asyncio.sleep(0.01)
