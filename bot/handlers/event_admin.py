"""The department's side of events: `/event` (list, create with a preview, edit a field,
copy to a new date, cancel and tell everyone, attendee CSV, comments) and `/checkin CODE`.

Admins only (`IsAdmin` on the router): anyone else's `/event` or `/checkin` falls through to
the unknown-command reply. The form is a table of steps (`views/event_admin.STEPS`): each
typed answer is parsed by its step, and a wrong one asks the same step again with the reason.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot import clock as clocks
from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.db.database import Database
from bot.db.events import Event
from bot.filters import IsAdmin
from bot.handlers.common import acknowledge, show
from bot.handlers.events import tell_promoted
from bot.i18n import Translator
from bot.services import audit, event_admin, event_csv, event_rsvps, events
from bot.services.audit import Actor
from bot.services.events import Draft, Invalid
from bot.views import event_admin as view
from bot.views.event_admin import BY_NAME, BY_STATE, GROUPS, SKIPPED, EvAdmCD, EventForm, Step
from bot.views.events import card_text
from bot.workers.event_cancellations import CancellationNotices

LIST_PAGE = 8


# --- the list and the admin's card -------------------------------------------------------------


async def cmd_event(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    """`/event` lists what is coming; `/event 12` opens event 12 (past ones too);
    `/event new` starts the form."""
    await state.clear()
    arg = (command.args or "").strip().lower()
    if arg in ("new", "жаңа", "новое"):
        await start_form(message.chat.id, message.bot, state, t, clock)
        return
    if arg.isdecimal() and len(arg) <= 12:
        event = await events.get(db, int(arg))
        if event is None:
            await message.answer(t("evadm-not-found", id=arg))
            return
        text, markup = await _card(t, db, content, event)
        await message.answer(text, reply_markup=markup)
        return
    page = await events.upcoming(db, clock.now(), page=0, page_size=LIST_PAGE)
    await message.answer(view.list_text(t, page), reply_markup=view.list_keyboard(t, page))


async def on_list(
    query: CallbackQuery, callback_data: EvAdmCD, t: Translator, db: Database, clock: Clock
) -> None:
    await acknowledge(query)
    number = int(callback_data.v) if callback_data.v.isdecimal() else 0
    page = await events.upcoming(db, clock.now(), page=number, page_size=LIST_PAGE)
    await show(query, view.list_text(t, page), view.list_keyboard(t, page))


async def _card(
    t: Translator, db: Database, content: ContentStore, event: Event
) -> tuple[str, InlineKeyboardMarkup]:
    figures = await event_admin.figures(db, event.id)
    text = view.admin_card(t, content.catalog.events, event, figures)
    return text, view.card_keyboard(t, event)


async def _event_or_stale(
    query: CallbackQuery, t: Translator, db: Database, event_id: int
) -> Event | None:
    """The event a button names; a stale button (no such event) says so."""
    event = await events.get(db, event_id)
    if event is None:
        await acknowledge(query, t("button-outdated"))
    return event


async def on_open(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
) -> None:
    await state.clear()
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    await acknowledge(query)
    text, markup = await _card(t, db, content, event)
    await show(query, text, markup)


async def on_user_view(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    bot: Bot,
    t: Translator,
    db: Database,
    content: ContentStore,
) -> None:
    """The card as users read it, in both languages."""
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    await acknowledge(query)
    for lang in ("kk", "ru"):
        await bot.send_message(
            query.from_user.id, card_text(content.i18n(lang), content.catalog.events, event)
        )


# --- the form: a new event, or one group of fields of a draft or an event ----------------------


async def start_form(
    chat_id: int, bot: Bot | None, state: FSMContext, t: Translator, clock: Clock
) -> None:
    await state.set_data({"mode": "new", "draft": {}})
    await _ask(chat_id, bot, state, t, clock, BY_NAME["title_kk"], {})


async def on_new(query: CallbackQuery, state: FSMContext, t: Translator, clock: Clock) -> None:
    await acknowledge(query)
    await start_form(query.from_user.id, query.bot, state, t, clock)


async def _ask(
    chat_id: int,
    bot: Bot | None,
    state: FSMContext,
    t: Translator,
    clock: Clock,
    step: Step,
    draft: dict[str, Any],
    content: ContentStore | None = None,
    problem: str | None = None,
) -> None:
    """Ask a step's question (after the reason the last answer was not taken, if any)."""
    assert bot is not None
    await state.set_state(step.state)
    text = view.question(t, step, clock.now(), draft)
    if problem:
        text = f"{problem}\n\n{text}"
    if step.name == "category":
        assert content is not None
        markup = view.category_keyboard(t, content.catalog.events)
    elif step.name == "registration":
        assert content is not None
        markup = view.registration_keyboard(t, _topics(t, content))
    else:
        markup = view.cancel_keyboard(t, skip=step.skip)
    await bot.send_message(chat_id, text, reply_markup=markup)


def _topics(t: Translator, content: ContentStore) -> list[tuple[str, str]]:
    found = []
    for topic_id in event_admin.registration_topics(content.catalog):
        topic = content.catalog.get(topic_id)
        if topic is not None:
            found.append((topic_id, topic.text(t.lang).title))
    return found


async def _advance(
    chat_id: int,
    bot: Bot | None,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    step: Step,
    found: dict[str, Any],
) -> None:
    """Store an answer and go on: the next step, the preview of a new event, or (editing an
    event) the saved event."""
    data = await state.get_data()
    draft = {**data.get("draft", {}), **found}
    await state.update_data(draft=draft)
    following = view.next_step(step, draft, data.get("until"))
    if following is not None:
        await _ask(chat_id, bot, state, t, clock, following, draft, content)
        return
    if data.get("mode") == "edit":
        await _save_edit(chat_id, bot, state, t, db, content, clock, data["event"], draft)
    else:
        await _preview(chat_id, bot, state, t, content, clock, draft)


async def on_answer(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    current = await state.get_state()
    step = BY_STATE.get(current or "")
    if step is None:
        return
    data = await state.get_data()
    draft = data.get("draft", {})
    text = message.text or ""
    if step.parse is None or not text or text.startswith("/"):
        problem = t("evadm-use-buttons") if step.parse is None else t("evadm-type-text")
        await _ask(message.chat.id, message.bot, state, t, clock, step, draft, content, problem)
        return
    found = step.parse(text, draft, clock.now())
    if isinstance(found, view.Problem):
        problem = view.problem_text(t, found)
        await _ask(message.chat.id, message.bot, state, t, clock, step, draft, content, problem)
        return
    await _advance(message.chat.id, message.bot, state, t, db, content, clock, step, found)


async def on_skip(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    step = BY_STATE.get(await state.get_state() or "")
    if step is None or not step.skip:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await _advance(
        query.from_user.id, query.bot, state, t, db, content, clock, step, SKIPPED[step.name]
    )


async def on_category(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    if content.catalog.events.category(callback_data.v) is None:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    found = {"category": callback_data.v}
    await _advance(
        query.from_user.id, query.bot, state, t, db, content, clock, BY_NAME["category"], found
    )


async def on_registration(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    topic = callback_data.v or None
    if topic is not None and topic not in event_admin.registration_topics(content.catalog):
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    step = BY_NAME["registration"]
    found = {"needs_registration": topic}
    await _advance(query.from_user.id, query.bot, state, t, db, content, clock, step, found)


async def _preview(
    chat_id: int,
    bot: Bot | None,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
    clock: Clock,
    draft: dict[str, Any],
) -> None:
    """The new event's card in both languages, exactly as users will see it, then the
    choice: publish, edit a field, or drop it."""
    assert bot is not None
    await state.set_state(EventForm.preview)
    await state.update_data(until=None)
    event = view.as_event(view.draft_of(draft), chat_id, clock.now())
    await bot.send_message(chat_id, t("evadm-preview-above"))
    for lang in ("kk", "ru"):
        await bot.send_message(
            chat_id, card_text(content.i18n(lang), content.catalog.events, event)
        )
    await bot.send_message(chat_id, t("evadm-preview-ask"), reply_markup=view.preview_keyboard(t))


async def on_back_to_preview(
    query: CallbackQuery, state: FSMContext, t: Translator, content: ContentStore, clock: Clock
) -> None:
    data = await state.get_data()
    if data.get("mode") != "new" or "starts_at" not in data.get("draft", {}):
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await _preview(query.from_user.id, query.bot, state, t, content, clock, data["draft"])


async def on_publish(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    """Publish the previewed event. The form ends first, so a second press finds no draft
    and publishes nothing twice."""
    data = await state.get_data()
    await state.clear()
    if data.get("mode") != "new" or "starts_at" not in data.get("draft", {}):
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    made = await events.create(
        db,
        view.draft_of(data["draft"]),
        query.from_user.id,
        clock.now(),
        content.catalog.events.ids,
        event_admin.registration_topics(content.catalog),
        by=Actor(query.from_user.id, "telegram"),
    )
    if isinstance(made, Invalid):
        # Time passed while the admin looked at the preview: say why, keep the draft.
        await state.set_data(data)
        await state.set_state(EventForm.preview)
        await show(query, view.errors_text(t, made.errors), view.preview_keyboard(t))
        return
    text, markup = await _card(t, db, content, made)
    await show(query, t("evadm-published", id=made.id) + "\n\n" + text, markup)


async def on_edit(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
) -> None:
    """Which field to change: of the draft in preview (id 0) or of an event."""
    if callback_data.id:
        event = await _event_or_stale(query, t, db, callback_data.id)
        if event is None:
            return
        await state.clear()
    elif (await state.get_state()) != EventForm.preview.state:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await show(query, t("evadm-edit-which"), view.fields_keyboard(t, callback_data.id))


async def on_edit_field(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    group = GROUPS.get(callback_data.v)
    if group is None:
        await acknowledge(query, t("button-outdated"))
        return
    if callback_data.id:
        event = await _event_or_stale(query, t, db, callback_data.id)
        if event is None:
            return
        if not event.active:
            await acknowledge(query, t("event-error-cancelled"))
            return
        draft = view.draft_data(Draft.of(event))
        await state.set_data({"mode": "edit", "event": event.id, "draft": draft})
    else:
        data = await state.get_data()
        if data.get("mode") != "new" or (await state.get_state()) != EventForm.preview.state:
            await acknowledge(query, t("button-outdated"))
            return
        draft = data["draft"]
    await acknowledge(query)
    await state.update_data(until=group[-1])
    first = BY_NAME[group[0]]
    await _ask(query.from_user.id, query.bot, state, t, clock, first, draft, content)


async def _save_edit(
    chat_id: int,
    bot: Bot | None,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    event_id: int,
    draft: dict[str, Any],
) -> None:
    assert bot is not None
    await state.clear()
    saved = await events.update(
        db,
        event_id,
        view.draft_of(draft),
        clock.now(),
        content.catalog.events.ids,
        event_admin.registration_topics(content.catalog),
        by=Actor(chat_id, "telegram"),
    )
    if saved is None:
        await bot.send_message(chat_id, t("evadm-not-found", id=event_id))
        return
    if isinstance(saved, Invalid):
        event = await events.get(db, event_id)
        await bot.send_message(chat_id, view.errors_text(t, saved.errors))
        if event is not None:
            text, markup = await _card(t, db, content, event)
            await bot.send_message(chat_id, text, reply_markup=markup)
        return
    # Seats the edit added went to the first in line: they hear of it like any promotion.
    await tell_promoted(bot, db, content, clock, saved.promoted)
    text, markup = await _card(t, db, content, saved.event)
    await bot.send_message(chat_id, t("evadm-saved") + "\n\n" + text, reply_markup=markup)


async def on_drop(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """Leave the form (or the check-in mode) without saving."""
    await state.clear()
    await acknowledge(query)
    await show(query, t("evadm-left"))


async def cmd_cancel(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("evadm-left"))


# --- copy and cancel ---------------------------------------------------------------------------


async def on_copy(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    state: FSMContext,
    t: Translator,
    db: Database,
    clock: Clock,
) -> None:
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    await acknowledge(query)
    await state.set_state(EventForm.copy_when)
    await state.set_data({"event": event.id})
    await show(
        query,
        t("evadm-ask-copy", title=event.title(t.lang), example=view.example_time(clock.now())),
        view.cancel_keyboard(t),
    )


async def on_copy_when(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
) -> None:
    data = await state.get_data()
    moment = clocks.parse_typed(message.text or "")
    if moment is None:
        example = view.example_time(clock.now())
        await message.answer(
            t("evadm-bad-when", example=example), reply_markup=view.cancel_keyboard(t)
        )
        return
    made = await events.copy(
        db,
        int(data["event"]),
        moment,
        message.chat.id,
        clock.now(),
        content.catalog.events.ids,
        event_admin.registration_topics(content.catalog),
        by=Actor(message.chat.id, "telegram"),
    )
    if isinstance(made, Invalid):
        await message.answer(view.errors_text(t, made.errors), reply_markup=view.cancel_keyboard(t))
        return
    await state.clear()
    if made is None:
        await message.answer(t("evadm-not-found", id=data["event"]))
        return
    text, markup = await _card(t, db, content, made)
    await message.answer(t("evadm-copied", id=made.id) + "\n\n" + text, reply_markup=markup)


async def on_cancel_event(
    query: CallbackQuery, callback_data: EvAdmCD, t: Translator, db: Database
) -> None:
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    await acknowledge(query)
    await show(
        query,
        t(
            "evadm-cancel-confirm",
            title=event.title(t.lang),
            confirmed=event.confirmed,
            waiting=event.waiting,
        ),
        view.cancel_confirm_keyboard(t, event.id),
    )


async def on_cancel_yes(
    query: CallbackQuery,
    callback_data: EvAdmCD,
    t: Translator,
    db: Database,
    content: ContentStore,
    clock: Clock,
    cancellations: CancellationNotices,
) -> None:
    """Cancel the event; everyone with a seat or in line is told by the worker, paced."""
    notices = await events.cancel_event(
        db, callback_data.id, clock.now(), by=Actor(query.from_user.id, "telegram")
    )
    if notices is None:
        await acknowledge(query, t("evadm-already-cancelled"))
        return
    await acknowledge(query)
    cancellations.wake()
    event = await events.get(db, callback_data.id)
    assert event is not None
    text, markup = await _card(t, db, content, event)
    await show(query, t("evadm-cancelled", count=len(notices)) + "\n\n" + text, markup)


# --- attendees and comments --------------------------------------------------------------------


async def on_attendees(
    query: CallbackQuery, callback_data: EvAdmCD, bot: Bot, t: Translator, db: Database
) -> None:
    """The attendee list as CSV (personal data: only in the admin's private chat)."""
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    people = await events.attendees(db, event.id)
    if not people:
        await acknowledge(query, t("evadm-attendees-empty"))
        return
    await acknowledge(query)
    ratings = await events.ratings(db, event.id)
    data = event_csv.attendees_csv(t, people, ratings, event_csv.waiting_places(people))
    await audit.record(
        db,
        Actor(query.from_user.id, "telegram"),
        "export",
        f"event:{event.id}",
        kind="attendees",
        rows=len(people),
    )
    counts = await events.counts(db, event.id)
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(data, filename=f"event-{event.id}-attendees.csv"),
        caption=t(
            "evadm-attendees-caption",
            title=event.title(t.lang),
            confirmed=counts.confirmed,
            waiting=counts.waiting,
            checked_in=counts.checked_in,
        ),
    )


async def on_comments(
    query: CallbackQuery, callback_data: EvAdmCD, bot: Bot, t: Translator, db: Database
) -> None:
    event = await _event_or_stale(query, t, db, callback_data.id)
    if event is None:
        return
    await acknowledge(query)
    found = await event_admin.comments(db, event.id)
    await bot.send_message(query.from_user.id, view.comments_text(t, event, found))


# --- check-in at the door ----------------------------------------------------------------------


async def _check(message: Message, t: Translator, db: Database, clock: Clock, code: str) -> None:
    result = await event_rsvps.check_in(
        db, code, clock.now(), by=Actor(message.chat.id, "telegram")
    )
    await message.answer(view.checkin_text(t, result))


async def cmd_checkin(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    db: Database,
    clock: Clock,
) -> None:
    """`/checkin CODE` marks one person; `/checkin` alone waits for codes one after another
    (the door's mode) until /cancel or the button."""
    code = (command.args or "").strip()
    if code:
        await _check(message, t, db, clock, code)
        return
    await state.clear()
    await state.set_state(EventForm.checkin)
    await message.answer(t("evadm-checkin-ask"), reply_markup=view.checkin_keyboard(t))


async def on_checkin_button(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await acknowledge(query)
    await state.clear()
    await state.set_state(EventForm.checkin)
    await show(query, t("evadm-checkin-ask"), view.checkin_keyboard(t))


async def on_checkin_code(message: Message, t: Translator, db: Database, clock: Clock) -> None:
    await _check(message, t, db, clock, message.text or "")


async def on_checkin_photo(message: Message, t: Translator) -> None:
    """A photo of the QR: the bot does not read images; the code is printed under it."""
    await message.answer(t("evadm-checkin-photo"), reply_markup=view.checkin_keyboard(t))


async def on_use_buttons(message: Message, t: Translator) -> None:
    """Typing at the preview: the choice is on the buttons above; nothing is lost."""
    await message.answer(t("evadm-use-buttons"), reply_markup=view.preview_keyboard(t))


async def on_not_text(message: Message, state: FSMContext, t: Translator, clock: Clock) -> None:
    """A sticker or a voice where a date or a code is expected: ask again."""
    if await state.get_state() == EventForm.checkin.state:
        await message.answer(t("evadm-checkin-ask"), reply_markup=view.checkin_keyboard(t))
        return
    example = view.example_time(clock.now())
    await message.answer(t("evadm-bad-when", example=example), reply_markup=view.cancel_keyboard(t))


def create_router() -> Router:
    """Admins only, messages and buttons alike; registered before the crisis router, as the
    announcements' form is, so a seminar's description about helplines is a description."""
    router = Router(name="event-admin")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    in_form = StateFilter(*BY_STATE)
    router.message.register(cmd_cancel, Command("cancel"), StateFilter(EventForm))
    router.message.register(cmd_event, Command("event"))
    router.message.register(cmd_checkin, Command("checkin"))
    router.message.register(on_checkin_photo, EventForm.checkin, F.photo)
    router.message.register(on_checkin_code, EventForm.checkin, F.text)
    router.message.register(on_copy_when, EventForm.copy_when, F.text)
    router.message.register(on_answer, in_form)
    router.message.register(on_use_buttons, EventForm.preview)
    router.message.register(on_not_text, StateFilter(EventForm.copy_when, EventForm.checkin))
    cd = EvAdmCD.filter
    router.callback_query.register(on_list, cd(F.act == "list"))
    router.callback_query.register(on_open, cd(F.act == "open"))
    router.callback_query.register(on_user_view, cd(F.act == "see"))
    router.callback_query.register(on_new, cd(F.act == "new"))
    router.callback_query.register(on_skip, cd(F.act == "skip"), in_form)
    router.callback_query.register(on_category, cd(F.act == "cat"), EventForm.category)
    router.callback_query.register(on_registration, cd(F.act == "reg"), EventForm.registration)
    router.callback_query.register(on_publish, cd(F.act == "pub"))
    router.callback_query.register(on_back_to_preview, cd(F.act == "pv"))
    router.callback_query.register(on_edit, cd(F.act == "edit"))
    router.callback_query.register(on_edit_field, cd(F.act == "ef"))
    router.callback_query.register(on_drop, cd(F.act == "drop"))
    router.callback_query.register(on_copy, cd(F.act == "copy"))
    router.callback_query.register(on_cancel_event, cd(F.act == "cancel"))
    router.callback_query.register(on_cancel_yes, cd(F.act == "cx"))
    router.callback_query.register(on_attendees, cd(F.act == "csv"))
    router.callback_query.register(on_comments, cd(F.act == "com"))
    router.callback_query.register(on_checkin_button, cd(F.act == "ci"))
    return router
