"""The registration form (aiogram FSM), `/register`, deep links, `/my` and `/forget`.

The form's steps come from the table `FORM` (bot/views/registration.py): the states, the
questions, the keyboards and the parsers are read from it, so these handlers know only the
kinds of step (typed, a choice, a shared contact) and the consent and summary at the end.
Every step re-asks on wrong input with a hint, has "back" and "cancel", and keeps its
answers in FSM data (SQLite-backed, so a restart does not lose them). Nothing is stored as a
registration until the summary is confirmed; then consent and registration go in together.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup, StatesGroupMeta
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InputMediaDocument,
    Message,
    ReplyKeyboardRemove,
)

from bot.catalog.normalize import normalise
from bot.catalog.store import ContentStore
from bot.clock import Clock
from bot.config import Language, Settings
from bot.db.database import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.db.registrations import DuplicateRegistration, NewRegistration
from bot.formatting import content_html
from bot.handlers.common import acknowledge, show
from bot.i18n import Translator
from bot.services import event_rsvps, registrations
from bot.services.followups import FollowupGate
from bot.services.form_fields import AgeOutOfRange, FieldError
from bot.views.events import my_events
from bot.views.menu import RegisterCD, main_menu
from bot.views.registration import (
    CONSENT,
    FIELDS,
    FORM,
    STEP,
    STEPS,
    SUMMARY,
    ForgetCD,
    FormCD,
    MyRegCD,
    Step,
    already_text,
    answers_html,
    cancel_question_keyboard,
    forget_keyboard,
    form_columns,
    my_list,
    programmes_keyboard,
    question,
    summary_keyboard,
    summary_text,
    topic_title,
)
from bot.workers.registration_poster import RegistrationPoster

log = logging.getLogger(__name__)
DEEP_LINK = r"^reg-([a-z0-9][a-z0-9-]{1,30}[a-z0-9])$"
FORGOTTEN_FILE = "deleted.txt"  # what stands in for a forgotten user's photo or file

# The form's states, one per step of `FORM` and the summary: `RegForm:<step>` in the storage.
RegForm = cast(
    "type[StatesGroup]",
    StatesGroupMeta(
        "RegForm",
        (StatesGroup,),
        {
            "__qualname__": "RegForm",
            "__module__": __name__,
            **{name: State() for name in (*STEPS, SUMMARY)},
        },
    ),
)
STATE_OF: dict[str, State] = {name: getattr(RegForm, name) for name in (*STEPS, SUMMARY)}


def is_minor(data: dict[str, Any]) -> bool:
    """Under 18 by the age in the form data: the consent step then needs a guardian."""
    return int(data.get("age", 99)) < 18


# --- showing a step ------------------------------------------------------------------------


async def ask(
    bot: Bot,
    chat_id: int,
    t: Translator,
    state: FSMContext,
    step: str,
    content: ContentStore,
    hint: str | None = None,
) -> None:
    """Move to `step` and ask its question (after a hint, when the last answer was wrong)."""
    await state.set_state(STATE_OF[step])
    data = await state.get_data()
    prefix = f"{hint}\n\n" if hint else ""
    if step == SUMMARY:
        text = summary_text(t, content.catalog, data)
        await bot.send_message(chat_id, prefix + text, reply_markup=summary_keyboard(t))
        return
    text, markup = question(t, step, minor=is_minor(data), notice=content.catalog.consent)
    await bot.send_message(chat_id, prefix + text, reply_markup=markup)


async def advance(
    bot: Bot, chat_id: int, t: Translator, state: FSMContext, done: str, content: ContentStore
) -> None:
    """After a valid answer to `done`: the next step, or back to the summary when editing
    (unless the new age now needs a guardian's consent that was not given)."""
    data = await state.get_data()
    if data.get("editing") and data.get("consented"):
        minor = is_minor(data)
        if done == "age" and minor and not data.get("guardian"):
            await state.update_data(consented=False)
            await ask(bot, chat_id, t, state, CONSENT, content)
            return
        if done == "age" and not minor:
            await state.update_data(guardian=False)
        await ask(bot, chat_id, t, state, SUMMARY, content)
        return
    await ask(bot, chat_id, t, state, STEPS[STEPS.index(done) + 1], content)


async def accept(
    bot: Bot,
    chat_id: int,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    step: Step,
    value: object,
) -> None:
    """Keep a valid answer and go on; a step with a reply keyboard confirms the answer in a
    message that takes the keyboard away."""
    await state.update_data({step.name: value})
    if step.accepted:
        await bot.send_message(
            chat_id, t(step.accepted, **{step.name: value}), reply_markup=ReplyKeyboardRemove()
        )
    await advance(bot, chat_id, t, state, step.name, content)


async def _current_step(state: FSMContext) -> str | None:
    current = await state.get_state()
    return current.split(":", 1)[1] if current and current.startswith("RegForm:") else None


# --- entry points ----------------------------------------------------------------------------


async def begin(
    bot: Bot,
    chat_id: int,
    user_id: int,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    db: Database,
    topic_id: str,
) -> None:
    """Start the form for a programme, unless it is closed or the user is already in."""
    topic = content.catalog.get(topic_id)
    if topic is None:
        await bot.send_message(chat_id, t("reg-unknown"), reply_markup=main_menu(t))
        return
    title = topic.text(t.lang).title
    if not topic.registration_open:
        await bot.send_message(chat_id, t("reg-closed", programme=title), reply_markup=main_menu(t))
        return
    existing = await registrations.active_registration(db, user_id, topic_id)
    if existing is not None:
        await bot.send_message(chat_id, already_text(t, existing, title), reply_markup=main_menu(t))
        return
    if await registrations.over_daily_limit(db, user_id):
        await bot.send_message(
            chat_id,
            t("reg-daily-limit", limit=registrations.MAX_PER_DAY),
            reply_markup=main_menu(t),
        )
        return
    await state.clear()
    await state.update_data(topic=topic_id)
    await bot.send_message(chat_id, t("reg-intro", programme=title, steps=len(STEPS)))
    await ask(bot, chat_id, t, state, STEPS[0], content)


async def on_register_button(
    query: CallbackQuery,
    callback_data: RegisterCD,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    db: Database,
) -> None:
    await acknowledge(query)
    await begin(
        bot, query.from_user.id, query.from_user.id, t, state, content, db, callback_data.id
    )


async def cmd_register(
    message: Message, bot: Bot, t: Translator, content: ContentStore, state: FSMContext
) -> None:
    markup = programmes_keyboard(t, content.catalog)
    if markup is None:
        await message.answer(t("reg-none-open"), reply_markup=main_menu(t))
        return
    await message.answer(t("reg-choose"), reply_markup=markup)


async def on_deep_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    db: Database,
) -> None:
    """`t.me/<bot>?start=reg-<topic>` from a poster or a QR code."""
    assert message.from_user is not None
    topic_id = (command.args or "").removeprefix("reg-")
    await begin(bot, message.chat.id, message.from_user.id, t, state, content, db, topic_id)


async def on_bad_deep_link(message: Message, t: Translator) -> None:
    """A `reg-…` payload that is not a topic id shape (cut or forged link)."""
    await message.answer(t("reg-unknown"), reply_markup=main_menu(t))


# --- leaving the form ------------------------------------------------------------------------


async def cancel_form(bot: Bot, chat_id: int, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await bot.send_message(chat_id, t("reg-cancelled"), reply_markup=ReplyKeyboardRemove())


async def on_command_in_form(message: Message, bot: Bot, t: Translator, state: FSMContext) -> None:
    """/cancel ends the form; any other command ends it too, then runs as usual (otherwise
    the next question typed would be taken for a form answer)."""
    await cancel_form(bot, message.chat.id, t, state)
    if (message.text or "").split()[0].split("@")[0].lower() != "/cancel":
        raise SkipHandler


async def on_form_button(
    query: CallbackQuery,
    callback_data: FormCD,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    db: Database,
    lang: Language,
    poster: RegistrationPoster,
    clock: Clock,
) -> None:
    """Every inline button of the form; a press that does not fit the current step is stale."""
    step = await _current_step(state)
    chat_id = query.from_user.id
    act, val = callback_data.act, callback_data.val
    if step is None:
        await acknowledge(query, t("button-outdated"))
        return
    if act == "cancel":
        await acknowledge(query)
        await cancel_form(bot, chat_id, t, state)
        return
    if act == "back":
        await acknowledge(query)
        await _back(bot, chat_id, t, state, content, step)
        return
    form_step = STEP.get(step)
    if form_step is not None and form_step.choices and act == form_step.act:
        await acknowledge(query)
        if val in form_step.choices:
            await accept(bot, chat_id, t, state, content, form_step, val)
        return
    if form_step is not None and form_step.skip and act == "skip":
        await acknowledge(query)
        await accept(bot, chat_id, t, state, content, form_step, None)
        return
    handler = BUTTON_STEPS.get(act)
    if handler is None or handler[0] != step:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await handler[1](query, val, bot, t, state, content, db, lang, poster, clock)


async def _back(
    bot: Bot, chat_id: int, t: Translator, state: FSMContext, content: ContentStore, step: str
) -> None:
    data = await state.get_data()
    if step == SUMMARY or data.get("editing"):
        target = SUMMARY if data.get("consented") else CONSENT
    elif step == STEPS[0]:
        target = step
    else:
        target = STEPS[STEPS.index(step) - 1]
    if step in STEP and STEP[step].contact:  # its reply keyboard goes
        await bot.send_message(chat_id, t("reg-going-back"), reply_markup=ReplyKeyboardRemove())
    await ask(bot, chat_id, t, state, target, content)


# --- the steps -------------------------------------------------------------------------------


async def on_text(
    message: Message, bot: Bot, t: Translator, state: FSMContext, content: ContentStore
) -> None:
    """Text in the form: the answer of a typed step (checked by the step's parser), a
    choice typed by its name, the reply keyboard's own buttons, or text where the step
    wants a button (re-asked with a hint)."""
    name = await _current_step(state)
    if name is None:
        return
    chat_id, text = message.chat.id, message.text or ""
    step = STEP.get(name)
    if step is not None and step.contact:
        # The reply keyboard's own buttons arrive as text; emoji and case do not matter.
        typed = normalise(text)
        if typed == normalise(t("reg-button-cancel")):
            await cancel_form(bot, chat_id, t, state)
            return
        if typed == normalise(t("button-back")):
            await _back(bot, chat_id, t, state, content, name)
            return
    if step is not None and step.parse is not None:
        try:
            value = step.parse(text)
        except FieldError as exc:
            await ask(bot, chat_id, t, state, name, content, hint=t(exc.hint, **exc.values))
            return
        except AgeOutOfRange as exc:  # not a typo: the form stops politely
            await state.clear()
            await message.answer(t(exc.hint), reply_markup=main_menu(t))
            return
        await accept(bot, chat_id, t, state, content, step, value)
        return
    code = _typed_choice(step, text, content) if step is not None else None
    if step is not None and code is not None:
        await accept(bot, chat_id, t, state, content, step, code)
        return
    await ask(bot, chat_id, t, state, name, content, hint=t("reg-press-button"))


def _typed_choice(step: Step, text: str, content: ContentStore) -> str | None:
    """A choice typed instead of pressed ("абай", "Каратауский"), in either language."""
    if not step.typed_choice:
        return None
    typed = normalise(text)
    for code in step.choices:
        names = {normalise(content.i18n(lang)(f"{step.label}-{code}")) for lang in ("kk", "ru")}
        stems = {n.split()[0][:5] for n in names if n}
        if typed and (typed in names or typed.split()[0][:5] in stems):
            return code
    return None


async def on_contact(
    message: Message, bot: Bot, t: Translator, state: FSMContext, content: ContentStore
) -> None:
    """A shared contact counts only if it is the user's own (not a friend's card)."""
    name = await _current_step(state)
    contact = message.contact
    assert name is not None and contact is not None and message.from_user is not None
    if contact.user_id != message.from_user.id:
        await ask(bot, message.chat.id, t, state, name, content, hint=t("reg-not-own-contact"))
        return
    step = STEP[name]
    assert step.parse is not None
    try:
        value = step.parse(contact.phone_number)
    except FieldError:
        await ask(bot, message.chat.id, t, state, name, content, hint=t("reg-foreign-phone"))
        return
    await accept(bot, message.chat.id, t, state, content, step, value)


async def on_wrong_kind(
    message: Message, bot: Bot, t: Translator, state: FSMContext, content: ContentStore
) -> None:
    """A sticker, photo, voice… in the middle of the form: explain and ask the same step."""
    step = await _current_step(state)
    if step is not None:
        buttons_only = step not in STEP or STEP[step].buttons_only
        hint = "reg-need-button" if buttons_only else "reg-need-text"
        await ask(bot, message.chat.id, t, state, step, content, hint=t(hint))


async def _on_agree(
    query: CallbackQuery,
    val: str,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    *_: Any,
) -> None:
    """Consent to the notice shown; the button says which wording (adult or with a parent's
    agreement) it carried, so an old adult button cannot stand for a guardian's consent."""
    data = await state.get_data()
    minor = is_minor(data)
    notice = content.catalog.consent
    if val != ("minor" if minor else "adult") or notice is None:
        await ask(bot, query.from_user.id, t, state, CONSENT, content)
        return
    await state.update_data(consented=True, guardian=minor, consent_version=notice.version)
    await ask(bot, query.from_user.id, t, state, SUMMARY, content)


async def _on_full_notice(
    query: CallbackQuery,
    val: str,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    *_: Any,
) -> None:
    """The full notice, one tap away; the consent buttons follow it again."""
    notice = content.catalog.consent
    assert notice is not None
    await bot.send_message(query.from_user.id, content_html(notice.text(t.lang).full))
    await ask(bot, query.from_user.id, t, state, CONSENT, content)


async def _on_edit(
    query: CallbackQuery,
    val: str,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    *_: Any,
) -> None:
    if val not in {step.name for step in FIELDS}:
        return
    await state.update_data(editing=True)
    await ask(bot, query.from_user.id, t, state, val, content)


async def _on_confirm(
    query: CallbackQuery,
    val: str,
    bot: Bot,
    t: Translator,
    state: FSMContext,
    content: ContentStore,
    db: Database,
    lang: Language,
    poster: RegistrationPoster,
    clock: Clock,
) -> None:
    data = await state.get_data()
    chat_id = query.from_user.id
    notice = content.catalog.consent
    assert notice is not None
    topic = content.catalog.get(data["topic"])
    if topic is None or not topic.registration_open:
        # Closed (or removed) by a content reload while the form was open.
        await state.clear()
        title = topic.text(t.lang).title if topic else data["topic"]
        await bot.send_message(chat_id, t("reg-closed", programme=title), reply_markup=main_menu(t))
        return
    if not data.get("consented") or data.get("consent_version") != notice.version:
        # Never agreed, or the notice changed since: the user must see and accept this one.
        await state.update_data(consented=False)
        await ask(bot, chat_id, t, state, CONSENT, content)
        return
    new = NewRegistration(
        user_id=query.from_user.id,
        topic_id=data["topic"],
        **form_columns(data),
        consent_version=notice.version,
        language=lang,
        guardian_confirmed=bool(data.get("guardian")),
    )
    title = topic_title(content.catalog, t, new.topic_id)
    try:
        reg = await registrations.submit(db, new)
    except DuplicateRegistration:
        await state.clear()
        existing = await registrations.active_registration(db, new.user_id, new.topic_id)
        if existing is not None:
            await bot.send_message(
                chat_id, already_text(t, existing, title), reply_markup=main_menu(t)
            )
        return
    except registrations.TooManyToday:
        await state.clear()
        await bot.send_message(
            chat_id,
            t("reg-daily-limit", limit=registrations.MAX_PER_DAY),
            reply_markup=main_menu(t),
        )
        return
    await state.clear()
    if isinstance(query.message, Message):
        await show(query, t("reg-summary-sent", answers=answers_html(t, data, title)))
    await bot.send_message(
        chat_id, t("reg-done", programme=title, id=reg.id), reply_markup=main_menu(t)
    )
    poster.wake()
    if data.get("event"):
        # The form was opened by an event's "I'll come": now the RSVP, with this registration.
        # (Imported here: the events handlers start this form, so they import this module.)
        from bot.handlers.events import after_registration

        await after_registration(bot, chat_id, t, db, content, clock, int(data["event"]), reg.id)


ButtonHandler = Callable[..., Awaitable[None]]
# The buttons of the consent and the summary: act → (the step it belongs to, handler). The
# buttons of the steps in `FORM` (a choice, "skip") are read from the table.
BUTTON_STEPS: dict[str, tuple[str, ButtonHandler]] = {
    "agree": (CONSENT, _on_agree),
    "notice": (CONSENT, _on_full_notice),
    "edit": (SUMMARY, _on_edit),
    "confirm": (SUMMARY, _on_confirm),
}


# --- /my and /forget -------------------------------------------------------------------------


async def cmd_my(
    message: Message, t: Translator, db: Database, content: ContentStore, clock: Clock
) -> None:
    assert message.from_user is not None
    regs = await registrations.of_user(db, message.from_user.id)
    text, markup = my_list(t, content.catalog, regs)
    await message.answer(text, reply_markup=markup)
    # The events the user signed up for, under the registrations.
    going = await event_rsvps.of_user(db, message.from_user.id, clock.now())
    listed = my_events(
        t, [(event, rsvp, await event_rsvps.place_in_line(db, rsvp)) for event, rsvp in going]
    )
    if listed is not None:
        await message.answer(listed[0], reply_markup=listed[1])


async def on_my_button(
    query: CallbackQuery,
    callback_data: MyRegCD,
    t: Translator,
    db: Database,
    content: ContentStore,
    bot: Bot,
    poster: RegistrationPoster,
) -> None:
    """Cancel one's own registration, after a yes/no question."""
    user_id = query.from_user.id
    regs = {r.id: r for r in await registrations.of_user(db, user_id)}
    reg = regs.get(callback_data.id)
    if reg is None or not reg.active:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    if callback_data.act == "ask":
        title = topic_title(content.catalog, t, reg.topic_id)
        await show(
            query,
            t("my-confirm-cancel", id=reg.id, programme=title),
            cancel_question_keyboard(t, reg.id),
        )
        return
    if callback_data.act == "yes":
        cancelled = await registrations.cancel(db, user_id, reg.id)
        if cancelled is not None:
            # Every operators' card of it shows the cancellation and loses its buttons.
            await poster.redraw(bot, await registrations.posts_showing(db, cancelled.id))
    note = t("my-cancelled", id=reg.id) if callback_data.act == "yes" else None
    text, markup = my_list(t, content.catalog, await registrations.of_user(db, user_id), note)
    await show(query, text, markup)


async def cmd_forget(message: Message, t: Translator) -> None:
    await message.answer(t("forget-confirm"), reply_markup=forget_keyboard(t))


async def on_forget(
    query: CallbackQuery,
    callback_data: ForgetCD,
    bot: Bot,
    t: Translator,
    db: Database,
    state: FSMContext,
    fsm_storage: BaseStorage,
    poster: RegistrationPoster,
    settings: Settings,
    content: ContentStore,
    followups: FollowupGate,
    clock: Clock,
) -> None:
    await acknowledge(query)
    if not callback_data.yes:
        await show(query, t("forget-kept"), main_menu(t))
        return
    await state.clear()
    forgotten = await registrations.forget(db, query.from_user.id, clock.now())
    if isinstance(fsm_storage, SQLiteStorage):
        fsm_storage.forget(query.from_user.id)
    for ticket_id in forgotten.tickets:  # the texts of folded follow-ups, held in memory
        followups.forget(ticket_id)
    # The operators' chat keeps no copy either: registration posts are drawn again without
    # the data, ticket posts are replaced by a note.
    await poster.redraw(bot, forgotten.registration_posts)
    if settings.admin_chat_id is not None:
        note = content.i18n(settings.default_language)("admin-reg-forgotten")
        for message_id in forgotten.ticket_posts:
            await blank_post(bot, settings.admin_chat_id, message_id, note)
    log.info("personal data forgotten for one user on request")
    await show(query, t("forget-done"))
    if forgotten.promoted:  # seats they held at events went to the next in line
        from bot.handlers.events import tell_promoted  # see `_on_confirm`

        await tell_promoted(bot, db, content, clock, forgotten.promoted)


async def blank_post(bot: Bot, chat_id: int, message_id: int, note: str) -> None:
    """Leave nothing of a post that showed the user's question: a text is replaced with
    `note`; a photo or a file (its name included) is deleted, or, if Telegram refuses (the
    bot lost its admin rights), replaced with a small text file and `note` as the caption.
    Every edit drops the buttons (a ticket of a forgotten user waits for no one)."""
    try:
        await bot.edit_message_text(text=note, chat_id=chat_id, message_id=message_id)
        return
    except TelegramBadRequest:
        pass  # a media post has no text to edit
    try:
        await bot.delete_message(chat_id, message_id)
        return
    except TelegramAPIError:
        pass
    try:
        await bot.edit_message_media(
            InputMediaDocument(
                media=BufferedInputFile(note.encode(), filename=FORGOTTEN_FILE), caption=note
            ),
            chat_id=chat_id,
            message_id=message_id,
        )
        return
    except TelegramAPIError:
        pass
    try:
        await bot.edit_message_caption(caption=note, chat_id=chat_id, message_id=message_id)
    except TelegramAPIError:
        log.info("could not blank operators' post %s after /forget", message_id)


def create_router() -> Router:
    """A fresh router per dispatcher. Registered before `start`, so that a command in the
    middle of the form first closes the form, and deep links reach `on_deep_link`."""
    router = Router(name="registration")
    in_form = StateFilter(RegForm)
    command = F.text.regexp(r"^/\w+")
    router.message.register(on_command_in_form, in_form, command)
    router.message.register(
        on_deep_link, CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK))
    )
    router.message.register(
        on_bad_deep_link, CommandStart(deep_link=True, magic=F.args.startswith("reg-"))
    )
    router.message.register(cmd_register, Command("register"))
    router.message.register(cmd_my, Command("my"))
    router.message.register(cmd_forget, Command("forget"))
    # After a command closed the form, the state seen by these filters is still the old
    # one for the rest of this update: `answer` keeps the command from being taken as input.
    answer = ~command
    contact_steps = [STATE_OF[step.name] for step in FORM if step.contact]
    router.message.register(on_contact, StateFilter(*contact_steps), F.contact)
    router.message.register(on_text, in_form, F.text, answer)
    router.message.register(on_wrong_kind, in_form, answer)
    router.callback_query.register(on_register_button, RegisterCD.filter())
    router.callback_query.register(on_form_button, FormCD.filter())
    router.callback_query.register(on_my_button, MyRegCD.filter(F.act.in_({"ask", "yes", "no"})))
    router.callback_query.register(on_forget, ForgetCD.filter())
    return router
