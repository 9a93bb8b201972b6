"""The panel's announcements: the history with delivery figures, a live progress bar for
a running one (htmx polling) with pause/resume/cancel (the worker's own calls, as the
Telegram buttons make them), and composing a text announcement: formatting (Telegram's
HTML), a button to a topic or its sign-up, the audience with its recipient count, a
preview, send now or at a time.

A composed announcement goes out exactly as one made with /announce: the bot sends the
text to the admin's own chat (the admin sees in Telegram what users will get), and that
message becomes the job's source, copied to every recipient by the same worker at the
same pace. The worker needed no second way of sending."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from markupsafe import Markup

from bot import clock
from bot.catalog.loader import html_problem
from bot.choices import DISTRICTS, OCCUPATIONS, STATUSES
from bot.db.broadcasts import ACTIVE, Audience
from bot.panel.context import Panel, panel_of
from bot.panel.forms import positive_int
from bot.panel.paths import PREFIX
from bot.panel.security import FORM, TEXTS, session_of
from bot.services import audit, broadcasts
from bot.services.audit import Actor
from bot.views.announcements import audience_text

MAX_TEXT = 4000  # Telegram's 4096, with room for what the copy adds
CONTROLS = ("pause", "resume", "stop")


def _render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    from bot.panel.routes import _render as render

    response = render(request, template, **context)
    response.set_status(status)
    return response


async def announcements_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    jobs = await broadcasts.recent_broadcasts(panel.db, 30)
    t = request[TEXTS]
    return _render(
        request,
        "announcements.html",
        jobs=[
            (job, tally, audience_text(t, job.audience, panel.content.catalog))
            for job, tally in jobs
        ],
        active=ACTIVE,
        created=positive_int(request.query.get("created")),
    )


async def progress_fragment(request: web.Request) -> web.Response:
    """One job's row, polled by htmx every few seconds while it is active."""
    panel = panel_of(request)
    job_id = positive_int(request.match_info["id"])
    job = await broadcasts.get_broadcast(panel.db, job_id) if job_id else None
    if job is None:
        raise web.HTTPNotFound()
    tally = await broadcasts.tally(panel.db, job.id)
    t = request[TEXTS]
    return _render(
        request,
        "announcement_row.html",
        job=job,
        tally=tally,
        audience=audience_text(t, job.audience, panel.content.catalog),
        active=ACTIVE,
    )


async def control(request: web.Request) -> web.StreamResponse:
    """Pause, resume or cancel: the worker's calls, audited as from Telegram's buttons."""
    panel = panel_of(request)
    job_id = positive_int(request.match_info["id"])
    do = request.match_info["do"]
    if job_id is None or do not in CONTROLS:
        raise web.HTTPNotFound()
    action = {
        "pause": panel.broadcaster.pause,
        "resume": panel.broadcaster.resume,
        "stop": panel.broadcaster.cancel,
    }[do]
    if await action(job_id):
        await audit.record(
            panel.db,
            Actor(session_of(request).admin_id, "panel"),
            "announce-control",
            f"broadcast:{job_id}",
            do=do,
        )
        if do == "stop":
            # The admin's progress message in Telegram may be gone.
            with contextlib.suppress(TelegramAPIError):
                await panel.broadcaster.refresh(job_id)
    if "HX-Request" in request.headers:
        return await progress_fragment(request)
    raise web.HTTPSeeOther(f"{PREFIX}/announcements")


# --- composing ---------------------------------------------------------------------------


def _audience(form: dict[str, str], panel: Panel) -> Audience | None:
    kind = form.get("audience", "all")
    try:
        if kind == "all":
            return Audience()
        if kind == "topic":
            topic = form.get("programme", "")
            status = form.get("reg-status") or None
            if topic not in panel.content.catalog.topics:
                return None
            return Audience("topic", topic, status)
        value = form.get(f"{kind}-value", "")
        return Audience(kind, value)  # type: ignore[arg-type]
    except ValueError:
        return None


def _buttons(form: dict[str, str], panel: Panel) -> dict[str, str] | None:
    kind = form.get("button", "")
    if not kind:
        return {}
    topic = form.get("button-topic", "")
    allowed = {tp.id for tp in broadcasts.button_topics(panel.content.catalog, kind)}
    if kind not in ("card", "reg") or topic not in allowed:
        return None
    return {"kind": kind, "topic": topic}


def _when(form: dict[str, str], now: datetime) -> tuple[datetime | None, str | None]:
    """(due moment or None for now, an error code) from the form's choice."""
    if form.get("when") != "later":
        return None, None
    typed = form.get("at", "").replace("T", " ")
    try:
        return broadcasts.parse_local_time(typed, now), None
    except broadcasts.ScheduleError as exc:
        return None, exc.reason


async def _compose(
    request: web.Request, form: dict[str, str], *, status: int = 200, check: bool = False
) -> web.Response:
    panel = panel_of(request)
    t = request[TEXTS]
    errors: list[str] = []
    preview: dict[str, Any] | None = None
    if check:
        text = form.get("text", "").replace("\r\n", "\n").strip()
        audience = _audience(form, panel)
        buttons = _buttons(form, panel)
        problem = html_problem(text) if text else "empty"
        if problem:
            errors.append("panel-bc-error-text")
        if len(text) > MAX_TEXT:
            errors.append("panel-bc-error-long")
        if audience is None:
            errors.append("panel-bc-error-audience")
        if buttons is None:
            errors.append("panel-bc-error-button")
        _, when_error = _when(form, panel.broadcaster.clock.now())
        if when_error:
            errors.append(f"panel-bc-error-time-{when_error}")
        if not errors and audience is not None and buttons is not None:
            markup = panel.broadcaster.markup(buttons, t.lang)
            preview = {
                "html": Markup(text),  # Telegram's few tags only: html_problem passed it
                "buttons": [b.text for row in markup.inline_keyboard for b in row],
                "audience": audience_text(t, audience, panel.content.catalog),
                "count": await broadcasts.count_recipients(panel.db, audience),
            }
        elif problem and problem != "empty":
            form = {**form, "problem": problem}
    catalog = panel.content.catalog
    programmes = await broadcasts.audience_programmes(panel.db, catalog)
    return _render(
        request,
        "announce_new.html",
        status=status,
        form=form,
        errors=errors,
        preview=preview,
        programmes=[(tp.id, tp.text(t.lang).title) for tp in programmes],
        card_topics=[
            (tp.id, tp.text(t.lang).title) for tp in broadcasts.button_topics(catalog, "card")
        ],
        reg_topics={tp.id for tp in broadcasts.button_topics(catalog, "reg")},
        districts=DISTRICTS,
        occupations=OCCUPATIONS,
        reg_statuses=STATUSES,
        example=clock.in_shymkent(panel.broadcaster.clock.now(), "%Y-%m-%dT%H:%M"),
    )


async def compose_page(request: web.Request) -> web.Response:
    return await _compose(request, {})


def _form(request: web.Request) -> dict[str, str]:
    return {k: v for k, v in request[FORM].items() if isinstance(v, str)}


async def preview(request: web.Request) -> web.Response:
    return await _compose(request, _form(request), check=True)


async def create(request: web.Request) -> web.StreamResponse:
    """Checked again, then the source message in the admin's chat and the job, which the
    worker sends now or when it is due, once."""
    panel = panel_of(request)
    session = session_of(request)
    form = _form(request)
    text = form.get("text", "").replace("\r\n", "\n").strip()
    audience = _audience(form, panel)
    buttons = _buttons(form, panel)
    now = panel.broadcaster.clock.now()
    due, when_error = _when(form, now)
    if (
        not text
        or len(text) > MAX_TEXT
        or html_problem(text)
        or audience is None
        or buttons is None
        or when_error
    ):
        return await _compose(request, form, status=422, check=True)
    try:
        source = await panel.bot.send_message(session.admin_id, text)
    except TelegramAPIError:
        return await _compose(request, {**form, "problem": "admin-chat"}, status=502, check=True)
    draft = broadcasts.Draft(
        session.admin_id, session.admin_id, source.message_id, audience, buttons
    )
    job_id, _ = await broadcasts.create_broadcast(panel.db, draft, now, due, via="panel")
    panel.broadcaster.wake()
    raise web.HTTPSeeOther(f"{PREFIX}/announcements?created={job_id}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/announcements", announcements_page)
    app.router.add_get("/announcements/new", compose_page)
    app.router.add_post("/announcements/preview", preview)
    app.router.add_post("/announcements/create", create)
    app.router.add_get(r"/announcements/{id:\d{1,19}}/row", progress_fragment)
    app.router.add_post(r"/announcements/{id:\d{1,19}}/{do:pause|resume|stop}", control)
