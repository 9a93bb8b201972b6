"""Uzbek messages (issue 17): answered in the user's language after one line saying the bot
understands Kazakh and Russian for now, counted in /stats, and a crisis still gets the helplines."""

from __future__ import annotations

from tests.conversation import Harness

ADMIN = 1001  # in ADMIN_IDS of the test settings


async def test_an_uzbek_question_gets_the_note_and_an_answer_in_kazakh(harness: Harness) -> None:
    user = harness.user(5301, language_code="kk")
    await user.start("Қазақша")
    await user.send("Yoshlar uchun qanday ish bor, ishlamoqchiman")
    text = user.last_text
    assert text.startswith("🇺🇿 Әзірге қазақша мен орысшаны ғана түсінемін"), text[:120]
    assert len(text.split("\n\n", 1)) == 2 and text.split("\n\n", 1)[1].strip()


async def test_uzbek_in_cyrillic_gets_the_note_in_russian(harness: Harness) -> None:
    user = harness.user(5302, language_code="ru")
    await user.start("Русский")
    await user.send("Ёшлар маркази қаерда жойлашган? ёрдам керак")
    assert user.last_text.startswith("🇺🇿 Пока я понимаю только казахский и русский"), (
        user.last_text[:120]
    )


async def test_kazakh_and_russian_questions_get_no_note(harness: Harness) -> None:
    user = harness.user(5303, language_code="ru")
    await user.start("Русский")
    for question in ("где найти работу студенту", "жұмыс керек қайда барамын"):
        await user.send(question)
        assert "🇺🇿" not in user.last_text


async def test_stats_count_uzbek_messages(harness: Harness) -> None:
    user = harness.user(5304, language_code="ru")
    await user.start("Русский")
    for question in (
        "Talabalarga yotoqxona qanday olinadi",
        "Армияга неча ёшдан олишади?",
        "как получить грант на учебу",
    ):
        await user.send(question)
    admin = harness.user(ADMIN, "Admin", language_code="ru")
    await admin.send("/stats")
    assert "Вопросов на узбекском: 2" in admin.last_text, admin.last_text


async def test_an_uzbek_crisis_message_gets_the_helplines_first(harness: Harness) -> None:
    user = harness.user(5305, language_code="kk")
    await user.start("Қазақша")
    await user.send("o'zimni o'ldirmoqchiman, boshqa chidolmayman")
    text = user.last_text
    assert "112" in text and "150" in text and "🇺🇿" not in text, text[:200]
