"""The panel's tickets ("Ask a specialist"): the specialists' queue by status, a ticket's
thread, an answer from the browser (delivered by `deliver_answer`, the same path as an
operator's reply in the group, and mirrored into the group), close and reopen."""

from __future__ import annotations

import math

from aiogram.types import Message, ReplyParameters
from aiohttp import web

from bot.db.tickets import TicketStatus
from bot.handlers.handoff import deliver_answer, unpin_ticket, update_ticket_status
from bot.i18n import escape
from bot.panel.context import panel_of
from bot.panel.forms import positive_int
from bot.panel.paths import PREFIX
from bot.panel.security import FORM, TEXTS, session_of
from bot.services import handoff
from bot.services.audit import Actor
from bot.views.handoff import group_texts

PER_PAGE = 50
MAX_ANSWER = 3500  # one Telegram message, with room for the escaping
STATUSES: tuple[TicketStatus, ...] = ("open", "answered", "closed")


def _render(
    request: web.Request, template: str, *, status: int = 200, **context: object
) -> web.Response:
    from bot.panel.routes import _render as render

    response = render(request, template, **context)
    response.set_status(status)
    return response


async def tickets_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    wanted = request.query.get("status")
    status = next((s for s in STATUSES if s == wanted), None)
    page_no = positive_int(request.query.get("page"), 100_000) or 1
    found = await handoff.queue(panel.db, status, PER_PAGE, (page_no - 1) * PER_PAGE)
    total = found.counts.get(status, 0) if status else sum(found.counts.values())
    return _render(
        request,
        "tickets.html",
        tickets=found.tickets,
        counts=found.counts,
        statuses=STATUSES,
        picked=status,
        page_no=page_no,
        pages=max(1, math.ceil(total / PER_PAGE)),
        qargs={"status": status} if status else {},
    )


async def ticket_page(
    request: web.Request, *, status: int = 200, notice: str | None = None, text: str = ""
) -> web.Response:
    panel = panel_of(request)
    ticket_id = positive_int(request.match_info["id"])
    ticket = await handoff.get(panel.db, ticket_id) if ticket_id else None
    if ticket is None:
        from bot.panel.app import error_page

        return error_page(request, request[TEXTS], "panel-not-found", 404)
    done = request.query.get("done")
    return _render(
        request,
        "ticket.html",
        status=status,
        ticket=ticket,
        thread=await handoff.thread(panel.db, ticket.id),
        notice=notice or (done if done in ("delivered", "closed", "reopened") else None),
        text=text,
        limit=MAX_ANSWER,
        group=panel.settings.admin_chat_id is not None,
    )


async def answer_ticket(request: web.Request) -> web.StreamResponse:
    """The admin's answer goes to the user exactly as an operator's reply in the group."""
    from bot.panel.routes import _admin_name

    panel = panel_of(request)
    session = session_of(request)
    ticket_id = positive_int(request.match_info["id"])
    ticket = await handoff.get(panel.db, ticket_id) if ticket_id else None
    if ticket is None:
        return await ticket_page(request)
    sent = request[FORM].get("text")
    text = sent.replace("\r\n", "\n").strip() if isinstance(sent, str) else ""
    if not text or len(text) > MAX_ANSWER:
        return await ticket_page(
            request, status=422, notice="empty" if not text else "long", text=text
        )
    name = await _admin_name(panel, session.admin_id)
    g = group_texts(panel.content, panel.settings)
    html = escape(text)

    async def send(chat_id: int, reply: ReplyParameters | None) -> Message:
        return await panel.bot.send_message(chat_id, html, reply_parameters=reply)

    result = await deliver_answer(
        panel.bot,
        panel.db,
        panel.content,
        panel.settings,
        ticket,
        send,
        session.admin_id,
        name,
        text,
        mirror=f"{g('handoff-panel-answer', number=ticket.id, admin=name)}\n\n{html}",
        actor=Actor(session.admin_id, "panel"),
    )
    if result != "delivered":
        return await ticket_page(request, status=409, notice=result, text=text)
    raise web.HTTPSeeOther(f"{PREFIX}/tickets/{ticket.id}?done=delivered")


async def set_ticket_status(request: web.Request) -> web.StreamResponse:
    """Close (as the group's button does) or reopen a ticket; the group's post shows it."""
    panel = panel_of(request)
    ticket_id = positive_int(request.match_info["id"])
    actor = Actor(session_of(request).admin_id, "panel")
    reopen = request.match_info["do"] == "reopen"
    changed = (
        await (handoff.reopen if reopen else handoff.close)(panel.db, ticket_id, actor)
        if ticket_id
        else None
    )
    if changed is None:
        return await ticket_page(request)
    g = group_texts(panel.content, panel.settings)
    await update_ticket_status(panel.bot, panel.db, g, changed)
    if not reopen:
        await unpin_ticket(panel.bot, panel.db, changed)
    done = "reopened" if reopen else "closed"
    raise web.HTTPSeeOther(f"{PREFIX}/tickets/{changed.id}?done={done}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/tickets", tickets_page)
    app.router.add_get(r"/tickets/{id:\d{1,19}}", ticket_page)
    app.router.add_post(r"/tickets/{id:\d{1,19}}/answer", answer_ticket)
    app.router.add_post(r"/tickets/{id:\d{1,19}}/{do:close|reopen}", set_ticket_status)
