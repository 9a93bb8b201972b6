"""The specialists' queue in the panel (issue 20): the queue by status, a ticket's thread,
an answer from the browser delivered like an operator's reply in the group and mirrored
there, close and reopen; sessions, CSRF and escaping; /forget erases the thread's texts."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.services import audit, users
from tests.conversation import Conversation, Harness
from tests.panel import ADMIN, form_fields, panel_client, sign_in

GROUP = -1001234567890
OP1 = 9001
XSS = "<script>alert(1)</script>"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_chat_id": GROUP})


@pytest.fixture
def desk(harness: Harness) -> Harness:
    harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
    harness.api.add_chat(OP1, "Асель")
    harness.api.join(GROUP, OP1)
    return harness


@pytest.fixture
async def admin(desk: Harness) -> Conversation:
    await users.seen(desk.dp["db"], ADMIN)
    await users.set_language(desk.dp["db"], ADMIN, "ru")
    return desk.user(ADMIN, "Admin", language_code="ru")


async def ask(user: Conversation, text: str) -> None:
    await user.start("Русский")
    await user.send("/ask")
    await user.send(text)
    assert "№" in user.last_text


async def test_ticket_pages_need_a_session_and_csrf(desk: Harness, admin: Conversation) -> None:
    user = desk.user(5001, "Айгүл", language_code="ru")
    await ask(user, "Где найти стажировку?")
    async with panel_client(desk) as client:
        for path in ("/panel/tickets", "/panel/tickets/1"):
            assert (await client.get(path)).status == 401
        for action in ("answer", "close", "reopen"):
            assert (
                await client.post(f"/panel/tickets/1/{action}", data={"text": "x"})
            ).status == 401
        await sign_in(client, admin)
        for action in ("answer", "close", "reopen"):
            forged = {"csrf": "forged", "text": "x"}
            assert (await client.post(f"/panel/tickets/1/{action}", data=forged)).status == 403
        assert (await client.get("/panel/tickets/999")).status == 404
    assert len(user.messages) and user.last_text != "x"


async def test_an_answer_from_the_browser_reaches_the_user_and_the_group(
    desk: Harness, admin: Conversation
) -> None:
    user = desk.user(5001, "Айгүл", language_code="ru")
    await ask(user, f"Где найти стажировку? {XSS}")
    question_id = desk.api.chats[5001].messages[-2].message_id
    [post] = desk.api.bot_messages(GROUP)
    async with panel_client(desk) as client:
        await sign_in(client, admin)
        queue = await (await client.get("/panel/tickets?status=open")).text()
        assert "№1" in queue and "ждут ответа (1)" in queue
        page = await (await client.get("/panel/tickets/1")).text()
        assert "Где найти стажировку?" in page
        assert XSS not in page and "&lt;script&gt;" in page
        fields = form_fields(page, "answer-form")
        fields["text"] = f"Обратитесь в центр занятости. {XSS}"
        user.new_messages()
        sent = await client.post("/panel/tickets/1/answer", data=fields, allow_redirects=False)
        assert sent.status == 303, await sent.text()
        answer, note = user.new_messages()
        assert answer.text == f"Обратитесь в центр занятости. {XSS}"  # shown as typed
        assert "&lt;script&gt;" in (answer.html or "")  # …never as markup
        assert answer.reply_to == question_id and "№1" in note.text
        # Mirrored in the group under the ticket, and the ticket's button says answered.
        mirror = desk.api.bot_messages(GROUP)[-1]
        assert mirror.reply_to == post.message_id and "веб-панельден жауап" in mirror.text
        assert "Обратитесь в центр занятости" in mirror.text
        shown = desk.api.find_message(GROUP, post.message_id)
        assert shown is not None and "жауап берді" in shown.buttons[0][0].text
        thread = await (await client.get(sent.headers["Location"])).text()
        assert "Ответ доставлен" in thread and "Обратитесь в центр занятости" in thread
        # The user's follow-up reopens it, and it shows in the thread.
        await user.send("А если мне 15 лет?", reply_to=answer.message_id)
        thread = await (await client.get("/panel/tickets/1")).text()
        assert "А если мне 15 лет?" in thread and "ждёт ответа" in thread
        # An operator's reply to the mirror in the group answers the ticket too.
        user.new_messages()
        await desk.feed(
            desk.api.user_sends(
                GROUP, "Да, с 14 лет можно.", from_id=OP1, reply_to=mirror.message_id
            )
        )
        assert user.new_messages()[0].text == "Да, с 14 лет можно."
        # Close and reopen from the panel; the group's button follows.
        fields = form_fields(thread, "answer-form")
        closed = await client.post(
            "/panel/tickets/1/close", data={"csrf": fields["csrf"]}, allow_redirects=False
        )
        assert closed.status == 303
        shown = desk.api.find_message(GROUP, post.message_id)
        assert shown is not None and "жабылды" in shown.buttons[0][0].text
        assert "Вопрос закрыт" in await (await client.get(closed.headers["Location"])).text()
        reopened = await client.post(
            "/panel/tickets/1/reopen", data={"csrf": fields["csrf"]}, allow_redirects=False
        )
        assert reopened.status == 303
        assert "ждут ответа (1)" in await (await client.get("/panel/tickets")).text()
    entries = await audit.page(desk.dp["db"], audit.AuditFilter(via="panel"), 50, 0)
    actions = {e.action for e in entries.entries}
    assert {"ticket-answer", "ticket-close", "ticket-reopen"} <= actions


async def test_an_empty_answer_is_asked_again_and_forget_erases_the_thread(
    desk: Harness, admin: Conversation
) -> None:
    user = desk.user(5001, "Айгүл", language_code="ru")
    await ask(user, "Мой секретный вопрос про стажировку")
    async with panel_client(desk) as client:
        csrf = await sign_in(client, admin)
        empty = await client.post("/panel/tickets/1/answer", data={"csrf": csrf, "text": "  "})
        assert empty.status == 422 and "Напишите ответ" in await empty.text()
        await user.send("/forget")
        await user.click("Да")
        page = await (await client.get("/panel/tickets/1")).text()
        assert "секретный" not in page and "удалить свои данные" in page


async def test_thread_texts_are_dropped_after_the_retention_period(
    desk: Harness, admin: Conversation
) -> None:
    from datetime import timedelta

    from bot import clock
    from bot.services import housekeeping

    user = desk.user(5001, "Айгүл", language_code="ru")
    await ask(user, "Вопрос, который хранится не вечно")
    db = desk.dp["db"]
    await housekeeping.tidy(db)
    async with panel_client(desk) as client:
        await sign_in(client, admin)
        assert "хранится не вечно" in await (await client.get("/panel/tickets/1")).text()
        later = clock.now() + timedelta(days=housekeeping.QUESTION_TEXT_DAYS + 1)
        await housekeeping.tidy(db, later)
        assert "хранится не вечно" not in await (await client.get("/panel/tickets/1")).text()
