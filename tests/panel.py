"""Helpers for the web panel's tests: the panel over the test harness's dispatcher, served
on 127.0.0.1, the sign-in link the bot sent, and registrations made through the service."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.db.database import Database
from bot.db.registrations import NewRegistration, Registration
from bot.panel.app import create_panel, mount
from bot.services import registrations, users
from tests.conversation import Conversation, Harness

ROOT = Path(__file__).resolve().parents[1]
ADMIN = 1001  # ADMIN_IDS of the test settings
LINK = re.compile(r'href="([^"]+)"')


def root_app(harness: Harness, settings: Settings | None = None) -> web.Application:
    root = web.Application()
    mount(root, create_panel(settings or harness.settings, harness.dp, harness.bot))
    return root


@asynccontextmanager
async def panel_client(
    harness: Harness, settings: Settings | None = None
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    client = TestClient(TestServer(root_app(harness, settings), host="127.0.0.1"))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def link_from_bot(admin: Conversation) -> str:
    """Send /panel as the admin and return the path of the link the bot answered with."""
    await admin.send("/panel")
    html = admin.last.html or ""
    found = LINK.search(html)
    assert found, html
    url = found.group(1).replace("&amp;", "&")
    return url[url.index("/panel/") :]


async def sign_in(client: TestClient[web.Request, web.Application], admin: Conversation) -> str:
    """The whole sign-in: the link, its page, the button. Returns the session's CSRF token."""
    path = await link_from_bot(admin)
    page = await client.get(path)
    assert page.status == 200, await page.text()
    token = path.split("t=", 1)[1]
    done = await client.post("/panel/signin", data={"t": token}, allow_redirects=False)
    assert done.status == 303, await done.text()
    dashboard = await client.get("/panel/")
    assert dashboard.status == 200
    return csrf_of(await dashboard.text())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def register(
    db: Database,
    user_id: int,
    topic_id: str = "first-job",
    *,
    name: str = "Айгерім Сейітова",
    age: int = 19,
    phone: str = "+77011234567",
    district: str = "abai",
    occupation: str = "neet",
    comment: str | None = None,
    language: str = "kk",
    guardian: bool = False,
) -> Registration:
    """A finished form, stored by the same service the bot's form uses."""
    await users.seen(db, user_id)
    return await registrations.submit(
        db,
        NewRegistration(
            user_id=user_id,
            topic_id=topic_id,
            full_name=name,
            age=age,
            phone=phone,
            district=district,
            occupation=occupation,
            comment=comment,
            consent_version="2025-01",
            language=language,
            guardian_confirmed=guardian,
        ),
    )


def copy_content(tmp_path: Path) -> Path:
    """A copy of content/ for tests that edit it (never the repository's own files)."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


class _FormReader(HTMLParser):
    """What a browser would send for one form: inputs, textareas, selects, ticked boxes."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        owned = self.inside if "form" not in a else a["form"] == self.form_id
        if not owned or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self._first_option = None

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        if self._first_option is None:
            self._first_option = a.get("value", "")
            self.fields.setdefault(self._select, self._first_option)
        if "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data


def form_fields(html: str, form_id: str) -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(html)
    # A browser drops the newline right after <textarea>; the page writes none.
    return reader.fields
