"""A fake Telegram Bot API over real HTTP on 127.0.0.1, around the in-memory emulator."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web

from bot.sandbox.emulator import TelegramEmulator


class FakeTelegramServer:
    """Serves `/bot<token>/<method>` like api.telegram.org; `emulator` holds the state."""

    def __init__(self, emulator: TelegramEmulator | None = None) -> None:
        self.emulator = emulator or TelegramEmulator()
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
            params = {key: value if isinstance(value, str) else orjson.dumps(value).decode()
                      for key, value in body.items()}
            params["_files"] = {}
        elif request.can_read_body:
            form = await request.post()
            params = {key: value for key, value in form.items() if isinstance(value, str)}
            # Uploads arrive as multipart parts that the fields name as "attach://<part>".
            params["_files"] = {
                key: (value.filename, value.file.read())
                for key, value in form.items() if isinstance(value, web.FileField)
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
