"""Callback data factories (short ASCII ids, well under 64 bytes) and pure keyboard builders."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import Field

from bot.catalog.loader import Catalog
from bot.config import Language
from bot.i18n import Html, Translator
from bot.speedups import InlineKeyboardBuilder

Markup = TypeVar("Markup")
SCALARS = (str, int, float, bool, type(None))
KEYBOARDS_KEPT = 512
# Ids that travel in buttons are database row ids. SQLite's integers are signed 64-bit, so a
# forged button with 2**64 in it would fail in the query; bounded, it fails to unpack and is
# "out of date" like any other button the bot did not make.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=0, le=MAX_ID)]
Flag = Annotated[int, Field(ge=0, le=1)]


def same_for_everyone(build: Callable[..., Markup]) -> Callable[..., Markup]:
    """Build a keyboard once per language, texts and arguments, then hand out that one.

    Menus are the same for every user who reads a language, and building one costs dozens
    of pydantic objects. Markups are never changed after building, so sharing is safe. The
    texts (and a catalog argument) are compared by identity, so `/reload` starts afresh;
    the cache holds them, so an id is never reused while its entry lives.
    """
    kept: OrderedDict[tuple[Any, ...], tuple[Any, Markup]] = OrderedDict()

    @functools.wraps(build)
    def cached(t: Translator, *args: Any, **kwargs: Any) -> Markup:
        key = (t.lang, id(t.texts), *(a if isinstance(a, SCALARS) else id(a) for a in args),
               *sorted(kwargs.items()))
        hit = kept.get(key)
        if hit is not None:
            kept.move_to_end(key)
            return hit[1]
        markup = build(t, *args, **kwargs)
        kept[key] = ((t.texts, args), markup)
        if len(kept) > KEYBOARDS_KEPT:
            kept.popitem(last=False)
        return markup

    return cached


class LangCD(CallbackData, prefix="l"):
    code: str


class MenuCD(CallbackData, prefix="m"):
    """A main-menu destination: `main`, `cats`, `lang`, `help`."""

    to: str


class CategoryCD(CallbackData, prefix="c"):
    id: str


class RegisterCD(CallbackData, prefix="r"):
    """Start registration for a programme."""

    id: str


class TopicCD(CallbackData, prefix="t"):
    """A topic card (`view="c"`) or its full text (`view="f"`)."""

    id: str
    view: str = "c"


class NotThisCD(CallbackData, prefix="n"):
    """"Not what I asked" under a free-text answer; `q` is the question-log row (0: unknown)."""

    id: str
    q: RowId = 0


class AskCD(CallbackData, prefix="a"):
    """"Ask a specialist": `go` starts the question, `x` cancels it."""

    do: str = "go"


class FeedbackCD(CallbackData, prefix="f"):
    """"Helpful" (`ok=1`) or "not helpful" (`ok=0`) for the question-log row `q`."""

    q: RowId
    ok: Flag


class CrisisCD(CallbackData, prefix="cr"):
    """"Write to a specialist now" under a crisis answer: `m` is the user's own message,
    which is copied to the operators' group only when they press the button."""

    m: int
    c: str = ""  # the detector's category, for the operators' header


class TicketCD(CallbackData, prefix="k"):
    """Under a ticket in the operators' group: `s` shows its status, `c` closes it."""

    id: RowId
    do: str = "s"


@same_for_everyone
def language_keyboard(t: Translator, current: Language | None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in ("kk", "ru"):
        label = t(f"lang-button-{code}")
        if code == current:
            label = f"✅ {label}"
        kb.button(text=label, callback_data=LangCD(code=code))
    kb.adjust(2)
    return kb.as_markup()


@same_for_everyone
def main_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("menu-programmes"), callback_data=MenuCD(to="cats"))
    kb.button(text=t("menu-contacts"), callback_data=TopicCD(id="contacts"))
    kb.button(text=t("menu-ask"), callback_data=AskCD())
    kb.button(text=t("menu-language"), callback_data=MenuCD(to="lang"))
    kb.button(text=t("menu-help"), callback_data=MenuCD(to="help"))
    kb.adjust(1, 1, 1, 2)
    return kb.as_markup()


@same_for_everyone
def categories_keyboard(t: Translator, catalog: Catalog) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in catalog.visible_categories():
        kb.button(text=category.title(t.lang), callback_data=CategoryCD(id=category.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def topics_keyboard(t: Translator, catalog: Catalog, category_id: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for topic in catalog.in_category(category_id):
        kb.button(text=topic.text(t.lang).title, callback_data=TopicCD(id=topic.id))
    kb.button(text=t("button-back"), callback_data=MenuCD(to="cats"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def topic_keyboard(
    t: Translator, topic_id: str, category_id: str, *, registration_open: bool,
    full: bool = False,
) -> InlineKeyboardMarkup:
    """Under a card: more (unless already showing it), register if open, back, menu."""
    kb = InlineKeyboardBuilder()
    if not full:
        kb.button(text=t("button-more"), callback_data=TopicCD(id=topic_id, view="f"))
    if registration_open:
        kb.button(text=t("button-register"), callback_data=RegisterCD(id=topic_id))
    kb.button(text=t("button-back"), callback_data=CategoryCD(id=category_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def back_to_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    return kb.as_markup()


def answer_keyboard(t: Translator, topic_id: str, *, registration_open: bool,
                    question_id: int | None = None) -> InlineKeyboardMarkup:
    """Under a free-text answer: helpful / not helpful (when the question was logged), the
    full card, register if open, "not what I asked". (A crisis answer has its own keyboard,
    `crisis_keyboard`, which asks for no rating.)"""
    kb = InlineKeyboardBuilder()
    sizes = []
    if question_id:
        kb.button(text=t("answers-helpful"), callback_data=FeedbackCD(q=question_id, ok=1))
        kb.button(text=t("answers-not-helpful"), callback_data=FeedbackCD(q=question_id, ok=0))
        sizes.append(2)
    kb.button(text=t("answers-open-card"), callback_data=TopicCD(id=topic_id))
    if registration_open:
        kb.button(text=t("button-register"), callback_data=RegisterCD(id=topic_id))
    kb.button(text=t("answers-not-this"), callback_data=NotThisCD(id=topic_id, q=question_id or 0))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(*sizes, 1)
    return kb.as_markup()


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus the helpful / not-helpful row, once the user has rated."""
    if markup is None:
        return None
    prefix = f"{FeedbackCD.__prefix__}:"
    rows = [[b for b in row if not (b.callback_data or "").startswith(prefix)]
            for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def crisis_keyboard(t: Translator, message_id: int | None, topic_id: str,
                    category: str = "") -> InlineKeyboardMarkup:
    """Under a crisis answer: a person now (when there is an operators' group to reach),
    the psychological-help card, the menu. No rating, no "not what I asked"."""
    kb = InlineKeyboardBuilder()
    if message_id is not None:
        kb.button(text=t("crisis-button-write"), callback_data=CrisisCD(m=message_id, c=category))
    kb.button(text=t("answers-open-card"), callback_data=TopicCD(id=topic_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def specialist_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """When the bot could not help: ask a person, browse the programmes, or the menu."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("menu-ask"), callback_data=AskCD())
    kb.button(text=t("menu-programmes"), callback_data=MenuCD(to="cats"))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


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


def choices_keyboard(t: Translator, topics: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Several likely topics as buttons (id, title), then the menu."""
    kb = InlineKeyboardBuilder()
    for topic_id, title in topics:
        kb.button(text=title, callback_data=TopicCD(id=topic_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
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
