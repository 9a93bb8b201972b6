"""Announcements: the admins' flow (/announce, /announcements, progress buttons) and the
users' side (/subscribe, /unsubscribe, the button under each announcement, blocking).

Admin flow: message → audience → optional button → preview with the recipient count →
send now, schedule (Shymkent time) or cancel. /cancel or the cancel button leaves at any step.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from bot.catalog.store import ContentStore
from bot.clock import Clock, in_shymkent
from bot.db.broadcasts import Audience
from bot.db.database import Database
from bot.db.users import User
from bot.filters import IsAdmin
from bot.handlers.common import acknowledge, show
from bot.i18n import Translator
from bot.services import audit, users
from bot.services.audit import Actor
from bot.services.broadcasts import (
    Draft,
    ScheduleError,
    audience_programmes,
    button_topics,
    count_recipients,
    create_broadcast,
    get_broadcast,
    parse_local_time,
    recent_broadcasts,
)
from bot.views.announcements import (
    LIST_SIZE,
    BroadcastCD,
    SubscriptionCD,
    audience_menu,
    button_kind_choice,
    button_topic_choice,
    cancel_keyboard,
    confirm_keyboard,
    district_choice,
    job_id_of,
    language_choice,
    list_keyboard,
    list_text,
    occupation_choice,
    preview_text,
    programme_choice,
    progress_keyboard,
    status_choice,
    subscription_flipped,
)
from bot.workers.broadcasts import Broadcaster

# What can be copied as an announcement (copyMessage keeps formatting and media).
COPYABLE = {
    ContentType.TEXT,
    ContentType.PHOTO,
    ContentType.DOCUMENT,
    ContentType.VIDEO,
    ContentType.ANIMATION,
    ContentType.AUDIO,
    ContentType.VOICE,
}


class AnnounceForm(StatesGroup):
    message = State()
    audience = State()
    buttons = State()
    confirm = State()
    when = State()


# --- admin: composing ------------------------------------------------------------------------


async def cmd_announce(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(AnnounceForm.message)
    await state.set_data({})
    await message.answer(t("bc-ask-message"), reply_markup=cancel_keyboard(t))


async def cmd_cancel(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("bc-cancelled"))


async def on_cancel_button(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await acknowledge(query)
    await show(query, t("bc-cancelled"))


async def on_announcement(message: Message, state: FSMContext, t: Translator) -> None:
    """The admin's message itself is what users get: it is copied, never re-typed."""
    await state.update_data(src_chat=message.chat.id, src_msg=message.message_id)
    await state.set_state(AnnounceForm.audience)
    await message.answer(t("bc-ask-audience"), reply_markup=audience_menu(t))


async def on_not_announceable(message: Message, t: Translator) -> None:
    await message.answer(t("bc-bad-message"), reply_markup=cancel_keyboard(t))


async def on_not_a_time(message: Message, t: Translator) -> None:
    await message.answer(t("bc-time-format"), reply_markup=cancel_keyboard(t))


async def on_use_buttons(message: Message, t: Translator) -> None:
    """Typing where a button is expected: say so; the flow stays where it was."""
    await message.answer(t("bc-use-buttons"), reply_markup=cancel_keyboard(t))


async def on_audience_kind(
    query: CallbackQuery,
    callback_data: BroadcastCD,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
    db: Database,
) -> None:
    await acknowledge(query)
    kind = callback_data.val
    await state.set_state(AnnounceForm.audience)
    if kind == "all":
        await ask_buttons(query, state, t, Audience())
    elif kind == "lang":
        await show(query, t("bc-ask-lang"), language_choice(t))
    elif kind == "topic":
        topics = await audience_programmes(db, content.catalog)
        await show(query, t("bc-ask-topic"), programme_choice(t, topics))
    elif kind == "district":
        await show(query, t("bc-ask-district"), district_choice(t))
    elif kind == "occupation":
        await show(query, t("bc-ask-occupation"), occupation_choice(t))
    else:  # "change audience" from the preview
        await show(query, t("bc-ask-audience"), audience_menu(t))


async def on_audience_value(
    query: CallbackQuery,
    callback_data: BroadcastCD,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
) -> None:
    await acknowledge(query)
    do, value = callback_data.do, callback_data.val
    if do == "topic":
        if content.catalog.get(value) is None:
            await show(query, t("button-outdated"))
            await state.clear()
            return
        await state.update_data(topic=value)
        await show(query, t("bc-ask-status"), status_choice(t))
        return
    try:
        if do == "st":
            topic = (await state.get_data()).get("topic")
            audience = Audience("topic", topic, None if value == "any" else value)
        else:
            kind = {"lang": "lang", "district": "district", "occ": "occupation"}[do]
            audience = Audience(kind, value)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        await show(query, t("button-outdated"))
        await state.clear()
        return
    await ask_buttons(query, state, t, audience)


async def ask_buttons(
    query: CallbackQuery, state: FSMContext, t: Translator, audience: Audience
) -> None:
    await state.update_data(audience=audience.to_json())
    await state.set_state(AnnounceForm.buttons)
    await show(query, t("bc-ask-buttons"), button_kind_choice(t))


async def on_button_kind(
    query: CallbackQuery,
    callback_data: BroadcastCD,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
    db: Database,
    bot: Bot,
    broadcaster: Broadcaster,
) -> None:
    await acknowledge(query)
    kind = callback_data.val
    if kind == "none":
        await state.update_data(buttons={})
        await preview(query, state, t, content, db, bot, broadcaster)
        return
    await state.update_data(button_kind=kind)
    await show(
        query,
        t("bc-ask-button-topic"),
        button_topic_choice(t, button_topics(content.catalog, kind)),
    )


async def on_button_topic(
    query: CallbackQuery,
    callback_data: BroadcastCD,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
    db: Database,
    bot: Bot,
    broadcaster: Broadcaster,
) -> None:
    await acknowledge(query)
    data = await state.get_data()
    if content.catalog.get(callback_data.val) is None or "button_kind" not in data:
        await show(query, t("button-outdated"))
        await state.clear()
        return
    await state.update_data(buttons={"kind": data["button_kind"], "topic": callback_data.val})
    await preview(query, state, t, content, db, bot, broadcaster)


async def preview(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    content: ContentStore,
    db: Database,
    bot: Bot,
    broadcaster: Broadcaster,
) -> None:
    """The announcement copied to the admin with the very keyboard users get, then the
    audience, the recipient count and the choice: now, later or not at all."""
    data = await state.get_data()
    audience = Audience.from_json(data["audience"])
    count = await count_recipients(db, audience)
    await state.set_state(AnnounceForm.confirm)
    await show(query, t("bc-preview-above"))
    await bot.copy_message(
        query.from_user.id,
        data["src_chat"],
        data["src_msg"],
        reply_markup=broadcaster.markup(data.get("buttons", {}), t.lang),
    )
    await bot.send_message(
        query.from_user.id,
        preview_text(t, audience, content.catalog, count),
        reply_markup=confirm_keyboard(t),
    )


async def take_draft(state: FSMContext, admin_id: int) -> Draft | None:
    """The composed announcement, and the flow ended before anything is created, so a
    second press of "send" finds no draft and sends nothing twice."""
    data = await state.get_data()
    await state.clear()
    if "src_msg" not in data or "audience" not in data:
        return None
    return Draft(
        admin_id,
        data["src_chat"],
        data["src_msg"],
        Audience.from_json(data["audience"]),
        data.get("buttons", {}),
    )


async def on_send_now(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    db: Database,
    broadcaster: Broadcaster,
    clock: Clock,
) -> None:
    draft = await take_draft(state, query.from_user.id)
    if draft is None:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    job_id, count = await create_broadcast(db, draft, clock.now())
    await show(query, t("bc-started", id=job_id, count=count))
    broadcaster.wake()


async def on_later(query: CallbackQuery, state: FSMContext, t: Translator, clock: Clock) -> None:
    await acknowledge(query)
    await state.set_state(AnnounceForm.when)
    example = in_shymkent(clock.now().replace(second=0, microsecond=0))
    await show(query, t("bc-ask-time", example=example), cancel_keyboard(t))


async def on_time(
    message: Message,
    state: FSMContext,
    t: Translator,
    db: Database,
    broadcaster: Broadcaster,
    clock: Clock,
) -> None:
    try:
        due = parse_local_time(message.text or "", clock.now())
    except ScheduleError as exc:
        await message.answer(t(f"bc-time-{exc.reason}"), reply_markup=cancel_keyboard(t))
        return
    draft = await take_draft(state, message.chat.id)  # a private chat: the admin's id
    if draft is None:
        await message.answer(t("bc-cancelled"))
        return
    job_id, count = await create_broadcast(db, draft, clock.now(), due)
    broadcaster.wake()
    await message.answer(
        t("bc-scheduled", id=job_id, when=in_shymkent(due), count=count),
        reply_markup=progress_keyboard(t, job_id, "scheduled"),
    )


# --- admin: the list and the controls --------------------------------------------------------


async def cmd_announcements(
    message: Message, t: Translator, db: Database, content: ContentStore
) -> None:
    jobs = await recent_broadcasts(db, LIST_SIZE)
    if not jobs:
        await message.answer(t("bc-list-empty"))
        return
    await message.answer(
        list_text(t, jobs, content.catalog), reply_markup=list_keyboard(t, [job for job, _ in jobs])
    )


async def on_control(
    query: CallbackQuery,
    callback_data: BroadcastCD,
    t: Translator,
    db: Database,
    broadcaster: Broadcaster,
) -> None:
    """Pause, resume or cancel from the progress message (or the list)."""
    job_id = job_id_of(callback_data)
    if job_id is None:
        await acknowledge(query, t("button-outdated"))
        return
    action = {"pause": broadcaster.pause, "resume": broadcaster.resume, "stop": broadcaster.cancel}[
        callback_data.do
    ]
    changed = await action(job_id)
    if changed:
        await audit.record(
            db,
            Actor(query.from_user.id, "telegram"),
            "announce-control",
            f"broadcast:{job_id}",
            do=callback_data.do,
        )
    await acknowledge(query, t(f"bc-{callback_data.do}-done" if changed else "bc-control-late"))
    if changed and callback_data.do == "stop":
        with contextlib.suppress(TelegramAPIError):
            await broadcaster.refresh(job_id)
        if isinstance(query.message, Message):
            job = await get_broadcast(db, job_id)
            if job is not None and job.progress_message_id != query.message.message_id:
                with contextlib.suppress(TelegramBadRequest):
                    await query.message.edit_reply_markup(reply_markup=None)


# --- users ----------------------------------------------------------------------------------


async def cmd_unsubscribe(message: Message, user: User, db: Database, t: Translator) -> None:
    await users.set_subscribed(db, user.telegram_id, False)
    await message.answer(t("sub-off"))


async def cmd_subscribe(message: Message, user: User, db: Database, t: Translator) -> None:
    await users.set_subscribed(db, user.telegram_id, True)
    await message.answer(t("sub-on"))


async def on_subscription_button(
    query: CallbackQuery, callback_data: SubscriptionCD, db: Database, t: Translator
) -> None:
    """Stop or resume from under an announcement; the button turns into its opposite."""
    on = bool(callback_data.on)
    await users.set_subscribed(db, query.from_user.id, on)
    await acknowledge(query, t("sub-on-short" if on else "sub-off-short"))
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_reply_markup(
            reply_markup=subscription_flipped(t, message.reply_markup, on)
        )


async def on_member_status(event: ChatMemberUpdated, db: Database) -> None:
    """A user blocked the bot ("kicked") or came back: mark it at once, not at the next
    announcement. Blocking unsubscribes; coming back subscribes again."""
    blocked = event.new_chat_member.status == "kicked"
    await users.member_status(db, event.from_user.id, blocked)


def create_router() -> Router:
    """A fresh router per dispatcher. The admin part is checked on the router, so a
    non-admin's /announce reaches the unknown-command reply and forged buttons go stale."""
    admin = Router(name="announcements-admin")
    admin.message.filter(IsAdmin())
    admin.callback_query.filter(IsAdmin())
    composing = StateFilter(AnnounceForm)
    admin.message.register(cmd_announce, Command("announce"))
    admin.message.register(cmd_announcements, Command("announcements"))
    admin.message.register(cmd_cancel, Command("cancel"), composing)
    admin.message.register(on_not_announceable, AnnounceForm.message, F.text.startswith("/"))
    admin.message.register(on_announcement, AnnounceForm.message, F.content_type.in_(COPYABLE))
    admin.message.register(on_not_announceable, AnnounceForm.message)
    admin.message.register(on_time, AnnounceForm.when, F.text)
    admin.message.register(on_not_a_time, AnnounceForm.when)
    admin.message.register(on_use_buttons, composing)
    admin.callback_query.register(on_cancel_button, BroadcastCD.filter(F.do == "x"), composing)
    admin.callback_query.register(
        on_audience_kind,
        BroadcastCD.filter(F.do == "aud"),
        StateFilter(AnnounceForm.audience, AnnounceForm.confirm),
    )
    admin.callback_query.register(
        on_audience_value,
        BroadcastCD.filter(F.do.in_({"lang", "topic", "st", "district", "occ"})),
        AnnounceForm.audience,
    )
    admin.callback_query.register(
        on_button_kind, BroadcastCD.filter(F.do == "btn"), AnnounceForm.buttons
    )
    admin.callback_query.register(
        on_button_topic, BroadcastCD.filter(F.do == "bt"), AnnounceForm.buttons
    )
    admin.callback_query.register(
        on_send_now, BroadcastCD.filter(F.do == "go"), AnnounceForm.confirm
    )
    admin.callback_query.register(
        on_later, BroadcastCD.filter(F.do == "later"), AnnounceForm.confirm
    )
    admin.callback_query.register(
        on_control, BroadcastCD.filter(F.do.in_({"pause", "resume", "stop"}))
    )

    public = Router(name="announcements-users")
    public.message.register(cmd_unsubscribe, Command("unsubscribe"))
    public.message.register(cmd_subscribe, Command("subscribe"))
    public.callback_query.register(on_subscription_button, SubscriptionCD.filter())
    public.my_chat_member.register(on_member_status, F.chat.type == "private")

    router = Router(name="announcements")
    router.include_routers(admin, public)
    return router
