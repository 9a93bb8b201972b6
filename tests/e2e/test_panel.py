"""The web panel's routes through aiohttp's test client, beside the real dispatcher and the
fake Bot API: sign-in by the link the bot sends, sessions, CSRF, escaping, status changes
that reach the user and the operators' chat, exports, the audit log, both languages."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from bot import clock
from bot.services import audit, panel_auth, users
from bot.services.audit import Actor
from tests.conversation import Conversation, Harness
from tests.panel import ADMIN, csrf_of, link_from_bot, panel_client, register, sign_in

PAGES = ["/panel/", "/panel/registrations", "/panel/registrations/1", "/panel/audit"]
XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
async def admin(harness: Harness) -> Conversation:
    """The admin, who chose Russian in the bot (the panel follows that choice)."""
    await users.seen(harness.dp["db"], ADMIN)
    await users.set_language(harness.dp["db"], ADMIN, "ru")
    return harness.user(ADMIN, "Admin", language_code="ru")


async def test_panel_command_gives_a_one_time_link_only_to_admins(
    harness: Harness, admin: Conversation, user: Conversation
) -> None:
    path = await link_from_bot(admin)
    assert path.startswith("/panel/signin?t=")
    assert "10" in admin.last_text  # "valid 10 minutes"
    await user.send("/panel")
    await user.send("/nosuchcommand")
    replies = [m.text for m in user.messages[-2:]]
    assert replies[0] == replies[1]  # a non-admin gets the unknown-command reply


async def test_sign_in_sets_a_strict_http_only_cookie_and_the_link_is_single_use(
    harness: Harness, admin: Conversation
) -> None:
    async with panel_client(harness) as client:
        path = await link_from_bot(admin)
        token = path.split("t=", 1)[1]
        # Opening the link twice (a preview, a second tab) does not use it up.
        assert (await client.get(path)).status == 200
        page = await client.get(path)
        assert "signin" in await page.text()
        done = await client.post("/panel/signin", data={"t": token}, allow_redirects=False)
        assert done.status == 303 and done.headers["Location"] == "/panel/"
        cookie = done.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/panel" in cookie
        assert "Secure" not in cookie  # plain http on 127.0.0.1
        assert token not in cookie
        again = await client.post("/panel/signin", data={"t": token}, allow_redirects=False)
        assert again.status == 410
        assert "/panel" in await again.text()
        entries = await audit.page(harness.dp["db"], audit.AuditFilter(action="signin"), 10, 0)
        assert [(e.admin_id, e.via) for e in entries.entries] == [(ADMIN, "panel")]


async def test_cookie_is_secure_behind_https(harness: Harness, admin: Conversation) -> None:
    settings = harness.settings.model_copy(update={"panel_url": "https://panel.example.kz"})
    async with panel_client(harness, settings) as client:
        path = await link_from_bot(admin)
        token = path.split("t=", 1)[1]
        done = await client.post("/panel/signin", data={"t": token}, allow_redirects=False)
        assert "Secure" in done.headers["Set-Cookie"]


async def test_expired_and_unknown_links_are_refused_and_rate_limited(harness: Harness) -> None:
    db = harness.dp["db"]
    old = await panel_auth.issue_link(db, ADMIN, now=clock.now() - timedelta(minutes=11))
    async with panel_client(harness) as client:
        expired = await client.get(f"/panel/signin?t={old}")
        assert expired.status == 410
        refused = await client.post("/panel/signin", data={"t": old}, allow_redirects=False)
        assert refused.status == 410
        statuses = [(await client.get("/panel/signin?t=guess")).status for _ in range(10)]
        assert statuses[:8] == [404] * 8 and statuses[-1] == 429
        fresh = await panel_auth.issue_link(db, ADMIN)
        assert (await client.get(f"/panel/signin?t={fresh}")).status == 429


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_refuses_a_missing_session(harness: Harness, path: str) -> None:
    async with panel_client(harness) as client:
        response = await client.get(path)
        assert response.status == 401
        assert "/panel" in await response.text()
        forged = await client.get(path, cookies={"jastar_panel": "forged"})
        assert forged.status == 401


async def test_an_idle_session_expires_and_sign_out_ends_one(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    old = await panel_auth.issue_link(db, ADMIN, now=clock.now() - timedelta(hours=13))
    stale = await panel_auth.redeem(
        db, old, frozenset({ADMIN}), now=clock.now() - timedelta(hours=12, minutes=59)
    )
    assert isinstance(stale, panel_auth.NewSession)
    async with panel_client(harness) as client:
        for path in PAGES:
            response = await client.get(path, cookies={"jastar_panel": stale.token})
            assert response.status == 401, path
        csrf = await sign_in(client, admin)
        out = await client.post("/panel/signout", data={"csrf": csrf})
        assert out.status == 200
        for path in PAGES:
            assert (await client.get(path)).status == 401, path


async def test_an_admin_removed_from_admin_ids_is_signed_out(
    harness: Harness, admin: Conversation
) -> None:
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/panel/"))
        token = cookie["jastar_panel"].value
    demoted = harness.settings.model_copy(update={"admin_ids": frozenset({42})})
    async with panel_client(harness, demoted) as client:
        response = await client.get("/panel/", cookies={"jastar_panel": token})
        assert response.status == 401


async def test_status_change_needs_the_csrf_token_and_the_panels_origin(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    young = harness.user(5001, "Айгерім", language_code="kk")
    reg = await register(db, young.id)
    async with panel_client(harness) as client:
        csrf = await sign_in(client, admin)
        form = {"id": str(reg.id), "status": "contacted"}
        for data, headers in (
            (form, {}),
            ({**form, "csrf": "wrong"}, {}),
            ({**form, "csrf": csrf}, {"Origin": "http://evil.example"}),
        ):
            response = await client.post(
                "/panel/registrations/status", data=data, headers=headers, allow_redirects=False
            )
            assert response.status == 403
        assert young.messages == []
        ok = await client.post(
            "/panel/registrations/status",
            data={**form, "csrf": csrf},
            headers={"X-CSRF-Token": csrf},
            allow_redirects=False,
        )
        assert ok.status == 303
    assert len(young.messages) == 1 and "маман хабарласты" in young.last_text


async def test_bulk_status_change_notifies_each_user_once_and_updates_the_group(
    harness: Harness, admin: Conversation
) -> None:
    harness.open_admin_chat(-100500, 2002, "Operator", pace=0.0)
    settings = harness.settings.model_copy(update={"admin_chat_id": -100500})
    poster = harness.dp["poster"]
    poster.chat_id = -100500
    db = harness.dp["db"]
    kk = harness.user(5001, "Айгерім", language_code="kk")
    ru = harness.user(5002, "Иван", language_code="ru")
    one = await register(db, kk.id, name="Айгерім")
    await poster.post_pending(harness.bot)
    two = await register(db, ru.id, "volunteering", name="Иван Петров", language="ru")
    await poster.post_pending(harness.bot)
    group = harness.api.chats[-100500].messages
    assert len(group) == 2 and not any(m.edited for m in group)
    async with panel_client(harness, settings) as client:
        csrf = await sign_in(client, admin)
        response = await client.post(
            "/panel/registrations/status",
            data=[
                ("csrf", csrf),
                ("status", "enrolled"),
                ("id", str(one.id)),
                ("id", str(two.id)),
                ("id", str(two.id)),
            ],
        )
        text = await response.text()
        assert response.status == 200
        assert "Статус изменён: 2" in text  # the admin's language in the bot: ru (language_code)
    assert [m.text for m in kk.messages].count(kk.last_text) == 1 and "қабылдан" in kk.last_text
    assert len(ru.messages) == 1 and "зачислен" in ru.last_text.lower()
    # Both cards in the operators' chat show the new status and who set it, as after a button.
    assert all(m.edited and "Admin" in m.text for m in group), [m.text for m in group]
    history = await audit.page(db, audit.AuditFilter(action="status"), 10, 0)
    assert {(e.target, e.via) for e in history.entries} == {
        (f"registration:{one.id}", "panel"),
        (f"registration:{two.id}", "panel"),
    }


async def test_user_text_is_escaped_in_pages_and_harmless_in_exports(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    young = harness.user(5001, "x", language_code="kk")
    reg = await register(db, young.id, name=XSS, comment=FORMULA)
    other = harness.user(5003, "y", language_code="kk")
    await register(db, other.id, name=FORMULA, phone="+77779998877")
    async with panel_client(harness) as client:
        csrf = await sign_in(client, admin)
        for path in ("/panel/registrations", f"/panel/registrations/{reg.id}"):
            html = await (await client.get(path)).text()
            assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        csv_file = await client.post(
            "/panel/registrations/export", data={"csrf": csrf, "format": "csv"}
        )
        assert csv_file.status == 200
        body = (await csv_file.read()).decode("utf-8-sig")
        assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body and "\n=HYPERLINK" not in body
        xlsx = await client.post(
            "/panel/registrations/export", data={"csrf": csrf, "format": "xlsx"}
        )
        sheet = zipfile.ZipFile(io.BytesIO(await xlsx.read())).read("xl/worksheets/sheet1.xml")
        text = sheet.decode()
        assert "<f>" not in text
        assert 's="1"><is><t xml:space="preserve">=HYPERLINK' in text
        assert "&lt;script&gt;" in text
    exports = await audit.page(db, audit.AuditFilter(action="export"), 10, 0)
    assert [e.via for e in exports.entries] == ["panel", "panel"]


async def test_filters_search_and_export_the_filtered_rows(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    people = [harness.user(6000 + i, f"u{i}", language_code="kk") for i in range(6)]
    await register(db, people[0].id, name="Нұрлан Әлиев", age=16, guardian=True)
    await register(db, people[1].id, name="Нұрсұлу Беков", age=22, district="turan")
    await register(db, people[2].id, "volunteering", name="Ольга", age=31, phone="+77051112233")
    await register(db, people[3].id, "volunteering", name="Данияр", age=25, occupation="work")
    async with panel_client(harness) as client:
        csrf = await sign_in(client, admin)

        async def found(query: str) -> str:
            return await (await client.get(f"/panel/registrations?{query}")).text()

        assert "Найдено заявок: 4" in await found("")
        assert "Найдено заявок: 2" in await found("programme=volunteering")
        assert "Найдено заявок: 1" in await found("programme=first-job&district=turan")
        assert "Найдено заявок: 1" in await found("age=14-17")
        assert "Найдено заявок: 2" in await found("q=%D0%BD%D2%B1%D1%80")  # "нұр", lower case
        assert "Найдено заявок: 1" in await found("q=8+705+111")  # phone digits, 8 for +7
        assert "Найдено заявок: 0" in await found("status=enrolled")
        assert "Найдено заявок: 4" in await found("status=nonsense&sort=;drop")
        partial = await (
            await client.get("/panel/registrations?occupation=work", headers={"HX-Request": "1"})
        ).text()
        assert "<html" not in partial and "Данияр" in partial
        export = await client.post(
            "/panel/registrations/export",
            data={"csrf": csrf, "format": "csv", "programme": "volunteering", "age": "30-35"},
        )
        lines = (await export.read()).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 2 and "Ольга" in lines[1]


async def test_registration_card_shows_answers_consent_and_history(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    young = harness.user(5001, "x", language_code="kk")
    reg = await register(db, young.id, name="Әлия", age=16, guardian=True, comment="Бір <b>")
    from bot.services import registrations

    await registrations.change_status(db, reg.id, "contacted", Actor(ADMIN, "telegram"))
    await registrations.cancel(db, young.id, reg.id)
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        html = await (await client.get(f"/panel/registrations/{reg.id}")).text()
    assert "2025-01" in html and "Родитель или опекун согласен" in html
    assert "связались" in html and "администратор 1001" in html
    assert "сам пользователь" in html and "Бір &lt;b&gt;" in html
    assert 'name="status"' not in html.split("История статуса")[1]  # cancelled: no change


async def test_pages_follow_the_admins_language_and_the_audit_log_filters(
    harness: Harness, admin: Conversation
) -> None:
    db = harness.dp["db"]
    await users.set_language(db, ADMIN, "kk")
    await admin.send("/reload")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        dashboard = await (await client.get("/panel/")).text()
        assert 'lang="kk"' in dashboard and "Шолу" in dashboard and dashboard.count("<svg") >= 5
        log = await (await client.get("/panel/audit")).text()
        assert "мазмұнды қайта жүктеу" in log and "панельге кіру" in log
        only = await (await client.get("/panel/audit?action=reload&via=telegram")).text()
        assert "Жазбалар: 1" in only
        none = await (await client.get("/panel/audit?via=cli")).text()
        assert "Жазбалар: 0" in none
    await users.set_language(db, ADMIN, "ru")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        assert "Обзор" in await (await client.get("/panel/")).text()


async def test_security_headers(harness: Harness, admin: Conversation) -> None:
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        response = await client.get("/panel/registrations")
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "same-origin"
        css = await client.get("/panel/static/panel.css")
        assert css.status == 200
        assert (await client.get("/panel/static/../../bot/config.py")).status in (403, 404)
        html = await response.text()
        assert csrf_of(html)
