""" "Ask a specialist" screens: the ticket's buttons and header in the operators' group, the
user's text shortened and escaped for it, and the user's side of the form."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.types import User as TgUser

from bot import clock
from bot.catalog.store import ContentStore
from bot.config import Language, Settings
from bot.db.tickets import Ticket
from bot.formatting import utf16_len
from bot.i18n import Html, Translator, escape
from bot.services import crisis, handoff
from bot.services.handoff import Opened
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import RowId, same_for_everyone
from bot.views.menu import AskCD

MAX_QUESTION = 3000  # characters of the question shown in the group (a message holds 4096)
CAPTION_LIMIT = 1024


class TicketCD(CallbackData, prefix="k"):
    """Under a ticket in the operators' group: `s` shows its status, `c` closes it."""

    id: RowId
    do: str = "s"


# --- the private chat ------------------------------------------------------------------------


@same_for_everyone
def ask_cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("handoff-cancel"), callback_data=AskCD(do="x"))
    return kb.as_markup()


def refused_text(t: Translator, reason: str) -> str:
    """Why no ticket was opened, with the limit that was hit."""
    limit = handoff.MAX_OPEN if reason == "open" else handoff.MAX_PER_DAY
    return t(f"handoff-refused-{reason}", limit=limit)


def sent_text(t: Translator, ticket_id: int, expect: str | None) -> str:
    """The ticket's number, then when to expect an answer (content's text, or a neutral one)."""
    when = escape(expect) if expect else t("handoff-expect-default")
    return f"{t('handoff-sent', number=ticket_id)}\n{when}"


# --- the operators' group --------------------------------------------------------------------


def group_texts(content: ContentStore, settings: Settings) -> Translator:
    """The operators' group reads the bot in the default language."""
    return content.i18n(settings.default_language)


def ticket_keyboard(
    status_label: str, ticket_id: int, *, close_label: str | None
) -> InlineKeyboardMarkup:
    """Under a ticket in the operators' group: its status (press for details) and, while it
    is not closed, a close button. Labels are plain text: buttons take no HTML."""
    kb = InlineKeyboardBuilder()
    kb.button(text=status_label, callback_data=TicketCD(id=ticket_id))
    if close_label:
        kb.button(text=close_label, callback_data=TicketCD(id=ticket_id, do="c"))
    kb.adjust(1)
    return kb.as_markup()


def ticket_status_markup(
    g: Translator, ticket: Ticket, operator: str | None = None
) -> InlineKeyboardMarkup:
    """The ticket's status as a button under its group message: editing the keyboard works
    the same for text and photo tickets and needs no copy of the question."""
    # Button labels are plain text: the name must not be HTML-escaped (Html passes it as is).
    if ticket.status == "answered" and ticket.answered_at:
        label = g(
            "handoff-status-answered",
            number=ticket.id,
            name=Html(operator or str(ticket.answered_by)),
            time=clock.in_shymkent(ticket.answered_at, clock.TIME_DATE),
        )
    else:
        label = g(f"handoff-status-{ticket.status}", number=ticket.id)
    close = g("handoff-close") if ticket.status != "closed" else None
    return ticket_keyboard(label, ticket.id, close_label=close)


def ticket_of_markup(markup: InlineKeyboardMarkup | None) -> int | None:
    """The ticket number in a post's buttons (the bot put them there; nobody else can)."""
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data or ""
            if data.startswith(f"{TicketCD.__prefix__}{TicketCD.__separator__}"):
                try:
                    number = TicketCD.unpack(data).id
                except ValueError:
                    return None
                return number if 0 < number < 2**63 else None
    return None


def shorten(text: str, limit: int) -> str:
    """Cut a user's text to `limit` UTF-16 units before escaping (entities stay whole)."""
    if utf16_len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    while cut and utf16_len(cut) > limit - 1:  # astral characters count twice
        cut = cut[:-1]
    return cut.rstrip() + "…"


def question_part(text: str) -> str:
    """A user's text as the group reads it: shortened, then escaped."""
    return escape(shorten(text, MAX_QUESTION))


def post_text(header: str, text: str) -> str:
    """A text message in the group: the header, then the user's text."""
    return f"{header}\n\n{question_part(text)}"


def post_caption(header: str, caption: str | None) -> str:
    """A copied photo or document's new caption: the header, then what room is left of the
    user's caption. Telegram counts a caption after parsing: tags are free, an entity is one
    character."""
    room = CAPTION_LIMIT - utf16_len(header) - 2
    body = escape(shorten(caption or "", room)) if room > 0 else ""
    return f"{header}\n\n{body}".strip()


def who(g: Translator, user: TgUser | None) -> dict[str, object]:
    """The author's name, id and @username for a group header."""
    if user is None:
        return {"name": "?", "user_id": 0, "username": g("handoff-no-username")}
    username = f"@{user.username}" if user.username else g("handoff-no-username")
    return {"name": user.full_name, "user_id": user.id, "username": username}


def ticket_header(
    g: Translator, content: ContentStore, opened: Opened, user: TgUser | None, lang: Language
) -> str:
    """Above a new ticket: urgency, number, language, author, their history, the answer they
    rejected just before, and how to reply."""
    ticket = opened.ticket
    kind = crisis.answer_kind(ticket.crisis_kind)
    lines = [g("crisis-ticket-urgent", kind=g(f"crisis-kind-{kind}"))] if ticket.urgent else []
    lines += [
        g("handoff-ticket", number=ticket.id, language=g(f"handoff-lang-{lang}"), **who(g, user)),
        g(
            "handoff-ticket-history",
            questions=opened.questions_before,
            tickets=opened.tickets_before,
        ),
    ]
    if ticket.rejected_topic:
        topic = content.catalog.get(ticket.rejected_topic)
        title = topic.text(g.lang).title if topic else ticket.rejected_topic
        lines.append(g("handoff-ticket-rejected", topic=title))
    lines.append(g("handoff-ticket-hint"))
    return "\n".join(lines)


def followup_header(g: Translator, ticket_id: int, user: TgUser | None) -> str:
    """Above a user's follow-up under the ticket."""
    return g("handoff-followup", number=ticket_id, **who(g, user))
