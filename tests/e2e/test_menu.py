"""Conversations through the real dispatcher, aiogram's HTTP session and the fake Bot API."""

from __future__ import annotations

import asyncio

from bot.catalog.store import ContentStore
from bot.db.database import Database
from bot.db.users import Users
from bot.sandbox.emulator import MAX_CALLBACK_DATA, MAX_TEXT, utf16_len
from tests.conversation import Conversation, Harness


async def test_first_start_greets_in_both_languages_and_preselects(user: Conversation) -> None:
    await user.send("/start")
    assert "Тілді таңдаңыз" in user.last_text
    assert "Выберите язык" in user.last_text
    assert user.buttons() == ["✅ 🇰🇿 Қазақша", "🇷🇺 Русский"]


async def test_russian_phone_preselects_russian(harness: Harness) -> None:
    user = harness.user(5002, "Дима", language_code="ru")
    await user.send("/start")
    assert user.buttons() == ["🇰🇿 Қазақша", "✅ 🇷🇺 Русский"]
    assert user.last_text.index("Привет") < user.last_text.index("Сәлем")


async def test_choosing_language_stores_it_and_opens_the_menu(
    user: Conversation, db: Database
) -> None:
    await user.send("/start")
    answer = await user.click("Русский")
    assert answer.get("text") == "Язык: русский"
    assert "Главное меню" in user.last_text
    stored = await Users(db.conn).get(user.id)
    assert stored is not None and stored.language == "ru"
    # A second /start goes straight to the menu in the chosen language.
    await user.send("/start")
    assert "Главное меню" in user.last_text


async def test_browse_to_a_topic_card_and_its_full_text(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.click("Бағдарламалар")
    assert "Бөлімді таңдаңыз" in user.last_text
    await user.click("Жұмыс")
    await user.click("NEET")
    card = user.last_text
    assert "NEET" in card and "Кімдер қатыса алады" in card
    assert "[[FILL" not in card, "unfilled placeholders must be hidden"
    assert any("Тіркелу" in b for b in user.buttons())
    await user.click("Толығырақ")
    fresh = user.new_messages()
    assert fresh, "the full text comes as new messages"
    assert all(utf16_len(m.text) <= MAX_TEXT for m in fresh)
    assert "Толығырақ" not in [b.text for r in fresh[-1].buttons for b in r]
    await user.click("Артқа")
    assert "Тақырыпты таңдаңыз" in user.last_text


async def test_every_topic_card_renders_in_both_languages(
    harness: Harness, content: ContentStore
) -> None:
    """Every card and full text goes through Telegram's HTML and length rules in kk and ru."""
    from bot.views.menu import TopicCD

    for number, lang in enumerate(("kk", "ru")):
        user = harness.user(6000 + number, language_code=lang)
        await user.send("/start")
        await user.click("Қазақша" if lang == "kk" else "Русский")
        for topic in content.catalog.topics.values():
            anchor = user.last.message_id
            for view in ("c", "f"):
                await user.press(anchor, TopicCD(id=topic.id, view=view).pack())
                title = topic.text(lang).title
                assert any(title in m.text for m in user.messages[-4:]), (lang, topic.id, view)


async def test_language_command_switches_the_interface(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/language")
    assert user.buttons() == ["✅ 🇰🇿 Қазақша", "🇷🇺 Русский"]
    await user.click("Русский")
    await user.send("/help")
    assert "Что умеет бот" in user.last_text


async def test_help_and_menu_commands(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/help")
    assert "/menu" in user.last_text
    await user.send("/menu")
    assert "Басты мәзір" in user.last_text


async def test_commands_menu_is_set_per_language(harness: Harness) -> None:
    commands = harness.api.commands
    assert {"kk", "ru", ""} <= set(commands)
    assert [c["command"] for c in commands["ru"]] == [
        "start",
        "menu",
        "events",
        "register",
        "my",
        "ask",
        "language",
        "help",
    ]
    assert commands["kk"][1]["description"] == "Басты мәзір"


async def test_stale_and_forged_buttons_get_a_polite_answer(user: Conversation) -> None:
    await user.start("Қазақша")
    anchor = user.last.message_id
    for data in ("t:no-such-topic:c", "c:nothing", "garbage", "x" * 64):
        answer = await user.press(anchor, data)
        assert "ескірген" in answer.get("text", ""), data
    # Nothing crashed: the bot still answers.
    await user.send("/menu")
    assert "Басты мәзір" in user.last_text


async def test_free_text_and_stickers_get_a_way_back(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send(
        sticker={
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    assert "Мәзірден таңдаңыз" in user.last_text
    assert user.buttons()


async def test_user_html_is_never_trusted(user: Conversation) -> None:
    """Text with HTML metacharacters goes through without breaking the bot's HTML."""
    await user.start("Русский")
    await user.send("<b>привет</b> & <script>")
    assert user.last_text  # the fake API would have refused broken HTML


async def test_callback_data_stays_within_64_bytes(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.click("Бағдарламалар")
    for message in user.messages:
        for row in message.buttons:
            for button in row:
                assert len((button.callback_data or "").encode()) <= MAX_CALLBACK_DATA


async def test_real_long_polling_loop(harness: Harness) -> None:
    """`start_polling` against the fake API: getUpdates over HTTP, answer, then stop."""
    user = harness.user(5003, language_code="ru")
    harness.api.user_sends(user.id, "/start")
    task = asyncio.create_task(
        harness.dp.start_polling(
            harness.bot, handle_signals=False, polling_timeout=1, close_bot_session=False
        )
    )
    try:
        for _ in range(300):
            if user.messages:
                break
            await asyncio.sleep(0.01)
        assert "Выберите язык" in user.last_text
    finally:
        await harness.dp.stop_polling()
        await task
