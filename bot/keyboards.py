"""Keyboards of the hand-off and announcement screens, not yet in their own `bot.views`
module: callback data factories (short ASCII ids, well under 64 bytes) and pure builders."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import Flag, RowId, same_for_everyone
from bot.views.menu import AskCD, TopicCD


class TicketCD(CallbackData, prefix="k"):
    """Under a ticket in the operators' group: `s` shows its status, `c` closes it."""

    id: RowId
    do: str = "s"


@same_for_everyone
def ask_cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("handoff-cancel"), callback_data=AskCD(do="x"))
    return kb.as_markup()


def ticket_keyboard(status_label: str, ticket_id: int, *, close_label: str | None
                    ) -> InlineKeyboardMarkup:
    """Under a ticket in the operators' group: its status (press for details) and, while it
    is not closed, a close button. Labels are plain text: buttons take no HTML."""
    kb = InlineKeyboardBuilder()
    kb.button(text=status_label, callback_data=TicketCD(id=ticket_id))
    if close_label:
        kb.button(text=close_label, callback_data=TicketCD(id=ticket_id, do="c"))
    kb.adjust(1)
    return kb.as_markup()


# --- announcements ---


class SubscriptionCD(CallbackData, prefix="sb"):
    """Under each announcement: stop (`on=0`) or resume (`on=1`) announcements."""

    on: Flag


class BroadcastCD(CallbackData, prefix="bc"):
    """The admin's announcement flow and controls: `do` the step, `val` its choice."""

    do: str
    val: str = ""


def announcement_keyboard(t: Translator, *, kind: str | None, topic_id: str, title: str,
                          bot_username: str) -> InlineKeyboardMarkup:
    """Under an announcement: the chosen topic card or registration link, then "stop"."""
    kb = InlineKeyboardBuilder()
    if kind == "card":
        kb.button(text=t("bc-button-card", title=Html(title)), callback_data=TopicCD(id=topic_id))
    elif kind == "reg" and bot_username:
        kb.button(text=t("bc-button-reg", title=Html(title)),
                  url=f"https://t.me/{bot_username}?start=reg-{topic_id}")
    kb.button(text=t("sub-stop-button"), callback_data=SubscriptionCD(on=0))
    kb.adjust(1)
    return kb.as_markup()


def progress_keyboard(t: Translator, job_id: int, status: str) -> InlineKeyboardMarkup | None:
    """Pause/resume and cancel while a job can still change; nothing once it is over."""
    kb = InlineKeyboardBuilder()
    if status == "running":
        kb.button(text=t("bc-pause"), callback_data=BroadcastCD(do="pause", val=str(job_id)))
    elif status == "paused":
        kb.button(text=t("bc-resume"), callback_data=BroadcastCD(do="resume", val=str(job_id)))
    if status in ("running", "paused", "scheduled"):
        kb.button(text=t("bc-stop"), callback_data=BroadcastCD(do="stop", val=str(job_id)))
        kb.adjust(2)
        return kb.as_markup()
    return None


def choice_keyboard(t: Translator, do: str, choices: list[tuple[str, str]],
                    columns: int = 1) -> InlineKeyboardMarkup:
    """A step of the admin's flow: one button per (value, label), then "cancel"."""
    kb = InlineKeyboardBuilder()
    for value, label in choices:
        kb.button(text=label, callback_data=BroadcastCD(do=do, val=value))
    kb.adjust(columns)
    kb.row(InlineKeyboardButton(text=t("bc-cancel"),
                                callback_data=BroadcastCD(do="x").pack()))
    return kb.as_markup()


@same_for_everyone
def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("bc-send-now"), callback_data=BroadcastCD(do="go"))
    kb.button(text=t("bc-schedule"), callback_data=BroadcastCD(do="later"))
    kb.button(text=t("bc-change-audience"), callback_data=BroadcastCD(do="aud"))
    kb.button(text=t("bc-cancel"), callback_data=BroadcastCD(do="x"))
    kb.adjust(2, 1, 1)
    return kb.as_markup()


@same_for_everyone
def cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("bc-cancel"), callback_data=BroadcastCD(do="x"))
    return kb.as_markup()
