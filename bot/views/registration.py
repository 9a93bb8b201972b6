"""The registration screens: the form's table of steps, callback data, keyboards and texts.

`FORM` is the form: each step's state, question, keyboard, parser and checks are read from
it by the handlers (bot/handlers/registration.py), the summary and its edit buttons, and the
admin card. Adding, removing or moving a field is a change to that table (plus its texts in
content/ui and, for a new column, a migration). The same card serves the user's summary,
`/my` and the post in the admin chat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import clock
from bot.catalog.loader import Catalog
from bot.catalog.models import ConsentNotice
from bot.choices import ADMIN_STATUSES, DISTRICTS, OCCUPATIONS
from bot.db.registrations import Registration
from bot.formatting import content_html
from bot.i18n import Html, Translator, escape
from bot.services.form_fields import parse_age, parse_comment, parse_name, parse_phone
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import RowId, same_for_everyone
from bot.views.menu import MenuCD, RegisterCD

CONSENT = "consent"  # the step that shows the privacy notice and takes the agreement
SUMMARY = "summary"  # the state after the last step: the answers, to edit or confirm


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the form.

    `name` is its FSM state (`RegForm:<name>`), its key in the form data and the suffix of its
    texts: `reg-ask-<name>` (the question, with `step` = "3/7"), `reg-line-<name>` (its line
    in the summary and the admin card), `reg-edit-<name>` (its edit button). How it is
    answered: typed text checked by `parse` (the clean value, or `FieldError` to re-ask with a
    hint, or `AgeOutOfRange` to stop the form), one of the `choices` buttons (labels
    `<label>-<code>`, `rows` per line), or both (`typed_choice`: a choice typed by its name).
    """

    name: str
    column: str | None = None  # the Registration field it fills; None for the consent
    parse: Callable[[str], object] | None = None
    choices: tuple[str, ...] = ()
    act: str = ""  # the FormCD act of the choice buttons
    label: str = ""  # text-key prefix of a choice: "district" → `district-abai`
    rows: tuple[int, ...] = ()  # choice buttons per keyboard row
    typed_choice: bool = False
    skip: bool = False  # a "skip" button leaves the answer empty (None)
    contact: bool = False  # a reply keyboard with "share my contact" (only those offer it)
    accepted: str | None = None  # text key sent when the answer is taken (`<name>` = value)
    empty: str | None = None  # text key shown for an empty answer (else "—")

    @property
    def buttons_only(self) -> bool:
        """Answered by pressing a button (a typed name of a choice is a courtesy)."""
        return self.parse is None and not self.contact


FORM: tuple[Step, ...] = (
    Step("name", column="full_name", parse=parse_name),
    Step("age", column="age", parse=parse_age),
    Step("phone", column="phone", parse=parse_phone, contact=True, accepted="reg-phone-ok"),
    Step(
        "district",
        column="district",
        choices=DISTRICTS,
        act="district",
        label="district",
        rows=(2, 2, 1),
        typed_choice=True,
    ),
    Step(
        "occupation",
        column="occupation",
        choices=OCCUPATIONS,
        act="occ",
        label="occupation",
        rows=(1, 1, 1, 1),
    ),
    Step("comment", column="comment", parse=parse_comment, skip=True, empty="reg-no-comment"),
    Step(CONSENT),
)
STEP = {step.name: step for step in FORM}
STEPS = tuple(STEP)
FIELDS = tuple(step for step in FORM if step.column is not None)  # the answers kept


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


def step_number(step: str) -> str:
    return f"{STEPS.index(step) + 1}/{len(STEPS)}"


def nav_row(kb: InlineKeyboardBuilder, t: Translator, *, back: bool = True) -> None:
    if back:
        kb.button(text=t("button-back"), callback_data=FormCD(act="back"))
    kb.button(text=t("reg-button-cancel"), callback_data=FormCD(act="cancel"))


@same_for_everyone
def step_keyboard(t: Translator, name: str, *, minor: bool = False) -> InlineKeyboardMarkup:
    """The buttons under a step's question (a `contact` step uses `phone_keyboard`)."""
    step = STEP[name]
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    for code in step.choices:
        kb.button(text=t(f"{step.label}-{code}"), callback_data=FormCD(act=step.act, val=code))
    sizes += step.rows
    if step.skip:
        kb.button(text=t("reg-button-skip"), callback_data=FormCD(act="skip"))
        sizes.append(1)
    if name == CONSENT:
        label = t("reg-button-agree-minor") if minor else t("reg-button-agree")
        kb.button(text=label, callback_data=FormCD(act="agree", val="minor" if minor else "adult"))
        kb.button(text=t("reg-button-full-notice"), callback_data=FormCD(act="notice"))
        sizes += [1, 1]
    nav_row(kb, t, back=name != STEPS[0])
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
    for step in FIELDS:
        kb.button(text=t(f"reg-edit-{step.name}"), callback_data=FormCD(act="edit", val=step.name))
    kb.button(text=t("reg-button-confirm"), callback_data=FormCD(act="confirm"))
    kb.button(text=t("reg-button-cancel"), callback_data=FormCD(act="cancel"))
    pairs, odd = divmod(len(FIELDS), 2)  # edit buttons two a row, then confirm, then cancel
    kb.adjust(*[2] * pairs, *[1] * odd, 1, 1)
    return kb.as_markup()


def shown_value(t: Translator, step: Step, value: object) -> object:
    """An answer as the summary shows it: a choice by its name, an empty one as a dash."""
    if step.choices:
        return t(f"{step.label}-{value}") if value in step.choices else "—"
    if not value:
        return t(step.empty) if step.empty else "—"
    return value


def answers_html(t: Translator, values: Mapping[str, object], title: str) -> Html:
    """The form's answers, one per line; every value typed by the user is escaped."""
    lines = [t("reg-line-programme", value=title)]
    lines += [
        t(f"reg-line-{step.name}", value=shown_value(t, step, values.get(step.name)))
        for step in FIELDS
    ]
    if values.get("guardian"):
        lines.append(t("reg-line-guardian"))
    return Html("\n".join(lines))


def registration_values(reg: Registration) -> dict[str, object]:
    """A stored registration as the form's data (step name → value)."""
    values: dict[str, object] = {
        step.name: getattr(reg, step.column) for step in FIELDS if step.column is not None
    }
    values["guardian"] = reg.guardian_confirmed
    return values


def form_columns(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's data as the Registration fields it fills (column → value)."""
    return {step.column: data.get(step.name) for step in FIELDS if step.column is not None}


def question(
    t: Translator, name: str, *, minor: bool, notice: ConsentNotice | None
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    """A step's question and its keyboard; the consent step carries the short notice (and
    a note for a guardian when the user is under 18)."""
    step = STEP[name]
    number = step_number(name)
    if step.contact:
        return t(f"reg-ask-{name}", step=number), phone_keyboard(t)
    if name == CONSENT:
        assert notice is not None, "consent.toml is required by the content check"
        body = content_html(notice.text(t.lang).short)
        extra = f"\n\n{t('reg-guardian-note')}" if minor else ""
        text = t("reg-ask-consent", step=number, notice=Html(body)) + extra
    else:
        text = t(f"reg-ask-{name}", step=number)
    return text, step_keyboard(t, name, minor=minor)


def summary_text(t: Translator, catalog: Catalog, data: Mapping[str, object]) -> str:
    title = topic_title(catalog, t, str(data["topic"]))
    return t("reg-summary", answers=answers_html(t, data, title))


def already_text(t: Translator, reg: Registration, title: str) -> str:
    """The user is already registered for this programme: since when, and where it stands."""
    return t(
        "reg-already",
        programme=title,
        id=reg.id,
        status=t(f"status-{reg.status}"),
        date=clock.in_shymkent(reg.created_at),
    )


def topic_title(catalog: Catalog, t: Translator, topic_id: str) -> str:
    """A programme's title, or its id if the topic has since been removed from the content."""
    topic = catalog.get(topic_id)
    return topic.text(t.lang).title if topic else topic_id


def my_list(
    t: Translator, catalog: Catalog, regs: list[Registration], note: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """`/my`: each registration with its status; a cancel button for the active ones, and
    `note` (what was just done) above."""
    text, markup = _my_list(t, catalog, regs)
    return (f"{note}\n\n{text}" if note else text), markup


def _my_list(
    t: Translator, catalog: Catalog, regs: list[Registration]
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not regs:
        return t("my-empty"), None
    lines = [t("my-title")]
    kb = InlineKeyboardBuilder()
    for reg in regs:
        lines.append(
            t(
                "my-item",
                id=reg.id,
                programme=topic_title(catalog, t, reg.topic_id),
                status=t(f"status-{reg.status}"),
                date=clock.in_shymkent(reg.created_at),
            )
        )
        if reg.active:
            kb.button(
                text=t("my-button-cancel", id=reg.id), callback_data=MyRegCD(act="ask", id=reg.id)
            )
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return "\n\n".join(lines), kb.as_markup()


def programmes_keyboard(t: Translator, catalog: Catalog) -> InlineKeyboardMarkup | None:
    """`/register`: the programmes open for registration, or None when none is."""
    open_topics = sorted(
        (tp for tp in catalog.topics.values() if tp.registration_open),
        key=lambda tp: (tp.order, tp.id),
    )
    if not open_topics:
        return None
    kb = InlineKeyboardBuilder()
    for topic in open_topics:
        kb.button(text=topic.text(t.lang).title, callback_data=RegisterCD(id=topic.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def admin_card(
    t: Translator, catalog: Catalog, reg: Registration, *, first_name: str | None = None
) -> Html:
    """A registration as the department reads it in the admin chat (all values escaped)."""
    values = registration_values(reg)
    user_link = (
        f'<a href="tg://user?id={reg.user_id}">{escape(first_name or reg.user_id)}</a>'
        if reg.user_id
        else "—"
    )
    head = t("admin-reg-title", id=reg.id, date=clock.in_shymkent(reg.created_at))
    body = answers_html(t, values, topic_title(catalog, t, reg.topic_id))
    tail = t("admin-reg-user", user=Html(user_link), status=t(f"status-{reg.status}"))
    if reg.expired_at is not None:
        tail += "\n" + t("admin-reg-expired")
    elif reg.user_id is None:
        tail += "\n" + t("admin-reg-forgotten")
    return Html(f"{head}\n{body}\n{tail}")


def status_set_card(t: Translator, catalog: Catalog, reg: Registration, who: str) -> Html:
    """The admin card after a status button: who set it, and when."""
    return Html(
        f"{admin_card(t, catalog, reg)}\n"
        f"{t('admin-status-set-by', who=who, time=clock.in_shymkent(reg.updated_at))}"
    )


def status_changed_text(t: Translator, catalog: Catalog, reg: Registration) -> str:
    """What the young person reads when the department changes their registration's status."""
    return t(
        "reg-status-changed",
        id=reg.id,
        status=t(f"status-{reg.status}"),
        programme=topic_title(catalog, t, reg.topic_id),
    )


def admin_post(
    t: Translator, catalog: Catalog, regs: list[Registration]
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """A post in the operators' chat: one registration's card with status buttons, or a
    digest of several with a button per card."""
    if len(regs) == 1:
        return admin_card(t, catalog, regs[0]), admin_status_keyboard(t, regs[0])
    return digest_html(t, catalog, regs), digest_keyboard(t, regs)


def digest_html(t: Translator, catalog: Catalog, regs: list[Registration]) -> Html:
    lines = [t("admin-digest-title", count=len(regs))]
    for reg in regs:
        lines.append(
            t(
                "admin-digest-item",
                id=reg.id,
                programme=topic_title(catalog, t, reg.topic_id),
                name=reg.full_name or "—",
                phone=reg.phone or "—",
                date=clock.in_shymkent(reg.created_at),
            )
        )
    return Html("\n".join(lines))


def admin_status_keyboard(t: Translator, reg: Registration) -> InlineKeyboardMarkup | None:
    if reg.user_id is None or reg.status == "cancelled":
        return None
    kb = InlineKeyboardBuilder()
    for status in ADMIN_STATUSES:
        if status != reg.status:
            kb.button(
                text=t(f"admin-set-{status}"), callback_data=RegStatusCD(id=reg.id, status=status)
            )
    kb.adjust(3)
    return kb.as_markup()


def digest_keyboard(t: Translator, regs: list[Registration]) -> InlineKeyboardMarkup:
    """Under a digest: one button per registration that opens its card with status buttons."""
    kb = InlineKeyboardBuilder()
    for reg in regs:
        kb.button(
            text=t("admin-open-card", id=reg.id),
            callback_data=RegStatusCD(id=reg.id, status="open"),
        )
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
