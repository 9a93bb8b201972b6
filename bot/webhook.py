"""Webhook mode (`python -m bot --webhook`): Telegram posts updates to an aiohttp server.

Polling stays the default: it needs no public address. With a reverse proxy (nginx, Caddy)
terminating HTTPS, a webhook saves the long-poll round trips. Requests must carry
`X-Telegram-Bot-Api-Secret-Token` equal to `WEBHOOK_SECRET` (aiogram answers 401 otherwise),
and `/healthz` tells a monitor whether the bot and its database answer.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import SetupCalls
from bot.config import Settings
from bot.db.database import Database

log = logging.getLogger(__name__)
DB = web.AppKey("db", Database)


def webhook_path(settings: Settings) -> str:
    """The local path to serve: the path of `WEBHOOK_URL` (`/` becomes `/webhook`)."""
    path = urlsplit(settings.webhook_url or "").path.rstrip("/")
    return path or "/webhook"


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers a query; 503 otherwise (for systemd / a monitor)."""
    db = request.app[DB]
    try:
        await db.fetch_one("SELECT 1")
    except Exception as exc:  # any failure means "unhealthy", and the monitor must hear it
        log.error("health check: database does not answer: %s", type(exc).__name__)
        return web.json_response({"ok": False, "database": "error"}, status=503)
    return web.json_response({"ok": True})


def build_app(dp: Dispatcher, bot: Bot, settings: Settings, db: Database, *,
              background: bool = True) -> web.Application:
    """The aiohttp application; `background=False` answers after the update is handled
    (tests); Telegram gets its 200 at once in production, so a slow handler never makes it
    resend the update."""
    if settings.webhook_secret is None:
        raise ValueError("WEBHOOK_SECRET is required in webhook mode")
    app = web.Application()
    app[DB] = db
    app.router.add_get("/healthz", healthz)
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, handle_in_background=background,
        secret_token=settings.webhook_secret.get_secret_value(),
    ).register(app, path=webhook_path(settings))
    setup_application(app, dp, bot=bot)
    dp.startup.register(_set_webhook)
    return app


async def _set_webhook(bot: Bot, dispatcher: Dispatcher, settings: Settings,
                       setup_calls: SetupCalls) -> None:
    """Tell Telegram where to post, with the secret and only the update types we handle; if
    Telegram fails the call, the server starts anyway and the call is made again."""
    url, secret = settings.webhook_url, settings.webhook_secret
    assert url is not None and secret is not None

    async def call() -> None:
        await bot.set_webhook(url, secret_token=secret.get_secret_value(),
                              allowed_updates=dispatcher.resolve_used_update_types(),
                              drop_pending_updates=False)
        log.info("webhook set for %s", urlsplit(url).netloc)

    await setup_calls.run("setWebhook", call)
