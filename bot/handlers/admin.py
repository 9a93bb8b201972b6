"""Commands for the department's admins (`ADMIN_IDS`): /gaps, /stats and /reload.

The router carries `IsAdmin` for messages and buttons alike: a non-admin's /gaps falls
through to the "unknown command" reply, as if the command did not exist.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.catalog.store import ContentStore
from bot.db.database import Database
from bot.filters import IsAdmin
from bot.handlers.common import send_chunks
from bot.i18n import Translator
from bot.services import content_admin, reports
from bot.services.audit import Actor
from bot.views.admin import gaps_report, reload_failed, stats_report

log = logging.getLogger(__name__)


def _days(command: CommandObject, default: int = 30) -> int:
    """`/gaps 7` → 7 days; anything else (`²`, which `isdigit` takes and `int` does not,
    or a number of a thousand digits) → the default."""
    arg = (command.args or "").strip()
    return reports.clamp_days(int(arg)) if arg.isdecimal() and len(arg) <= 6 else default


async def cmd_gaps(
    message: Message, command: CommandObject, t: Translator, db: Database, content: ContentStore
) -> None:
    days = _days(command)
    found = await reports.gaps(db, days)
    await send_chunks(message, gaps_report(t, content, days, found))


async def cmd_stats(
    message: Message, command: CommandObject, t: Translator, db: Database, content: ContentStore
) -> None:
    figures = await reports.stats(db, _days(command))
    await message.answer(stats_report(t, content, figures))


async def cmd_reload(message: Message, t: Translator, content: ContentStore, db: Database) -> None:
    """Re-read `content/` without a restart; a broken edit is reported, not applied."""
    result = await content_admin.reload(db, content, Actor(message.chat.id, "telegram"))
    errors, warnings, topics = result.errors, result.warnings, result.topics
    if not errors:
        log.info("content reloaded: %d topics, %d warnings", topics, len(warnings))
        await message.answer(t("admin-reload-ok", topics=topics, warnings=len(warnings)))
        return
    log.warning("content reload refused: %d errors", len(errors))
    await send_chunks(message, reload_failed(t, errors))


def create_router() -> Router:
    """A fresh router per dispatcher; admins only, for messages and buttons."""
    router = Router(name="admin")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(cmd_gaps, Command("gaps"))
    router.message.register(cmd_stats, Command("stats"))
    router.message.register(cmd_reload, Command("reload"))
    return router
