"""Webhook mode (`python -m bot --webhook`): Telegram posts updates to an aiohttp server.

Polling stays the default: it needs no public address. With a reverse proxy (nginx, Caddy)
terminating HTTPS, a webhook saves the long-poll round trips. Requests must carry
`X-Telegram-Bot-Api-Secret-Token` equal to `WEBHOOK_SECRET` (aiogram answers 401 otherwise),
and `/healthz` tells a monitor whether the bot and its database answer.

Telegram posts an update again when it did not get a 2xx in time, so the last
`RECENT_UPDATES` update ids are remembered and a repeat is answered 200 without being
handled twice. A body that is not an update gets 400 (not 500: that would make Telegram
retry it for ever). At shutdown the server stops taking requests, then the dispatcher lets
the updates in hand finish (`GracefulDispatcher`), and only then is the session closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.app import GracefulDispatcher, SetupCalls
from bot.config import Settings
from bot.db.database import Database

log = logging.getLogger(__name__)
DB = web.AppKey("db", Database)
RECENT_UPDATES = 1000  # update ids remembered against Telegram's repeats


class RecentIds:
    """The last `size` ids seen, oldest forgotten first."""

    def __init__(self, size: int = RECENT_UPDATES) -> None:
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self.size = size

    def add(self, value: int) -> bool:
        """Remember `value`; False when it was already there (a repeat)."""
        if value in self._seen:
            return False
        self._order.append(value)
        self._seen.add(value)
        if len(self._order) > self.size:
            self._seen.discard(self._order.popleft())
        return True


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler with a repeat window, 400 for a body that is not an update, 503
    once shutdown began (Telegram keeps the update and posts it again later), and no
    session closing of its own: `build_app` closes it after the updates in hand."""

    dispatcher: GracefulDispatcher

    def __init__(self, dispatcher: GracefulDispatcher, bot: Bot, **kwargs: Any) -> None:
        super().__init__(dispatcher, bot, **kwargs)
        self.recent = RecentIds()

    def register(self, app: web.Application, /, path: str, **kwargs: Any) -> None:
        app.router.add_route("POST", path, self.handle, **kwargs)

    async def handle(self, request: web.Request) -> web.Response:
        bot = self.bot
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), bot):
            return web.Response(body="Unauthorized", status=401)
        if self.dispatcher.draining:
            return web.Response(body="Shutting down", status=503)
        try:
            update = Update.model_validate(
                await request.json(loads=bot.session.json_loads), context={"bot": bot}
            )
        except (ValueError, ValidationError) as exc:  # not JSON, or JSON but no update
            log.warning("webhook: a request that is not an update (%s)", type(exc).__name__)
            return web.Response(body="Bad Request", status=400)
        if not self.recent.add(update.update_id):
            log.info("webhook: update %d again, already taken", update.update_id)
            return web.json_response({})
        if self.handle_in_background:
            self.dispatcher.hold(asyncio.create_task(self._feed(bot, update)))
            return web.json_response({}, dumps=bot.session.json_dumps)
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def _feed(self, bot: Bot, update: Update) -> None:
        """Handle an update already answered with 200 (the background task)."""
        try:
            result = await self.dispatcher.feed_update(bot, update, **self.data)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=bot, result=result)
        except Exception as exc:  # nobody awaits this task: say it here, once
            log.error("webhook: update %d failed: %s", update.update_id, type(exc).__name__)


def webhook_path(settings: Settings) -> str:
    """The local path to serve: the path of `WEBHOOK_URL` (`/` becomes `/webhook`)."""
    path = urlsplit(settings.webhook_url or "").path.rstrip("/")
    return path or "/webhook"


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers a query; 503 otherwise (for systemd / a monitor)."""
    db = request.app[DB]
    try:
        await db.ping()
    except Exception as exc:  # any failure means "unhealthy", and the monitor must hear it
        log.error("health check: database does not answer: %s", type(exc).__name__)
        return web.json_response({"ok": False, "database": "error"}, status=503)
    return web.json_response({"ok": True})


def build_app(
    dp: GracefulDispatcher, bot: Bot, settings: Settings, db: Database, *, background: bool = True
) -> web.Application:
    """The aiohttp application; `background=False` answers after the update is handled
    (tests); Telegram gets its 200 at once in production, so a slow handler never makes it
    resend the update."""
    if settings.webhook_secret is None:
        raise ValueError("WEBHOOK_SECRET is required in webhook mode")
    app = web.Application()
    app[DB] = db
    app.router.add_get("/healthz", healthz)
    WebhookHandler(
        dp,
        bot,
        handle_in_background=background,
        secret_token=settings.webhook_secret.get_secret_value(),
    ).register(app, path=webhook_path(settings))
    workflow = {"app": app, "dispatcher": dp, "bot": bot, **dp.workflow_data}

    async def on_startup(_: web.Application) -> None:
        await dp.emit_startup(**workflow)

    async def on_shutdown(_: web.Application) -> None:
        """The server no longer takes requests: let the updates in hand finish (inside
        `emit_shutdown`), stop the workers and write form states, then close the session."""
        try:
            await dp.emit_shutdown(**workflow)
        finally:
            await bot.session.close()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    dp.startup.register(_set_webhook)
    return app


async def _set_webhook(
    bot: Bot, dispatcher: GracefulDispatcher, settings: Settings, setup_calls: SetupCalls
) -> None:
    """Tell Telegram where to post, with the secret and only the update types we handle; if
    Telegram fails the call, the server starts anyway and the call is made again."""
    url, secret = settings.webhook_url, settings.webhook_secret
    assert url is not None and secret is not None

    async def call() -> None:
        await bot.set_webhook(
            url,
            secret_token=secret.get_secret_value(),
            allowed_updates=dispatcher.resolve_used_update_types(),
            drop_pending_updates=False,
        )
        log.info("webhook set for %s", urlsplit(url).netloc)

    await setup_calls.run("setWebhook", call)
