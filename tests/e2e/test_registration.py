"""The registration form end to end: both languages, every bad input, restart, /my, /forget."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import create_dispatcher
from bot.catalog.store import ContentStore
from bot.db.database import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.db.registrations import Registrations
from bot.db.users import Users
from tests.conversation import Conversation, Harness

STICKER = {
    "file_id": "st1",
    "file_unique_id": "u1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
PHOTO = [{"file_id": "ph1", "file_unique_id": "u2", "width": 90, "height": 90}]
VOICE = {"file_id": "vo1", "file_unique_id": "u3", "duration": 2}


def contact(user_id: int, phone: str = "+77011234567") -> dict[str, object]:
    return {"phone_number": phone, "first_name": "Test", "user_id": user_id}


# Button labels of the form in each language: district, occupation, skip, agree, summary.
LABELS = {
    "kk": ("Абай", "Оқимын", "Өткізіп жіберу", "Келісемін", "Тексеріңіз"),
    "ru": ("Абайский", "Учусь", "Пропустить", "Согласен", "Проверьте"),
}


async def fill(
    user: Conversation,
    *,
    name: str = "Сейітов Ерлан",
    age: str = "19",
    phone: str = "+7 701 123 45 67",
    comment: str | None = None,
    lang: str = "kk",
) -> None:
    """Answer every step up to the summary."""
    district, occupation, skip, agree, summary = LABELS[lang]
    await user.send(name)
    await user.send(age)
    await user.send(phone)
    await user.click(district)
    await user.click(occupation)
    if comment is None:
        await user.click(skip)
    else:
        await user.send(comment)
    await user.click(agree)
    assert summary in user.last_text


async def rows(db: Database) -> list:
    return await db.fetch_all("SELECT * FROM registrations ORDER BY id")


async def test_happy_path_in_kazakh_from_a_topic_card(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.press(user.last.message_id, "t:neet:c")
    await user.click("Тіркелу")
    assert "1/7" in user.last_text and "Тегіңіз бен атыңызды" in user.last_text
    await user.send("Сейітов Ерлан")
    assert "2/7" in user.last_text
    await user.send("19")
    assert "3/7" in user.last_text and user.last.reply_keyboard is not None
    await user.send("8 (701) 123-45-67")
    assert any("+77011234567" in m.text for m in user.new_messages())
    await user.click("Қаратау")
    await user.click("Оқымаймын да")
    await user.send("IT саласында жұмыс іздеймін")
    await user.click("Келісемін")
    summary = user.last_text
    for expected in (
        "Сейітов Ерлан",
        "19",
        "+77011234567",
        "Қаратау ауданы",
        "Оқымаймын да, жұмыс істемеймін",
        "IT саласында",
    ):
        assert expected in summary
    await user.click("Растау")
    assert "Дайын" in user.last_text and "#1" in user.last_text
    [row] = await rows(db)
    assert (
        row["topic_id"],
        row["full_name"],
        row["age"],
        row["phone"],
        row["district"],
        row["occupation"],
        row["status"],
    ) == ("neet", "Сейітов Ерлан", 19, "+77011234567", "karatau", "neet", "new")
    consent = await db.fetch_one("SELECT * FROM consents WHERE id = ?", (row["consent_id"],))
    assert consent["version"] and consent["guardian_confirmed"] == 0
    assert await db.fetch_one("SELECT * FROM fsm_state") is None  # the form is finished
    await user.send("/my")
    assert "NEET" in user.last_text and "жаңа" in user.last_text


async def test_happy_path_in_russian_with_a_shared_contact(harness: Harness, db: Database) -> None:
    user = harness.user(5003, "Дима", language_code="ru")
    await user.start("Русский")
    await user.send("/register")
    assert "На какую программу" in user.last_text
    await user.click("NEET")
    await user.send("Ким Дмитрий")
    await user.send("2003")
    await user.send(contact=contact(user.id, "77071112233"))
    await user.click("Туранский")
    await user.click("Работаю")
    await user.click("Пропустить")
    assert "Согласие на обработку" in user.last_text and "94-V" in user.last_text
    await user.click("Полный текст")
    assert any("Трансграничная" in m.text for m in user.new_messages())
    await user.click("Согласен")
    assert "Проверьте" in user.last_text and "Туранский район" in user.last_text
    await user.click("Подтвердить")
    assert "Готово" in user.last_text
    [row] = await rows(db)
    assert row["phone"] == "+77071112233" and row["age"] in (22, 23)
    assert row["comment"] is None and row["district"] == "turan"


async def test_every_bad_input_re_asks_the_same_step(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    assert "1/7" in user.last_text
    for bad in ("Е", "Ерлан123", "<b>Ә&\"'</b>", "x" * 101):
        await user.send(bad)
        assert "⚠️" in user.last_text and "1/7" in user.last_text
    await user.send(sticker=STICKER)
    assert "мәтінмен" in user.last_text and "1/7" in user.last_text
    await user.send("  Сейітов \u200bЕрлан\u0007 ")
    assert "2/7" in user.last_text
    for bad in ("жиырма", "19 20", "1000"):
        await user.send(bad)
        assert "⚠️" in user.last_text and "2/7" in user.last_text
    await user.send(photo=PHOTO)
    assert "2/7" in user.last_text
    await user.send("19 жас")
    for bad in ("12345", "+1 202 555 0100", "8 701 123 45 6x", "ә"):
        await user.send(bad)
        assert "⚠️" in user.last_text and "3/7" in user.last_text
    await user.send(contact=contact(999))  # a friend's contact card
    assert "басқа адамның" in user.last_text and "3/7" in user.last_text
    await user.send(voice=VOICE)
    assert "3/7" in user.last_text
    await user.send("+7 701 123 45 67")
    await user.send(voice=VOICE)
    assert "батырманы басыңыз" in user.last_text and "4/7" in user.last_text
    await user.send("самолёт")
    assert "4/7" in user.last_text
    await user.send("абай")  # typed instead of pressed: accepted
    assert "5/7" in user.last_text
    await user.send("оқимын")
    assert "5/7" in user.last_text
    await user.click("Оқимын")
    await user.send("я" * 501)
    assert "501" in user.last_text and "6/7" in user.last_text
    await user.send("<b>Ә&\"'</b>")
    assert "7/7" in user.last_text
    await user.send("иә")
    assert "7/7" in user.last_text
    await user.click("Келісемін")
    assert "&lt;b&gt;Ә&amp;" in (user.last.html or "")
    await user.click("Растау")
    [row] = await rows(db)
    assert row["full_name"] == "Сейітов Ерлан" and row["comment"] == "<b>Ә&\"'</b>"


async def test_back_edit_and_cancel(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await user.send("Сейітов Ерлан")
    await user.click("Артқа")
    assert "1/7" in user.last_text
    await user.send("Әлиев Нұрлан")
    await user.send("20")
    await user.send("Артқа")  # the phone step's reply-keyboard "back"
    assert "2/7" in user.last_text
    await user.send("21")
    await user.send("87011234567")
    await user.click("Еңбекші")
    await user.click("Басқа")
    await user.click("Өткізіп жіберу")
    await user.click("Келісемін")
    await user.click("✏️ Жасы")
    await user.send("22")
    assert "Тексеріңіз" in user.last_text and "22" in user.last_text
    await user.click("✏️ Аудан")
    await user.click("Тұран")
    assert "Тұран ауданы" in user.last_text
    await user.click("Болдырмау")
    assert "тоқтатылды" in user.last_text
    assert await rows(db) == []
    old = user.messages[-3]
    await user.press(old.message_id, "rf:confirm:")
    await user.send("/my")
    assert "өтінім жоқ" in user.last_text


async def test_a_command_in_the_middle_closes_the_form(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await user.send("/menu")
    texts = [m.text for m in user.new_messages()]
    assert any("тоқтатылды" in t for t in texts) and "Басты мәзір" in texts[-1]
    await user.send("жұмыс керек")  # now a question again, not a name
    assert "2/7" not in user.last_text


async def test_age_outside_14_to_35_stops_politely(user: Conversation) -> None:
    await user.start("Қазақша")
    for age in ("40", "12"):
        await user.send("/start reg-neet")
        await user.send("Сейітов Ерлан")
        await user.send(age)
        assert "14–35 жастағы" in user.last_text
        await user.send("Сейітов Ерлан")
        assert "2/7" not in user.last_text


async def test_minor_confirms_a_guardian(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-volunteering")
    await user.send("Сейітова Аружан")
    await user.send("16")
    await user.send("+77011234567")
    await user.click("Әл-Фараби")
    await user.click("Оқимын")
    await user.click("Өткізіп жіберу")
    assert "18 жас толмаған" in user.last_text
    await user.click("ата-анам да келіседі")
    assert "Ата-анасының келісімі" in user.last_text
    await user.click("Растау")
    consent = await db.fetch_one("SELECT guardian_confirmed FROM consents")
    assert consent["guardian_confirmed"] == 1


async def test_deep_links(user: Conversation) -> None:
    await user.send("/start reg-nope-nope")
    assert "табылмады" in user.last_text
    await user.send("/start reg-psych-support")
    assert "жабық" in user.last_text
    await user.send("/start reg-<script>")
    assert "табылмады" in user.last_text
    await user.send("/start reg-neet")
    assert "1/7" in user.last_text  # a first visit by QR code goes straight to the form


async def test_second_registration_shows_the_existing_one(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    await user.click("Растау")
    await user.send("/start reg-neet")
    assert "тіркеліп қойғансыз" in user.last_text and "#1" in user.last_text
    # Even a form finished in a second window cannot add a twin: the database refuses it.
    async with db.transaction() as conn:
        await conn.execute("UPDATE registrations SET status = 'new'")
    assert len(await rows(db)) == 1


async def test_double_confirm_stores_one_row(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    summary = user.last
    await user.click("Растау")
    await user.press(summary.message_id, "rf:confirm:")
    assert len(await rows(db)) == 1


async def test_form_survives_a_restart(
    harness: Harness, user: Conversation, db: Database, content: ContentStore
) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await user.send("Сейітов Ерлан")
    await user.send("19")
    # Written once the update was handled, not only at shutdown: a crash would keep it too.
    row = await db.fetch_one("SELECT state, data FROM fsm_state")
    assert row is not None and row["state"] == "RegForm:phone" and "Ерлан" in row["data"]
    # The process restarts: a new dispatcher (new routers, new storage object), same file.
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    harness.dp = create_dispatcher(harness.settings, db, content)
    await harness.dp.emit_startup(bot=harness.bot, **harness.dp.workflow_data)
    await user.send("+77011234567")
    assert "4/7" in user.last_text
    await user.click("Абай")
    await user.click("Оқимын")
    await user.click("Өткізіп жіберу")
    await user.click("Келісемін")
    assert "Сейітов Ерлан" in user.last_text
    await user.click("Растау")
    assert len(await rows(db)) == 1


async def test_idle_forms_expire(db: Database) -> None:
    from aiogram.fsm.storage.base import StorageKey

    now = [1000.0]
    storage = SQLiteStorage(db, ttl=60, clock=lambda: now[0])
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    await storage.set_state(key, "RegForm:age")
    await storage.set_data(key, {"name": "Ә"})
    now[0] += 59
    assert await storage.get_state(key) == "RegForm:age"
    now[0] += 61
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    await storage.set_data(key, {"x": 1})
    now[0] += 1000
    assert await storage.purge_expired() == 1


async def test_my_lists_and_cancels(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/my")
    assert "өтінім жоқ" in user.last_text
    await user.send("/start reg-neet")
    await fill(user)
    await user.click("Растау")
    await user.send("/my")
    await user.click("қайтарып алу")
    assert "қайтарып аласыз ба" in user.last_text
    await user.click("Иә")
    assert "өтінім қайтарып алынды" in user.last_text
    assert "мәртебесі: қайтарып алынды" in user.last_text
    [row] = await rows(db)
    assert row["status"] == "cancelled"
    # A cancelled one no longer blocks a new registration.
    await user.send("/start reg-neet")
    assert "1/7" in user.last_text


async def test_forget_deletes_personal_data(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user, comment="менің пікірім")
    await user.click("Растау")
    await user.send("менің атым Ерлан, жұмыс керек")  # a question in the log, with a name
    assert await db.fetch_one("SELECT * FROM question_log WHERE user_id = ?", (user.id,))
    await user.send("/forget")
    await user.click("Жоқ")
    assert "ештеңе өзгерген жоқ" in user.last_text
    await user.send("/forget")
    await user.click("Иә, бәрін жою")
    assert "жойылды" in user.last_text
    [row] = await rows(db)
    assert row["user_id"] is None and row["full_name"] is None and row["phone"] is None
    assert row["comment"] is None and row["topic_id"] == "neet"  # an anonymous count
    assert row["status"] == "cancelled"
    consent = await db.fetch_one("SELECT * FROM consents")
    assert consent["withdrawn_at"] is not None and consent["user_id"] is None
    assert await Users(db.conn).get(user.id) is None
    assert await db.fetch_one("SELECT * FROM question_log WHERE user_id = ?", (user.id,)) is None


async def test_repository_refuses_a_second_active_row(db: Database) -> None:
    from bot.db.registrations import DuplicateRegistration, NewRegistration

    async with db.transaction() as conn:
        await Users(conn).touch(1)
    new = NewRegistration(
        1, "neet", "Ә Б", 20, "+77011234567", "abai", "neet", None, "v1", "kk", False
    )
    async with db.transaction() as conn:
        await Registrations(conn).add(new)
    try:
        async with db.transaction() as conn:
            await Registrations(conn).add(new)
    except DuplicateRegistration:
        pass
    else:
        raise AssertionError("a second active registration was stored")
    # The failed attempt left nothing behind: not even its consent row.
    assert len(await db.fetch_all("SELECT * FROM consents")) == 1


async def test_crisis_in_the_middle_of_the_form_comes_first(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await user.send("Сейітов Ерлан")
    await user.send("өмір сүргім келмейді")
    assert "Психологиялық" in user.last_text or "150" in user.last_text
    assert "2/7" not in user.last_text
    await user.send("19")  # the form goes on where it was
    assert "3/7" in user.last_text


async def test_an_old_adult_consent_does_not_stand_for_a_guardian(
    user: Conversation, db: Database
) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    adult_consent = user.messages[-2]  # the consent step, answered with the adult button
    await user.click("✏️ Жасы")
    await user.send("16")
    assert "18 жас толмаған" in user.last_text  # asked again, with the guardian wording
    await user.press(adult_consent.message_id, "rf:agree:adult")
    assert "18 жас толмаған" in user.last_text and "Тексеріңіз" not in user.last_text
    await user.click("ата-анам да келіседі")
    await user.click("Растау")
    consent = await db.fetch_one("SELECT guardian_confirmed FROM consents")
    assert consent["guardian_confirmed"] == 1


async def test_confirm_checks_the_programme_and_the_notice_again(
    user: Conversation, db: Database, content: ContentStore
) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    # The notice changed (a content reload) after the user agreed: they must see it again.
    notice = content.catalog.consent
    assert notice is not None
    content.catalog.consent = notice.model_copy(update={"version": "2099-01-01"})
    await user.click("Растау")
    assert "94-V" in user.last_text and await rows(db) == []
    await user.click("Келісемін")
    # Now the programme closes before the confirm.
    neet = content.catalog.topics["neet"]
    content.catalog.topics["neet"] = neet.model_copy(update={"registration_open": False})
    await user.click("Растау")
    assert "жабық" in user.last_text and await rows(db) == []
    content.catalog.topics["neet"] = neet
    content.catalog.consent = notice


async def test_answers_sent_in_a_burst_are_taken_in_order(
    user: Conversation, harness: Harness
) -> None:
    """Three answers typed and sent before the bot replied: each meets its own step."""
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    user.new_messages()
    burst = [
        harness.api.user_sends(user.id, text)
        for text in ("Сейітов Ерлан", "19", "+7 701 123 45 67")
    ]
    await asyncio.gather(*(harness.feed(update) for update in burst))
    asked = [m.text[:3] for m in user.new_messages() if "/7" in m.text[:3]]
    assert asked == ["2/7", "3/7", "4/7"]  # no step re-asked, none skipped
    assert harness.dp.fsm.events_isolation.held == 0  # no lock kept after the burst


async def test_register_cancel_register_is_limited_per_day(
    user: Conversation, db: Database
) -> None:
    """Item 9: register → cancel → register… stops after MAX_PER_DAY registrations in a
    day, and neither cancelling nor /forget resets the count."""
    from bot.services.registrations import MAX_PER_DAY

    await user.start("Қазақша")
    for _ in range(MAX_PER_DAY):
        await user.send("/start reg-neet")
        await fill(user)
        await user.click("Растау")
        assert "Дайын" in user.last_text
        await user.send("/my")
        await user.click("қайтарып алу")
        await user.click("Иә")
    await user.send("/start reg-neet")
    assert "бұдан артық беруге болмайды" in user.last_text
    await user.send("/forget")
    await user.click("Иә, бәрін жою")
    await user.send("/start reg-neet")
    assert "бұдан артық беруге болмайды" in user.last_text
    assert len(await rows(db)) == MAX_PER_DAY


@pytest.mark.parametrize(
    ("length", "reply"), [(501, "501 символ."), (502, "502 символа."), (505, "505 символов.")]
)
async def test_a_long_comment_is_counted_in_the_right_russian_form(
    harness: Harness, length: int, reply: str
) -> None:
    user = harness.user(5004, "Дима", language_code="ru")
    await user.start("Русский")
    await user.send("/register")
    await user.click("NEET")
    await user.send("Ким Дмитрий")
    await user.send("2003")
    await user.send(contact=contact(user.id, "77071112233"))
    await user.click("Туранский")
    await user.click("Работаю")
    await user.send("а" * length)
    assert f"Слишком длинно: {reply} Сократите до 500 символов" in user.last_text, user.last_text
