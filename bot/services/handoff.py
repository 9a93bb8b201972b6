""" "Ask a specialist": limits, tickets and their threads. No Telegram here.

The handlers send and copy messages; this module decides (may the user open a ticket?) and
records (which message belongs to which ticket), each step in one transaction.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot import clock
from bot.catalog.files import NotUtf8Error, read_text
from bot.catalog.models import FILL
from bot.config import Language
from bot.db.database import Database
from bot.db.owners import Owners
from bot.db.questions import Questions
from bot.db.tickets import MessageRole, ThreadMessage, Ticket, Tickets, TicketStatus
from bot.db.users import Users
from bot.services import audit
from bot.services.audit import Actor

MAX_OPEN = 3  # open tickets per user at a time
MAX_PER_DAY = 10  # tickets per user in any 24 hours
# An unanswered question /forget closed still holds an open slot this long.
FORGOTTEN_HOLD = timedelta(hours=24)
# A "not what I asked" older than this is not the reason for today's question.
REJECTED_WITHIN = timedelta(hours=24)
HANDOFF_FILE = "handoff.toml"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Opened:
    """A new ticket and what the operators should know about its author."""

    ticket: Ticket
    questions_before: int
    tickets_before: int


@dataclass(frozen=True, slots=True)
class Refused:
    """Why no ticket was opened: `open` (too many unanswered) or `daily` (too many today)."""

    reason: str


async def refusal(db: Database, user_id: int, now: datetime | None = None) -> Refused | None:
    """The limit the user has hit, if any (read-only: checked again when the ticket opens)."""
    owner = await Owners(db.conn).of(user_id)
    return await _limits(Tickets(db.conn), user_id, owner, now or clock.now())


async def _limits(
    tickets: Tickets, user_id: int, owner: str, now: datetime, urgent: bool = False
) -> Refused | None:
    """Counted by the id and by its keyed hash, which /forget does not remove. An urgent
    ticket (from a crisis answer) is never refused for unanswered ones: a person in danger
    must not be told to wait for their earlier questions."""
    held_since = clock.iso(now - FORGOTTEN_HOLD)
    if not urgent and await tickets.count_open(user_id, owner, held_since) >= MAX_OPEN:
        return Refused("open")
    since = clock.iso(now - timedelta(days=1))
    if await tickets.count_since(user_id, since, owner) >= MAX_PER_DAY:
        return Refused("daily")
    return None


async def open_ticket(
    db: Database,
    user_id: int,
    language: Language,
    now: datetime | None = None,
    *,
    urgent: bool = False,
    crisis_kind: str | None = None,
) -> Opened | Refused:
    """Check the limits and create the ticket in one transaction, so two messages sent at
    once cannot both slip under a limit."""
    now = now or clock.now()
    async with db.transaction() as conn:
        tickets = Tickets(conn)
        owners = Owners(conn)
        owner = await owners.of(user_id)
        refused = await _limits(tickets, user_id, owner, now, urgent)
        if refused is not None:
            return refused
        questions = Questions(conn)
        rejected = await questions.last_rejected_topic(user_id, clock.iso(now - REJECTED_WITHIN))
        asked = await questions.count_for_user(user_id)
        before = await tickets.count_for_user(user_id)
        ticket = await tickets.add(
            user_id, language, rejected, now=clock.iso(now), urgent=urgent, crisis_kind=crisis_kind
        )
        await owners.mark_ticket(ticket.id, owner, clock.iso(now))
    return Opened(ticket, asked, before)


async def attach(
    db: Database,
    ticket_id: int,
    *messages: tuple[int, int, MessageRole],
    question: str | None = None,
) -> None:
    """Record messages (chat, message, role) of a ticket's thread; `question` is the text
    of the user's message (role "question"), kept for the panel's thread view."""
    async with db.transaction() as conn:
        tickets = Tickets(conn)
        for chat_id, message_id, role in messages:
            body = question if role == "question" else None
            await tickets.add_message(ticket_id, chat_id, message_id, role, body)


async def withdraw(db: Database, ticket_id: int) -> None:
    """Telegram refused the group message: the ticket never reached anyone, so drop it
    (its id is not handed out again: migration 0008)."""
    async with db.transaction() as conn:
        await Tickets(conn).delete(ticket_id)


async def maybe_posted(db: Database, ticket_id: int) -> None:
    """The group message's fate is unknown (no answer, a server error): it may be in the
    group with this ticket's number and buttons, so the ticket stays; closed, so that it
    holds none of the user's open slots. An operator's reply to the post links it again
    (`adopt`)."""
    async with db.transaction() as conn:
        await Tickets(conn).set_status(ticket_id, "closed")


async def close_orphans(db: Database) -> int:
    """At start-up: tickets opened but never linked to their group post (the bot stopped
    in between) are closed, so they do not hold the user's open slots for ever."""
    async with db.transaction() as conn:
        return await Tickets(conn).close_unposted()


async def adopt(db: Database, ticket_id: int, chat_id: int, message_id: int) -> Ticket | None:
    """Link a group post to its ticket when the link was lost (see `maybe_posted`,
    `close_orphans`): only a ticket that has no post recorded, so a button cannot move a
    thread that already has its post."""
    async with db.transaction() as conn:
        tickets = Tickets(conn)
        ticket = await tickets.get(ticket_id)
        if ticket is None or await tickets.message_of(ticket_id, "ticket") is not None:
            return None
        await tickets.add_message(ticket_id, chat_id, message_id, "ticket")
        return ticket


async def find(
    db: Database, chat_id: int, message_id: int, roles: tuple[MessageRole, ...]
) -> Ticket | None:
    return await Tickets(db.conn).by_message(chat_id, message_id, roles)


async def get(db: Database, ticket_id: int) -> Ticket | None:
    return await Tickets(db.conn).get(ticket_id)


async def thread_message(db: Database, ticket_id: int, role: MessageRole) -> tuple[int, int] | None:
    return await Tickets(db.conn).message_of(ticket_id, role)


async def answered(
    db: Database,
    ticket_id: int,
    operator_id: int,
    delivered: list[tuple[int, int]],
    body: str | None = None,
    mirrored: tuple[int, int] | None = None,
    actor: Actor | None = None,
) -> Ticket:
    """The operator's reply reached the user: mark the ticket and remember the copies, so
    that the user's reply to any of them is a follow-up of this ticket. `body` (the
    answer's text) goes with the first copy; `mirrored` is the answer's copy in the group
    (an answer from the panel), a reply to which is a reply to the ticket; `actor` audits
    an answer given from the panel."""
    async with db.transaction() as conn:
        tickets = Tickets(conn)
        for i, (chat_id, message_id) in enumerate(delivered):
            text = body if i == 0 else None
            await tickets.add_message(ticket_id, chat_id, message_id, "answer", text, operator_id)
        if mirrored is not None:
            await tickets.add_message(ticket_id, mirrored[0], mirrored[1], "ticket")
        if actor is not None:
            await audit.record_in(conn, actor, "ticket-answer", f"ticket:{ticket_id}")
        return await tickets.mark_answered(ticket_id, operator_id)


async def user_blocked(db: Database, ticket: Ticket) -> Ticket | None:
    """The user blocked the bot: nothing can reach them, so the ticket is closed."""
    async with db.transaction() as conn:
        if ticket.user_id is not None:
            await Users(conn).set_blocked(ticket.user_id, True)
        return await Tickets(conn).set_status(ticket.id, "closed")


async def followed_up(
    db: Database,
    ticket_id: int,
    messages: list[tuple[int, int, MessageRole]],
    question: str | None = None,
) -> Ticket | None:
    """The user wrote again in the thread: it is theirs to answer again, so it reopens."""
    async with db.transaction() as conn:
        tickets = Tickets(conn)
        for chat_id, message_id, role in messages:
            body = question if role == "question" else None
            await tickets.add_message(ticket_id, chat_id, message_id, role, body)
        return await tickets.set_status(ticket_id, "open")


async def followup_posts(db: Database, ticket_id: int, now: datetime | None = None) -> int:
    """The ticket's follow-up posts in the operators' group in the last hour (its budget)."""
    since = clock.iso((now or clock.now()) - timedelta(hours=1))
    return await Tickets(db.conn).count_messages_since(ticket_id, "followup", since)


async def close(db: Database, ticket_id: int, actor: Actor | None = None) -> Ticket | None:
    async with db.transaction() as conn:
        if actor is not None:
            await audit.record_in(conn, actor, "ticket-close", f"ticket:{ticket_id}")
        return await Tickets(conn).set_status(ticket_id, "closed")


async def reopen(db: Database, ticket_id: int, actor: Actor) -> Ticket | None:
    """Back to the queue (from the panel): waiting for an answer again."""
    async with db.transaction() as conn:
        await audit.record_in(conn, actor, "ticket-reopen", f"ticket:{ticket_id}")
        return await Tickets(conn).set_status(ticket_id, "open")


@dataclass(frozen=True, slots=True)
class Queue:
    tickets: list[Ticket]
    counts: dict[str, int]


async def queue(db: Database, status: TicketStatus | None, limit: int, offset: int) -> Queue:
    repo = Tickets(db.conn)
    return Queue(await repo.queue(status, limit, offset), await repo.count_by_status())


async def thread(db: Database, ticket_id: int) -> list[ThreadMessage]:
    return await Tickets(db.conn).thread(ticket_id)


def expected_answer(content_dir: Path, lang: Language) -> str | None:
    """ "When to expect an answer" from `content/handoff.toml`, or None while it is missing,
    broken or still holds a `[[FILL: …]]` placeholder (the bot then says a neutral sentence
    and never guesses hours). Read on every ticket: a small file, and edits apply at once."""
    try:
        data = tomllib.loads(read_text(content_dir / HANDOFF_FILE))
    except NotUtf8Error as exc:  # the ticket went out: the user must not get an error
        log.warning("%s", exc)
        return None
    except (OSError, tomllib.TOMLDecodeError):
        return None
    section = data.get(lang)
    text = section.get("expect_answer") if isinstance(section, dict) else None
    if not isinstance(text, str) or not text.strip() or FILL.search(text):
        return None
    return text.strip()
