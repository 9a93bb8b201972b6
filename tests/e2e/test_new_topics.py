"""The content v2 topics (issue 17) are found from the way young people write, in both
languages, and their card carries the date the facts were checked."""

from __future__ import annotations

import pytest

from bot.views.menu import TopicCD
from tests.conversation import Harness

QUESTIONS = [
    ("kk", "Қазақша", "18ге толдым ulttyq qor aqshasyn qalai alamyn", "Ұлттық қор – балаларға"),
    ("ru", "Русский", "как проверить сколько денег нацфонд на счету", "Нацфонд – детям"),
    ("kk", "Қазақша", "ресурстық орталықта психолог бар ма", "Жастар ресурстық орталығы"),
    ("ru", "Русский", "где в шымкенте коворкинг для молодежи", "Молодёжный ресурсный центр"),
    ("kk", "Қазақша", "студентпін әскерге алады ма", "Әскери қызмет"),
    ("ru", "Русский", "пришла повестка в армию что делать", "Воинская служба"),
    ("kk", "Қазақша", "грантқа түсу үшін ҰБТ неше балл керек", "Білім гранттары"),
    ("ru", "Русский", "дает ли акимат шымкента гранты на учебу", "Гранты на обучение"),
]


@pytest.mark.parametrize(("lang", "button", "question", "title"), QUESTIONS)
async def test_a_new_topic_answers_a_young_persons_question(
    harness: Harness, lang: str, button: str, question: str, title: str
) -> None:
    user = harness.user(5201, language_code=lang)
    await user.start(button)
    await user.send(question)
    assert title in user.last_text, (question, user.last_text[:200])
    topic_id = next(
        t.id for t in harness.dp["content"].catalog.topics.values() if t.text(lang).title == title
    )  # type: ignore[arg-type]
    await user.press(user.last.message_id, TopicCD(id=topic_id, view="c").pack())
    assert user.last_text.rstrip().endswith(
        "жағдайы бойынша" if lang == "kk" else "Данные на 07.12.2026"
    ), user.last_text[-80:]
