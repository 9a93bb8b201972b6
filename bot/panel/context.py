"""What every panel route needs, held by the panel's aiohttp application."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import jinja2
from aiogram import Bot
from aiohttp import web

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.panel.security import Attempts
from bot.workers.broadcasts import Broadcaster
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
    broadcaster: Broadcaster
    attempts: Attempts = field(default_factory=Attempts)
    # One content save at a time: check, write and reload as one step.
    content_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    names: dict[int, str] = field(default_factory=dict)  # admin id → name in Telegram
    # The dashboard's figures and when they were read (monotonic): several admins opening
    # it within `DASHBOARD_FRESH` seconds share one reading of 100,000-row aggregates.
    dashboard: tuple[float, Any] | None = None


PANEL = web.AppKey("panel", Panel)


def panel_of(request: web.Request) -> Panel:
    return request.app[PANEL]
