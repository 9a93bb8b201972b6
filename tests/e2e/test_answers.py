"""Free-text questions through the real dispatcher: answers, doubts, refusals, crisis first."""

from __future__ import annotations

from bot.db.database import Database
from tests.conversation import Conversation, Harness


async def test_confident_answer_with_card_and_not_this(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    await user.send("жастар практикасына кім қатыса алады")
    assert "Жастар практикасы" in user.last_text
    buttons = user.buttons()
    assert any("Толық ақпарат" in b for b in buttons)
    assert any("Тіркелу" in b for b in buttons)
    await user.click("Сұрағым басқа еді")
    assert "басқаша жазып" in user.last_text
    rows = await db.fetch_all("SELECT normalised, topic_id, answered, language FROM question_log")
    assert len(rows) == 1
    assert rows[0]["topic_id"] == "youth-practice" and rows[0]["answered"] == 1
    assert rows[0]["language"] == "kk"


async def test_latin_script_kazakh_and_typos(harness: Harness) -> None:
    user = harness.user(5101, language_code="kk")
    await user.start("Қазақша")
    await user.send("jasyl el jobasyna qalai qatysamyn")
    assert "Жасыл ел" in user.last_text
    await user.send("первое рабочие место без опыта")
    assert "Алғашқы жұмыс орны" in user.last_text


async def test_russian_user_gets_russian_answer(harness: Harness) -> None:
    user = harness.user(5102, language_code="ru")
    await user.start("Русский")
    await user.send("что такое молодежная практика")
    assert "Молодёжная практика" in user.last_text


async def test_out_of_scope_is_refused_honestly(user: Conversation, db: Database) -> None:
    await user.start("Русский")
    for question in ("какая погода завтра", "курс доллара", "привет"):
        await user.send(question)
        assert "нет ответа" in user.last_text, question
        assert any("Программы" in b for b in user.buttons())
    rows = await db.fetch_all("SELECT topic_id, answered FROM question_log")
    assert len(rows) == 3 and all(r["topic_id"] is None and r["answered"] == 0 for r in rows)


async def test_crisis_gets_helplines_first(user: Conversation, db: Database) -> None:
    await user.start("Қазақша")
    for text in ("өмір сүргім келмейді", "не хочу больше жить", "ozimdi oltirgim keledi"):
        await user.send(text)
        assert "112" in user.last_text and "111" in user.last_text, text
        assert "Сіз жалғыз емессіз" in user.last_text  # the answer to thoughts of suicide
        assert any("Толық ақпарат" in b for b in user.buttons())  # the psych-support card
    rows = await db.fetch_all("SELECT crisis, crisis_kind, normalised FROM question_log")
    assert [r["crisis"] for r in rows] == [1, 1, 1]
    assert all(r["crisis_kind"] and r["normalised"] == "" for r in rows)


async def test_crisis_wins_over_commands_and_captions(user: Conversation) -> None:
    await user.start("Русский")
    await user.send(
        photo=[{"file_id": "p", "file_unique_id": "p1", "width": 1, "height": 1}],
        caption="меня бьют дома",
    )
    assert "112" in user.last_text and "102" in user.last_text  # the answer to violence
    assert "нет вашей вины" in user.last_text


async def test_unsure_offers_topics_as_buttons(user: Conversation) -> None:
    await user.start("Русский")
    await user.send("молодёжь")
    # Either an answer or a choice, never a crash or an unrelated lone topic with no way out.
    assert user.buttons()


async def test_huge_and_odd_text_is_safe(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("жұмыс <b>& " * 800)
    assert user.last_text
    await user.send("🙂🙂🙂")
    assert user.last_text


async def test_unknown_command_is_not_searched(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/export")
    assert "команданы білмеймін" in user.last_text
    await user.send("/жұмыс")  # not a command shape: searched as a question
    assert "команданы білмеймін" not in user.last_text
