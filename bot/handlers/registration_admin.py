"""The department's side of registrations: status buttons in the admin chat and `/export`.

Every handler is behind `IsAdmin`, checked on each update: a non-admin's `/export` falls
through to the unknown-command reply, a forged status button to "out of date".
"""

from __future__ import annotations

import logging
import re

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import clock
from bot.catalog.store import ContentStore
from bot.choices import ADMIN_STATUSES
from bot.config import Settings
from bot.db.database import Database
from bot.filters import InOperatorsChat, InPrivate, IsAdmin
from bot.handlers.common import acknowledge
from bot.i18n import Translator
from bot.services import registrations
from bot.services.audit import Actor
from bot.services.export import registrations_csv
from bot.views.registration import (
    RegStatusCD,
    admin_card,
    admin_status_keyboard,
)
from bot.workers.registration_poster import RegistrationPoster

log = logging.getLogger(__name__)
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})$")


async def on_status(
    query: CallbackQuery,
    callback_data: RegStatusCD,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    settings: Settings,
    poster: RegistrationPoster,
) -> None:
    """Set a status from the admin chat; the young person hears of it in their language.

    Every message that shows a registration is recorded with the poster (the card opened
    from a digest, the card redrawn with its new status), so that /forget can reach it."""
    admin_t = content.i18n(settings.default_language)
    if callback_data.status == "open":
        reg = await registrations.get(db, callback_data.id)
        await acknowledge(query)
        if reg is not None and query.message is not None:
            card = await bot.send_message(
                query.message.chat.id,
                admin_card(admin_t, content.catalog, reg),
                reply_markup=admin_status_keyboard(admin_t, reg),
            )
            await poster.record(bot, card.chat.id, card.message_id, [reg])
        return
    if callback_data.status not in ADMIN_STATUSES:
        await acknowledge(query, t("button-outdated"))
        return
    changed = await registrations.change_status(
        db, callback_data.id, callback_data.status, Actor(query.from_user.id, "telegram")
    )
    if changed == registrations.CANCELLED_BY_USER:
        await acknowledge(query, admin_t("admin-status-cancelled"))
        await _redraw_pressed(query, bot, db, content, settings, callback_data.id)
        return
    if changed is None:
        await acknowledge(query, admin_t("admin-status-unchanged"))
        return
    await acknowledge(query, admin_t(f"status-{changed.status}"))
    pressed = None if query.message is None else (query.message.chat.id, query.message.message_id)
    await poster.show_status(bot, changed, query.from_user.full_name, pressed)


async def _redraw_pressed(
    query: CallbackQuery,
    bot: Bot,
    db: Database,
    content: ContentStore,
    settings: Settings,
    reg_id: int,
) -> None:
    """A card whose buttons are stale (the user cancelled): show it as it is now."""
    if not isinstance(query.message, Message):
        return
    reg = await registrations.get(db, reg_id)
    if reg is None:
        return
    admin_t = content.i18n(settings.default_language)
    try:
        await bot.edit_message_text(
            admin_card(admin_t, content.catalog, reg),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=admin_status_keyboard(admin_t, reg),
        )
    except TelegramBadRequest as exc:  # a digest, or already drawn this way
        log.info("could not redraw the pressed card: %s", exc.message)


async def cmd_export(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    poster: RegistrationPoster,
) -> None:
    """`/export [topic] [from] [to]`: a CSV of registrations (dates inclusive). Registrations
    past their retention period are stripped first: the file never holds what the consent
    text says is deleted (stripped rows are left out)."""
    topic_id, days = None, []
    for arg in (command.args or "").split():
        if DATE.match(arg):
            try:
                days.append(clock.parse_day(arg))
            except ValueError:
                await message.answer(t("export-usage"))
                return
        elif content.catalog.get(arg) is not None and topic_id is None:
            topic_id = arg
        else:
            await message.answer(t("export-usage"))
            return
    if len(days) > 2:
        await message.answer(t("export-usage"))
        return
    await poster.housekeep(bot)
    since = days[0].isoformat() if days else None
    until = days[1].isoformat() if len(days) > 1 else None
    by = Actor(message.chat.id, "telegram")  # a private chat: the admin's id
    rows = await registrations.export_rows(db, topic_id, since, until, by=by)
    if not rows:
        await message.answer(t("export-empty"))
        return
    data = registrations_csv(rows, content.catalog, t)
    name = f"registrations-{topic_id or 'all'}-{clock.today().isoformat()}.csv"
    await bot.send_document(
        message.chat.id,
        BufferedInputFile(data, filename=name),
        caption=t("export-caption", count=len(rows)),
    )


async def on_status_not_admin(
    query: CallbackQuery, content: ContentStore, settings: Settings
) -> None:
    """A group member who is not in ADMIN_IDS pressed a status button: say so, or their
    button would spin until Telegram gives up."""
    await acknowledge(
        query, content.i18n.get(settings.default_language, "admin-status-admins-only")
    )


async def on_unknown_group_button(
    query: CallbackQuery, content: ContentStore, settings: Settings
) -> None:
    """Any other press in the operators' chat no handler took (a forged or stale button)."""
    await acknowledge(query, content.i18n.get(settings.default_language, "button-outdated"))


def create_router() -> Router:
    router = Router(name="registration-admin")
    # The CSV holds personal data: only in an admin's private chat. Status buttons live on
    # the posts in the operators' chat (and on cards an admin opened there).
    router.message.register(cmd_export, Command("export"), IsAdmin(), InPrivate())
    router.callback_query.register(on_status, RegStatusCD.filter(), IsAdmin(), InOperatorsChat())
    router.callback_query.register(on_status_not_admin, RegStatusCD.filter(), InOperatorsChat())
    # Last of the operators' chat: the ticket router (`handoff.create_group_router`) comes
    # before this one, and the private routers never see the group.
    router.callback_query.register(on_unknown_group_button, InOperatorsChat())
    return router
