"""What no other router took: free-text questions, other messages, stale buttons.

Also the crisis router, which runs before every other router (forms included): a message
that sounds like a crisis gets the helplines first, whatever the user was doing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.config import Language
from bot.db.database import Database
from bot.formatting import content_html
from bot.handlers.common import acknowledge
from bot.i18n import Translator, escape
from bot.keyboards import NotThisCD, answer_keyboard, choices_keyboard, main_menu
from bot.services.answers import Answer, Answerer


class LooksLikeCrisis(Filter):
    """True for text (or a caption) with crisis wording, in any language or script."""

    async def __call__(self, message: Message, answerer: Answerer) -> bool:
        text = message.text or message.caption
        return bool(text) and answerer.index is not None and answerer.index.is_crisis(text)


def render_answer(t: Translator, answer: Answer) -> tuple[str, object]:
    """The message text and keyboard for each kind of answer."""
    if answer.kind in ("crisis", "confident") and answer.topic is not None:
        title = answer.topic.text(t.lang).title
        body = content_html(answer.text)
        text = f"<b>{escape(title)}</b>\n\n{body}"
        markup = answer_keyboard(t, answer.topic.id, crisis=answer.kind == "crisis",
                                 registration_open=answer.topic.registration_open)
        return text, markup
    if answer.kind == "unsure" and answer.topic is not None:
        topics = [answer.topic, *answer.alternatives]
        choices = [(tp.id, tp.text(t.lang).title) for tp in topics[:3]]
        return t("answers-unsure"), choices_keyboard(t, choices)
    return t("answers-unknown"), main_menu(t)


async def on_question(message: Message, t: Translator, lang: Language, answerer: Answerer,
                      db: Database) -> None:
    """Answer free text, or a caption with crisis wording. For a crisis the form state, if
    any, is kept: the user can carry on with the form afterwards."""
    answer = answerer.answer(message.text or message.caption or "", lang)
    text, markup = render_answer(t, answer)
    await message.answer(text, reply_markup=markup)  # type: ignore[arg-type]
    await answerer.log(db, message.from_user.id if message.from_user else None, lang, answer)


async def on_not_this(query: CallbackQuery, t: Translator) -> None:
    await acknowledge(query)
    if isinstance(query.message, Message):
        await query.message.answer(t("answers-sorry"), reply_markup=main_menu(t))


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
    router.message.register(on_question, LooksLikeCrisis())
    return router


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="answers")
    router.message.register(on_unknown_command, F.text.regexp(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)"))
    router.message.register(on_question, F.text)
    router.message.register(on_other)
    router.callback_query.register(on_not_this, NotThisCD.filter())
    router.callback_query.register(on_unknown_button)
    return router
