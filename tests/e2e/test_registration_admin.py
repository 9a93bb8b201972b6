"""The department's side: posts in the admin chat, status changes, CSV export."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from bot.app import create_dispatcher
from bot.config import Settings
from bot.db.database import Database
from bot.sandbox.emulator import SentMessage
from tests.conversation import Conversation, Harness
from tests.e2e.test_registration import fill
from tests.fake_api import FakeTelegramServer

ADMIN_CHAT = -100777
ADMIN = 1001


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_chat_id": ADMIN_CHAT})


@pytest.fixture
def harness(harness: Harness) -> Harness:
    """The shared harness with the admin chat and a fast registration poster."""
    return harness.open_admin_chat(ADMIN_CHAT, ADMIN, "Гүлнар", pace=0.3)


async def admin_posts(harness: Harness, count: int) -> list[SentMessage]:
    """Wait (up to 10 s) for the poster's background task to post `count` messages."""
    for _ in range(200):
        posts = harness.api.bot_messages(ADMIN_CHAT)
        if len(posts) >= count:
            return posts
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(harness.api.bot_messages(ADMIN_CHAT))} admin posts, not {count}")


async def register(
    user: Conversation, topic: str = "neet", lang: str = "kk", **answers: str
) -> None:
    await user.send(f"/start reg-{topic}")
    await fill(user, lang=lang, **answers)
    await user.click("Растау" if lang == "kk" else "Подтвердить")


async def test_admin_post_escapes_and_status_reaches_the_user(
    harness: Harness, user: Conversation
) -> None:
    await user.start("Қазақша")
    await register(user, comment='<b>Ә&"\'</b> =HYPERLINK("x")')
    [post] = await admin_posts(harness, 1)
    assert "<b>Ә&\"'</b>" in post.text  # shown literally, not as markup
    assert "&lt;b&gt;Ә&amp;" in (post.html or "")
    assert "+77011234567" in post.text and "Сейітов Ерлан" in post.text
    # The admin presses "contacted" in the group; the young person is told, in Kazakh.
    button = next(b for row in post.buttons for b in row if "Хабарластық" in b.text)
    await harness.feed(
        harness.api.user_presses(
            ADMIN_CHAT, post.message_id, button.callback_data or "", from_id=ADMIN
        )
    )
    assert "хабарласты" in user.last_text and "#1" in user.last_text
    assert "Гүлнар" in post.text  # the card now says who set the status


async def test_forged_status_button_from_a_non_admin_does_nothing(
    harness: Harness, user: Conversation, db: Database
) -> None:
    await user.start("Қазақша")
    await register(user)
    answer = await user.press(user.last.message_id, "rs:1:enrolled")
    assert "ескірген" in answer.get("text", "")
    row = await db.fetch_one("SELECT status FROM registrations")
    assert row["status"] == "new"


async def test_a_burst_becomes_one_digest(harness: Harness) -> None:
    """Registrations made while the poster is down (a restart, a pause for the pace)
    wait in the database and go out together as one digest."""
    users = [harness.user(6000 + i, f"U{i}", language_code="kk") for i in range(4)]
    for u in users:
        await u.start("Қазақша")
    await register(users[0])
    await admin_posts(harness, 1)
    poster = harness.dp["poster"]
    await poster.stop()
    for u in users[1:]:
        await register(u)
    poster.start(harness.bot)
    poster.wake()
    await admin_posts(harness, 2)
    await asyncio.sleep(0.8)  # nothing more follows: the three went as one message
    posts = harness.api.bot_messages(ADMIN_CHAT)
    assert len(posts) == 2
    assert "Жаңа өтінімдер: 3" in posts[1].text
    assert [b.text for row in posts[1].buttons for b in row] == ["#2", "#3", "#4"]


async def test_the_backlog_goes_out_right_after_start_up(harness: Harness) -> None:
    """Registrations confirmed while the bot was down for a deploy (its poster stopped) are
    posted as soon as it is back, not a minute later."""
    users = [harness.user(6100 + i, f"V{i}", language_code="kk") for i in range(3)]
    for u in users:
        await u.start("Қазақша")
    await harness.dp["poster"].stop()  # the bot is stopping…
    for u in users:
        await register(u)
    restarted = create_dispatcher(harness.settings, harness.dp["db"], harness.dp["content"])
    restarted["poster"].pace = 0.3
    await restarted.emit_startup(bot=harness.bot, **restarted.workflow_data)  # …and back
    try:
        [digest] = await admin_posts(harness, 1)
        assert "Жаңа өтінімдер: 3" in digest.text
    finally:
        await restarted.emit_shutdown(bot=harness.bot, **restarted.workflow_data)


async def test_export_csv_opens_with_the_csv_module(
    harness: Harness, user: Conversation, db: Database
) -> None:
    await user.start("Қазақша")
    await register(user, name="Әлиева Дана", comment="=1+2")
    other = harness.user(5010, "Ира", language_code="ru")
    await other.start("Русский")
    await register(other, topic="volunteering", lang="ru", name="Ким Ирина")
    admin = harness.user(ADMIN, "Гүлнар", language_code="kk")
    await admin.send("/export")
    doc = admin.last
    assert doc.kind == "document" and doc.upload is not None
    name, data = doc.upload
    assert name.endswith(".csv") and data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, *body = table
    assert header[0] == "№" and "Аты-жөні" in header and len(body) == 2
    first = dict(zip(header, body[0], strict=True))
    assert first["Аты-жөні"] == "Әлиева Дана" and first["Пікір"] == "'=1+2"
    assert first["Телефон"] == "'+77011234567"  # even our own "+" cannot start a formula
    await admin.send("/export volunteering")
    _, data = admin.last.upload or ("", b"")
    assert data.decode("utf-8-sig").count("Ким Ирина") == 1 and "Әлиева" not in data.decode()
    await admin.send("/export neet 01.01.2020 02.01.2020")
    assert "өтінім жоқ" in admin.last_text
    await admin.send("/export nonsense")
    assert "Қолданылуы" in admin.last_text


async def test_non_admins_get_the_unknown_command_reply(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/export")
    assert "команданы білмеймін" in user.last_text
    assert user.last.kind == "text"


async def test_export_is_not_sent_into_a_group(harness: Harness, user: Conversation) -> None:
    await user.start("Қазақша")
    await register(user)
    sent = len(harness.api.bot_messages(ADMIN_CHAT))
    await harness.feed(harness.api.user_sends(ADMIN_CHAT, "/export", from_id=ADMIN))
    assert not [m for m in harness.api.bot_messages(ADMIN_CHAT)[sent:] if m.kind == "document"]


async def test_forget_blanks_the_registration_post(harness: Harness, user: Conversation) -> None:
    await user.start("Қазақша")
    await register(user, name="Әлиева Дана")
    [post] = await admin_posts(harness, 1)
    assert "Әлиева Дана" in post.text
    await user.send("/forget")
    await user.click("Иә, бәрін жою")
    assert "Әлиева" not in post.text and "+7701" not in post.text
    assert "жойылды" in post.text and not post.buttons  # no status buttons for a ghost


def shown_anywhere(harness: Harness, *secrets: str) -> list[str]:
    """The secrets still readable in the operators' chat (texts, captions, buttons)."""
    found = []
    for message in harness.api.chats[ADMIN_CHAT].messages:
        seen = " ".join(
            [message.text, message.html or "", *(b.text for row in message.buttons for b in row)]
        )
        found += [s for s in secrets if s in seen]
    return found


async def test_forget_redraws_digests_and_the_cards_opened_from_them(harness: Harness) -> None:
    """A card opened from a digest (#N), and the same card after a status change, are
    blanked with the digest."""
    dana, ira = harness.user(6101, "Дана", language_code="kk"), harness.user(6102, "Ира")
    poster = harness.dp["poster"]
    await poster.stop()
    for u, name in ((dana, "Әлиева Дана"), (ira, "Ким Ирина")):
        await u.start("Қазақша")
        await register(u, name=name, phone="+7 701 555 66 77" if u is dana else "87011234567")
    poster.start(harness.bot)
    poster.wake()
    [digest] = await admin_posts(harness, 1)
    assert "Әлиева Дана" in digest.text and "Ким Ирина" in digest.text
    opened = []
    for _ in range(2):  # two admins open the same card
        await harness.feed(
            harness.api.user_presses(ADMIN_CHAT, digest.message_id, "rs:1:open", from_id=ADMIN)
        )
        opened.append(harness.api.bot_messages(ADMIN_CHAT)[-1])
    assert all("Әлиева Дана" in card.text for card in opened)
    button = next(b for row in opened[0].buttons for b in row if "Хабарластық" in b.text)
    await harness.feed(
        harness.api.user_presses(
            ADMIN_CHAT, opened[0].message_id, button.callback_data or "", from_id=ADMIN
        )
    )
    assert "Гүлнар" in opened[0].text and "Әлиева Дана" in opened[0].text
    await dana.send("/forget")
    await dana.click("Иә, бәрін жою")
    assert shown_anywhere(harness, "Әлиева", "+77015556677", "tg://user?id=6101") == []
    assert all("жойылды" in card.text and not card.buttons for card in opened)
    assert "Ким Ирина" in digest.text  # the other registration stays on the digest


async def test_forget_during_a_slow_post_blanks_that_post(
    harness: Harness, fake_api: FakeTelegramServer
) -> None:
    """The card is on its way (Telegram holds the send) when the young person says
    /forget: the card must not stay in the group once it has arrived."""
    user = harness.user(6103, "Дана", language_code="kk")
    poster = harness.dp["poster"]
    await poster.stop()
    await user.start("Қазақша")
    await register(user, name="Әлиева Дана", comment="Кешке хабарласыңыз")
    fake_api.hang_next("sendMessage", 1.0)
    poster.start(harness.bot)
    poster.wake()
    await asyncio.wait_for(fake_api.holding.wait(), 10)
    await user.send("/forget")
    await user.click("Иә, бәрін жою")
    await asyncio.wait_for(fake_api.hung.wait(), 10)
    [post] = await admin_posts(harness, 1)
    for _ in range(200):  # the poster looks again once it has recorded the post
        if not shown_anywhere(harness, "Әлиева", "Кешке", "+77011234567"):
            break
        await asyncio.sleep(0.05)
    assert shown_anywhere(harness, "Әлиева", "Кешке", "+77011234567") == []
    assert "жойылды" in post.text and not post.buttons


async def press_status(
    harness: Harness, post: SentMessage, label: str, from_id: int = ADMIN
) -> dict[str, object]:
    """An admin presses a status button of a card in the admin chat (maybe an old copy of
    its buttons); returns the callback's answer."""
    button = next(b for row in post.buttons for b in row if label in b.text)
    update = harness.api.user_presses(
        ADMIN_CHAT, post.message_id, button.callback_data or "", from_id=from_id
    )
    await harness.feed(update)
    return harness.api.answered_callbacks.get(update["callback_query"]["id"], {})


async def test_status_notice_in_the_language_of_the_form(harness: Harness) -> None:
    """Item 12: a Russian phone that never pressed the language button fills the form in
    Russian and hears of its status in Russian, not in the group's default Kazakh."""
    user = harness.user(5020, "Дима", language_code="ru")
    await user.send("/start")
    await register(user, lang="ru")
    assert "Готово" in user.messages[-1].text
    [post] = await admin_posts(harness, 1)
    await press_status(harness, post, "Хабарластық")
    assert "специалист связался" in user.last_text and "#1" in user.last_text


async def test_a_cancelled_registration_stays_cancelled(
    harness: Harness, user: Conversation, db: Database
) -> None:
    """Item 10: the user cancels in /my; the card in the admin chat says so at once and
    loses its buttons; "contacted" pressed on an old copy of them changes nothing, answers
    the admin, and tells the user nothing."""
    await user.start("Қазақша")
    await register(user)
    [post] = await admin_posts(harness, 1)
    stale = SentMessage(
        post.chat_id,
        post.message_id,
        post.text,
        post.html,
        True,
        buttons=[list(row) for row in post.buttons],
    )
    await user.send("/my")
    await user.click("қайтарып алу")
    await user.click("Иә")
    assert "Мәртебесі: қайтарып алынды" in post.text and not post.buttons
    user.new_messages()
    answer = await press_status(harness, stale, "Хабарластық")
    assert "қайтарып алған" in str(answer.get("text"))
    row = await db.fetch_one("SELECT status FROM registrations")
    assert row["status"] == "cancelled"
    assert user.new_messages() == []


async def test_finished_registrations_lose_their_data_after_the_retention_period(
    harness: Harness, user: Conversation, db: Database
) -> None:
    """Item 9: a cancelled registration keeps its data for RETENTION_DAYS, then only an
    anonymous row stays; /export leaves it out and the card in the group loses the data."""
    from bot.services.registrations import RETENTION_DAYS

    await user.start("Қазақша")
    await register(user, name="Әлиева Дана")
    [post] = await admin_posts(harness, 1)
    await user.send("/my")
    await user.click("қайтарып алу")
    await user.click("Иә")
    other = harness.user(5010, "Ира", language_code="ru")
    await other.start("Русский")
    await register(other, lang="ru", name="Ким Ирина")
    admin = harness.user(ADMIN, "Гүлнар", language_code="kk")
    await admin.send("/export")
    _, data = admin.last.upload or ("", b"")
    assert "Әлиева Дана" in data.decode("utf-8-sig")  # within the period: kept, marked
    async with db.transaction() as conn:  # the period passes
        await conn.execute(
            "UPDATE registrations SET updated_at = '2020-01-01T00:00:00Z' WHERE id = 1"
        )
    await admin.send("/export")
    _, data = admin.last.upload or ("", b"")
    assert "Әлиева" not in data.decode("utf-8-sig") and "Ким Ирина" in data.decode("utf-8-sig")
    row = await db.fetch_one("SELECT * FROM registrations WHERE id = 1")
    assert row["full_name"] is None and row["phone"] is None and row["user_id"] is None
    consent = await db.fetch_one("SELECT user_id FROM consents WHERE id = ?", (row["consent_id"],))
    assert consent is not None and consent["user_id"] is None  # no way back to the person
    assert row["status"] == "cancelled" and row["expired_at"] is not None
    assert "Әлиева" not in post.text and "+7701" not in post.text
    assert "сақтау мерзімі" in post.text
    # The consent text states the period, in both languages.
    notice = harness.dp["content"].catalog.consent
    for lang in ("kk", "ru"):
        assert f"{RETENTION_DAYS} " in notice.text(lang).short
        assert f"{RETENTION_DAYS} " in notice.text(lang).full


async def test_a_stop_while_a_card_is_on_its_way_does_not_post_it_twice(
    harness: Harness, fake_api: FakeTelegramServer
) -> None:
    """A restart during a slow send: the card arrives once, and is not sent again after."""
    user = harness.user(6200, "W", language_code="kk")
    poster = harness.dp["poster"]
    await poster.stop()
    await user.start("Қазақша")
    await register(user)
    fake_api.hang_next("sendMessage", 0.5)  # Telegram is slow with the operators' card
    poster.start(harness.bot)
    poster.wake()
    await asyncio.wait_for(fake_api.holding.wait(), 10)
    await poster.stop()  # the bot is stopping while the card is on its way
    poster.start(harness.bot)
    poster.wake()
    await asyncio.wait_for(fake_api.hung.wait(), 10)
    await asyncio.sleep(1.0)
    assert len(harness.api.bot_messages(ADMIN_CHAT)) == 1
