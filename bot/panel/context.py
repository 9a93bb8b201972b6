"""What every panel route needs, held by the panel's aiohttp application."""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2
from aiogram import Bot
from aiohttp import web

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.panel.security import Attempts
from bot.workers.registration_poster import RegistrationPoster


@dataclass
class Panel:
    """The bot's own services and workers (the same objects the dispatcher holds), the
    templates and the sign-in rate limit."""

    settings: Settings
    db: Database
    content: ContentStore
    poster: RegistrationPoster
    bot: Bot
    env: jinja2.Environment
    attempts: Attempts = field(default_factory=Attempts)
    names: dict[int, str] = field(default_factory=dict)  # admin id → name in Telegram


PANEL = web.AppKey("panel", Panel)


def panel_of(request: web.Request) -> Panel:
    return request.app[PANEL]
