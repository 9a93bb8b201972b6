"""The announcements screens: the admin's flow and controls (callback data, keyboards, the
audience in words, preview, live progress, final report, the list) and the users' side (the
keyboard under each announcement, its stop/resume button)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import clock
from bot.catalog.loader import Catalog
from bot.catalog.models import Topic
from bot.choices import DISTRICTS, OCCUPATIONS
from bot.choices import STATUSES as REG_STATUSES
from bot.db.broadcasts import LANGS, Audience, Broadcast, Tally
from bot.i18n import Html, Translator
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import MAX_ID, Flag, same_for_everyone
from bot.views.menu import TopicCD

BAR_CELLS = 12
AUDIENCE_KINDS = ("all", "lang", "topic", "district", "occupation")
LIST_SIZE = 10  # jobs shown by /announcements


class SubscriptionCD(CallbackData, prefix="sb"):
    """Under each announcement: stop (`on=0`) or resume (`on=1`) announcements."""

    on: Flag


class BroadcastCD(CallbackData, prefix="bc"):
    """The admin's announcement flow and controls: `do` the step, `val` its choice."""

    do: str
    val: str = ""


def job_id_of(callback_data: BroadcastCD) -> int | None:
    """The job a control button names, or None for one the bot cannot have made."""
    val = callback_data.val
    # isdecimal, not int(): "²" passes isdigit and fails int; 2**64 would fail in SQLite.
    if not val.isdecimal() or int(val) > MAX_ID:
        return None
    return int(val)


# --- keyboards -------------------------------------------------------------------------------


def announcement_keyboard(
    t: Translator, *, kind: str | None, topic_id: str, title: str, bot_username: str
) -> InlineKeyboardMarkup:
    """Under an announcement: the chosen topic card or registration link, then "stop"."""
    kb = InlineKeyboardBuilder()
    if kind == "card":
        kb.button(text=t("bc-button-card", title=Html(title)), callback_data=TopicCD(id=topic_id))
    elif kind == "reg" and bot_username:
        kb.button(
            text=t("bc-button-reg", title=Html(title)),
            url=f"https://t.me/{bot_username}?start=reg-{topic_id}",
        )
    kb.button(text=t("sub-stop-button"), callback_data=SubscriptionCD(on=0))
    kb.adjust(1)
    return kb.as_markup()


def announcement_markup(
    t: Translator, catalog: Catalog, buttons: dict[str, str], bot_username: str
) -> InlineKeyboardMarkup:
    """The keyboard under an announcement in `t`'s language, from the job's stored buttons:
    a topic gone from the catalog, or a registration since closed, leaves only "stop"."""
    topic = catalog.get(buttons.get("topic", ""))
    kind = buttons.get("kind")
    if topic is None or (kind == "reg" and not topic.registration_open):
        kind = None
    return announcement_keyboard(
        t,
        kind=kind,
        topic_id=topic.id if topic else "",
        title=topic.text(t.lang).title if topic else "",
        bot_username=bot_username,
    )


def subscription_flipped(
    t: Translator, markup: InlineKeyboardMarkup, on: bool
) -> InlineKeyboardMarkup:
    """The keyboard under an announcement with its stop/resume button turned into the
    opposite of what was just done; the other buttons stay as they were."""
    flipped = SubscriptionCD(on=int(not on))
    label = t("sub-resume-button" if not on else "sub-stop-button")
    rows = [
        [
            InlineKeyboardButton(text=label, callback_data=flipped.pack())
            if b.callback_data and b.callback_data.startswith("sb:")
            else b
            for b in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def progress_keyboard(t: Translator, job_id: int, status: str) -> InlineKeyboardMarkup | None:
    """Pause/resume and cancel while a job can still change; nothing once it is over."""
    kb = InlineKeyboardBuilder()
    if status == "running":
        kb.button(text=t("bc-pause"), callback_data=BroadcastCD(do="pause", val=str(job_id)))
    elif status == "paused":
        kb.button(text=t("bc-resume"), callback_data=BroadcastCD(do="resume", val=str(job_id)))
    if status in ("running", "paused", "scheduled"):
        kb.button(text=t("bc-stop"), callback_data=BroadcastCD(do="stop", val=str(job_id)))
        kb.adjust(2)
        return kb.as_markup()
    return None


def choice_keyboard(
    t: Translator, do: str, choices: list[tuple[str, str]], columns: int = 1
) -> InlineKeyboardMarkup:
    """A step of the admin's flow: one button per (value, label), then "cancel"."""
    kb = InlineKeyboardBuilder()
    for value, label in choices:
        kb.button(text=label, callback_data=BroadcastCD(do=do, val=value))
    kb.adjust(columns)
    kb.row(InlineKeyboardButton(text=t("bc-cancel"), callback_data=BroadcastCD(do="x").pack()))
    return kb.as_markup()


@same_for_everyone
def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("bc-send-now"), callback_data=BroadcastCD(do="go"))
    kb.button(text=t("bc-schedule"), callback_data=BroadcastCD(do="later"))
    kb.button(text=t("bc-change-audience"), callback_data=BroadcastCD(do="aud"))
    kb.button(text=t("bc-cancel"), callback_data=BroadcastCD(do="x"))
    kb.adjust(2, 1, 1)
    return kb.as_markup()


@same_for_everyone
def cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("bc-cancel"), callback_data=BroadcastCD(do="x"))
    return kb.as_markup()


def audience_menu(t: Translator) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "aud", [(kind, t(f"bc-aud-{kind}")) for kind in AUDIENCE_KINDS])


def language_choice(t: Translator) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "lang", [(c, t(f"lang-button-{c}")) for c in LANGS], columns=2)


def programme_choice(t: Translator, topics: list[Topic]) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "topic", [(tp.id, tp.text(t.lang).title) for tp in topics])


def district_choice(t: Translator) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "district", [(d, t(f"district-{d}")) for d in DISTRICTS])


def occupation_choice(t: Translator) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "occ", [(o, t(f"bc-occ-{o}")) for o in OCCUPATIONS])


def status_choice(t: Translator) -> InlineKeyboardMarkup:
    """A programme's registrants by status, or all of them."""
    statuses = [("any", t("bc-status-any"))]
    statuses += [(s, t(f"bc-status-{s}")) for s in REG_STATUSES]
    return choice_keyboard(t, "st", statuses, columns=2)


def button_kind_choice(t: Translator) -> InlineKeyboardMarkup:
    return choice_keyboard(
        t, "btn", [("none", t("bc-btn-none")), ("card", t("bc-btn-card")), ("reg", t("bc-btn-reg"))]
    )


def button_topic_choice(t: Translator, topics: list[Topic]) -> InlineKeyboardMarkup:
    return choice_keyboard(t, "bt", [(tp.id, tp.text(t.lang).title) for tp in topics])


def list_keyboard(t: Translator, jobs: list[Broadcast]) -> InlineKeyboardMarkup | None:
    """A stop button per job that can still change; None when none can."""
    buttons = [
        [
            InlineKeyboardButton(
                text=t("bc-stop-n", id=job.id),
                callback_data=BroadcastCD(do="stop", val=str(job.id)).pack(),
            )
        ]
        for job in jobs
        if job.status in ("scheduled", "paused", "running")
    ]
    return InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


# --- texts -----------------------------------------------------------------------------------


def progress_bar(done: int, total: int) -> str:
    filled = round(BAR_CELLS * done / total) if total else BAR_CELLS
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def duration_text(seconds: float | None) -> str:
    """1:05:09 or 4:07 (hours:minutes:seconds), or a dash when unknown."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def audience_text(t: Translator, audience: Audience, catalog: Catalog) -> str:
    """ "Everyone subscribed", "Language: Қазақша", "Programme: NEET (status: enrolled)"…"""
    if audience.kind == "all":
        return t("bc-aud-everyone")
    if audience.kind == "lang":
        return t("bc-aud-is", what=t("bc-aud-name-lang"), value=t(f"lang-button-{audience.value}"))
    if audience.kind == "topic":
        topic = catalog.get(audience.value or "")
        title = topic.text(t.lang).title if topic else audience.value
        status = t(f"bc-status-{audience.status or 'any'}")
        return t("bc-aud-topic-is", title=title, status=status)
    what = t("bc-aud-name-district" if audience.kind == "district" else "bc-aud-name-occupation")
    prefix = "district" if audience.kind == "district" else "bc-occ"
    return t("bc-aud-is", what=what, value=t(f"{prefix}-{audience.value}"))


def progress_text(
    t: Translator, job: Broadcast, tally: Tally, rate: float, eta: float | None
) -> str:
    total = tally.total
    percent = round(100 * tally.processed / total) if total else 100
    text = t(
        "bc-progress",
        id=job.id,
        state=t(f"bc-state-{job.status}"),
        bar=progress_bar(tally.processed, total),
        percent=percent,
        sent=tally.sent,
        failed=tally.failed,
        blocked=tally.blocked,
        left=tally.remaining,
        rate=f"{rate:.1f}",
        eta=duration_text(eta),
    )
    if tally.skipped or tally.uncertain:
        text += "\n" + t("bc-progress-extra", skipped=tally.skipped, uncertain=tally.uncertain)
    return text


def report_text(t: Translator, job: Broadcast, tally: Tally) -> str:
    seconds = None
    if job.started_at and job.finished_at:
        taken = clock.parse_iso(job.finished_at) - clock.parse_iso(job.started_at)
        seconds = taken.total_seconds()
    return t(
        "bc-report",
        id=job.id,
        state=t(f"bc-state-{job.status}"),
        total=tally.total,
        sent=tally.sent,
        failed=tally.failed,
        blocked=tally.blocked,
        skipped=tally.skipped,
        uncertain=tally.uncertain,
        left=tally.remaining,
        time=duration_text(seconds),
    )


def list_item(t: Translator, job: Broadcast, tally: Tally, catalog: Catalog) -> str:
    when = clock.in_shymkent(job.started_at or job.due_at)
    return t(
        "bc-list-item",
        id=job.id,
        state=t(f"bc-state-{job.status}"),
        when=when,
        audience=Html(audience_text(t, job.audience, catalog)),
        total=tally.total,
        sent=tally.sent,
        failed=tally.failed,
        blocked=tally.blocked,
        uncertain=tally.uncertain,
    )


def list_text(t: Translator, jobs: list[tuple[Broadcast, Tally]], catalog: Catalog) -> str:
    """/announcements: the latest jobs with their figures."""
    items = [list_item(t, job, tally, catalog) for job, tally in jobs]
    return t("bc-list-title") + "\n\n" + "\n\n".join(items)


def preview_text(t: Translator, audience: Audience, catalog: Catalog, count: int) -> str:
    """Under the previewed copy: who gets it and how many they are (or that nobody does)."""
    key = "bc-preview" if count else "bc-preview-nobody"
    return t(key, audience=Html(audience_text(t, audience, catalog)), count=count)
