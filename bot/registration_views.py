"""What the registration form shows: callback data, keyboards and rendered summaries.

Kept apart from the handlers so the same card serves the user's summary, `/my` and the
post in the admin chat.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.catalog.loader import Catalog
from bot.db.registrations import Registration
from bot.i18n import Html, Translator, escape
from bot.keyboards import MenuCD, RegisterCD, RowId, same_for_everyone
from bot.services.form_fields import DISTRICTS, OCCUPATIONS
from bot.speedups import InlineKeyboardBuilder

# Shymkent keeps UTC+5 all year (Kazakhstan has had one time zone since March 2024).
SHYMKENT = timezone(timedelta(hours=5))
STEPS = ("name", "age", "phone", "district", "occupation", "comment", "consent")
FIELDS = ("name", "age", "phone", "district", "occupation", "comment")
ADMIN_STATUSES = ("contacted", "enrolled", "declined")


class FormCD(CallbackData, prefix="rf"):
    """A button inside the form: back, cancel, skip, a choice, consent, edit, confirm."""

    act: str
    val: str = ""


class MyRegCD(CallbackData, prefix="rm"):
    """`/my`: ask to cancel (`ask`), confirm (`yes`) or keep (`no`) registration `id`."""

    act: str
    id: RowId


class ForgetCD(CallbackData, prefix="fg"):
    yes: bool


class RegStatusCD(CallbackData, prefix="rs"):
    """An admin sets registration `id` to `status` (or `open`s its card from a digest)."""

    id: RowId
    status: str


def local_time(iso_utc: str) -> str:
    """Stored UTC → what people in Shymkent read: 25.11.2026 19:40."""
    moment = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(SHYMKENT).strftime("%d.%m.%Y %H:%M")


def step_number(step: str) -> str:
    return f"{STEPS.index(step) + 1}/{len(STEPS)}"


def nav_row(kb: InlineKeyboardBuilder, t: Translator, *, back: bool = True) -> None:
    if back:
        kb.button(text=t("button-back"), callback_data=FormCD(act="back"))
    kb.button(text=t("reg-button-cancel"), callback_data=FormCD(act="cancel"))


@same_for_everyone
def step_keyboard(t: Translator, step: str, *, minor: bool = False) -> InlineKeyboardMarkup:
    """The buttons under a step's question (the phone step uses `phone_keyboard`)."""
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if step == "district":
        for code in DISTRICTS:
            kb.button(text=t(f"district-{code}"), callback_data=FormCD(act="district", val=code))
        sizes += [2, 2, 1]
    elif step == "occupation":
        for code in OCCUPATIONS:
            kb.button(text=t(f"occupation-{code}"), callback_data=FormCD(act="occ", val=code))
        sizes += [1, 1, 1, 1]
    elif step == "comment":
        kb.button(text=t("reg-button-skip"), callback_data=FormCD(act="skip"))
        sizes.append(1)
    elif step == "consent":
        label = t("reg-button-agree-minor") if minor else t("reg-button-agree")
        kb.button(text=label, callback_data=FormCD(act="agree", val="minor" if minor else "adult"))
        kb.button(text=t("reg-button-full-notice"), callback_data=FormCD(act="notice"))
        sizes += [1, 1]
    nav_row(kb, t, back=step != "name")
    kb.adjust(*sizes, 2)
    return kb.as_markup()


@same_for_everyone
def phone_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    """A reply keyboard: Telegram only offers "share my contact" on these."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=t("reg-button-share-phone"), request_contact=True)],
            [KeyboardButton(text=t("button-back")), KeyboardButton(text=t("reg-button-cancel"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="+7 7__ ___ __ __",
    )


@same_for_everyone
def summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for name in FIELDS:
        kb.button(text=t(f"reg-edit-{name}"), callback_data=FormCD(act="edit", val=name))
    kb.button(text=t("reg-button-confirm"), callback_data=FormCD(act="confirm"))
    kb.button(text=t("reg-button-cancel"), callback_data=FormCD(act="cancel"))
    kb.adjust(2, 2, 2, 1, 1)
    return kb.as_markup()


def answers_html(t: Translator, values: dict[str, object], title: str) -> Html:
    """The form's answers, one per line; every value typed by the user is escaped."""
    comment = values.get("comment") or t("reg-no-comment")
    lines = [
        t("reg-line-programme", value=title),
        t("reg-line-name", value=values.get("name") or "—"),
        t("reg-line-age", value=values.get("age") or "—"),
        t("reg-line-phone", value=values.get("phone") or "—"),
        t("reg-line-district", value=t(f"district-{values.get('district')}")
          if values.get("district") in DISTRICTS else "—"),
        t("reg-line-occupation", value=t(f"occupation-{values.get('occupation')}")
          if values.get("occupation") in OCCUPATIONS else "—"),
        t("reg-line-comment", value=comment),
    ]
    if values.get("guardian"):
        lines.append(t("reg-line-guardian"))
    return Html("\n".join(lines))


def registration_values(reg: Registration) -> dict[str, object]:
    return {"name": reg.full_name, "age": reg.age, "phone": reg.phone,
            "district": reg.district, "occupation": reg.occupation, "comment": reg.comment,
            "guardian": reg.guardian_confirmed}


def topic_title(catalog: Catalog, t: Translator, topic_id: str) -> str:
    """A programme's title, or its id if the topic has since been removed from the content."""
    topic = catalog.get(topic_id)
    return topic.text(t.lang).title if topic else topic_id


def my_list(t: Translator, catalog: Catalog, regs: list[Registration]) -> tuple[str, object]:
    """`/my`: each registration with its status; a cancel button for the active ones."""
    if not regs:
        return t("my-empty"), None
    lines = [t("my-title")]
    kb = InlineKeyboardBuilder()
    for reg in regs:
        lines.append(t("my-item", id=reg.id, programme=topic_title(catalog, t, reg.topic_id),
                       status=t(f"status-{reg.status}"), date=local_time(reg.created_at)))
        if reg.active:
            kb.button(text=t("my-button-cancel", id=reg.id),
                      callback_data=MyRegCD(act="ask", id=reg.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return "\n\n".join(lines), kb.as_markup()


def programmes_keyboard(t: Translator, catalog: Catalog) -> InlineKeyboardMarkup | None:
    """`/register`: the programmes open for registration, or None when none is."""
    open_topics = sorted((tp for tp in catalog.topics.values() if tp.registration_open),
                         key=lambda tp: (tp.order, tp.id))
    if not open_topics:
        return None
    kb = InlineKeyboardBuilder()
    for topic in open_topics:
        kb.button(text=topic.text(t.lang).title, callback_data=RegisterCD(id=topic.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def admin_card(t: Translator, catalog: Catalog, reg: Registration, *,
               first_name: str | None = None) -> Html:
    """A registration as the department reads it in the admin chat (all values escaped)."""
    values = registration_values(reg)
    user_link = (f'<a href="tg://user?id={reg.user_id}">{escape(first_name or reg.user_id)}</a>'
                 if reg.user_id else "—")
    head = t("admin-reg-title", id=reg.id, date=local_time(reg.created_at))
    body = answers_html(t, values, topic_title(catalog, t, reg.topic_id))
    tail = t("admin-reg-user", user=Html(user_link), status=t(f"status-{reg.status}"))
    if reg.expired_at is not None:
        tail += "\n" + t("admin-reg-expired")
    elif reg.user_id is None:
        tail += "\n" + t("admin-reg-forgotten")
    return Html(f"{head}\n{body}\n{tail}")


def admin_status_keyboard(t: Translator, reg: Registration) -> InlineKeyboardMarkup | None:
    if reg.user_id is None or reg.status == "cancelled":
        return None
    kb = InlineKeyboardBuilder()
    for status in ADMIN_STATUSES:
        if status != reg.status:
            kb.button(text=t(f"admin-set-{status}"),
                      callback_data=RegStatusCD(id=reg.id, status=status))
    kb.adjust(3)
    return kb.as_markup()


def digest_keyboard(t: Translator, regs: list[Registration]) -> InlineKeyboardMarkup:
    """Under a digest: one button per registration that opens its card with status buttons."""
    kb = InlineKeyboardBuilder()
    for reg in regs:
        kb.button(text=t("admin-open-card", id=reg.id),
                  callback_data=RegStatusCD(id=reg.id, status="open"))
    kb.adjust(4)
    return kb.as_markup()


def cancel_question_keyboard(t: Translator, reg_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("my-button-yes-cancel"), callback_data=MyRegCD(act="yes", id=reg_id))
    kb.button(text=t("my-button-keep"), callback_data=MyRegCD(act="no", id=reg_id))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def forget_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("forget-button-yes"), callback_data=ForgetCD(yes=True))
    kb.button(text=t("forget-button-no"), callback_data=ForgetCD(yes=False))
    kb.adjust(1)
    return kb.as_markup()
