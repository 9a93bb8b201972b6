"""Events for the young person: /events and the menu button, filters, the card, "I'll come"
in one tap (or with their registration), cancelling, the .ics file, the check-in QR, the
rating and its comment, reminders on/off, `/start ev-<id>`, and free text about events."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import Command, CommandObject, CommandStart, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.catalog.events import EventQuestion, Period
from bot.catalog.models import Topic
from bot.catalog.store import ContentStore
from bot.clock import Clock, iso
from bot.config import Language
from bot.db.database import Database
from bot.db.events import Event, Rsvp
from bot.handlers.common import acknowledge, show
from bot.handlers.registration import begin as begin_registration
from bot.i18n import Translator
from bot.links import qr_png
from bot.services import event_ics, event_rsvps, events, registrations, users
from bot.services.answers import Answerer
from bot.views import events as view
from bot.views.events import EvCatsCD, EvCD, EvListCD, EvRateCD, EvRemindCD, EvWatchCD
from bot.views.menu import MenuCD, main_menu
from bot.views.registration import answers_html, registration_values, topic_title

log = logging.getLogger(__name__)

DEEP_LINK = r"^ev-(\d{1,18})$"


class RatingForm(StatesGroup):
    comment = State()  # the optional comment after a score


# --- the list ------------------------------------------------------------------------------


async def _list(
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    period: Period,
    category: str | None,
    page: int,
) -> tuple[str, object]:
    found = await events.upcoming(db, clock.now(), period, category, page)
    config = content.catalog.events
    return (
        view.list_text(t, config, found, period, category),
        view.list_keyboard(t, found, period, category),
    )


async def cmd_events(
    message: Message, t: Translator, db: Database, content: ContentStore, clock: Clock
) -> None:
    text, markup = await _list(t, db, content, clock, "all", None, 0)
    await message.answer(text, reply_markup=markup)  # type: ignore[arg-type]


async def on_menu_events(
    query: CallbackQuery, t: Translator, db: Database, content: ContentStore, clock: Clock
) -> None:
    await acknowledge(query)
    text, markup = await _list(t, db, content, clock, "all", None, 0)
    await show(query, text, markup)  # type: ignore[arg-type]


async def on_list(
    query: CallbackQuery,
    callback_data: EvListCD,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    period = view.period_of(callback_data.p)
    category = callback_data.c or None
    if period is None or (category and content.catalog.events.category(category) is None):
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    text, markup = await _list(t, db, content, clock, period, category, callback_data.n)
    await show(query, text, markup)  # type: ignore[arg-type]


async def on_categories(
    query: CallbackQuery, callback_data: EvCatsCD, t: Translator, content: ContentStore
) -> None:
    period = view.period_of(callback_data.p)
    if period is None:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await show(
        query,
        t("event-choose-category"),
        view.categories_keyboard(t, content.catalog.events, period),
    )


# --- the card ------------------------------------------------------------------------------


async def card(
    t: Translator, db: Database, content: ContentStore, clock: Clock, event: Event, user_id: int
) -> tuple[str, object]:
    rsvp = await event_rsvps.get_rsvp(db, event.id, user_id)
    place = await event_rsvps.place_in_line(db, rsvp) if rsvp else None
    now = clock.now()
    open_for_rsvp = event.active and event.starts_at > iso(now)
    return (
        view.card_text(t, content.catalog.events, event, rsvp, place),
        view.card_keyboard(t, event, rsvp, open_for_rsvp=open_for_rsvp),
    )


async def send_card(
    bot: Bot,
    chat_id: int,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    event_id: int,
    note: str | None = None,
) -> None:
    event = await events.get(db, event_id)
    if event is None:
        await bot.send_message(chat_id, t("event-unknown"), reply_markup=main_menu(t))
        return
    text, markup = await card(t, db, content, clock, event, chat_id)
    if note:
        text = f"{note}\n\n{text}"
    await bot.send_message(chat_id, text, reply_markup=markup)  # type: ignore[arg-type]


async def on_deep_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    state: FSMContext,
) -> None:
    """`t.me/<bot>?start=ev-<id>` from a poster: the event's card."""
    await state.clear()
    event_id = int((command.args or "").removeprefix("ev-"))
    await send_card(bot, message.chat.id, t, db, content, clock, event_id)


async def on_event(
    query: CallbackQuery,
    callback_data: EvCD,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    state: FSMContext,
) -> None:
    event = await events.get(db, callback_data.id)
    if event is None:
        await acknowledge(query, t("button-outdated"))
        return
    user_id = query.from_user.id
    act = callback_data.act
    if act == "card":
        await acknowledge(query)
        text, markup = await card(t, db, content, clock, event, user_id)
        await show(query, text, markup)  # type: ignore[arg-type]
    elif act == "go":
        await _on_go(query, bot, t, db, content, clock, state, event)
    elif act == "rc":
        await _on_go_with_registration(query, bot, t, db, content, clock, event)
    elif act == "no":
        await acknowledge(query)
        text, markup = view.cancel_question(t, event)
        await show(query, text, markup)
    elif act == "nx":
        await _on_cancel(query, bot, t, db, content, clock, event)
    elif act == "ics":
        await acknowledge(query)
        data = event_ics.render(event, t.lang, clock.now())
        await bot.send_document(
            user_id,
            BufferedInputFile(data, filename=f"event-{event.id}.ics"),
            caption=t("event-ics-caption", title=event.title(t.lang)),
        )
    elif act == "qr":
        await _on_qr(query, bot, t, db, event)
    else:
        await acknowledge(query, t("button-outdated"))


async def _on_go(
    query: CallbackQuery,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    state: FSMContext,
    event: Event,
) -> None:
    """One tap for an event without a form; with one, a returning user confirms the data of
    their registration for its programme and a new one fills in the registration form."""
    user_id = query.from_user.id
    topic_id = event.needs_registration
    if topic_id:
        mine = await event_rsvps.get_rsvp(db, event.id, user_id)
        if mine is None or mine.status == "cancelled":
            await acknowledge(query)
            existing = await registrations.active_registration(db, user_id, topic_id)
            if existing is not None:
                answers = answers_html(
                    t,
                    registration_values(existing),
                    topic_title(content.catalog, t, topic_id),
                )
                text, markup = view.registration_question(t, event, answers)
                await show(query, text, markup)
                return
            await bot.send_message(
                user_id,
                t(
                    "event-reg-needed",
                    title=event.title(t.lang),
                    programme=topic_title(content.catalog, t, topic_id),
                ),
            )
            await begin_registration(bot, user_id, user_id, t, state, content, db, topic_id)
            if await state.get_state() is not None:
                await state.update_data(event=event.id)
            return
    outcome = await event_rsvps.rsvp(db, event.id, user_id, clock.now())
    await _show_outcome(query, t, db, content, clock, outcome)


async def _on_go_with_registration(
    query: CallbackQuery,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    event: Event,
) -> None:
    topic_id = event.needs_registration
    existing = (
        await registrations.active_registration(db, query.from_user.id, topic_id)
        if topic_id
        else None
    )
    if existing is None:
        await acknowledge(query, t("button-outdated"))
        return
    outcome = await event_rsvps.rsvp(db, event.id, query.from_user.id, clock.now(), existing.id)
    await _show_outcome(query, t, db, content, clock, outcome)


async def _show_outcome(
    query: CallbackQuery,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    outcome: event_rsvps.RsvpOutcome,
) -> None:
    if outcome.event is None:
        await acknowledge(query, t("button-outdated"))
        return
    note = (
        None
        if outcome.kind == "already"
        else view.rsvp_result(t, outcome.kind, outcome.event, outcome.place_in_line)
    )
    await acknowledge(query, note if outcome.kind in ("closed",) else None)
    text, markup = await card(t, db, content, clock, outcome.event, query.from_user.id)
    await show(query, f"{note}\n\n{text}" if note else text, markup)  # type: ignore[arg-type]


async def after_registration(
    bot: Bot,
    chat_id: int,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    event_id: int,
    registration_id: int,
) -> None:
    """The registration form was started from an event's "I'll come": now that it is
    stored, the RSVP is made with it and the card shown."""
    outcome = await event_rsvps.rsvp(db, event_id, chat_id, clock.now(), registration_id)
    note = (
        view.rsvp_result(t, outcome.kind, outcome.event, outcome.place_in_line)
        if outcome.kind != "already"
        else None
    )
    await send_card(bot, chat_id, t, db, content, clock, event_id, note)


async def _on_cancel(
    query: CallbackQuery,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    event: Event,
) -> None:
    cancelled = await event_rsvps.cancel_rsvp(db, event.id, query.from_user.id, clock.now())
    await acknowledge(query)
    note = t("event-rsvp-cancelled", title=event.title(t.lang)) if cancelled else None
    fresh = await events.get(db, event.id) or event
    text, markup = await card(t, db, content, clock, fresh, query.from_user.id)
    await show(query, f"{note}\n\n{text}" if note else text, markup)  # type: ignore[arg-type]
    if cancelled:
        await tell_promoted(bot, db, content, clock, cancelled.promoted)


async def tell_promoted(
    bot: Bot, db: Database, content: ContentStore, clock: Clock, promoted: list[Rsvp]
) -> None:
    """A seat came free: the first in line is told, in their language, with the card."""
    for rsvp in promoted:
        lang = rsvp.language or "kk"
        t = content.i18n("kk" if lang == "kk" else "ru")
        event = await events.get(db, rsvp.event_id)
        if event is None:
            continue
        note = t("event-promoted", title=event.title(t.lang))
        try:
            await send_card(bot, rsvp.user_id, t, db, content, clock, event.id, note)
        except TelegramForbiddenError:
            await users.set_blocked(db, rsvp.user_id, True)
        except TelegramAPIError as exc:
            log.warning("could not tell a promoted RSVP %s: %s", rsvp.id, exc)


async def _on_qr(query: CallbackQuery, bot: Bot, t: Translator, db: Database, event: Event) -> None:
    rsvp = await event_rsvps.get_rsvp(db, event.id, query.from_user.id)
    if rsvp is None or rsvp.status != "confirmed":
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await bot.send_photo(
        query.from_user.id,
        BufferedInputFile(qr_png(rsvp.code), filename=f"checkin-{rsvp.code}.png"),
        caption=t("event-qr-caption", title=event.title(t.lang), code=rsvp.code),
    )


# --- rating, watches, reminders -----------------------------------------------------------


async def on_rate(
    query: CallbackQuery,
    callback_data: EvRateCD,
    t: Translator,
    db: Database,
    clock: Clock,
    state: FSMContext,
) -> None:
    if callback_data.s == 0:  # "no comment"
        await acknowledge(query)
        await state.clear()
        await show(query, t("event-rate-thanks"))
        return
    saved = await event_rsvps.rate(
        db, callback_data.id, query.from_user.id, callback_data.s, clock.now()
    )
    if not saved:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await state.set_state(RatingForm.comment)
    await state.update_data(event=callback_data.id)
    await show(
        query,
        t("event-rate-comment", score=callback_data.s),
        view.comment_keyboard(t, callback_data.id),
    )


async def on_comment(
    message: Message, t: Translator, db: Database, clock: Clock, state: FSMContext
) -> None:
    data = await state.get_data()
    await state.clear()
    assert message.from_user is not None
    event_id = int(data.get("event", 0))
    await event_rsvps.comment(db, event_id, message.from_user.id, message.text or "", clock.now())
    await message.answer(t("event-rate-thanks"), reply_markup=main_menu(t))


async def on_command_in_comment(message: Message, state: FSMContext) -> None:
    """A command instead of a comment: the comment is skipped and the command runs."""
    await state.clear()
    raise SkipHandler


async def on_watch(
    query: CallbackQuery,
    callback_data: EvWatchCD,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    config = content.catalog.events
    if config.category(callback_data.c) is None:
        await acknowledge(query, t("button-outdated"))
        return
    await event_rsvps.watch(db, query.from_user.id, callback_data.c, clock.now())
    await acknowledge(query)
    await show(
        query,
        t("event-watching", category=view.category_title(t, config, callback_data.c)),
        main_menu(t),
    )


async def on_reminders(
    query: CallbackQuery, callback_data: EvRemindCD, t: Translator, db: Database
) -> None:
    on = bool(callback_data.on)
    await event_rsvps.set_reminders(db, query.from_user.id, on)
    await acknowledge(query, t("event-reminders-on" if on else "event-reminders-off"))
    if query.message is not None and isinstance(query.message, Message):
        await query.message.answer(
            t("event-reminders-on" if on else "event-reminders-off"),
            reply_markup=view.reminders_keyboard(t, on),
        )


async def cmd_reminders(message: Message, t: Translator, db: Database) -> None:
    """/reminders: turn event reminders off or on."""
    assert message.from_user is not None
    on = await event_rsvps.reminders_on(db, message.from_user.id)
    await message.answer(
        t("event-reminders-state-on" if on else "event-reminders-state-off"),
        reply_markup=view.reminders_keyboard(t, on),
    )


# --- free text about events ---------------------------------------------------------------


class AsksAboutEvents(Filter):
    """Free text the events recogniser claims (`content/events.toml`); passes what it asks."""

    async def __call__(
        self, message: Message, content: ContentStore, answerer: Answerer, lang: Language
    ) -> bool | dict[str, object]:
        text = message.text or ""
        if not text or text.startswith("/"):
            return False
        found = content.catalog.events.recognise(text)
        if found is None:
            return False
        # Words beyond the events vocabulary and a topic that fits: the programme's answer;
        # a topic the engine saw but that does not win is offered beside the events.
        also: Topic | None = None
        if found.other_words:
            answer = answerer.answer(text, lang)
            if found.gives_way(answer.kind in ("confident", "unsure"), answer.kind == "confident"):
                return False
            also = answer.topic
        return {"question": found, "also": also}


async def on_events_question(
    message: Message,
    question: EventQuestion,
    also: Topic | None,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    """The matching upcoming events; when there are none, say so and offer to tell the user
    about the next one of that category. A category word with "when" alone (no event word)
    gives way to the topic engine when nothing matches: "когда конкурс грантов" may be a
    question about a programme."""
    found = await events.upcoming(db, clock.now(), question.period, question.category)
    if not found.events and not question.explicit:
        raise SkipHandler
    config = content.catalog.events
    if not found.events:
        text, markup = view.none_found(t, config, question.category, also)
        await message.answer(text, reply_markup=markup)
        return
    await message.answer(
        view.list_text(t, config, found, question.period, question.category),
        reply_markup=view.list_keyboard(t, found, question.period, question.category, also),
    )


def create_router() -> Router:
    """A fresh router per dispatcher; before `start` (its `/start ev-<id>`) and before the
    free-text `answers` router (questions about events are answered here first)."""
    router = Router(name="events")
    command = F.text.regexp(r"^/\w+")
    router.message.register(on_command_in_comment, StateFilter(RatingForm.comment), command)
    router.message.register(on_comment, StateFilter(RatingForm.comment), F.text)
    router.message.register(
        on_deep_link, CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK))
    )
    router.message.register(cmd_events, Command("events"))
    router.message.register(cmd_reminders, Command("reminders"))
    router.message.register(on_events_question, StateFilter(None), F.text, AsksAboutEvents())
    router.callback_query.register(on_menu_events, MenuCD.filter(F.to == "events"))
    router.callback_query.register(on_list, EvListCD.filter())
    router.callback_query.register(on_categories, EvCatsCD.filter())
    router.callback_query.register(on_event, EvCD.filter())
    router.callback_query.register(on_rate, EvRateCD.filter(F.s.in_({0, 1, 2, 3, 4, 5})))
    router.callback_query.register(on_watch, EvWatchCD.filter())
    router.callback_query.register(on_reminders, EvRemindCD.filter())
    return router
