"""The panel's pages: sign-in and sign-out, dashboard, registrations (list, card, status
changes, exports) and the audit log. Thin, like the bot's handlers: read the request, call
a service, render a template."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiohttp import web

from bot import clock
from bot.choices import ADMIN_STATUSES, DISTRICTS, OCCUPATIONS, STATUSES
from bot.db.registrations import Registration
from bot.i18n import Translator
from bot.panel import charts
from bot.panel.context import Panel, panel_of
from bot.panel.forms import (
    AGE_BANDS,
    FILTER_FIELDS,
    audit_query,
    positive_int,
    registrations_query,
)
from bot.panel.paths import PREFIX, SIGNIN
from bot.panel.render import page
from bot.panel.security import (
    FORM,
    TEXTS,
    clear_session_cookie,
    client_key,
    same_origin,
    session_of,
    set_session_cookie,
)
from bot.services import audit, dashboard, panel_auth, registrations
from bot.services.audit import ACTIONS, VIAS, Actor
from bot.services.export import registrations_csv, registrations_xlsx

log = logging.getLogger(__name__)
PER_PAGE = 50
DASHBOARD_FRESH = 30.0  # seconds the dashboard's figures are reused (see `Panel.dashboard`)
AUDIT_PER_PAGE = 100
MAX_SELECTED = 500  # rows one status change may take (ten pages of the table)
LANG_KEYS = {"kk": "panel-lang-kk", "ru": "panel-lang-ru", "": "panel-lang-none"}


def _t(request: web.Request) -> Translator:
    return request[TEXTS]


def _render(request: web.Request, template: str, **context: Any) -> web.Response:
    panel = panel_of(request)
    session = session_of(request)
    return page(
        panel.env,
        template,
        _t(request),
        panel.content,
        csrf=session.csrf,
        admin_id=session.admin_id,
        path=request.path,
        url_args=context.get("qargs"),
        **context,
    )


# --- signing in and out ------------------------------------------------------------------


async def _link_problem(request: web.Request, state: str, admin_id: int | None) -> web.Response:
    from bot.panel.app import error_page, translator

    panel = panel_of(request)
    panel.attempts.failed(client_key(request))
    status = 404 if state == "unknown" else 410
    return error_page(request, await translator(request, admin_id), f"panel-link-{state}", status)


async def _too_many(request: web.Request) -> web.Response | None:
    from bot.panel.app import error_page, translator

    if panel_of(request).attempts.blocked(client_key(request)):
        return error_page(request, await translator(request, None), "panel-too-many", 429)
    return None


async def signin_page(request: web.Request) -> web.Response:
    """The link from `/panel` opens a page with a button: opening a link (a preview, a
    link scanner) never uses it up; pressing the button does."""
    from bot.panel.app import translator

    panel = panel_of(request)
    refused = await _too_many(request)
    if refused is not None:
        return refused
    token = request.query.get("t", "")
    state, admin_id = await panel_auth.link_state(panel.db, token, panel.settings.admin_ids)
    if state != "ok" or admin_id is None:
        return await _link_problem(request, state, admin_id)
    t = await translator(request, admin_id)
    return page(panel.env, "signin.html", t, panel.content, token=token, admin_id=admin_id)


async def signin(request: web.Request) -> web.StreamResponse:
    from bot.panel.app import error_page, translator

    panel = panel_of(request)
    refused = await _too_many(request)
    if refused is not None:
        return refused
    if not same_origin(request):
        return error_page(request, await translator(request, None), "panel-forbidden", 403)
    form = await request.post()
    token = form.get("t")
    found = await panel_auth.redeem(
        panel.db, token if isinstance(token, str) else "", panel.settings.admin_ids
    )
    if not isinstance(found, panel_auth.NewSession):
        return await _link_problem(request, found, None)
    response = web.Response(status=303, headers={"Location": f"{PREFIX}/"})
    set_session_cookie(response, request, panel.settings, found.token)
    return response


async def signout(request: web.Request) -> web.Response:
    from bot.panel.app import error_page

    panel = panel_of(request)
    await panel_auth.sign_out(panel.db, session_of(request))
    response = error_page(request, _t(request), "panel-signed-out", 200, "panel-signed-out-title")
    clear_session_cookie(response)
    return response


# --- dashboard ---------------------------------------------------------------------------


async def dashboard_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    t = _t(request)
    now = time.monotonic()
    if panel.dashboard is None or now - panel.dashboard[0] > DASHBOARD_FRESH:
        panel.dashboard = (now, await dashboard.build(panel.db))
    found: dashboard.Dashboard = panel.dashboard[1]
    day = "%d.%m"
    user_lines = [found.users[lang] for lang in dashboard.LANGS]
    users_chart = charts.line_chart(
        t("panel-dash-users"), [d.strftime(day) for d in found.days], user_lines
    )
    programmes = list(found.registrations)
    programme_names = [
        _programme(panel, t, topic) if topic else t("panel-dash-other") for topic in programmes
    ]
    regs_chart = charts.stacked_bars(
        t("panel-dash-regs-daily"),
        [d.strftime(day) for d in found.reg_days],
        [found.registrations[p] for p in programmes],
    )
    status_chart = charts.horizontal_bars(
        t("panel-dash-status"),
        [(t(f"panel-status-{s}"), n) for s, n in found.statuses.items()],
    )
    question_items = [
        (t("panel-dash-asked"), found.questions),
        (t("panel-dash-answered"), found.answered),
        (t("panel-dash-rated"), found.rated),
        (t("panel-dash-helpful"), found.helpful),
    ]
    questions_chart = charts.horizontal_bars(t("panel-dash-questions"), question_items)
    tickets_chart = charts.horizontal_bars(
        t("panel-dash-tickets"),
        [(t(f"panel-ticket-{s}"), n) for s, n in found.tickets.items()],
    )
    median = None
    if found.median_answer is not None:
        minutes = int(found.median_answer.total_seconds() // 60)
        median = t("panel-duration", hours=minutes // 60, minutes=minutes % 60)
    return _render(
        request,
        "dashboard.html",
        found=found,
        users_chart=users_chart,
        user_langs=[(LANG_KEYS[lang], found.users[lang][-1]) for lang in dashboard.LANGS],
        regs_chart=regs_chart,
        programmes=list(zip(programme_names, programmes, strict=True)),
        status_chart=status_chart,
        questions_chart=questions_chart,
        answered_share=dashboard.percent(found.answered, found.questions),
        helpful_share=dashboard.percent(found.helpful, found.rated),
        tickets_chart=tickets_chart,
        median=median,
    )


def _programme(panel: Panel, t: Translator, topic_id: str) -> str:
    topic = panel.content.catalog.get(topic_id)
    return topic.text(t.lang).title if topic else topic_id


# --- registrations -----------------------------------------------------------------------


def _choices(panel: Panel, t: Translator) -> dict[str, Any]:
    topics = sorted(
        panel.content.catalog.topics.values(),
        key=lambda tp: (not tp.registration_open, tp.text(t.lang).title),
    )
    return {
        "programmes": [(tp.id, tp.text(t.lang).title) for tp in topics],
        "statuses": STATUSES,
        "admin_statuses": ADMIN_STATUSES,
        "districts": DISTRICTS,
        "occupations": OCCUPATIONS,
        "age_bands": list(AGE_BANDS),
        "sorts": ("created", "name", "age", "status", "programme", "district"),
        "filter_fields": FILTER_FIELDS,
    }


async def registrations_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    t = _t(request)
    query = registrations_query(request.query, panel.content.catalog)
    found = await registrations.search(
        panel.db,
        query.filter,
        query.sort,
        query.desc,
        PER_PAGE,
        (query.page - 1) * PER_PAGE,
    )
    pages = max(1, math.ceil(found.total / PER_PAGE))
    template = (
        "registrations_rows.html" if "HX-Request" in request.headers else "registrations.html"
    )
    changed = positive_int(request.query.get("changed"), 10**6)
    skipped = positive_int(request.query.get("skipped"), 10**6)
    return _render(
        request,
        template,
        rows=found.rows,
        total=found.total,
        page_no=min(query.page, pages),
        pages=pages,
        query=query,
        qargs=query.args,
        back=f"{PREFIX}/registrations" + _qs(query.args, page=query.page),
        changed=(changed or 0, skipped or 0) if changed or skipped else None,
        **_choices(panel, t),
    )


def _qs(args: dict[str, str], **changes: object) -> str:
    from urllib.parse import urlencode

    merged = {k: v for k, v in {**args, **changes}.items() if v not in (None, "", 1)}
    return "?" + urlencode(merged) if merged else ""


async def registration_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    reg_id = positive_int(request.match_info["id"])
    found = await registrations.details(panel.db, reg_id) if reg_id else None
    if found is None:
        from bot.panel.app import error_page

        return error_page(request, _t(request), "panel-not-found", 404)
    back = request.query.get("back", "")
    return _render(
        request,
        "registration.html",
        d=found,
        reg=found.registration,
        back=back if _safe_back(back) else f"{PREFIX}/registrations",
        **_choices(panel, _t(request)),
    )


def _safe_back(url: str) -> bool:
    """A return address inside the registrations pages, never another site."""
    return url.startswith(f"{PREFIX}/registrations") and "//" not in url and "\\" not in url


async def _admin_name(panel: Panel, admin_id: int) -> str:
    """The admin's name as Telegram has it (what a card shows after a button press)."""
    if admin_id not in panel.names:
        try:
            chat = await panel.bot.get_chat(admin_id)
            panel.names[admin_id] = chat.full_name or str(admin_id)
        except TelegramAPIError:
            return str(admin_id)
    return panel.names[admin_id]


async def change_status(request: web.Request) -> web.StreamResponse:
    """One or many registrations to a new status, through the same service and the same
    notification path as the buttons in the operators' chat; each user told once."""
    panel = panel_of(request)
    session = session_of(request)
    form = request[FORM]
    sent_status = form.get("status")
    status = sent_status if isinstance(sent_status, str) else ""
    picked = (positive_int(v) for v in form.getall("id", []) if isinstance(v, str))
    ids = list(dict.fromkeys(i for i in picked if i))[:MAX_SELECTED]
    sent = form.get("back")
    back = sent if isinstance(sent, str) and _safe_back(sent) else f"{PREFIX}/registrations"
    changed = skipped = 0
    if status in ADMIN_STATUSES:
        who = await _admin_name(panel, session.admin_id)
        by = Actor(session.admin_id, "panel")
        for reg_id in ids:
            result = await registrations.change_status(panel.db, reg_id, status, by)
            if not isinstance(result, Registration):
                skipped += 1
                continue
            changed += 1
            try:
                await panel.poster.show_status(panel.bot, result, who)
            except TelegramAPIError as exc:  # the change stands; the message may follow
                log.warning("status notice for registration %d failed: %s", reg_id, exc)
    else:
        skipped = len(ids)
    joiner = "&" if "?" in back else "?"
    raise web.HTTPSeeOther(f"{back}{joiner}changed={changed}&skipped={skipped}")


async def export(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows (that still hold personal data), as CSV or XLSX."""
    panel = panel_of(request)
    session = session_of(request)
    t = _t(request)
    form = request[FORM]
    args = {k: v for k in (*FILTER_FIELDS, "sort", "dir") if isinstance(v := form.get(k), str)}
    query = registrations_query(args, panel.content.catalog)
    file_format = "xlsx" if form.get("format") == "xlsx" else "csv"
    await panel.poster.housekeep(panel.bot)  # the retention period first, as /export does
    rows = await registrations.export_filtered(
        panel.db,
        query.filter,
        query.sort,
        query.desc,
        Actor(session.admin_id, "panel"),
        file_format,
    )
    if file_format == "xlsx":
        body = registrations_xlsx(rows, panel.content.catalog, t)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = registrations_csv(rows, panel.content.catalog, t)
        kind = "text/csv"
    name = (
        f"registrations-{query.filter.topic_id or 'all'}-{clock.today().isoformat()}.{file_format}"
    )
    return web.Response(
        body=body,
        content_type=kind,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- audit log ---------------------------------------------------------------------------


async def audit_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    found, kept, page_no = audit_query(request.query, ACTIONS)
    result = await audit.page(panel.db, found, AUDIT_PER_PAGE, (page_no - 1) * AUDIT_PER_PAGE)
    pages = max(1, math.ceil(result.total / AUDIT_PER_PAGE))
    return _render(
        request,
        "audit.html",
        result=result,
        entries=[(e, audit.details_of(e)) for e in result.entries],
        qargs=kept,
        page_no=min(page_no, pages),
        pages=pages,
        vias=VIAS,
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/signin", signin_page)
    app.router.add_post("/signin", signin)
    app.router.add_post("/signout", signout)
    app.router.add_get("/", dashboard_page)
    app.router.add_get("/registrations", registrations_page)
    app.router.add_get(r"/registrations/{id:\d{1,19}}", registration_page)
    app.router.add_post("/registrations/status", change_status)
    app.router.add_post("/registrations/export", export)
    app.router.add_get("/audit", audit_page)


__all__ = ["SIGNIN", "add_routes"]
