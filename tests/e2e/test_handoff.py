"""Ask a specialist, end to end: a user, the operators' group and two operators."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import DEVNULL
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.clock import iso
from bot.config import Settings
from bot.db.database import Database
from bot.sandbox.emulator import SentMessage
from bot.services import handoff
from bot.services.handoff import Opened, Refused
from tests.conftest import TOKEN
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

GROUP = -1001234567890
OP1, OP2 = 9001, 9002
PHOTO = [{"file_id": "ph1", "file_unique_id": "ph1u", "width": 640, "height": 480}]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The usual test settings plus an operators' group."""
    return settings.model_copy(update={"admin_chat_id": GROUP})


@pytest.fixture
def desk(harness: Harness) -> Harness:
    harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
    harness.api.add_chat(OP1, "Асель", username="asel_op")
    harness.api.add_chat(OP2, "Данияр")
    harness.api.join(GROUP, OP1, OP2)
    return harness


def group(h: Harness) -> list[SentMessage]:
    return h.api.bot_messages(GROUP)


def _last_human(h: Harness) -> SentMessage:
    return [m for m in h.api.chats[GROUP].messages if not m.from_bot][-1]


async def ticket_row(db: Database, ticket_id: int) -> dict[str, object]:
    row = await db.fetch_one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    assert row is not None
    return dict(row)


async def test_question_answer_followup_answer(desk: Harness, db: Database) -> None:
    user = desk.user(5001, "Ай<гүл> & Co", language_code="ru", username="aigul")
    await user.start("Русский")
    await user.send("что такое молодежная практика")
    assert "Молодёжная практика" in user.last_text
    await user.click("Вопрос был о другом")
    assert any("Спросить специалиста" in b for b in user.buttons())
    await user.click("Спросить специалиста")
    assert "одним сообщением" in user.last_text

    await user.send("Где <b>стажировка</b> & зарплата?")
    assert "№1" in user.last_text and "передан" in user.last_text
    # The hours are still a placeholder in content/handoff.toml: a neutral sentence, no hours.
    assert "рабочие дни" in user.last_text and "FILL" not in user.last_text
    question_id = user.h.api.chats[5001].messages[-2].message_id

    [ticket] = group(desk)
    assert "№1 сұрақ" in ticket.text  # the group reads the default language (kk)
    assert "Где <b>стажировка</b> & зарплата?" in ticket.text  # shown as typed…
    assert "&lt;b&gt;стажировка&lt;/b&gt; &amp; зарплата" in (ticket.html or "")  # …escaped
    assert "Ай&lt;гүл&gt; &amp; Co" in (ticket.html or "")
    assert "@aigul" in ticket.text and "орысша" in ticket.text
    assert "ботқа 1 сұрақ" in ticket.text and "мамандарға 0" in ticket.text
    assert "Жастар практикасы" in ticket.text  # the answer the user rejected
    assert "жауап күтуде" in ticket.buttons[0][0].text

    # Operator 1 answers by replying to the ticket.
    user.new_messages()
    await desk.feed(
        desk.api.user_sends(
            GROUP, "Обратитесь в ЦЗН, вот список.", from_id=OP1, reply_to=ticket.message_id
        )
    )
    answer, note = user.new_messages()
    assert answer.copied_from is not None and answer.copied_from[0] == GROUP
    assert answer.text == "Обратитесь в ЦЗН, вот список."
    assert answer.reply_to == question_id
    assert "№1" in note.text
    row = await ticket_row(db, 1)
    assert row["status"] == "answered" and row["answered_by"] == OP1
    first_answer = row["first_answer_at"]
    ticket = desk.api.find_message(GROUP, ticket.message_id)
    assert ticket is not None and "Асель жауап берді" in ticket.buttons[0][0].text
    assert _last_human(desk).reactions == [{"type": "emoji", "emoji": "👌"}]

    # The user follows up by replying to the answer: it lands under the ticket.
    await user.send("А если мне 15 лет?", reply_to=answer.message_id)
    assert "Уточнение передано" in user.last_text
    followup = group(desk)[-1]
    assert followup.reply_to == ticket.message_id
    assert "А если мне 15 лет?" in followup.text and "№1 сұраққа қосымша" in followup.text
    assert (await ticket_row(db, 1))["status"] == "open"
    assert "жауап күтуде" in desk.api.find_message(GROUP, ticket.message_id).buttons[0][0].text

    # Operator 2 answers the follow-up with a photo.
    user.new_messages()
    await desk.feed(
        desk.api.user_sends(
            GROUP, from_id=OP2, reply_to=followup.message_id, photo=PHOTO, caption="Вот схема"
        )
    )
    photo, _note = user.new_messages()
    assert photo.kind == "photo" and photo.text == "Вот схема"
    row = await ticket_row(db, 1)
    assert row["status"] == "answered" and row["answered_by"] == OP2
    assert row["first_answer_at"] == first_answer  # the median answer time uses the first
    assert "Данияр" in desk.api.find_message(GROUP, ticket.message_id).buttons[0][0].text


async def test_group_chatter_is_ignored(desk: Harness, db: Database) -> None:
    user = desk.user(5002, "Нұр", language_code="kk")
    await user.start("Қазақша")
    await user.send("/ask")
    await user.send("Жатақхана бар ма?")
    [ticket] = group(desk)
    before = len(desk.api.calls)
    # Not replies, commands, crisis-like words, an admin's command, a reply to a non-ticket:
    # the bot says nothing in the group and sends nothing anywhere.
    for text, sender, reply in (
        ("Бүгін жиналыс бар", OP1, None),
        ("/start", OP1, None),
        ("/stats", 1001, None),
        ("өмір сүргім келмейді", OP2, None),
        ("жұмыс керек", OP1, None),
    ):
        desk.api.add_chat(1001, "Admin")
        await desk.feed(desk.api.user_sends(GROUP, text, from_id=sender, reply_to=reply))
    chatter = _last_human(desk)
    await desk.feed(desk.api.user_sends(GROUP, "ок", from_id=OP2, reply_to=chatter.message_id))
    sent = [m for m, _ in desk.api.calls[before:] if m.lower().startswith(("send", "copy"))]
    assert sent == []
    assert group(desk) == [ticket]
    assert (await ticket_row(db, 1))["status"] == "open"
    # Operators are staff, not users of the bot.
    assert await db.fetch_one("SELECT 1 FROM users WHERE telegram_id IN (?, ?)", (OP1, OP2)) is None


async def test_reply_to_a_user_who_blocked_the_bot(desk: Harness, db: Database) -> None:
    user = desk.user(5003, "Ерлан", language_code="kk")
    await user.start("Қазақша")
    await user.send("/ask")
    await user.send("Грант туралы сұрақ")
    [ticket] = group(desk)
    desk.api.member_status(5003, "kicked")
    await desk.feed(desk.api.user_sends(GROUP, "Жауап", from_id=OP1, reply_to=ticket.message_id))
    warning = group(desk)[-1]
    assert "бұғаттаған" in warning.text and warning.reply_to == _last_human(desk).message_id
    assert (await ticket_row(db, 1))["status"] == "closed"
    blocked = await db.fetch_one("SELECT blocked FROM users WHERE telegram_id = 5003")
    assert blocked is not None and blocked["blocked"] == 1
    assert "жабылды" in desk.api.find_message(GROUP, ticket.message_id).buttons[0][0].text


async def test_photo_with_caption_and_without(desk: Harness) -> None:
    user = desk.user(5004, "Dana", language_code="ru")
    await user.start("Русский")
    await user.send("/ask")
    await user.send(photo=PHOTO)  # no caption: the form asks for words and stays open
    assert "с подписью" in user.last_text and group(desk) == []
    await user.send(photo=PHOTO, caption="Справка <подходит>?")
    [ticket] = group(desk)
    assert ticket.kind == "photo" and ticket.media is not None
    assert "№1 сұрақ" in ticket.text and "Справка <подходит>?" in ticket.text
    assert "передан" in user.last_text


async def test_long_question_fits_one_group_message(desk: Harness) -> None:
    user = desk.user(5005, "Long", language_code="ru")
    await user.start("Русский")
    await user.send("/ask")
    await user.send("вопрос & ответ " * 400)  # 6000 characters
    [ticket] = group(desk)
    assert ticket.text.endswith("…") and len(ticket.text) <= 4096


async def test_cancel_and_commands_leave_the_form(desk: Harness) -> None:
    user = desk.user(5006, "Test", language_code="ru")
    await user.start("Русский")
    await user.click("Спросить специалиста")
    await user.click("Отмена")
    assert "не отправлен" in user.last_text
    await user.send("что такое молодежная практика")
    assert "Молодёжная практика" in user.last_text
    await user.send("/ask")
    await user.send("/menu")  # changed their mind: the menu, and the form is gone
    assert "Главное меню" in user.last_text
    await user.send("что такое молодежная практика")
    assert "Молодёжная практика" in user.last_text
    await user.send("/ask")
    await user.click("Программы")  # another button also closes the form
    await user.send("что такое молодежная практика")
    assert "Молодёжная практика" in user.last_text
    assert group(desk) == []


async def test_open_and_daily_limits(desk: Harness, db: Database) -> None:
    user = desk.user(5007, "Limit", language_code="ru")
    await user.start("Русский")
    for i in range(3):
        await user.send("/ask")
        await user.send(f"Вопрос {i}")
        assert "передан" in user.last_text
    await user.send("/ask")
    assert "больше пока нельзя" in user.last_text and "3" in user.last_text
    assert len(group(desk)) == 3
    # Answered tickets free the open slots; the daily limit (10 in 24 hours) still holds.
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        await conn.execute("UPDATE tickets SET status = 'answered'")
        for hours in range(1, 8):  # 3 + 7 = 10 tickets in the last day
            await conn.execute(
                "INSERT INTO tickets (user_id, language, status, created_at, updated_at)"
                " VALUES (5007, 'ru', 'answered', ?, ?)",
                (iso(now - timedelta(hours=hours)),) * 2,
            )
    await user.send("/ask")
    assert "дневной предел" in user.last_text
    # A day later the oldest ones no longer count.
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE tickets SET created_at = ? WHERE id <= 5", (iso(now - timedelta(hours=25)),)
        )
    await user.send("/ask")
    assert "одним сообщением" in user.last_text


async def test_limit_holds_when_questions_arrive_at_once(db: Database) -> None:
    """The check and the insert share one transaction: parallel requests cannot overshoot."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (telegram_id, first_seen, last_seen) VALUES (77, 'x', 'x')"
        )
    results = await asyncio.gather(*(handoff.open_ticket(db, 77, "kk") for _ in range(6)))
    assert sum(isinstance(r, Opened) for r in results) == handoff.MAX_OPEN
    assert all(r.reason == "open" for r in results if isinstance(r, Refused))


async def test_reply_to_other_bot_messages_is_an_ordinary_question(desk: Harness) -> None:
    user = desk.user(5008, "Test", language_code="ru")
    await user.start("Русский")
    menu = user.last
    await user.send("что такое молодежная практика", reply_to=menu.message_id)
    assert "Молодёжная практика" in user.last_text
    assert group(desk) == []


async def test_operators_close_a_ticket_and_read_its_status(desk: Harness, db: Database) -> None:
    user = desk.user(5009, "Test", language_code="kk")
    await user.start("Қазақша")
    await user.send("/ask")
    await user.send("Сұрақ")
    [ticket] = group(desk)
    status = desk.api.user_presses(
        GROUP, ticket.message_id, ticket.buttons[0][0].callback_data, from_id=OP1
    )
    await desk.feed(status)
    popup = desk.api.answered_callbacks[status["callback_query"]["id"]]
    assert popup["text"] == "№1 сұрақ: жауап күтуде."
    close = desk.api.user_presses(
        GROUP, ticket.message_id, ticket.buttons[1][0].callback_data, from_id=OP2
    )
    await desk.feed(close)
    assert (await ticket_row(db, 1))["status"] == "closed"
    shown = desk.api.find_message(GROUP, ticket.message_id)
    assert shown is not None and "жабылды" in shown.buttons[0][0].text
    assert len(shown.buttons) == 1  # no close button on a closed ticket
    # The same buttons pressed in a private chat are not the group's: out of date.
    forged = await user.press(user.last.message_id, "k:1:c")
    assert "ескірген" in forged.get("text", "")


async def test_forget_blanks_the_ticket_in_the_group(desk: Harness) -> None:
    user = desk.user(5004, "Дана", language_code="ru", username="dana_k")
    await user.start("Русский")
    await user.send("/ask")
    await user.send("Меня зовут Дана Касымова, мой номер 87011234567")
    [ticket] = group(desk)
    assert "Касымова" in ticket.text
    await user.send("/forget")
    await user.click("Да, удалить всё")
    assert "Касымова" not in ticket.text and "87011234567" not in ticket.text
    assert "dana_k" not in ticket.text and "/forget" in ticket.text


# --- restarts and sends whose fate is unknown (issue 14, items 3 and 4) ---------------------


async def ask(user: Conversation, question: str) -> None:
    await user.send("/ask")
    await user.send(question)


async def test_a_ticket_post_without_an_answer_may_have_arrived(
    desk: Harness, db: Database, fake_api: FakeTelegramServer
) -> None:
    """The group post times out, yet Telegram posts it: the ticket is kept (closed: no slot
    held), its number is never given to another ticket, so the post's "close" cannot close
    someone else's, and an operator's reply to the post still reaches its author."""
    aida = desk.user(5021, "Аида", language_code="ru")
    await aida.start("Русский")
    await aida.send("/ask")
    timeout = desk.bot.session.timeout
    desk.bot.session.timeout = 0.3
    fake_api.hang_next("sendMessage", 1.0)
    await aida.send("Где найти стажировку?")
    desk.bot.session.timeout = timeout
    assert "не знаем, дошёл ли" in aida.last_text and "№1" in aida.last_text
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    [orphan] = group(desk)  # it did arrive
    assert "Где найти стажировку?" in orphan.text

    bek = desk.user(5022, "Бек", language_code="ru")
    await bek.start("Русский")
    await ask(bek, "Вопрос Бека")
    assert "№2" in bek.last_text
    close = desk.api.user_presses(
        GROUP, orphan.message_id, orphan.buttons[1][0].callback_data, from_id=OP1
    )
    await desk.feed(close)
    assert (await ticket_row(db, 2))["status"] == "open"  # Bek's question is still open

    await desk.feed(
        desk.api.user_sends(GROUP, "Ответ для Аиды", from_id=OP1, reply_to=orphan.message_id)
    )
    assert any(m.text == "Ответ для Аиды" for m in aida.messages)
    assert not any("Аиды" in m.text for m in bek.messages)
    assert (await ticket_row(db, 1))["status"] == "answered"


async def test_a_crash_between_ticket_and_post_leaves_no_orphan(
    desk: Harness, db: Database, fake_api: FakeTelegramServer, settings: Settings
) -> None:
    """`python -m bot` is killed (SIGKILL: no clean-up) while the group post is on its way;
    the post arrives, the link to it was never written. After the restart the ticket holds
    none of the user's open slots, and the operator's reply to the post reaches the user."""
    user = desk.user(5023, "Ерлан", language_code="kk")
    await user.start("Қазақша")
    for question in ("Бірінші сұрақ", "Екінші сұрақ"):
        await ask(user, question)
    await user.send("/ask")
    fake_api.hang_next("sendMessage", 1.0)
    desk.api.user_sends(user.id, "Жатақхана бар ма?")  # taken by the bot below, not the harness
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake_api.base_url,
        "DATABASE_PATH": str(settings.database_path),
        "CONTENT_DIR": str(settings.content_dir),
        "ADMIN_CHAT_ID": str(GROUP),
        "FLOOD_RATE": "0",
        "LOG_LEVEL": "WARNING",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL
    )
    try:
        await asyncio.wait_for(fake_api.holding.wait(), 60)
    finally:
        bot.kill()
        await bot.wait()
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    post = group(desk)[-1]
    assert "Жатақхана бар ма?" in post.text

    restarted = create_dispatcher(desk.settings, db, desk.dp["content"])
    await restarted.emit_startup(bot=desk.bot, **restarted.workflow_data)
    h = Harness(bot=desk.bot, dp=restarted, api=desk.api, settings=desk.settings)
    try:
        await h.feed(desk.api.user_sends(user.id, "/ask"))
        assert "бір хабарламамен" in user.last_text  # not "3 questions are waiting"
        await h.feed(desk.api.user_sends(user.id, "/cancel"))
        await h.feed(
            desk.api.user_sends(GROUP, "Иә, жатақхана бар.", from_id=OP1, reply_to=post.message_id)
        )
        assert any(m.text == "Иә, жатақхана бар." for m in user.messages)
    finally:
        await restarted.emit_shutdown(bot=desk.bot, **restarted.workflow_data)


async def test_a_reply_to_a_post_no_ticket_knows_gets_a_note(
    desk: Harness, fake_api: FakeTelegramServer
) -> None:
    """A follow-up's group post timed out but arrived: the bot never learnt its message id.
    An operator's reply to it is not lost in silence."""
    user = desk.user(5024, "Дина", language_code="ru")
    await user.start("Русский")
    await ask(user, "Есть ли общежитие?")
    [ticket] = group(desk)
    await desk.feed(desk.api.user_sends(GROUP, "Да.", from_id=OP1, reply_to=ticket.message_id))
    answer = next(m for m in user.messages if m.text == "Да.")
    timeout = desk.bot.session.timeout
    desk.bot.session.timeout = 0.3
    fake_api.hang_next("sendMessage", 1.0)
    await user.send("А для иногородних?", reply_to=answer.message_id)
    desk.bot.session.timeout = timeout
    await asyncio.wait_for(fake_api.hung.wait(), 5)
    followup = group(desk)[-1]
    assert "А для иногородних?" in followup.text
    before = len(group(desk))
    await desk.feed(
        desk.api.user_sends(GROUP, "Тоже да.", from_id=OP2, reply_to=followup.message_id)
    )
    note = group(desk)[-1]
    assert len(group(desk)) == before + 1 and note.reply_to == _last_human(desk).message_id
    assert "ешкімге жеткізілмеді" in note.text  # the group reads the default language (kk)
    assert not any(m.text == "Тоже да." for m in user.messages)


DOCUMENT = {"file_id": "doc1", "file_unique_id": "doc1u", "file_name": "Касымова_түйіндеме.pdf"}


def _media_posts(h: Harness) -> list[SentMessage]:
    return [m for m in group(h) if m.media]


async def test_forget_deletes_photo_and_document_questions(desk: Harness) -> None:
    """The picture and the file (its name too) leave the group, not only the caption."""
    user = desk.user(5005, "Дана", language_code="ru", username="dana_k")
    await user.start("Русский")
    await user.send("/ask")
    await user.send(photo=PHOTO, caption="Это я, Дана Касымова")
    await user.send("/ask")
    await user.send(document=DOCUMENT, caption="Моё резюме")
    assert len(_media_posts(desk)) == 2
    await user.send("/forget")
    await user.click("Да, удалить всё")
    assert _media_posts(desk) == []
    assert not [m for m in group(desk) if "Касымова" in m.text]


async def test_forget_replaces_the_media_when_telegram_refuses_to_delete(desk: Harness) -> None:
    user = desk.user(5006, "Дана", language_code="ru", username="dana_k")
    await user.start("Русский")
    await user.send("/ask")
    await user.send(document=DOCUMENT, caption="Моё резюме, Дана Касымова")
    [post] = _media_posts(desk)
    await user.send("/forget")
    desk.api.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted")
    await user.click("Да, удалить всё")
    shown = desk.api.find_message(GROUP, post.message_id)
    assert shown is not None and "Касымова" not in shown.text and "/forget" in shown.text
    assert "doc1" not in str(shown.media) and "Касымова" not in str(shown.media)
    assert not shown.buttons  # no "waiting for an answer" on a ghost


async def test_forget_closes_the_users_open_tickets(desk: Harness, db: Database) -> None:
    """Tickets of a forgotten user wait for no one: /stats counts none as waiting."""
    user = desk.user(5007, "Дана", language_code="ru")
    await user.start("Русский")
    for question in ("Где стажировка?", "Как попасть в Жасыл Ел?"):
        await user.send("/ask")
        await user.send(question)
    await user.send("/forget")
    await user.click("Да, удалить всё")
    rows = await db.fetch_all("SELECT status FROM tickets")
    assert [r["status"] for r in rows] == ["closed", "closed"]
    admin = desk.user(1001, "Админ", language_code="ru")
    await admin.start("Русский")
    await admin.send("/stats")
    assert "ждут ответа 0" in admin.last_text and "закрыты 2" in admin.last_text
    assert not [b for m in group(desk) for row in m.buttons for b in row if "күтуде" in b.text]


async def test_only_group_members_and_admins_answer_or_close(
    desk: Harness, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 11: someone who can post in the group but is not a member (a public group, a
    pending join request) cannot answer as the department nor close a ticket; a member and
    an admin of the bot (ADMIN_IDS) can. Membership is read once per person, then cached."""
    stranger = 9100
    desk.api.add_chat(stranger, "Бөгде")
    desk.api.join(GROUP, stranger, status="left")
    user = desk.user(5010, "Test", language_code="kk")
    await user.start("Қазақша")
    await user.send("/ask")
    await user.send("Сұрақ")
    [ticket] = group(desk)
    user.new_messages()
    caplog.set_level("INFO")
    await desk.feed(
        desk.api.user_sends(
            GROUP, "Мен бөлімненмін, телефоныңды жаз", from_id=stranger, reply_to=ticket.message_id
        )
    )
    close = ticket.buttons[1][0].callback_data
    await desk.feed(desk.api.user_presses(GROUP, ticket.message_id, close, from_id=stranger))
    assert user.new_messages() == []
    assert (await ticket_row(db, 1))["status"] == "open"
    assert any("not a member" in r.getMessage() for r in caplog.records)
    # A member answers twice; their status is asked once.
    await desk.feed(desk.api.user_sends(GROUP, "Жауап", from_id=OP1, reply_to=ticket.message_id))
    await desk.feed(desk.api.user_sends(GROUP, "Тағы", from_id=OP1, reply_to=ticket.message_id))
    assert [m.text for m in user.new_messages() if m.copied_from] == ["Жауап", "Тағы"]
    asked = [p for m, p in desk.api.calls if m == "getChatMember" and p["user_id"] == str(OP1)]
    assert len(asked) == 1
    # An admin of the bot who is not in the group may close it.
    desk.api.add_chat(1001, "Admin")
    await desk.feed(desk.api.user_presses(GROUP, ticket.message_id, close, from_id=1001))
    assert (await ticket_row(db, 1))["status"] == "closed"


async def test_start_up_warns_about_a_public_operators_group(
    settings: Settings,
    db: Database,
    content: ContentStore,
    fake_api: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Item 11: a public ADMIN_CHAT_ID (getChat shows a username) is named in a warning."""
    fake_api.emulator.add_chat(
        GROUP, "Jastar operators", type="supergroup", username="jastar_public"
    )
    api_settings = settings.model_copy(update={"telegram_api_url": fake_api.base_url})
    bot = create_bot(api_settings, TOKEN)
    dp = create_dispatcher(api_settings, db, content)
    try:
        await dp.emit_startup(bot=bot, **dp.workflow_data)
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)
    finally:
        await bot.session.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("public group" in w and "@jastar_public" in w for w in warnings)


async def test_forget_does_not_reset_the_ticket_limits(desk: Harness, db: Database) -> None:
    """Item 8: ten questions in a day, each answered (so none is open), then /forget: the
    daily limit still holds, because it is counted by a keyed hash of the id as well."""
    user = desk.user(5011, "Limit", language_code="ru")
    await user.start("Русский")
    for i in range(handoff.MAX_PER_DAY):
        await user.send("/ask")
        await user.send(f"Вопрос {i}")
        assert "передан" in user.last_text
        await desk.feed(
            desk.api.user_sends(GROUP, "Ответ", from_id=OP1, reply_to=group(desk)[-1].message_id)
        )
    await user.send("/ask")
    assert "дневной предел" in user.last_text
    await user.send("/forget")
    await user.click("Да, удалить всё")
    await user.send("/ask")
    assert "дневной предел" in user.last_text
    # The mark is a keyed hash, not the id itself.
    marks = await db.fetch_all("SELECT owner FROM ticket_owners")
    assert len(marks) == handoff.MAX_PER_DAY and all(str(user.id) not in m[0] for m in marks)


async def test_followups_cannot_take_the_groups_rate(desk: Harness) -> None:
    """Item 7: one user fires 30 replies to an answer (under the bot's flood limit) while
    the group takes 20 new messages a minute, as Telegram's does. The burst is folded into
    edits of one post within the follow-ups' share, the rest is refused with a note, and
    an honest user's new question still reaches the operators."""
    from bot.services.followups import PER_TICKET

    desk.api.group_limit = 20
    user = desk.user(5012, "Спамер", language_code="ru")
    await user.start("Русский")
    await user.send("/ask")
    await user.send("Первый вопрос")
    [ticket] = group(desk)
    user.new_messages()
    await desk.feed(desk.api.user_sends(GROUP, "Ответ", from_id=OP1, reply_to=ticket.message_id))
    answer = user.new_messages()[0]
    before = len(desk.api.calls)
    for i in range(30):
        await user.send(f"уточнение {i}", reply_to=answer.message_id)
    to_group = [
        (m, p)
        for m, p in desk.api.calls[before:]
        if p.get("chat_id") == str(GROUP)
        and m.startswith(("send", "copy", "edit"))
        and m != "editMessageReplyMarkup"
    ]
    assert len(to_group) <= PER_TICKET  # one ticket takes at most its part of the share
    followups = group(desk)[1:]
    assert len(followups) == 1 and "уточнение 0" in followups[0].text
    assert "уточнение 1" in followups[0].text  # folded into the same post
    assert "слишком много уточнений" in user.last_text
    assert [r for r in desk.api.refused if r[1] == 429] == []

    honest = desk.user(5013, "Честный", language_code="ru")
    await honest.start("Русский")
    await honest.send("/ask")
    await honest.send("Где найти работу летом?")
    assert "передан" in honest.last_text
    question = group(desk)[-1]
    assert "Где найти работу летом?" in question.text
    # …and the honest user's own follow-up is not refused for the other's flood.
    honest.new_messages()
    await desk.feed(desk.api.user_sends(GROUP, "В ЦЗН", from_id=OP1, reply_to=question.message_id))
    reply = honest.new_messages()[0]
    await honest.send("А летом тоже?", reply_to=reply.message_id)
    assert "Уточнение передано" in honest.last_text


async def test_forget_does_not_free_the_open_slots_of_unanswered_questions(desk: Harness) -> None:
    """Ask three, /forget, ask three more: the closed, unanswered questions still hold the
    slots for a day, counted by the keyed hash that /forget leaves."""
    user = desk.user(5031, "Ерке", language_code="ru")
    await user.start("Русский")
    for n in range(3):
        await ask(user, f"Вопрос номер {n}")
    await user.send("/forget")
    await user.click("Да, удалить всё")
    await user.start("Русский")
    await user.send("/ask")
    assert "уже ждёте ответа" in user.last_text


async def test_forget_drops_the_folded_follow_ups_held_in_memory(desk: Harness) -> None:
    user = desk.user(5032, "Алма", language_code="ru")
    await user.start("Русский")
    await ask(user, "Где стажировка?")
    [ticket] = group(desk)
    user.new_messages()
    await desk.feed(desk.api.user_sends(GROUP, "В ЦЗН", from_id=OP1, reply_to=ticket.message_id))
    answer = user.new_messages()[0]
    await user.send("мой телефон 87011234567", reply_to=answer.message_id)
    gate = desk.dp["followups"]
    assert gate._posts  # the post and its text are held to fold the next one into
    await user.send("/forget")
    await user.click("Да, удалить всё")
    assert not gate._posts
