"""Helpful / not helpful under answers, and "Ask a specialist" without an operators' group."""

from __future__ import annotations

from bot.db.database import Database
from tests.conversation import Conversation, Harness


async def helpful_column(db: Database) -> list[object]:
    return [r["helpful"] for r in await db.fetch_all("SELECT helpful FROM question_log")]


async def test_helpful_is_stored_and_the_buttons_go(user: Conversation, db: Database) -> None:
    await user.start("Русский")
    await user.send("что такое молодежная практика")
    answer = user.last
    assert {"👍 Помогло", "👎 Не помогло"} <= set(user.buttons())
    popup = await user.click("Помогло")
    assert popup.get("text") == "Спасибо за оценку!"
    assert await helpful_column(db) == [1]
    edited = user.h.api.find_message(user.id, answer.message_id)
    assert edited is not None
    labels = [b.text for row in edited.buttons for b in row]
    assert "👍 Помогло" not in labels and any("Подробнее" in b for b in labels)


async def test_not_helpful_offers_a_specialist(user: Conversation, db: Database) -> None:
    await user.start("Русский")
    await user.send("что такое молодежная практика")
    await user.click("Не помогло")
    assert await helpful_column(db) == [0]
    assert "Жаль" in user.last_text
    assert "🙋 Спросить специалиста" in user.buttons()
    # No ADMIN_CHAT_ID in these settings: the bot says so and shows the contacts topic.
    await user.click("Спросить специалиста")
    texts = [m.text for m in user.new_messages()]
    assert any("нельзя" in t for t in texts)
    assert any("Контакты" in t for t in texts)
    assert "/ask" in texts[-1]


async def test_not_this_marks_the_answer_and_offers_a_specialist(
    user: Conversation, db: Database
) -> None:
    await user.start("Қазақша")
    await user.send("жастар практикасына кім қатыса алады")
    await user.click("Сұрағым басқа еді")
    assert await helpful_column(db) == [0]
    assert any("Маманнан сұрау" in b for b in user.buttons())


async def test_unknown_answer_offers_a_specialist(user: Conversation) -> None:
    await user.start("Русский")
    await user.send("какая погода завтра")
    assert "нет ответа" in user.last_text
    assert "🙋 Спросить специалиста" in user.buttons()


async def test_menu_and_ask_command_offer_a_specialist(user: Conversation) -> None:
    await user.start("Русский")
    assert "🙋 Спросить специалиста" in user.buttons()
    await user.send("/ask")
    assert any("Контакты" in m.text for m in user.new_messages())


async def test_crisis_answer_asks_for_no_rating(user: Conversation) -> None:
    await user.start("Русский")
    await user.send("не хочу больше жить")
    assert not any("Помогло" in b for b in user.buttons())


async def test_someone_elses_feedback_button_is_out_of_date(harness: Harness, db: Database) -> None:
    asker = harness.user(5201, language_code="ru")
    await asker.start("Русский")
    await asker.send("что такое молодежная практика")
    _, button = asker.find_button("Помогло")
    other = harness.user(5202, language_code="ru")
    await other.start("Русский")
    popup = await other.press(other.last.message_id, button.callback_data or "")
    assert "устарела" in popup.get("text", "")
    assert await helpful_column(db) == [None]
    forged = await asker.press(asker.last.message_id, "f:999:1")
    assert "устарела" in forged.get("text", "")
