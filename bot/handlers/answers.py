"""What no other router took: free-text questions, other messages, stale buttons.

Also the crisis router, which runs before every other router (forms included): a message
that sounds like a crisis gets the helplines first, whatever the user was doing.
"""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.catalog.crisis import Verdict
from bot.config import Language, Settings
from bot.db.database import Database
from bot.db.users import User
from bot.handlers.common import acknowledge
from bot.i18n import Translator
from bot.services import crisis, feedback
from bot.services.answers import Answerer
from bot.views.answers import (
    FeedbackCD,
    NotThisCD,
    render_answer,
    render_crisis,
    specialist_keyboard,
    without_feedback,
)
from bot.views.menu import main_menu


class LooksLikeCrisis(Filter):
    """A text (or a caption) that says someone is in danger, in any language or script;
    passes the detector's verdict to the handler."""

    async def __call__(self, message: Message, answerer: Answerer) -> bool | dict[str, Verdict]:
        verdict = answerer.crisis(message.text or message.caption)
        return {"verdict": verdict} if verdict is not None else False


async def on_crisis(
    message: Message,
    verdict: Verdict,
    t: Translator,
    lang: Language,
    db: Database,
    settings: Settings,
) -> None:
    """Helplines first, whatever the user was doing; a form in progress stays where it was.
    Only the kind of danger and the time are recorded, never the words."""
    await crisis.record(
        db, message.from_user.id if message.from_user else None, lang, verdict.category
    )
    text, markup = render_crisis(
        t,
        f"crisis-answer-{crisis.answer_kind(verdict.category)}",
        message,
        settings,
        verdict.category,
    )
    await message.answer(text, reply_markup=markup)


async def on_question(
    message: Message,
    t: Translator,
    lang: Language,
    answerer: Answerer,
    db: Database,
    settings: Settings,
    user: User | None = None,
) -> None:
    """Answer free text. Within an hour of a crisis answer the helplines stay in view: a
    question the bot cannot answer gets them again instead of "I don't know", and any other
    answer starts with a line naming them."""
    answer = answerer.answer(message.text or message.caption or "", lang)
    if answer.kind == "crisis":  # the crisis router normally takes these first
        await on_crisis(
            message,
            Verdict(answer.result.crisis_category or "suicidal", "search"),  # type: ignore[arg-type]
            t,
            lang,
            db,
            settings,
        )
        return
    # Logged first: the row id goes into the feedback buttons under the answer.
    question_id = await answerer.log(
        db, message.from_user.id if message.from_user else None, lang, answer
    )
    text, markup = render_answer(t, answer, question_id)
    if crisis.in_follow_up(user):
        if answer.kind == "unknown":
            text, markup = render_crisis(t, "crisis-follow-up-unknown", message, settings)
        else:
            text = f"{t('crisis-follow-up')}\n\n{text}"
    await message.answer(text, reply_markup=markup)  # type: ignore[arg-type]


async def on_not_this(
    query: CallbackQuery, callback_data: NotThisCD, t: Translator, db: Database
) -> None:
    """ "Not what I asked": the answer counts as not helpful (the gap report sees it, and the
    operators see its topic if the user now asks a specialist), and a person is offered."""
    await acknowledge(query)
    if callback_data.q:
        await feedback.rate(db, callback_data.q, query.from_user.id, False)
    if isinstance(query.message, Message):
        await query.message.answer(t("answers-sorry"), reply_markup=specialist_keyboard(t))


async def on_feedback(
    query: CallbackQuery, callback_data: FeedbackCD, t: Translator, db: Database
) -> None:
    """Helpful / not helpful under an answer: stored on the question's log row, only by the
    user who asked (a forged or foreign button is "out of date")."""
    helpful = callback_data.ok == 1
    mine = await feedback.rate(db, callback_data.q, query.from_user.id, helpful)
    if not mine:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query, t("answers-feedback-thanks"))
    message = query.message
    if not isinstance(message, Message):
        return
    with contextlib.suppress(TelegramBadRequest):  # too old to edit, or already edited
        await message.edit_reply_markup(reply_markup=without_feedback(message.reply_markup))
    if not helpful:
        await message.answer(t("answers-feedback-sorry"), reply_markup=specialist_keyboard(t))


async def on_other(message: Message, t: Translator) -> None:
    """Stickers, voice, photos…: a kind word and the way back, never an error."""
    await message.answer(t("unsupported-message"), reply_markup=main_menu(t))


async def on_unknown_command(message: Message, t: Translator) -> None:
    """A command no router took (a typo, or an admin command from a non-admin)."""
    await message.answer(t("unknown-command"))


async def on_unknown_button(query: CallbackQuery, t: Translator) -> None:
    """A button from an old message, or forged data: stop the spinner with a hint."""
    await acknowledge(query, t("button-outdated"))


def create_crisis_router() -> Router:
    """Goes first: crisis wording wins over forms, commands and menus."""
    router = Router(name="crisis")
    router.message.register(on_crisis, LooksLikeCrisis())
    return router


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="answers")
    router.message.register(on_unknown_command, F.text.regexp(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)"))
    router.message.register(on_question, F.text)
    router.message.register(on_other)
    router.callback_query.register(on_not_this, NotThisCD.filter())
    router.callback_query.register(on_feedback, FeedbackCD.filter(F.ok.in_({0, 1})))
    router.callback_query.register(on_unknown_button)
    return router
