"""The admins' screens for events: the `/event` form as a table of steps (each with its
question, parser and buttons), the list and the admin's card of an event with its figures,
check-in answers, the cancellation notice users get, and the events block of `/stats`.

The preview of a new event is part A's user card (`views/events.card_text`), in both
languages, so the admin sees exactly what users will see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot import clock
from bot.catalog.events import EventsConfig
from bot.db.events import Event, Rating
from bot.i18n import Html, Translator
from bot.services import events
from bot.services.event_admin import Figures
from bot.services.event_csv import read_moment
from bot.services.event_rsvps import CheckIn
from bot.services.events import Draft, Page
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import RowId

BUTTON_TITLE = 40  # characters of a title on a list button
COMMENT_SHOWN = 300  # characters of one comment in the chat


class EvAdmCD(CallbackData, prefix="ea"):
    """An admin's action: `act` names it, `id` the event (0: the draft being written),
    `v` a value (a page, a field group, a category or a topic id)."""

    act: str
    id: RowId = 0
    v: str = ""


class EventForm(StatesGroup):
    title_kk = State()
    title_ru = State()
    description_kk = State()
    description_ru = State()
    category = State()
    starts = State()
    ends = State()
    place_kk = State()
    place_ru = State()
    ages = State()
    bring_kk = State()
    bring_ru = State()
    capacity = State()
    registration = State()
    preview = State()
    copy_when = State()
    checkin = State()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an answer was not taken: a text id and its values; the step is asked again."""

    key: str
    values: dict[str, Any]


Parsed = dict[str, Any] | Problem
Parser = Callable[[str, dict[str, Any], datetime], Parsed]


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the form. `pair`: the Kazakh step whose Russian twin this is (asked
    only when the Kazakh text was given, and then required: both languages or neither)."""

    name: str
    state: State
    parse: Parser | None  # None: answered with buttons only
    skip: bool = False
    pair: str | None = None


def _text(field: str, limit: int) -> Parser:
    def parse(text: str, draft: dict[str, Any], now: datetime) -> Parsed:
        value = text.strip()
        if not value:
            return Problem("evadm-empty", {})
        if len(value) > limit:
            return Problem("evadm-too-long", {"limit": limit, "length": len(value)})
        return {field: value}

    return parse


def _starts(text: str, draft: dict[str, Any], now: datetime) -> Parsed:
    moment = clock.parse_typed(text)
    if moment is None:
        return Problem("evadm-bad-when", {"example": example_time(now)})
    if moment <= now:
        return Problem("event-error-past", {})
    found: dict[str, Any] = {"starts_at": clock.iso(moment)}
    if draft.get("starts_at") and draft.get("ends_at"):
        # A new start keeps the event's length: the end moves with it.
        length = clock.parse_iso(draft["ends_at"]) - clock.parse_iso(draft["starts_at"])
        found["ends_at"] = clock.iso(moment + length)
    return found


def _ends(text: str, draft: dict[str, Any], now: datetime) -> Parsed:
    starts = clock.parse_iso(draft["starts_at"])
    moment = read_moment(text, starts)
    if moment is None:
        return Problem("evadm-bad-end", {"example": clock.in_shymkent(starts + timedelta(hours=2))})
    if moment < starts:
        return Problem("event-error-ends-before-starts", {})
    if moment - starts > events.MAX_LENGTH:
        return Problem("event-error-too-long-event", {})
    return {"ends_at": clock.iso(moment)}


AGES = re.compile(r"^(\d{1,3})\s*(?:[-–—]\s*(\d{1,3})|(\+))$")


def _ages(text: str, draft: dict[str, Any], now: datetime) -> Parsed:
    match = AGES.match(text.strip())
    if match is None:
        return Problem("evadm-bad-ages", {})
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else None
    if low > 120 or (high is not None and not low <= high <= 120):
        return Problem("event-error-ages", {})
    return {"age_min": low, "age_max": high}


def _capacity(text: str, draft: dict[str, Any], now: datetime) -> Parsed:
    value = text.strip()
    if not value.isdecimal() or not 1 <= int(value) <= events.MAX_CAPACITY:
        return Problem("event-error-capacity", {})
    return {"capacity": int(value)}


STEPS: tuple[Step, ...] = (
    Step("title_kk", EventForm.title_kk, _text("title_kk", events.MAX_TITLE)),
    Step("title_ru", EventForm.title_ru, _text("title_ru", events.MAX_TITLE)),
    Step(
        "description_kk",
        EventForm.description_kk,
        _text("description_kk", events.MAX_TEXT),
        skip=True,
    ),
    Step(
        "description_ru",
        EventForm.description_ru,
        _text("description_ru", events.MAX_TEXT),
        pair="description_kk",
    ),
    Step("category", EventForm.category, None),
    Step("starts", EventForm.starts, _starts),
    Step("ends", EventForm.ends, _ends),
    Step("place_kk", EventForm.place_kk, _text("place_kk", events.MAX_LINE)),
    Step("place_ru", EventForm.place_ru, _text("place_ru", events.MAX_LINE)),
    Step("ages", EventForm.ages, _ages, skip=True),
    Step("bring_kk", EventForm.bring_kk, _text("bring_kk", events.MAX_LINE), skip=True),
    Step("bring_ru", EventForm.bring_ru, _text("bring_ru", events.MAX_LINE), pair="bring_kk"),
    Step("capacity", EventForm.capacity, _capacity, skip=True),
    Step("registration", EventForm.registration, None),
)
BY_NAME = {s.name: s for s in STEPS}
BY_STATE = {s.state.state: s for s in STEPS}
# What "edit" offers: a group of steps asked one after another, then back to the card.
GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title_kk", "title_ru"),
    "description": ("description_kk", "description_ru"),
    "category": ("category",),
    "starts": ("starts",),
    "ends": ("ends",),
    "place": ("place_kk", "place_ru"),
    "ages": ("ages",),
    "bring": ("bring_kk", "bring_ru"),
    "capacity": ("capacity",),
    "registration": ("registration",),
}
# What skipping a step stores.
SKIPPED: dict[str, dict[str, Any]] = {
    "description_kk": {"description_kk": "", "description_ru": ""},
    "ages": {"age_min": None, "age_max": None},
    "bring_kk": {"bring_kk": "", "bring_ru": ""},
    "capacity": {"capacity": None},
}


def next_step(step: Step | None, draft: dict[str, Any], until: str | None) -> Step | None:
    """The step after `step` (the first when None), passing over a Russian twin whose
    Kazakh text was skipped; None when the form (or the edited group, `until`) is done."""
    if step is not None and step.name == until:
        return None
    index = 0 if step is None else STEPS.index(step) + 1
    for candidate in STEPS[index:]:
        if candidate.pair and not draft.get(candidate.pair):
            if candidate.name == until:
                return None
            continue
        return candidate
    return None


def example_time(now: datetime) -> str:
    """Tomorrow at 10:00 in Shymkent, as the admin would type it."""
    local = now.astimezone(clock.SHYMKENT) + timedelta(days=1)
    return local.replace(hour=10, minute=0).strftime(clock.DATE_TIME)


def draft_of(data: dict[str, Any]) -> Draft:
    """The form's stored answers as a draft (times in the storage form there)."""
    fields = dict(data)
    fields["starts_at"] = clock.parse_iso(fields["starts_at"])
    fields["ends_at"] = clock.parse_iso(fields["ends_at"])
    return Draft(**fields)


def draft_data(draft: Draft) -> dict[str, Any]:
    """A draft as the form keeps it in its (JSON) data."""
    return asdict(draft.fields())


def as_event(draft: Draft, admin_id: int, now: datetime, event_id: int = 0) -> Event:
    """A draft dressed as an event, for the user card's preview."""
    stamp = clock.iso(now)
    return Event(
        id=event_id,
        **asdict(draft.fields()),
        status="active",
        created_by=admin_id,
        created_at=stamp,
        updated_at=stamp,
    )


# --- keyboards ---------------------------------------------------------------------------


def cancel_keyboard(t: Translator, skip: bool = False) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if skip:
        kb.button(text=t("evadm-button-skip"), callback_data=EvAdmCD(act="skip"))
    kb.button(text=t("evadm-button-drop"), callback_data=EvAdmCD(act="drop"))
    kb.adjust(1)
    return kb.as_markup()


def category_keyboard(t: Translator, config: EventsConfig) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in config.categories:
        kb.button(text=category.title(t.lang), callback_data=EvAdmCD(act="cat", v=category.id))
    kb.button(text=t("evadm-button-drop"), callback_data=EvAdmCD(act="drop"))
    kb.adjust(2)
    return kb.as_markup()


def registration_keyboard(t: Translator, topics: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """`topics`: (id, title) of programmes open for registration."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("evadm-button-no-registration"), callback_data=EvAdmCD(act="reg"))
    for topic_id, title in topics:
        kb.button(text=title[:BUTTON_TITLE], callback_data=EvAdmCD(act="reg", v=topic_id))
    kb.button(text=t("evadm-button-drop"), callback_data=EvAdmCD(act="drop"))
    kb.adjust(1)
    return kb.as_markup()


def preview_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("evadm-button-publish"), callback_data=EvAdmCD(act="pub"))
    kb.button(text=t("evadm-button-edit"), callback_data=EvAdmCD(act="edit"))
    kb.button(text=t("evadm-button-drop"), callback_data=EvAdmCD(act="drop"))
    kb.adjust(1)
    return kb.as_markup()


def fields_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for group in GROUPS:
        kb.button(
            text=t(f"evadm-field-{group}"), callback_data=EvAdmCD(act="ef", id=event_id, v=group)
        )
    back = EvAdmCD(act="open", id=event_id) if event_id else EvAdmCD(act="pv")
    kb.button(text=t("button-back"), callback_data=back)
    kb.adjust(2)
    return kb.as_markup()


def list_keyboard(t: Translator, page: Page) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("evadm-button-new"), callback_data=EvAdmCD(act="new"))
    sizes = [1]
    for event in page.events:
        title = event.title(t.lang)
        short = title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1] + "…"
        day = clock.in_shymkent(event.starts_at, "%d.%m")
        kb.button(text=f"{day} · {short}", callback_data=EvAdmCD(act="open", id=event.id))
        sizes.append(1)
    nav = 0
    if page.page > 0:
        kb.button(text="◀️", callback_data=EvAdmCD(act="list", v=str(page.page - 1)))
        nav += 1
    if page.page + 1 < page.pages:
        kb.button(text="▶️", callback_data=EvAdmCD(act="list", v=str(page.page + 1)))
        nav += 1
    if nav:
        sizes.append(nav)
    kb.adjust(*sizes)
    return kb.as_markup()


def card_keyboard(t: Translator, event: Event) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    e = event.id
    if event.active:
        kb.button(text=t("evadm-button-edit"), callback_data=EvAdmCD(act="edit", id=e))
    kb.button(text=t("evadm-button-copy"), callback_data=EvAdmCD(act="copy", id=e))
    kb.button(text=t("evadm-button-attendees"), callback_data=EvAdmCD(act="csv", id=e))
    kb.button(text=t("evadm-button-comments"), callback_data=EvAdmCD(act="com", id=e))
    kb.button(text=t("evadm-button-checkin"), callback_data=EvAdmCD(act="ci", id=e))
    kb.button(text=t("evadm-button-user-view"), callback_data=EvAdmCD(act="see", id=e))
    if event.active:
        kb.button(text=t("evadm-button-cancel-event"), callback_data=EvAdmCD(act="cancel", id=e))
    kb.button(text=t("evadm-button-list"), callback_data=EvAdmCD(act="list", v="0"))
    kb.adjust(2)
    return kb.as_markup()


def cancel_confirm_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("evadm-button-cancel-yes"), callback_data=EvAdmCD(act="cx", id=event_id))
    kb.button(text=t("evadm-button-cancel-no"), callback_data=EvAdmCD(act="open", id=event_id))
    kb.adjust(1)
    return kb.as_markup()


def checkin_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("evadm-button-checkin-done"), callback_data=EvAdmCD(act="drop"))
    return kb.as_markup()


# --- texts -------------------------------------------------------------------------------


def question(t: Translator, step: Step, now: datetime, draft: dict[str, Any]) -> str:
    if step.name == "starts":
        return t("evadm-ask-starts", example=example_time(now))
    if step.name == "ends":
        starts = clock.parse_iso(draft["starts_at"])
        return t(
            "evadm-ask-ends",
            starts=clock.in_shymkent(starts),
            example=clock.in_shymkent(starts + timedelta(hours=2), "%H:%M"),
        )
    return t(f"evadm-ask-{step.name.replace('_', '-')}")


def problem_text(t: Translator, problem: Problem) -> str:
    return t(problem.key, **problem.values)


def errors_text(t: Translator, codes: list[str]) -> str:
    lines = [t("evadm-invalid")] + [f"• {t(f'event-error-{code}')}" for code in codes]
    return "\n".join(lines)


def _when(event: Event) -> str:
    start = clock.in_shymkent(event.starts_at)
    same_day = clock.in_shymkent(event.starts_at, clock.DAY) == clock.in_shymkent(
        event.ends_at, clock.DAY
    )
    end = clock.in_shymkent(event.ends_at, "%H:%M" if same_day else clock.DATE_TIME)
    return f"{start}–{end}"


def list_text(t: Translator, page: Page) -> str:
    if not page.events:
        return t("evadm-list-empty")
    lines = [t("evadm-list-title", count=page.total)]
    for event in page.events:
        lines.append(
            t(
                "evadm-list-item",
                id=event.id,
                when=_when(event),
                title=event.title(t.lang),
                confirmed=event.confirmed,
                capacity=event.capacity if event.capacity is not None else "∞",
                waiting=event.waiting,
            )
        )
    if page.pages > 1:
        lines.append(t("evadm-list-page", page=page.page + 1, pages=page.pages))
    return "\n\n".join(lines)


def admin_card(t: Translator, config: EventsConfig, event: Event, figures: Figures) -> str:
    """The event as the department reads it: what it is, and who comes."""
    c = figures.counts
    category = config.category(event.category)
    lines = [
        t("evadm-card-title", id=event.id, title=event.title(t.lang)),
        t("evadm-card-status-cancelled") if not event.active else "",
        t(
            "evadm-card-what",
            category=category.title(t.lang) if category else event.category,
            when=_when(event),
            place=event.place(t.lang),
        ),
        t(
            "evadm-card-rsvps",
            confirmed=c.confirmed,
            capacity=event.capacity if event.capacity is not None else "∞",
            waiting=c.waiting,
            cancelled=c.cancelled,
            checked_in=c.checked_in,
        ),
        t(
            "evadm-card-ratings",
            ratings=c.ratings,
            average=f"{c.average:.1f}" if c.average is not None else "—",
            comments=c.comments,
            reminders=c.reminders_sent,
        ),
    ]
    if not event.active:
        told = figures.told
        lines.append(
            t(
                "evadm-card-told",
                sent=told.get("sent", 0),
                blocked=told.get("blocked", 0),
                failed=told.get("failed", 0) + told.get("uncertain", 0),
            )
        )
    if event.needs_registration:
        lines.append(t("evadm-card-registration", topic=event.needs_registration))
    return "\n".join(line for line in lines if line)


def comments_text(t: Translator, event: Event, ratings: list[Rating]) -> str:
    if not ratings:
        return t("evadm-comments-empty", title=event.title(t.lang))
    lines = [t("evadm-comments-title", title=event.title(t.lang))]
    for r in ratings:
        text = r.comment or ""
        text = text if len(text) <= COMMENT_SHOWN else text[:COMMENT_SHOWN] + "…"
        lines.append(
            t(
                "evadm-comment",
                stars="⭐" * r.score,
                when=clock.in_shymkent(r.updated_at),
                text=text,
            )
        )
    return "\n\n".join(lines)


def checkin_text(t: Translator, result: CheckIn) -> str:
    """What the door hears: checked in, already (and when), not a seat, unknown."""
    if result.kind == "unknown" or result.rsvp is None:
        return t("evadm-checkin-unknown")
    title = result.event.title(t.lang) if result.event else ""
    when = clock.in_shymkent(result.event.starts_at) if result.event else ""
    code = result.rsvp.code
    if result.kind == "checked_in":
        return t("evadm-checkin-ok", title=title, when=when, code=code)
    if result.kind == "already":
        at = clock.in_shymkent(result.rsvp.checked_in_at or "")
        return t("evadm-checkin-already", title=title, when=when, code=code, at=at)
    return t(f"evadm-checkin-{result.rsvp.status}", title=title, when=when, code=code)


def cancelled_notice(t: Translator, event: Event) -> str:
    """What someone with a seat or a place in line reads when the event is cancelled."""
    return t(
        "evadm-cancelled-notice",
        title=event.title(t.lang),
        when=clock.in_shymkent(event.starts_at),
        place=event.place(t.lang),
    )


def stats_block(t: Translator, past: events.Totals, coming: events.Totals, days: int) -> Html:
    """The events part of `/stats`: the period's events, and what is coming."""
    average = f"{past.average:.1f}" if past.average is not None else t("admin-stats-no-data")
    return Html(
        t(
            "evadm-stats",
            days=days,
            held=past.events,
            cancelled=past.cancelled_events,
            confirmed=past.confirmed,
            checked_in=past.checked_in,
            ratings=past.ratings,
            average=average,
            coming=coming.events,
            coming_confirmed=coming.confirmed,
            coming_waiting=coming.waiting,
        )
    )
