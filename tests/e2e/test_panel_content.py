"""The panel's content pages (issue 20) through aiohttp's test client, beside the real
dispatcher and the fake Bot API, on a copy of content/: the topics list and its filters,
saving an edit (atomic, reloaded, recorded, audited), a broken edit refused while the bot
keeps answering, the concurrent-edit conflict, a hand edit in the history, restoring,
"try a question" on unsaved text, and sessions, CSRF and escaping on every new form."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import audit, content_admin, users
from bot.services.audit import Actor
from tests.conversation import Conversation, Harness
from tests.panel import ADMIN, copy_content, form_fields, panel_client, sign_in

PHONE_FILL = "[[FILL: department reception phone number]]"
XSS = "<script>alert(1)</script>"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings on a copy of content/: these tests write topic files."""
    return settings.model_copy(update={"content_dir": copy_content(tmp_path)})


@pytest.fixture
async def admin(harness: Harness) -> Conversation:
    await users.seen(harness.dp["db"], ADMIN)
    await users.set_language(harness.dp["db"], ADMIN, "ru")
    return harness.user(ADMIN, "Admin", language_code="ru")


def topic_file(harness: Harness, topic_id: str) -> Path:
    path: Path = harness.dp["content"].content_dir / "topics" / f"{topic_id}.toml"
    return path


async def test_content_pages_refuse_a_missing_session_and_forms_need_csrf(
    harness: Harness, admin: Conversation
) -> None:
    before = topic_file(harness, "contacts").read_text("utf-8")
    async with panel_client(harness) as client:
        for path in (
            "/panel/content",
            "/panel/content/contacts",
            "/panel/content/contacts/history",
        ):
            assert (await client.get(path)).status == 401, path
        for action in ("save", "check", "try", "restore"):
            answer = await client.post(f"/panel/content/contacts/{action}", data={"x": "1"})
            assert answer.status == 401, action
        csrf = await sign_in(client, admin)
        page = await client.get("/panel/content/contacts")
        fields = form_fields(await page.text(), "topic-form")
        fields["ru-title"] = "Взломано"
        for action in ("save", "check", "try", "restore"):
            forged = {**fields, "csrf": "forged", "version": "1"}
            assert (
                await client.post(f"/panel/content/contacts/{action}", data=forged)
            ).status == 403
        foreign = await client.post(
            "/panel/content/contacts/save",
            data={**fields, "csrf": csrf},
            headers={"Origin": "http://evil.example"},
        )
        assert foreign.status == 403
        assert (await client.get("/panel/content/no-such-topic")).status == 404
    assert topic_file(harness, "contacts").read_text("utf-8") == before


async def test_topics_list_shows_check_content_warnings_and_filters_them(
    harness: Harness, admin: Conversation
) -> None:
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        everything = await (await client.get("/panel/content")).text()
        assert "Все темы (35)" in everything and "Контакты" in everything
        assert "contacts.toml: kk.text: admin-fill placeholder" in everything
        filled = await (await client.get("/panel/content?kind=fill")).text()
        assert "/panel/content/contacts" in filled
        rows = content_admin.overview(harness.dp["content"].catalog, "fill")
        assert f"Показано тем: {len(rows)}" in filled and len(rows) < 35
        odd = await client.get("/panel/content?kind=<b>")
        assert odd.status == 200 and "<b>" not in await odd.text()


async def test_an_admin_fill_field_saved_from_the_panel_reaches_the_bot_and_the_history(
    harness: Harness, admin: Conversation, user: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    original = path.read_text("utf-8")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/content/contacts")).text()
        assert "Сначала заполните" in page
        # The admin-fill fields come before the other texts.
        assert page.index('id="h-fill"') < page.index('id="h-texts"')
        fields = form_fields(page, "topic-form")
        for lang in ("kk", "ru"):
            fields[f"{lang}-text"] = fields[f"{lang}-text"].replace(PHONE_FILL, "8 7252 00 00 00")
        saved = await client.post(
            "/panel/content/contacts/save", data=fields, allow_redirects=False
        )
        assert saved.status == 303, await saved.text()
        assert saved.headers["Location"].startswith("/panel/content/contacts?saved=")
        after = await (await client.get(saved.headers["Location"])).text()
        assert "Сохранено" in after
        history = await (await client.get("/panel/content/contacts/history")).text()
        assert "найдено в файле" in history and "администратор 1001" in history
        assert "8 7252 00 00 00" in history  # the diff
    text = path.read_text("utf-8")
    assert "8 7252 00 00 00" in text and text.count(PHONE_FILL) == original.count(PHONE_FILL) - 2
    # Written in the files' own layout: only the changed lines differ (blank lines between
    # blocks aside, see bot/catalog/topic_file.py), and no temporary file is left.
    lines = [[line for line in t.splitlines() if line.strip()] for t in (original, text)]
    assert len(lines[0]) == len(lines[1])
    changed = [a for a, b in zip(*lines, strict=True) if a != b]
    assert len(changed) == 2, changed
    assert not list(path.parent.glob(".*tmp"))
    # The running bot took it: the card shows the line it used to hide.
    card = harness.dp["content"].catalog.get("contacts")
    assert "8 7252 00 00 00" in card.ru.text
    await user.start("Русский")
    await user.send("/menu")
    entries = await audit.page(harness.dp["db"], audit.AuditFilter(action="content-save"), 10, 0)
    assert entries.total == 1 and entries.entries[0].target == "topic:contacts"


async def test_a_broken_edit_is_refused_with_its_errors_and_the_bot_keeps_answering(
    harness: Harness, admin: Conversation, user: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    before = path.read_text("utf-8")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        fields = form_fields(
            await (await client.get("/panel/content/contacts")).text(), "topic-form"
        )
        fields["kk-title"] = ""
        fields["ru-summary"] = "<b>unclosed"
        refused = await client.post("/panel/content/contacts/save", data=fields)
        assert refused.status == 422
        page = await refused.text()
        assert "Не сохранено" in page and "contacts.toml: kk.title" in page
        assert "&lt;b&gt;unclosed" in page  # the admin's text is kept, escaped
    assert path.read_text("utf-8") == before
    await user.start("Русский")
    await user.send("какой телефон управления")
    assert "Телефон" in user.last_text or "/ask" in user.last_text


async def test_a_save_against_a_changed_file_is_told_it_changed_meanwhile(
    harness: Harness, admin: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        fields = form_fields(
            await (await client.get("/panel/content/contacts")).text(), "topic-form"
        )
        # Someone else (here: a hand edit on the server) changes the topic meanwhile.
        hand = path.read_text("utf-8").replace(
            'title = "Контакты"', 'title = "Контакты управления"'
        )
        path.write_text(hand, "utf-8")
        fields["ru-benefits"] = "Другой текст о пользе, который не должен ничего затереть."
        refused = await client.post("/panel/content/contacts/save", data=fields)
        assert refused.status == 409
        page = await refused.text()
        assert "изменил кто-то другой" in page
        assert "Другой текст о пользе" in page  # the admin's edit is still on the page
        again = await client.post(
            "/panel/content/contacts/save", data=form_fields(page, "topic-form")
        )
        assert again.status == 409  # the form keeps the old token
    assert path.read_text("utf-8") == hand


async def test_a_hand_edit_is_picked_up_by_reload_and_an_old_version_restored_in_one_click(
    harness: Harness, admin: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    original = path.read_text("utf-8")
    path.write_text(original.replace('title = "Контакты"', 'title = "Связь с нами"'), "utf-8")
    await admin.send("/reload")
    assert harness.dp["content"].catalog.get("contacts").ru.title == "Связь с нами"
    versions = await content_admin.history(harness.dp["db"], "contacts")
    assert [v.via for v in versions] == ["disk", "disk"]
    first = versions[-1]
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (
            await client.get(f"/panel/content/contacts/history?v={versions[0].id}")
        ).text()
        assert "Связь с нами" in page and 'class="d-add"' in page
        assert 'id="first-version"' not in page
        old = await (await client.get(f"/panel/content/contacts/history?v={first.id}")).text()
        fields = form_fields(old, "restore-form")
        assert fields["version"] == str(first.id) and 'id="first-version"' in old
        assert fields["sha"] == content_admin.sha256(path.read_text("utf-8"))
        done = await client.post(
            "/panel/content/contacts/restore", data=fields, allow_redirects=False
        )
        assert done.status == 303, await done.text()
        shown = await (await client.get(done.headers["Location"])).text()
        assert "Версия возвращена" in shown and f"вернул версию №{first.id}" in shown
    assert path.read_text("utf-8") == original
    assert harness.dp["content"].catalog.get("contacts").ru.title == "Контакты"
    entries = await audit.page(harness.dp["db"], audit.AuditFilter(action="content-restore"), 5, 0)
    assert entries.total == 1


async def test_check_previews_the_card_escaped_and_try_answers_from_unsaved_text(
    harness: Harness, admin: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    before = path.read_text("utf-8")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        fields = form_fields(
            await (await client.get("/panel/content/contacts")).text(), "topic-form"
        )
        new = int(fields["faq-count"]) - 1  # the empty item at the end
        fields[f"faq-{new}-kk-q"] = "жастар орталығында шахмат үйірмесі бар ма"
        fields[f"faq-{new}-kk-a"] = f"Иә, бар. {XSS}"
        fields[f"faq-{new}-ru-q"] = "есть ли шахматный кружок в молодёжном центре"
        fields[f"faq-{new}-ru-a"] = f"Да, есть. {XSS}"
        checked = await (await client.post("/panel/content/contacts/check", data=fields)).text()
        assert "Ошибок нет" in checked
        assert XSS not in checked and "&lt;script&gt;alert(1)&lt;/script&gt;" in checked
        assert "Так увидит пользователь" in checked and "из 3900 знаков" in checked
        fields["question"] = "есть ли шахматный кружок в молодёжном центре"
        fields["question-lang"] = "ru"
        tried = await (await client.post("/panel/content/contacts/try", data=fields)).text()
        assert "Бот ответит уверенно: contacts" in tried
        assert "Да, есть." in tried and XSS not in tried
    assert path.read_text("utf-8") == before  # nothing saved
    actor = Actor(ADMIN, "panel")
    assert actor.via == "panel"


async def test_the_content_pages_follow_the_admins_language(harness: Harness) -> None:
    await users.seen(harness.dp["db"], ADMIN)
    await users.set_language(harness.dp["db"], ADMIN, "kk")
    admin = harness.user(ADMIN, "Admin", language_code="kk")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/content")).text()
        assert "Бот не айтады" in page and "толтырылмаған" in page
        edit = await (await client.get("/panel/content/contacts")).text()
        assert "Алдымен толтырыңыз" in edit and "Сақтау" in edit


async def test_sources_are_edited_added_and_checked_like_every_field(
    harness: Harness, admin: Conversation
) -> None:
    path = topic_file(harness, "contacts")
    before = tomllib.loads(path.read_text("utf-8"))["sources"]
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        fields = form_fields(
            await (await client.get("/panel/content/contacts")).text(), "topic-form"
        )
        new = int(fields["src-count"]) - 1  # the empty row at the end
        assert new == len(before) and fields["src-0-url"] == before[0]["url"]
        fields.update(
            {
                f"src-{new}-title": "Test page about contacts",
                f"src-{new}-url": "not a link",
                f"src-{new}-read": "2026-12-07",
            }
        )
        refused = await client.post("/panel/content/contacts/save", data=fields)
        assert refused.status == 422 and f"sources.{new}.url" in await refused.text()
        fields[f"src-{new}-url"] = "https://example.org/contacts"
        fields["src-0-title"] = fields["src-0-url"] = fields["src-0-read"] = ""
        fields["src-0-date"] = ""
        saved = await client.post(
            "/panel/content/contacts/save", data=fields, allow_redirects=False
        )
        assert saved.status == 303, await saved.text()
    after = tomllib.loads(path.read_text("utf-8"))["sources"]
    assert after[-1]["url"] == "https://example.org/contacts"
    assert after[-1]["read"].isoformat() == "2026-12-07"
    assert [s["url"] for s in after[:-1]] == [s["url"] for s in before[1:]]
