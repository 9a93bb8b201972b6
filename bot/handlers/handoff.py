""" "Ask a specialist": the user's question goes to the operators' group as a ticket; an
operator's reply to it comes back to the user; the user's reply to that answer goes back
to the group in the same thread.

Two routers: `create_router()` for the private chat (the question form, follow-ups) and
`create_group_router()` for the operators' group (replies to tickets, ticket buttons).
Nothing else in the group is answered: every other router is limited to private chats.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    ReactionTypeEmoji,
    ReplyParameters,
)

from bot.catalog.search import CRISIS_TOPIC
from bot.catalog.store import ContentStore
from bot.config import Language, Settings
from bot.db.database import Database
from bot.db.tickets import MessageRole, Ticket
from bot.filters import FromOperator, InOperatorsChat
from bot.handlers.common import acknowledge, send_chunks
from bot.i18n import Translator
from bot.services import handoff
from bot.services.audit import Actor
from bot.services.followups import FollowupGate
from bot.services.handoff import Opened
from bot.transport.retry import never_reached
from bot.views.answers import CrisisCD, crisis_keyboard
from bot.views.handoff import (
    TicketCD,
    ask_cancel_keyboard,
    followup_header,
    group_texts,
    post_caption,
    post_text,
    question_part,
    refused_text,
    sent_text,
    ticket_header,
    ticket_of_markup,
    ticket_status_markup,
)
from bot.views.menu import AskCD, main_menu, topic_card, topic_keyboard

log = logging.getLogger(__name__)


class HandoffForm(StatesGroup):
    question = State()


class RepliesToTicket(Filter):
    """A message that replies to a message of a ticket's thread in `chat` (the user's copy
    of an answer in a private chat; the ticket or a follow-up in the operators' group).
    Passes the ticket to the handler."""

    def __init__(self, *roles: Any) -> None:
        self.roles = roles

    async def __call__(self, message: Message, db: Database) -> bool | dict[str, Ticket]:
        target = message.reply_to_message
        if target is None:
            return False
        ticket = await handoff.find(db, message.chat.id, target.message_id, self.roles)
        return {"ticket": ticket} if ticket is not None else False


async def update_ticket_status(
    bot: Bot, db: Database, g: Translator, ticket: Ticket, operator: str | None = None
) -> None:
    where = await handoff.thread_message(db, ticket.id, "ticket")
    if where is None:
        return
    try:
        await bot.edit_message_reply_markup(
            chat_id=where[0],
            message_id=where[1],
            reply_markup=ticket_status_markup(g, ticket, operator),
        )
    except TelegramBadRequest as exc:  # "not modified", or the message was deleted
        log.info("ticket %s status not shown: %s", ticket.id, exc.message)


# --- the private chat ----------------------------------------------------------------------


async def offer(
    message: Message,
    t: Translator,
    db: Database,
    settings: Settings,
    content: ContentStore,
    state: FSMContext,
) -> None:
    """Start a question: explain, or refuse (no operators' group, limits) before typing."""
    user_id = message.chat.id
    if settings.admin_chat_id is None:
        await state.clear()
        await message.answer(t("handoff-unavailable"))
        contacts = content.catalog.get("contacts")
        if contacts is not None:
            await send_chunks(
                message,
                topic_card(t, contacts),
                topic_keyboard(t, contacts.id, contacts.category, registration_open=False),
            )
        return
    refused = await handoff.refusal(db, user_id)
    if refused is not None:
        await state.clear()
        await message.answer(refused_text(t, refused.reason), reply_markup=main_menu(t))
        return
    await state.set_state(HandoffForm.question)
    await message.answer(t("handoff-ask"), reply_markup=ask_cancel_keyboard(t))


async def cmd_ask(
    message: Message,
    t: Translator,
    db: Database,
    settings: Settings,
    content: ContentStore,
    state: FSMContext,
) -> None:
    await offer(message, t, db, settings, content, state)


async def on_ask(
    query: CallbackQuery,
    t: Translator,
    db: Database,
    settings: Settings,
    content: ContentStore,
    state: FSMContext,
) -> None:
    await acknowledge(query)
    if isinstance(query.message, Message):
        await offer(query.message, t, db, settings, content, state)


async def on_cancel(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await acknowledge(query)
    if isinstance(query.message, Message):
        await query.message.answer(t("handoff-cancelled"), reply_markup=main_menu(t))


async def leave_form(event: Any, state: FSMContext) -> None:
    """A command or another button while the question is awaited: the user changed their
    mind. Forget the form and let the routers below handle the update as usual."""
    await state.clear()
    raise SkipHandler()


async def on_question(
    message: Message,
    t: Translator,
    lang: Language,
    db: Database,
    settings: Settings,
    content: ContentStore,
    state: FSMContext,
    bot: Bot,
) -> None:
    """The question (text, or a photo/document with a caption) becomes a ticket."""
    if settings.admin_chat_id is None:  # the setting changed since the form was opened
        await offer(message, t, db, settings, content, state)
        return
    result = await handoff.open_ticket(db, message.chat.id, lang)
    await state.clear()
    if not isinstance(result, Opened):
        await message.answer(refused_text(t, result.reason), reply_markup=main_menu(t))
        return
    g = group_texts(content, settings)
    ticket = result.ticket
    header = ticket_header(g, content, result, message.from_user, lang)
    try:
        group_id = await _post(
            bot, settings.admin_chat_id, message, header, ticket_status_markup(g, ticket)
        )
    except TelegramAPIError as exc:
        if maybe_delivered(exc):
            log.error(
                "ticket %s may or may not be in the operators' group: %s",
                ticket.id,
                type(exc).__name__,
            )
            await handoff.maybe_posted(db, ticket.id)
            await message.answer(
                t("handoff-uncertain", number=ticket.id), reply_markup=main_menu(t)
            )
            return
        log.error("ticket %s could not reach the operators' group: %s", ticket.id, exc)
        await handoff.withdraw(db, ticket.id)
        await message.answer(t("handoff-failed"), reply_markup=main_menu(t))
        return
    await handoff.attach(
        db,
        ticket.id,
        (message.chat.id, message.message_id, "question"),
        (settings.admin_chat_id, group_id, "ticket"),
        question=message.text or message.caption,
    )
    expect = handoff.expected_answer(content.content_dir, lang)
    await message.answer(sent_text(t, ticket.id, expect), reply_markup=main_menu(t))


def maybe_delivered(exc: TelegramAPIError) -> bool:
    """No answer, or a server error: Telegram may have done it all the same. A gateway's
    502/503 or a connection never opened did nothing (`never_reached`), nor did any other
    error, which is Telegram refusing the call."""
    return isinstance(exc, (TelegramNetworkError, TelegramServerError)) and not never_reached(exc)


async def _post(
    bot: Bot,
    chat_id: int,
    message: Message,
    header: str,
    markup: InlineKeyboardMarkup | None,
    reply_to: int | None = None,
) -> int:
    """One message in the group: the header, then the user's text (escaped). Media are
    copied with the header and the caption as the new caption."""
    reply = (
        ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    )
    if message.text is not None:
        sent = await bot.send_message(
            chat_id, post_text(header, message.text), reply_markup=markup, reply_parameters=reply
        )
        return sent.message_id
    copied = await bot.copy_message(
        chat_id,
        from_chat_id=message.chat.id,
        message_id=message.message_id,
        caption=post_caption(header, message.caption),
        reply_markup=markup,
        reply_parameters=reply,
    )
    return copied.message_id


async def on_not_a_question(message: Message, t: Translator) -> None:
    """A sticker, or a photo without a caption: ask for words (the form stays open)."""
    await message.answer(t("handoff-need-text"), reply_markup=ask_cancel_keyboard(t))


async def on_followup(
    message: Message,
    ticket: Ticket,
    t: Translator,
    db: Database,
    settings: Settings,
    content: ContentStore,
    bot: Bot,
    followups: FollowupGate,
) -> None:
    """The user replied to an operator's answer: post it under the ticket in the group, or
    fold it into the ticket's last follow-up post, within the follow-ups' budget."""
    if settings.admin_chat_id is None:
        await message.answer(t("handoff-unavailable"), reply_markup=main_menu(t))
        return
    g = group_texts(content, settings)
    header = followup_header(g, ticket.id, message.from_user)
    part = question_part(message.text) if message.text is not None else None
    recent = await handoff.followup_posts(db, ticket.id)
    decision = followups.decide(ticket.id, recent, part)
    group_id = None
    if decision == "fold" and part is not None:
        group_id = await _fold(bot, settings.admin_chat_id, followups, ticket.id, part)
        if group_id is None and recent < followups.posts_per_hour:
            decision = "post"
    if decision == "post":
        where = await handoff.thread_message(db, ticket.id, "ticket")
        try:
            group_id = await _post(
                bot,
                settings.admin_chat_id,
                message,
                header,
                None,
                reply_to=where[1] if where else None,
            )
        except TelegramAPIError as exc:
            log.error("follow-up of ticket %s not posted: %s", ticket.id, exc)
            await message.answer(t("handoff-failed"), reply_markup=main_menu(t))
            return
        followups.posted(ticket.id, group_id, header, part)
    if group_id is None:
        log.info("follow-up of ticket %s over its budget: the user is asked to wait", ticket.id)
        await message.answer(t("handoff-followup-wait", number=ticket.id))
        return
    reopened = await handoff.followed_up(
        db,
        ticket.id,
        [
            (message.chat.id, message.message_id, "question"),
            (settings.admin_chat_id, group_id, "followup"),
        ],
        question=message.text or message.caption,
    )
    if reopened is not None:
        await update_ticket_status(bot, db, g, reopened)
    await message.answer(t("handoff-followup-sent", number=ticket.id))


async def on_write_now(
    query: CallbackQuery,
    callback_data: CrisisCD,
    t: Translator,
    lang: Language,
    db: Database,
    settings: Settings,
    content: ContentStore,
    bot: Bot,
) -> None:
    """ "Write to a specialist now" under a crisis answer: an urgent ticket, pinned in the
    operators' group, with the user's own message copied under it. Only this tap sends it."""
    await acknowledge(query)
    message = query.message
    if not isinstance(message, Message):
        return
    if settings.admin_chat_id is None:  # the setting changed since the answer was sent
        await message.answer(t("crisis-write-failed"))
        return
    # One tap, one ticket: the button goes before anything is posted.
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=crisis_keyboard(t, None, CRISIS_TOPIC))
    result = await handoff.open_ticket(
        db, query.from_user.id, lang, urgent=True, crisis_kind=callback_data.c or None
    )
    if not isinstance(result, Opened):
        await message.answer(t("crisis-write-failed"))
        return
    g = group_texts(content, settings)
    ticket = result.ticket
    header = ticket_header(g, content, result, query.from_user, lang)
    try:
        posted = await bot.send_message(
            settings.admin_chat_id, header, reply_markup=ticket_status_markup(g, ticket)
        )
    except TelegramAPIError as exc:
        if maybe_delivered(exc):  # it may be in the group: keep it, an answer can still come
            log.error(
                "urgent ticket %s may or may not be in the operators' group: %s",
                ticket.id,
                type(exc).__name__,
            )
            await handoff.maybe_posted(db, ticket.id)
            await message.answer(t("crisis-write-uncertain", number=ticket.id))
            return
        log.error("urgent ticket %s could not reach the operators' group: %s", ticket.id, exc)
        await handoff.withdraw(db, ticket.id)
        await message.answer(t("crisis-write-failed"))
        return
    thread: list[tuple[int, int, MessageRole]] = [
        (settings.admin_chat_id, posted.message_id, "ticket")
    ]
    try:
        copied = await bot.copy_message(
            settings.admin_chat_id,
            from_chat_id=message.chat.id,
            message_id=callback_data.m,
            reply_parameters=ReplyParameters(
                message_id=posted.message_id, allow_sending_without_reply=True
            ),
        )
        thread += [
            (message.chat.id, callback_data.m, "question"),
            (settings.admin_chat_id, copied.message_id, "followup"),
        ]
    except TelegramAPIError as exc:  # deleted meanwhile: the header still reaches a person
        log.warning("urgent ticket %s: the user's message was not copied: %s", ticket.id, exc)
    await handoff.attach(db, ticket.id, *thread)
    try:
        await bot.pin_chat_message(settings.admin_chat_id, posted.message_id)
    except TelegramAPIError as exc:  # the bot may lack the right to pin
        log.warning("urgent ticket %s not pinned: %s", ticket.id, exc)
    await message.answer(t("crisis-sent", number=ticket.id))


async def unpin_ticket(bot: Bot, db: Database, ticket: Ticket) -> None:
    """An urgent ticket leaves the top of the group once it is answered or closed."""
    if not ticket.urgent:
        return
    where = await handoff.thread_message(db, ticket.id, "ticket")
    if where is None:
        return
    try:
        await bot.unpin_chat_message(where[0], message_id=where[1])
    except TelegramAPIError as exc:
        log.info("urgent ticket %s not unpinned: %s", ticket.id, exc)


async def _fold(
    bot: Bot, chat_id: int, followups: FollowupGate, ticket_id: int, part: str
) -> int | None:
    """Edit the ticket's last follow-up post to show `part` too; None if it cannot be."""
    message_id, text = followups.folded_body(ticket_id, part)
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
    except TelegramAPIError as exc:  # deleted, blanked by /forget, or too old
        log.info("follow-up of ticket %s not folded: %s", ticket_id, type(exc).__name__)
        followups.forget(ticket_id)
        return None
    followups.folded(ticket_id, part)
    return message_id


# --- the operators' group ------------------------------------------------------------------


Delivery = Literal["delivered", "gone", "blocked", "failed"]


async def deliver_answer(
    bot: Bot,
    db: Database,
    content: ContentStore,
    settings: Settings,
    ticket: Ticket,
    send: Callable[[int, ReplyParameters | None], Awaitable[Message | MessageId]],
    operator_id: int,
    operator_name: str | None,
    body: str | None,
    *,
    mirror: str | None = None,
    actor: Actor | None = None,
) -> Delivery:
    """An answer reaches the user the one way, whoever wrote it and where (a reply in the
    operators' group, or the web panel): `send` puts it in the user's chat as a reply to
    their question, the note follows, the ticket is marked answered, its status is shown
    in the group and an urgent one is unpinned. `mirror` (an answer from the panel) is
    posted in the group under the ticket too, so operators see it; a reply to it is a
    reply to the ticket."""
    g = group_texts(content, settings)
    if ticket.user_id is None:
        return "gone"
    t = content.i18n("ru" if ticket.language == "ru" else "kk")
    question = await handoff.thread_message(db, ticket.id, "question")
    reply = (
        ReplyParameters(message_id=question[1], allow_sending_without_reply=True)
        if question
        else None
    )
    try:
        copy = await send(ticket.user_id, reply)
        note = await bot.send_message(ticket.user_id, t("handoff-answer-note", number=ticket.id))
    except TelegramForbiddenError:
        closed = await handoff.user_blocked(db, ticket)
        if closed is not None:
            await update_ticket_status(bot, db, g, closed)
        return "blocked"
    except TelegramBadRequest as exc:
        log.warning("answer to ticket %s not delivered: %s", ticket.id, exc.message)
        return "failed"
    mirrored = None
    if mirror is not None and settings.admin_chat_id is not None:
        where = await handoff.thread_message(db, ticket.id, "ticket")
        try:
            posted = await bot.send_message(
                settings.admin_chat_id,
                mirror,
                reply_parameters=ReplyParameters(
                    message_id=where[1], allow_sending_without_reply=True
                )
                if where
                else None,
            )
            mirrored = (settings.admin_chat_id, posted.message_id)
        except TelegramAPIError as exc:  # delivered all the same: the status still shows it
            log.warning("answer to ticket %s not mirrored in the group: %s", ticket.id, exc)
    done = await handoff.answered(
        db,
        ticket.id,
        operator_id,
        [(ticket.user_id, copy.message_id), (ticket.user_id, note.message_id)],
        body,
        mirrored,
        actor,
    )
    await update_ticket_status(bot, db, g, done, operator_name)
    await unpin_ticket(bot, db, done)
    return "delivered"


async def on_operator_reply(
    message: Message,
    ticket: Ticket,
    db: Database,
    settings: Settings,
    content: ContentStore,
    bot: Bot,
) -> None:
    """Copy the operator's reply to the user, then show in the group who answered and when."""
    g = group_texts(content, settings)

    async def copy(chat_id: int, reply: ReplyParameters | None) -> MessageId:
        return await bot.copy_message(
            chat_id,
            from_chat_id=message.chat.id,
            message_id=message.message_id,
            reply_parameters=reply,
        )

    operator = message.from_user
    result = await deliver_answer(
        bot,
        db,
        content,
        settings,
        ticket,
        copy,
        operator.id if operator else 0,
        operator.full_name if operator else None,
        message.text or message.caption,
    )
    if result == "gone":
        await message.reply(g("handoff-user-gone", number=ticket.id))
    elif result == "blocked":
        await message.reply(g("handoff-user-blocked", number=ticket.id))
    elif result == "failed":
        await message.reply(g("handoff-not-delivered", number=ticket.id))
    else:
        try:
            await bot.set_message_reaction(
                message.chat.id, message.message_id, reaction=[ReactionTypeEmoji(emoji="👌")]
            )
        except TelegramBadRequest as exc:  # reactions may be disabled in the group
            log.info("no reaction on the answer to ticket %s: %s", ticket.id, exc.message)


class RepliesToBot(Filter):
    """A reply to one of the bot's own messages (`getMe`, asked once and kept by aiogram)."""

    async def __call__(self, message: Message, bot: Bot) -> bool:
        target = message.reply_to_message
        if target is None or target.from_user is None or not target.from_user.is_bot:
            return False
        return target.from_user.id == (await bot.me()).id


async def on_reply_to_unknown(
    message: Message, db: Database, settings: Settings, content: ContentStore, bot: Bot
) -> None:
    """An operator replied to a message of the bot that belongs to no ticket's thread. A
    ticket post whose link was lost (the bot stopped, or the send had no answer) is linked
    again by the ticket number in its buttons and answered as usual; anything else gets a
    note, so that the reply does not vanish in silence."""
    target = message.reply_to_message
    assert target is not None  # RepliesToBot
    number = ticket_of_markup(target.reply_markup)
    ticket = (
        await handoff.adopt(db, number, message.chat.id, target.message_id)
        if number is not None
        else None
    )
    if ticket is not None:
        log.info("ticket %s linked again to its group post", ticket.id)
        await on_operator_reply(message, ticket, db, settings, content, bot)
        return
    await message.reply(group_texts(content, settings)("handoff-unknown-post"))


async def on_ticket_status(
    query: CallbackQuery,
    callback_data: TicketCD,
    db: Database,
    settings: Settings,
    content: ContentStore,
) -> None:
    g = group_texts(content, settings)
    ticket = await handoff.get(db, callback_data.id)
    if ticket is None:
        await acknowledge(query, g("button-outdated"))
        return
    await acknowledge(
        query,
        g("handoff-status-popup", number=ticket.id, status=g(f"handoff-state-{ticket.status}")),
    )


async def on_ticket_close(
    query: CallbackQuery,
    callback_data: TicketCD,
    db: Database,
    settings: Settings,
    content: ContentStore,
    bot: Bot,
) -> None:
    g = group_texts(content, settings)
    ticket = await handoff.close(db, callback_data.id)
    if ticket is None:
        await acknowledge(query, g("button-outdated"))
        return
    await acknowledge(query, g("handoff-closed", number=ticket.id))
    await update_ticket_status(bot, db, g, ticket)
    await unpin_ticket(bot, db, ticket)


def create_router() -> Router:
    """The private side; it goes before `start` so that a command typed instead of the
    question closes the form before `start` or `menu` handles it."""
    router = Router(name="handoff")
    router.message.register(cmd_ask, Command("ask"))
    router.message.register(on_followup, RepliesToTicket("answer"))
    router.callback_query.register(on_ask, AskCD.filter(F.do == "go"))
    router.callback_query.register(on_write_now, CrisisCD.filter())
    router.callback_query.register(on_cancel, AskCD.filter(F.do == "x"))
    in_form = StateFilter(HandoffForm.question)
    # SkipHandler moves on to the next handler of this router too: keep commands out of them.
    command = F.text.startswith("/")
    router.message.register(leave_form, in_form, command)
    router.message.register(on_question, in_form, F.text, ~command)
    router.message.register(on_question, in_form, F.caption, F.photo | F.document)
    router.message.register(on_not_a_question, in_form, ~command)
    router.callback_query.register(leave_form, in_form)
    return router


def create_group_router() -> Router:
    """The operators' group: replies to tickets and the ticket buttons; nothing else."""
    router = Router(name="handoff-group")
    router.message.filter(InOperatorsChat())
    router.callback_query.filter(InOperatorsChat())
    # Checked last: only a reply to a ticket or a ticket button costs a membership look-up.
    router.message.register(
        on_operator_reply, RepliesToTicket("ticket", "followup"), FromOperator()
    )
    router.callback_query.register(on_ticket_status, TicketCD.filter(F.do == "s"), FromOperator())
    router.callback_query.register(on_ticket_close, TicketCD.filter(F.do == "c"), FromOperator())
    router.message.register(on_reply_to_unknown, RepliesToBot(), FromOperator())
    return router
