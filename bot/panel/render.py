"""Pages from Jinja2 templates (autoescape on) in the admin's language.

Texts come from the Fluent files (`content/ui/panel-<lang>.ftl`) through the same
`Translator` as the bot's messages; it escapes the values put into a text, so its result is
marked safe for the template, and Jinja escapes everything else (names, comments, answers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot import clock
from bot.catalog.store import ContentStore
from bot.i18n import Translator
from bot.panel.paths import PREFIX

STATIC = Path(__file__).resolve().parent / "static"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.panel", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A static file's address carries a hash of its content: browsers may cache it, and an
    # upgrade is fetched anew.
    versions = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in STATIC.iterdir()
        if path.is_file()
    }

    def static(name: str) -> str:
        return f"{PREFIX}/static/{name}?v={versions.get(name, '0')}"

    env.globals["static"] = static
    return env


def when(stored: str | None) -> str:
    """A stored moment as Shymkent reads it."""
    return clock.in_shymkent(stored) if stored else ""


def page(
    env: jinja2.Environment,
    template: str,
    t: Translator,
    content: ContentStore,
    *,
    status: int = 200,
    url_args: Mapping[str, str] | None = None,
    **context: Any,
) -> web.Response:
    """Render `template` with the helpers every page uses; `url_args` are the page's
    query arguments, kept in its links (`with_args`)."""
    args = dict(url_args or {})

    def text(key: str, **values: object) -> Markup:
        return Markup(t(key, **values))

    def has(key: str) -> bool:
        return key in t.texts

    def with_args(**changes: object) -> str:
        """The current query string with some arguments changed (None removes one)."""
        merged = {k: v for k, v in {**args, **changes}.items() if v not in (None, "")}
        return "?" + urlencode(merged) if merged else "?"

    def topic_title(topic_id: str) -> str:
        topic = content.catalog.get(topic_id)
        return topic.text(t.lang).title if topic else topic_id

    html = env.get_template(template).render(
        _=text,
        has=has,
        lang=t.lang,
        with_args=with_args,
        args=args,
        when=when,
        topic_title=topic_title,
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
