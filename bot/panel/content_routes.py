"""The panel's content pages: the topics with their warnings, a topic's edit page (kk and ru
side by side, the admin-fill fields first, live checks, the card's preview, "try a
question"), saving, and the history of a topic with its diffs and one-click restore.

Thin like the bot's handlers: every rule lives in `bot.services.content_admin`, which uses
the loader's checks, the bot's card views and the real answer engine."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.catalog.models import FILL
from bot.config import LANGUAGES, Language
from bot.formatting import MESSAGE_LIMIT, utf16_len
from bot.i18n import Translator
from bot.panel.context import panel_of
from bot.panel.forms import LANGS, TOPIC_TEXT_FIELDS, positive_int, topic_from_form
from bot.panel.paths import PREFIX
from bot.panel.security import FORM, TEXTS, session_of
from bot.services import content_admin, reports
from bot.services.audit import Actor
from bot.transport.html import parse_html
from bot.views.answers import render_answer
from bot.views.menu import topic_card, topic_full

MAX_QUESTION = 500
LANG_NAMES = {"kk": "panel-lang-kk", "ru": "panel-lang-ru"}


def _render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    from bot.panel.routes import _render as render

    response = render(request, template, **context)
    response.set_status(status)
    return response


def _not_found(request: web.Request) -> web.Response:
    from bot.panel.app import error_page

    return error_page(request, request[TEXTS], "panel-not-found", 404)


def _form(request: web.Request) -> dict[str, str]:
    return {k: v for k, v in request[FORM].items() if isinstance(v, str)}


# --- the list ----------------------------------------------------------------------------


async def topics_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    kind = request.query.get("kind")
    picked = next((k for k in content_admin.WARNING_KINDS if k == kind), None)
    rows = content_admin.overview(panel.content.catalog, picked)
    total = len(panel.content.catalog.topics)
    return _render(
        request,
        "topics.html",
        rows=rows,
        total=total,
        kinds=content_admin.WARNING_KINDS,
        kind=picked,
        qargs={"kind": picked} if picked else {},
    )


# --- the edit page -----------------------------------------------------------------------


def _has_fill(*texts: object) -> bool:
    return any(isinstance(x, str) and FILL.search(x) for x in texts)


def _rows(data: dict[str, object]) -> dict[str, Any]:
    """The form's rows (kk and ru side by side), those holding a `[[FILL: …]]` first."""

    def lang(code: str) -> dict[str, Any]:
        found = data.get(code)
        return dict(found) if isinstance(found, dict) else {}

    kk, ru = lang("kk"), lang("ru")
    fields = [
        {
            "name": name,
            "kk": str(kk.get(name, "")),
            "ru": str(ru.get(name, "")),
            "fill": _has_fill(kk.get(name), ru.get(name)),
            "long": name not in ("title",),
        }
        for name in TOPIC_TEXT_FIELDS
    ]

    def words(found: object) -> str:
        return "\n".join(str(w) for w in found) if isinstance(found, list) else ""

    def items(found: object) -> list[dict[str, Any]]:
        return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []

    kk_faq, ru_faq = items(kk.get("faq")), items(ru.get("faq"))
    faq = []
    for i in range(max(len(kk_faq), len(ru_faq)) + 1):  # one empty item to add a new one
        pair = [kk_faq[i] if i < len(kk_faq) else {}, ru_faq[i] if i < len(ru_faq) else {}]
        faq.append(
            {
                "i": i,
                "kk_q": words(pair[0].get("questions")),
                "kk_a": str(pair[0].get("answer", "")),
                "ru_q": words(pair[1].get("questions")),
                "ru_a": str(pair[1].get("answer", "")),
                "fill": _has_fill(pair[0].get("answer"), pair[1].get("answer")),
                "new": not pair[0] and not pair[1],
            }
        )
    found_sources = data.get("sources")
    sources = [
        {k: str(s.get(k, "")) for k in ("title", "url", "read", "date")}
        for s in (found_sources if isinstance(found_sources, list) else [])
        if isinstance(s, dict)
    ]
    sources.append({"title": "", "url": "", "read": "", "date": ""})  # to add one
    return {
        "sources": sources,
        "fill_fields": [f for f in fields if f["fill"]],
        "fields": [f for f in fields if not f["fill"]],
        "fill_faq": [f for f in faq if f["fill"]],
        "faq": [f for f in faq if not f["fill"]],
        "faq_count": len(faq),
        "keywords": {"kk": words(kk.get("keywords")), "ru": words(ru.get("keywords"))},
    }


def _preview(draft: content_admin.Draft) -> list[dict[str, Any]]:
    """The card and the full text as the bot will send them, per language, with each
    message's length against Telegram's limit (as the bot counts it)."""
    if draft.topic is None or draft.report.i18n is None:
        return []
    out = []
    for lang in LANGUAGES:
        t = draft.report.i18n(lang)
        messages = []
        for kind, built in (
            ("card", topic_card(t, draft.topic)),
            ("full", topic_full(t, draft.topic)),
        ):
            for html in built:
                # The views escape every content text; the tags are Telegram's few.
                messages.append(
                    {"kind": kind, "html": Markup(html), "length": utf16_len(parse_html(html))}
                )
        out.append({"lang": lang, "messages": messages})
    return out


def _edit(
    request: web.Request,
    topic_id: str,
    data: dict[str, object],
    sha: str,
    *,
    status: int = 200,
    draft: content_admin.Draft | None = None,
    notice: str | None = None,
    errors: list[str] | None = None,
    tried: dict[str, Any] | None = None,
) -> web.Response:
    panel = panel_of(request)
    t: Translator = request[TEXTS]
    categories = [(c.id, c.title(t.lang)) for c in panel.content.catalog.categories]
    checked = data.get("checked")
    return _render(
        request,
        "topic_edit.html",
        status=status,
        topic_id=topic_id,
        data=data,
        sha=sha,
        rows=_rows(data),
        categories=categories,
        checked=str(checked) if checked is not None else "",
        order=str(data.get("order", "")),
        registration_open=data.get("registration_open") is True,
        draft=draft,
        preview=_preview(draft) if draft else [],
        limit=MESSAGE_LIMIT,
        notice=notice,
        errors=errors if errors is not None else (draft.errors if draft else []),
        tried=tried,
        langs=LANGS,
        lang_names=LANG_NAMES,
        saved=positive_int(request.query.get("saved")),
    )


async def topic_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    found = content_admin.read_topic(panel.content.content_dir, request.match_info["id"])
    if found is None:
        return _not_found(request)
    draft = await asyncio.to_thread(
        content_admin.check_draft, panel.content.content_dir, found.topic_id, found.text
    )
    return _edit(request, found.topic_id, found.data, found.sha256, draft=draft)


def _draft_text(
    request: web.Request,
) -> tuple[content_admin.TopicFile, str, str, dict[str, object]] | None:
    """The file as it is, the form's version token, and the edited text and data."""
    from bot.catalog.topic_file import dump_topic

    panel = panel_of(request)
    found = content_admin.read_topic(panel.content.content_dir, request.match_info["id"])
    if found is None:
        return None
    form = _form(request)
    data = topic_from_form(found.data, form)
    return found, form.get("sha", ""), dump_topic(data), data


async def check_topic(request: web.Request) -> web.Response:
    """Check and preview the edited (unsaved) topic: the live check and the button."""
    panel = panel_of(request)
    got = _draft_text(request)
    if got is None:
        return _not_found(request)
    found, sha, text, data = got
    draft = await asyncio.to_thread(
        content_admin.check_draft, panel.content.content_dir, found.topic_id, text
    )
    return _edit(request, found.topic_id, data, sha, draft=draft)


async def try_topic(request: web.Request) -> web.Response:
    """Ask the real answer engine, over the edited (unsaved) content, what it would say."""
    panel = panel_of(request)
    got = _draft_text(request)
    if got is None:
        return _not_found(request)
    found, sha, text, data = got
    form = _form(request)
    question = " ".join(form.get("question", "").split())[:MAX_QUESTION]
    lang: Language = "ru" if form.get("question-lang") == "ru" else "kk"
    draft = await asyncio.to_thread(
        content_admin.check_draft, panel.content.content_dir, found.topic_id, text
    )
    tried: dict[str, Any] = {"question": question, "lang": lang}
    if question and draft.ok and draft.report.i18n is not None:
        answer = await asyncio.to_thread(content_admin.try_question, draft, question, lang)
        if answer is not None:
            reply, markup = render_answer(draft.report.i18n(lang), answer)
            buttons = [b.text for row in getattr(markup, "inline_keyboard", []) for b in row]
            tried.update(
                kind=answer.kind,
                topic=answer.topic.id if answer.topic else None,
                reply=Markup(reply),  # the bot's own HTML, content escaped by its views
                buttons=buttons,
                this_topic=answer.topic is not None and answer.topic.id == found.topic_id,
            )
    return _edit(request, found.topic_id, data, sha, draft=draft, tried=tried)


async def save_topic(request: web.Request) -> web.StreamResponse:
    panel = panel_of(request)
    got = _draft_text(request)
    if got is None:
        return _not_found(request)
    found, sha, text, data = got
    actor = Actor(session_of(request).admin_id, "panel")
    result = await content_admin.save(
        panel.db, panel.content, panel.content_lock, found.topic_id, text, sha, actor
    )
    if isinstance(result, content_admin.Saved):
        raise web.HTTPSeeOther(f"{PREFIX}/content/{found.topic_id}?saved={result.version_id}")
    if isinstance(result, content_admin.Conflict):
        # The admin's text stays on the page, with the token they opened: saving again is
        # refused again, until they open the current version and redo the change there.
        return _edit(request, found.topic_id, data, sha, status=409, notice="conflict")
    draft = await asyncio.to_thread(
        content_admin.check_draft, panel.content.content_dir, found.topic_id, text
    )
    return _edit(
        request,
        found.topic_id,
        data,
        sha,
        status=422,
        draft=draft,
        notice="refused",
        errors=result.errors,
    )


# --- history -----------------------------------------------------------------------------


async def history_page(request: web.Request) -> web.Response:
    panel = panel_of(request)
    found = content_admin.read_topic(panel.content.content_dir, request.match_info["id"])
    if found is None:
        return _not_found(request)
    versions = await content_admin.history(panel.db, found.topic_id)
    picked_id = positive_int(request.query.get("v"))
    picked = next((v for v in versions if v.id == picked_id), versions[0] if versions else None)
    changes = await content_admin.changes_of(panel.db, picked) if picked else []
    return _render(
        request,
        "topic_history.html",
        topic_id=found.topic_id,
        versions=versions,
        picked=picked,
        changes=changes,
        current_sha=found.sha256,
        sha=found.sha256,
        first=picked is not None and picked.id == versions[-1].id,
        restored=positive_int(request.query.get("restored")),
    )


async def restore_topic(request: web.Request) -> web.StreamResponse:
    """Restore one version in one click: saved like an edit (checked, atomic, reloaded,
    recorded, audited), refused if the file changed since the history page was opened."""
    panel = panel_of(request)
    found = content_admin.read_topic(panel.content.content_dir, request.match_info["id"])
    if found is None:
        return _not_found(request)
    form = _form(request)
    version_id = positive_int(form.get("version"))
    old = await content_admin.version(panel.db, version_id) if version_id else None
    if old is None or old.path != content_admin.rel_path(found.topic_id):
        return _not_found(request)
    actor = Actor(session_of(request).admin_id, "panel")
    result = await content_admin.save(
        panel.db,
        panel.content,
        panel.content_lock,
        found.topic_id,
        old.body,
        form.get("sha", ""),
        actor,
        restored_from=old.id,
    )
    if isinstance(result, content_admin.Saved):
        raise web.HTTPSeeOther(
            f"{PREFIX}/content/{found.topic_id}/history?restored={result.version_id}"
        )
    versions = await content_admin.history(panel.db, found.topic_id)
    return _render(
        request,
        "topic_history.html",
        status=409 if isinstance(result, content_admin.Conflict) else 422,
        topic_id=found.topic_id,
        versions=versions,
        picked=old,
        changes=await content_admin.changes_of(panel.db, old),
        current_sha=found.sha256,
        sha=found.sha256,
        first=versions[-1].id == old.id if versions else True,
        restored=None,
        notice="conflict" if isinstance(result, content_admin.Conflict) else "refused",
        errors=result.errors if isinstance(result, content_admin.Refused) else [],
    )


# --- from questions to answers -----------------------------------------------------------

GAP_DAYS = (7, 30, 90)
MAX_ANSWER = 3000


async def gaps_page(request: web.Request) -> web.Response:
    return await _gaps(request)


async def _gaps(
    request: web.Request, status: int = 200, errors: list[str] | None = None
) -> web.Response:
    """The /gaps report, grouped, with the topics offered and a form per question."""
    panel = panel_of(request)
    t: Translator = request[TEXTS]
    days = positive_int(request.query.get("days"), 365) or 30
    found = await reports.gaps(panel.db, days, limit=50)
    answered = await reports.answered_this_month(panel.db)
    topics = sorted(panel.content.catalog.topics.values(), key=lambda tp: tp.text(t.lang).title)
    done = request.query.get("done")
    return _render(
        request,
        "gaps.html",
        status=status,
        errors=errors or [],
        gaps=found,
        days=days,
        day_choices=GAP_DAYS,
        answered=sorted(answered.items(), key=lambda kv: -kv[1]),
        topics=[(tp.id, tp.text(t.lang).title) for tp in topics],
        done=done if done in ("faq", "offtopic") else None,
        qargs={"days": str(days)},
    )


async def gap_to_faq(request: web.Request) -> web.StreamResponse:
    panel = panel_of(request)
    form = _form(request)
    topic_id = form.get("topic", "")
    if topic_id not in panel.content.catalog.topics:
        return _not_found(request)
    questions: dict[Language, list[str]] = {}
    answers: dict[Language, str] = {}
    for lang in LANGUAGES:
        questions[lang] = [
            " ".join(q.split())[:MAX_QUESTION]
            for q in form.get(f"q-{lang}", "").splitlines()
            if q.strip()
        ]
        answers[lang] = form.get(f"a-{lang}", "").replace("\r\n", "\n").strip()[:MAX_ANSWER]
    actor = Actor(session_of(request).admin_id, "panel")
    result = await content_admin.add_faq(
        panel.db, panel.content, panel.content_lock, topic_id, questions, answers, actor
    )
    if isinstance(result, content_admin.Refused):
        return await _gaps(request, 422, result.errors)
    raise web.HTTPSeeOther(f"{PREFIX}/gaps?done=faq")


async def gap_offtopic(request: web.Request) -> web.StreamResponse:
    panel = panel_of(request)
    phrase = " ".join(_form(request).get("question", "").split())[:MAX_QUESTION]
    if not phrase:
        return _not_found(request)
    actor = Actor(session_of(request).admin_id, "panel")
    result = await content_admin.mark_out_of_scope(
        panel.db, panel.content, panel.content_lock, phrase, actor
    )
    if isinstance(result, content_admin.Refused):
        return await _gaps(request, 422, result.errors)
    raise web.HTTPSeeOther(f"{PREFIX}/gaps?done=offtopic")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/gaps", gaps_page)
    app.router.add_post("/gaps/faq", gap_to_faq)
    app.router.add_post("/gaps/offtopic", gap_offtopic)
    app.router.add_get("/content", topics_page)
    app.router.add_get(r"/content/{id:[a-z0-9-]{3,32}}", topic_page)
    app.router.add_post(r"/content/{id:[a-z0-9-]{3,32}}/check", check_topic)
    app.router.add_post(r"/content/{id:[a-z0-9-]{3,32}}/try", try_topic)
    app.router.add_post(r"/content/{id:[a-z0-9-]{3,32}}/save", save_topic)
    app.router.add_get(r"/content/{id:[a-z0-9-]{3,32}}/history", history_page)
    app.router.add_post(r"/content/{id:[a-z0-9-]{3,32}}/restore", restore_topic)
