"""Commands for the department's admins (`ADMIN_IDS`): /gaps, /stats and /reload.

The router carries `IsAdmin` for messages and buttons alike: a non-admin's /gaps falls
through to the "unknown command" reply, as if the command did not exist.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.catalog.loader import ContentError
from bot.catalog.store import ContentStore
from bot.db.database import Database
from bot.filters import IsAdmin
from bot.formatting import split_blocks
from bot.handlers.common import send_chunks
from bot.i18n import Html, Translator, escape
from bot.services import reports

log = logging.getLogger(__name__)
GAP_TEXT = 200  # characters of a logged question shown in the report
STATUSES = ("new", "contacted", "enrolled", "declined", "cancelled")


def _days(command: CommandObject, default: int = 30) -> int:
    """`/gaps 7` → 7 days; anything else (`²`, which `isdigit` takes and `int` does not,
    or a number of a thousand digits) → the default."""
    arg = (command.args or "").strip()
    return reports.clamp_days(int(arg)) if arg.isdecimal() and len(arg) <= 6 else default


def gaps_report(t: Translator, content: ContentStore, days: int,
                found: list[reports.Gap]) -> list[str]:
    if not found:
        return [t("admin-gaps-empty", days=days)]
    blocks = [t("admin-gaps-title", days=days)]
    for i, gap in enumerate(found, 1):
        text = gap.text if len(gap.text) <= GAP_TEXT else gap.text[:GAP_TEXT] + "…"
        line = t("admin-gaps-line", n=i, count=gap.count, text=text,
                 unanswered=gap.unanswered, not_helpful=gap.not_helpful)
        if gap.topics:
            titles = [_title(content, t, tid) for tid in gap.topics]
            line += "\n" + t("admin-gaps-topics", topics=", ".join(titles))
        blocks.append(line)
    return split_blocks(blocks)


def _title(content: ContentStore, t: Translator, topic_id: str) -> str:
    topic = content.catalog.get(topic_id)
    return topic.text(t.lang).title if topic else topic_id


def _duration(t: Translator, value: timedelta | None) -> str:
    if value is None:
        return t("admin-stats-no-data")
    minutes = int(value.total_seconds() // 60)
    return t("admin-duration", hours=minutes // 60, minutes=minutes % 60)


def stats_report(t: Translator, content: ContentStore, s: reports.Stats) -> str:
    registrations = []
    for topic_id, by_status in s.registrations.items():
        counts = ", ".join(t(f"admin-reg-{status}", n=by_status[status])
                           for status in STATUSES if status in by_status)
        registrations.append(f"• {escape(_title(content, t, topic_id))}: {counts}")
    rate = s.answer_rate
    return t(
        "admin-stats",
        days=s.days, users=s.users, active7=s.active_7, active30=s.active_30,
        kk=s.languages.get("kk", 0), ru=s.languages.get("ru", 0),
        unset=s.languages.get("", 0), subscribed=s.subscribed, blocked=s.blocked,
        registrations=Html("\n".join(registrations) or escape(t("admin-stats-no-data"))),
        open=s.tickets.get("open", 0), answered=s.tickets.get("answered", 0),
        closed=s.tickets.get("closed", 0), median=_duration(t, s.median_answer),
        questions=s.questions, bot_answered=s.answered,
        rate=t("admin-stats-no-data") if rate is None else f"{rate}%",
        helpful=s.helpful, not_helpful=s.not_helpful,
        crisis=", ".join(f"{t(f'crisis-kind-{kind}')} {n}" for kind, n in sorted(s.crisis.items()))
        or t("admin-stats-no-data"),
    )


async def cmd_gaps(message: Message, command: CommandObject, t: Translator, db: Database,
                   content: ContentStore) -> None:
    days = _days(command)
    found = await reports.gaps(db, days)
    await send_chunks(message, gaps_report(t, content, days, found))


async def cmd_stats(message: Message, command: CommandObject, t: Translator, db: Database,
                    content: ContentStore) -> None:
    figures = await reports.stats(db, _days(command))
    await message.answer(stats_report(t, content, figures))


RELOAD_LINES = 15  # problems listed in the chat; the command line prints them all


def reload_content(content: ContentStore) -> tuple[list[str], list[str], int]:
    """Check the folder and swap it in: (errors, warnings, topics). On any error the
    running content stays as it was (`ContentStore.reload` loads fully before swapping).
    The checks are `check-content`'s, texts included: one reading, checked and used."""
    try:
        catalog = content.reload()
    except ContentError as exc:
        return exc.errors, [], 0
    return [], catalog.warnings, len(catalog.topics)


async def cmd_reload(message: Message, t: Translator, content: ContentStore) -> None:
    """Re-read `content/` without a restart; a broken edit is reported, not applied."""
    # Reading and indexing take a moment: off the event loop, so other users are served.
    errors, warnings, topics = await asyncio.to_thread(reload_content, content)
    if not errors:
        log.info("content reloaded: %d topics, %d warnings", topics, len(warnings))
        await message.answer(t("admin-reload-ok", topics=topics, warnings=len(warnings)))
        return
    log.warning("content reload refused: %d errors", len(errors))
    lines = [f"• {escape(line)}" for line in errors[:RELOAD_LINES]]
    if len(errors) > RELOAD_LINES:
        lines.append(t("admin-reload-more", count=len(errors) - RELOAD_LINES))
    text = "\n".join([t("admin-reload-failed", count=len(errors)), *lines])
    await send_chunks(message, split_blocks([text]))


def create_router() -> Router:
    """A fresh router per dispatcher; admins only, for messages and buttons."""
    router = Router(name="admin")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(cmd_gaps, Command("gaps"))
    router.message.register(cmd_stats, Command("stats"))
    router.message.register(cmd_reload, Command("reload"))
    return router
