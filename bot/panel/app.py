"""The panel's aiohttp application, mounted at `/panel` in the bot's own process: beside
polling on PANEL_HOST:PANEL_PORT (`PanelServer`), or inside the webhook's server."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiohttp import web

from bot.app import GracefulDispatcher
from bot.config import Settings
from bot.i18n import Translator
from bot.panel import announce_routes, content_routes, routes, ticket_routes
from bot.panel.context import PANEL, Panel, panel_of
from bot.panel.paths import PREFIX
from bot.panel.render import STATIC, environment, page
from bot.panel.security import (
    COOKIE,
    FORM,
    OPEN_PATHS,
    SESSION,
    TEXTS,
    Handler,
    clear_session_cookie,
    csrf_ok,
    headers_middleware,
    same_origin,
)
from bot.services import panel_auth, users

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # forms only: a few hundred ids at most


async def translator(request: web.Request, admin_id: int | None) -> Translator:
    """The admin's language in the bot (users table), else the default one."""
    panel = panel_of(request)
    lang = await users.language_of(panel.db, admin_id) if admin_id else None
    return panel.content.i18n(lang or panel.settings.default_language)


def error_page(
    request: web.Request, t: Translator, key: str, status: int, title: str = "panel-error-title"
) -> web.Response:
    panel = panel_of(request)
    return page(
        panel.env, "message.html", t, panel.content, status=status, title_key=title, text_key=key
    )


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No page without a live session of an admin still in ADMIN_IDS; no POST without
    the session's CSRF token from the panel's own origin."""
    panel = panel_of(request)
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    token = request.cookies.get(COOKIE, "")
    session = await panel_auth.current(panel.db, token, panel.settings.admin_ids) if token else None
    if session is None:
        t = await translator(request, None)
        response = error_page(request, t, "panel-signed-out", 401, "panel-signed-out-title")
        if token:
            clear_session_cookie(response)
        return response
    request[SESSION] = session
    request[TEXTS] = await translator(request, session.admin_id)
    if request.method == "POST":
        form = await request.post()
        request[FORM] = form
        sent = form.get("csrf")
        if not same_origin(request) or not csrf_ok(
            request, session, sent if isinstance(sent, str) else None
        ):
            return error_page(request, request[TEXTS], "panel-forbidden", 403)
    return await handler(request)


def create_panel(settings: Settings, dp: GracefulDispatcher, bot: Bot) -> web.Application:
    """The panel over the dispatcher's own services and workers."""
    app = web.Application(
        middlewares=[headers_middleware, session_middleware], client_max_size=MAX_BODY
    )
    app[PANEL] = Panel(
        settings=settings,
        db=dp["db"],
        content=dp["content"],
        poster=dp["poster"],
        bot=bot,
        env=environment(),
        broadcaster=dp["broadcaster"],
    )
    routes.add_routes(app)
    content_routes.add_routes(app)
    ticket_routes.add_routes(app)
    announce_routes.add_routes(app)
    app.router.add_static("/static", STATIC)
    return app


def mount(root: web.Application, panel: web.Application) -> None:
    """`/panel/…` served by the panel; `/` and `/panel` lead to it."""
    root.add_subapp(PREFIX, panel)

    async def to_panel(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"{PREFIX}/")

    root.router.add_get("/", to_panel)
    root.router.add_get(PREFIX, to_panel)


class PanelServer:
    """The panel on its own port beside long polling (`python -m bot`)."""

    def __init__(self, settings: Settings, dp: GracefulDispatcher, bot: Bot) -> None:
        self.settings = settings
        root = web.Application()
        mount(root, create_panel(settings, dp, bot))
        self.runner = web.AppRunner(root, access_log=None)  # paths carry sign-in tokens

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.panel_host, self.settings.panel_port)
        await site.start()
        log.info(
            "web panel on %s:%d (admins open %s%s/)",
            self.settings.panel_host,
            self.settings.panel_port,
            self.settings.panel_address,
            PREFIX,
        )

    async def stop(self) -> None:
        await self.runner.cleanup()
