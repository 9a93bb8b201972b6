"""The answer screens: a free-text answer (confident, unsure, unknown), the crisis answer and
the follow-up, and the buttons under them (rating, "not what I asked", a specialist)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message

from bot.catalog.search import CRISIS_TOPIC
from bot.config import Settings
from bot.formatting import content_html
from bot.i18n import Translator, escape
from bot.services.answers import Answer
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import Flag, RowId, same_for_everyone
from bot.views.menu import AskCD, MenuCD, RegisterCD, TopicCD


class NotThisCD(CallbackData, prefix="n"):
    """ "Not what I asked" under a free-text answer; `q` is the question-log row (0: unknown)."""

    id: str
    q: RowId = 0


class FeedbackCD(CallbackData, prefix="f"):
    """ "Helpful" (`ok=1`) or "not helpful" (`ok=0`) for the question-log row `q`."""

    q: RowId
    ok: Flag


class CrisisCD(CallbackData, prefix="cr"):
    """ "Write to a specialist now" under a crisis answer: `m` is the user's own message,
    which is copied to the operators' group only when they press the button."""

    m: int
    c: str = ""  # the detector's category, for the operators' header


def answer_keyboard(
    t: Translator, topic_id: str, *, registration_open: bool, question_id: int | None = None
) -> InlineKeyboardMarkup:
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
    rows = [
        [b for b in row if not (b.callback_data or "").startswith(prefix)]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def crisis_keyboard(
    t: Translator, message_id: int | None, topic_id: str, category: str = ""
) -> InlineKeyboardMarkup:
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


def choices_keyboard(t: Translator, topics: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Several likely topics as buttons (id, title), then the menu."""
    kb = InlineKeyboardBuilder()
    for topic_id, title in topics:
        kb.button(text=title, callback_data=TopicCD(id=topic_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def render_answer(
    t: Translator, answer: Answer, question_id: int | None = None
) -> tuple[str, object]:
    """The message text and keyboard for each kind of answer; `question_id` (the log row)
    puts "helpful / not helpful" under a confident answer. A message written in Uzbek is
    answered in the user's language, after one line saying so."""
    text, markup = _answer(t, answer, question_id)
    if answer.written_in == "uz":
        text = f"{t('answers-uzbek-note')}\n\n{text}"
    return text, markup


def _answer(t: Translator, answer: Answer, question_id: int | None) -> tuple[str, object]:
    if answer.kind == "confident" and answer.topic is not None:
        title = answer.topic.text(t.lang).title
        body = content_html(answer.text)
        text = f"<b>{escape(title)}</b>\n\n{body}"
        markup = answer_keyboard(
            t,
            answer.topic.id,
            registration_open=answer.topic.registration_open,
            question_id=question_id,
        )
        return text, markup
    if answer.kind == "unsure" and answer.topic is not None:
        topics = [answer.topic, *answer.alternatives]
        choices = [(tp.id, tp.text(t.lang).title) for tp in topics[:3]]
        return t("answers-unsure"), choices_keyboard(t, choices)
    return t("answers-unknown"), specialist_keyboard(t)


def render_crisis(
    t: Translator, key: str, message: Message, settings: Settings, category: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """A crisis text and its keyboard; "write to a specialist now" (which would copy
    `message`) when there is an operators' group to reach."""
    message_id = message.message_id if settings.admin_chat_id is not None else None
    text = t(key)
    if message_id is not None:
        text = f"{text}\n\n{t('crisis-write-hint')}"
    return text, crisis_keyboard(t, message_id, CRISIS_TOPIC, category)
