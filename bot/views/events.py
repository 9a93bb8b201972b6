"""Events for the young person: the list with its filters, the card, RSVP answers, /my,
reminders and the rating question. Callback data, keyboards and texts; pure functions."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot import clock
from bot.catalog.events import EventsConfig, Period
from bot.catalog.models import Topic
from bot.db.events import Event, Rsvp
from bot.i18n import Html, Translator, escape
from bot.services.events import Page
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import Flag, RowId
from bot.views.menu import MenuCD, TopicCD

PERIOD_CODES: dict[str, Period] = {"a": "all", "w": "week", "m": "month"}
CODE_OF: dict[Period, str] = {v: k for k, v in PERIOD_CODES.items()}
BUTTON_TITLE = 48  # characters of a title on a list button


class EvListCD(CallbackData, prefix="el"):
    """The list: period (`a`ll, `w`eek, `m`onth), category id ('' for all), page."""

    p: str = "a"
    c: str = ""
    n: int = 0


class EvCatsCD(CallbackData, prefix="ek"):
    """The category filter's choices, keeping the period."""

    p: str = "a"


class EvCD(CallbackData, prefix="ev"):
    """An action on one event: `card`, `go` (I'll come), `rc` (come with my registration),
    `no` (ask to cancel), `nx` (cancel for sure), `ics`, `qr`."""

    id: RowId
    act: str = "card"


class EvWatchCD(CallbackData, prefix="ew"):
    """ "Tell me about the next one" in a category."""

    c: str


class EvRateCD(CallbackData, prefix="er"):
    """A score of 1–5 for an event (0: skip the comment)."""

    id: RowId
    s: int


class EvRemindCD(CallbackData, prefix="eo"):
    """Event reminders on (1) or off (0)."""

    on: Flag


def period_of(code: str) -> Period | None:
    return PERIOD_CODES.get(code)


def _when(t: Translator, event: Event) -> str:
    """22.11.2026, 10:00–13:00 (or with both dates when it ends another day), Shymkent time."""
    start_day = clock.in_shymkent(event.starts_at, clock.DAY)
    end_day = clock.in_shymkent(event.ends_at, clock.DAY)
    start = clock.in_shymkent(event.starts_at, "%H:%M")
    end = clock.in_shymkent(event.ends_at, "%H:%M")
    if start_day == end_day:
        return t("event-when-same-day", day=start_day, start=start, end=end)
    return t(
        "event-when-days",
        start=f"{start_day} {start}",
        end=f"{end_day} {end}",
    )


def _ages(t: Translator, event: Event) -> str | None:
    if event.age_min is not None and event.age_max is not None:
        return t("event-ages-range", low=event.age_min, high=event.age_max)
    if event.age_min is not None:
        return t("event-ages-from", low=event.age_min)
    if event.age_max is not None:
        return t("event-ages-to", high=event.age_max)
    return None


def seats_line(t: Translator, event: Event) -> str:
    left = event.seats_left
    if left is None:
        return t("event-seats-unlimited")
    if left == 0:
        return t("event-seats-full", waiting=event.waiting)
    return t("event-seats-left", left=left, capacity=event.capacity or 0)


def category_title(t: Translator, config: EventsConfig, category_id: str) -> str:
    category = config.category(category_id)
    return category.title(t.lang) if category else category_id


def card_text(
    t: Translator,
    config: EventsConfig,
    event: Event,
    rsvp: Rsvp | None = None,
    place_in_line: int | None = None,
) -> str:
    """Title, category, when (Shymkent time), where, ages, what to bring, seats, the text,
    and where the user stands. Every admin-written value is escaped."""
    lines = [f"<b>{escape(event.title(t.lang))}</b>"]
    if not event.active:
        lines.append(t("event-cancelled-mark"))
    lines.append(t("event-line-category", value=category_title(t, config, event.category)))
    lines.append(t("event-line-when", value=_when(t, event)))
    lines.append(t("event-line-place", value=event.place(t.lang)))
    ages = _ages(t, event)
    if ages:
        lines.append(t("event-line-ages", value=ages))
    if event.bring(t.lang):
        lines.append(t("event-line-bring", value=event.bring(t.lang)))
    if event.active:
        lines.append(t("event-line-seats", value=seats_line(t, event)))
    blocks = ["\n".join(lines)]
    if event.description(t.lang):
        blocks.append(str(escape(event.description(t.lang))))
    status = rsvp_status(t, rsvp, place_in_line)
    if status:
        blocks.append(status)
    return "\n\n".join(blocks)


def rsvp_status(t: Translator, rsvp: Rsvp | None, place_in_line: int | None) -> str | None:
    if rsvp is None or rsvp.status == "cancelled":
        return None
    if rsvp.status == "waiting":
        return t("event-you-waiting", place=place_in_line or 0)
    if rsvp.checked_in_at:
        return t("event-you-checked-in", code=rsvp.code)
    return t("event-you-going", code=rsvp.code)


def card_keyboard(
    t: Translator,
    event: Event,
    rsvp: Rsvp | None,
    *,
    open_for_rsvp: bool,
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    going = rsvp is not None and rsvp.status != "cancelled"
    if going:
        kb.button(text=t("event-button-cancel"), callback_data=EvCD(id=event.id, act="no"))
        sizes.append(1)
        if rsvp is not None and rsvp.status == "confirmed":
            kb.button(text=t("event-button-qr"), callback_data=EvCD(id=event.id, act="qr"))
            sizes.append(1)
    elif open_for_rsvp:
        full = event.seats_left == 0
        label = "event-button-wait" if full else "event-button-go"
        kb.button(text=t(label), callback_data=EvCD(id=event.id, act="go"))
        sizes.append(1)
    if event.active:
        kb.button(text=t("event-button-ics"), callback_data=EvCD(id=event.id, act="ics"))
        sizes.append(1)
    kb.button(text=t("event-button-list"), callback_data=EvListCD())
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    sizes.append(2)
    kb.adjust(*sizes)
    return kb.as_markup()


def cancel_question(t: Translator, event: Event) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("event-button-cancel-yes"), callback_data=EvCD(id=event.id, act="nx"))
    kb.button(text=t("event-button-cancel-keep"), callback_data=EvCD(id=event.id))
    kb.adjust(1)
    return t("event-cancel-confirm", title=event.title(t.lang)), kb.as_markup()


def registration_question(
    t: Translator, event: Event, answers: Html
) -> tuple[str, InlineKeyboardMarkup]:
    """A returning user confirms the data of their registration instead of typing it again."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("event-button-use-registration"), callback_data=EvCD(id=event.id, act="rc"))
    kb.button(text=t("button-back"), callback_data=EvCD(id=event.id))
    kb.adjust(1)
    return t("event-reg-reuse", title=event.title(t.lang), answers=answers), kb.as_markup()


def list_text(
    t: Translator, config: EventsConfig, page: Page, period: Period, category: str | None
) -> str:
    filters = [t(f"event-period-{period}")]
    if category:
        filters.append(category_title(t, config, category))
    head = t("event-list-title", filters=" · ".join(filters))
    if not page.events:
        return f"{head}\n\n{t('event-list-empty')}"
    lines = [
        t(
            "event-list-item",
            when=clock.in_shymkent(event.starts_at, clock.DATE_TIME),
            title=event.title(t.lang),
            seats=seats_line(t, event),
        )
        for event in page.events
    ]
    if page.pages > 1:
        lines.append(t("event-list-page", page=page.page + 1, pages=page.pages))
    return head + "\n\n" + "\n\n".join(lines)


def list_keyboard(
    t: Translator, page: Page, period: Period, category: str | None, also: Topic | None = None
) -> InlineKeyboardMarkup:
    """The events of a page, paging, filters; and, first, the programme a free-text
    question may have meant ("волонтёр на мероприятиях": volunteering), as a way out."""
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if also is not None:
        _also_button(kb, t, also)
        sizes.append(1)
    for event in page.events:
        title = event.title(t.lang)
        short = title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1] + "…"
        day = clock.in_shymkent(event.starts_at, "%d.%m")
        kb.button(text=f"{day} · {short}", callback_data=EvCD(id=event.id))
        sizes.append(1)
    code, cat = CODE_OF[period], category or ""
    nav = 0
    if page.page > 0:
        kb.button(text="◀️", callback_data=EvListCD(p=code, c=cat, n=page.page - 1))
        nav += 1
    if page.page + 1 < page.pages:
        kb.button(text="▶️", callback_data=EvListCD(p=code, c=cat, n=page.page + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    for other in ("week", "month", "all"):
        mark = "✅ " if other == period else ""
        kb.button(
            text=mark + t(f"event-filter-{other}"),
            callback_data=EvListCD(p=CODE_OF[other], c=cat),
        )
    sizes.append(3)
    kb.button(
        text=("✅ " if category else "") + t("event-filter-category"),
        callback_data=EvCatsCD(p=code),
    )
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    sizes.append(2)
    kb.adjust(*sizes)
    return kb.as_markup()


def categories_keyboard(
    t: Translator, config: EventsConfig, period: Period
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    code = CODE_OF[period]
    kb.button(text=t("event-filter-any-category"), callback_data=EvListCD(p=code))
    for category in config.categories:
        kb.button(text=category.title(t.lang), callback_data=EvListCD(p=code, c=category.id))
    kb.adjust(1)
    return kb.as_markup()


def _also_button(kb: InlineKeyboardBuilder, t: Translator, topic: Topic) -> None:
    kb.button(
        text=t("event-button-also-topic", title=topic.text(t.lang).title),
        callback_data=TopicCD(id=topic.id),
    )


def none_found(
    t: Translator, config: EventsConfig, category: str | None, also: Topic | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """No upcoming event matches a free-text question: say so, offer to tell them later
    (and the programme the question may have meant)."""
    kb = InlineKeyboardBuilder()
    if also is not None:
        _also_button(kb, t, also)
    if category:
        kb.button(text=t("event-button-watch"), callback_data=EvWatchCD(c=category))
        text = t("event-none-in-category", category=category_title(t, config, category))
    else:
        text = t("event-none")
    kb.button(text=t("event-button-all"), callback_data=EvListCD())
    kb.adjust(1)
    return text, kb.as_markup()


def rsvp_result(t: Translator, kind: str, event: Event | None, place: int | None) -> str:
    title = event.title(t.lang) if event else ""
    if kind == "confirmed":
        return t("event-rsvp-confirmed", title=title)
    if kind == "waiting":
        return t("event-rsvp-waiting", title=title, place=place or 0)
    if kind == "closed":
        return t("event-rsvp-closed", title=title)
    return t("button-outdated")


def my_events(
    t: Translator, items: list[tuple[Event, Rsvp, int | None]]
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The events part of /my: seats and places in line, each opening its card."""
    if not items:
        return None
    lines = [t("event-my-title")]
    kb = InlineKeyboardBuilder()
    for event, rsvp, place in items:
        lines.append(
            t(
                "event-my-item",
                title=event.title(t.lang),
                when=clock.in_shymkent(event.starts_at),
                status=Html(rsvp_status(t, rsvp, place) or ""),
            )
        )
        kb.button(text=event.title(t.lang)[:BUTTON_TITLE], callback_data=EvCD(id=event.id))
    kb.adjust(1)
    return "\n\n".join(lines), kb.as_markup()


NoticeKindText = Literal["24h", "1h", "rating", "new"]


def notice(
    t: Translator, config: EventsConfig, kind: str, event: Event, rsvp: Rsvp | None
) -> tuple[str, InlineKeyboardMarkup]:
    """What the reminder worker sends: a reminder, the rating question, or news of an event."""
    kb = InlineKeyboardBuilder()
    title = event.title(t.lang)
    when = clock.in_shymkent(event.starts_at)
    if kind == "rating":
        for score in range(1, 6):
            kb.button(text="⭐" * score, callback_data=EvRateCD(id=event.id, s=score))
        kb.adjust(1)
        return t("event-rate-ask", title=title), kb.as_markup()
    kb.button(text=t("event-button-open"), callback_data=EvCD(id=event.id))
    if kind == "new":
        kb.adjust(1)
        text = t(
            "event-news",
            category=category_title(t, config, event.category),
            title=title,
            when=when,
            place=event.place(t.lang),
        )
        return text, kb.as_markup()
    kb.button(text=t("event-button-reminders-off"), callback_data=EvRemindCD(on=0))
    kb.adjust(1)
    code = rsvp.code if rsvp else ""
    return (
        t(f"event-remind-{kind}", title=title, when=when, place=event.place(t.lang), code=code),
        kb.as_markup(),
    )


def comment_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("event-button-skip-comment"), callback_data=EvRateCD(id=event_id, s=0))
    return kb.as_markup()


def reminders_keyboard(t: Translator, on: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if on:
        kb.button(text=t("event-button-reminders-off"), callback_data=EvRemindCD(on=0))
    else:
        kb.button(text=t("event-button-reminders-on"), callback_data=EvRemindCD(on=1))
    return kb.as_markup()
