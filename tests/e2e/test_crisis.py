"""A young person in danger, end to end: the answer fits the danger, in both languages, in
any state of the bot; a person when they ask for one; the helplines stay in view; no words
are kept."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import iso
from bot.config import Settings
from bot.db.database import Database
from tests.conversation import Conversation, Harness
from tests.fake_api import FakeTelegramServer

GROUP = -1001234567890
OPERATOR = 9001

# (kind, a message in Kazakh, one in Russian, what the Kazakh answer says, the Russian one).
# Written for these tests; none comes from the dev or held-out sets.
KINDS = [
    (
        "suicide",
        "енді өмір сүргім келмейді",
        "хочу покончить с собой",
        "Сіз жалғыз емессіз",
        "Вы не одни",
    ),
    ("self-harm", "қолымды тағы кестім", "опять режу руки", "таза матамен", "чистой тканью"),
    (
        "friend",
        "досым өзін өлтіргісі келетінін айтты",
        "подруга говорит что не хочет жить",
        "Тура сұраңыз",
        "Спросите прямо",
    ),
    ("abuse", "өгей әкем мені күнде ұрады", "отчим бьёт меня", "кінәлі емессіз", "нет вашей вины"),
    (
        "online",
        "бір ағай суретімді ата-анаңа жіберемін деп қорқытады",
        "взрослый мужчина требует интимные фото и угрожает разослать",
        "Ештеңе жібермеңіз",
        "Ничего не отправляйте",
    ),
    (
        "home",
        "өгей әкем үйден қуып шықты, түнейтін жерім жоқ",
        "меня выгнали из дома, ночую на вокзале",
        "Түнді көшеде өткізбеңіз",
        "ночью на улице",
    ),
    (
        "addiction",
        "ставкадан қарызға баттым, тоқтата алмаймын",
        "проиграл всё на ставках, долги, не могу остановиться",
        "қайта ойнамаңыз",
        "отыграться",
    ),
]
# Every answer names a number to call now; these are the ones each kind must name.
NUMBERS = {
    "suicide": ("112", "150", "111"),
    "self-harm": ("103", "112", "150"),
    "friend": ("112", "150"),
    "abuse": ("112", "102", "111", "150"),
    "online": ("102", "150", "112"),
    "home": ("112", "102", "150"),
    "addiction": ("111", "150", "112"),
}
CASES = [
    pytest.param(kind, lang, text, marker, id=f"{kind}-{lang}")
    for kind, kk, ru, kk_marker, ru_marker in KINDS
    for lang, text, marker in (("kk", kk, kk_marker), ("ru", ru, ru_marker))
]
BUTTON = {"kk": "Қазақша", "ru": "Русский"}
WRITE = {"kk": "Маманға қазір жазу", "ru": "Написать специалисту сейчас"}


def assert_crisis_answer(user: Conversation, kind: str, marker: str) -> None:
    text = user.last_text
    assert marker in text, text
    for number in NUMBERS[kind]:
        assert number in text, (number, text)
    # Helplines first: the numbers come before any mention of the bot's menus.
    assert "Басты мәзір" not in text and "Главное меню" not in text


@pytest.mark.parametrize(("kind", "lang", "text", "marker"), CASES)
async def test_answer_fits_the_danger_right_after_start(
    user: Conversation, db: Database, kind: str, lang: str, text: str, marker: str
) -> None:
    await user.start(BUTTON[lang])
    await user.send(text)
    assert_crisis_answer(user, kind, marker)
    # No rating, no "not what I asked" under a crisis answer.
    assert not any("Пайдалы" in b or "Помогло" in b for b in user.buttons())
    row = await db.fetch_one("SELECT normalised, crisis, crisis_kind FROM question_log")
    assert row is not None and row["crisis"] == 1 and row["normalised"] == ""
    assert row["crisis_kind"]


@pytest.mark.parametrize(("kind", "lang", "text", "marker"), CASES)
async def test_answer_comes_first_in_the_middle_of_a_form(
    user: Conversation, kind: str, lang: str, text: str, marker: str
) -> None:
    await user.start(BUTTON[lang])
    await user.send("/start reg-neet")
    await user.send("Сейітов Ерлан")
    assert "2/7" in user.last_text
    await user.send(text)
    assert_crisis_answer(user, kind, marker)
    await user.send("19")  # the form goes on where it was
    assert "3/7" in user.last_text


async def test_a_crisis_message_is_never_dropped_by_flood_control(
    harness: Harness, db: Database
) -> None:
    harness.dp["flood_control"].rate = 1
    user = harness.user(5002, "Айбек", language_code="ru")
    await user.start("Русский")
    await user.send("привет")
    await user.send("привет")
    await user.send("хочу покончить с собой")
    assert "112" in user.last_text


async def test_the_words_are_kept_nowhere(
    user: Conversation, db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "ертең көпірден секіремін, бәрі бітеді"
    await user.start("Қазақша")
    await user.send(secret)
    assert "112" in user.last_text
    word = "көпірден"
    assert word not in caplog.text
    raw = b"".join(p.read_bytes() for p in settings.database_path.parent.glob("*") if p.is_file())
    assert word.encode() not in raw and "копирден".encode() not in raw
    row = await db.fetch_one("SELECT crisis_kind, normalised FROM question_log")
    assert row is not None and row["crisis_kind"] == "plan_means" and row["normalised"] == ""


async def test_without_an_operators_group_there_is_no_write_button(user: Conversation) -> None:
    await user.start("Русский")
    await user.send("хочу покончить с собой")
    assert not any(WRITE["ru"] in b for b in user.buttons())
    assert any("Подробнее" in b or "Толық" in b or "Главное" in b for b in user.buttons())


async def test_helplines_stay_in_view_for_an_hour(user: Conversation, db: Database) -> None:
    await user.start("Русский")
    await user.send("не хочу больше жить")
    await user.send("какая погода завтра")  # the bot would say "I don't know" otherwise
    assert "Я рядом" in user.last_text and "150" in user.last_text
    assert "нет ответа" not in user.last_text
    await user.send("что такое молодежная практика")
    assert user.last_text.startswith("💛 Я рядом") and "Молодёжная практика" in user.last_text
    # An hour later the bot answers as usual.
    async with db.statement() as conn:
        await conn.execute(
            "UPDATE users SET crisis_at = ?", (iso(datetime.now(UTC) - timedelta(hours=2)),)
        )
    await user.send("какая погода завтра")
    assert "нет ответа" in user.last_text and "Я рядом" not in user.last_text


class TestWithOperators:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"admin_chat_id": GROUP})

    @pytest.fixture
    def desk(self, harness: Harness) -> Harness:
        harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
        harness.api.add_chat(OPERATOR, "Асель", username="asel_op")
        harness.api.join(GROUP, OPERATOR)
        return harness

    @pytest.mark.parametrize("lang", ["kk", "ru"])
    async def test_urgent_ticket_reaches_the_group_first(
        self, desk: Harness, db: Database, lang: str
    ) -> None:
        user = desk.user(5001, "Дана", language_code=lang)
        await user.start(BUTTON[lang])
        text = "енді өмір сүргім келмейді" if lang == "kk" else "хочу покончить с собой"
        await user.send(text)
        crisis_message = [m for m in desk.api.chats[5001].messages if not m.from_bot][-1]
        answer_id = user.last.message_id
        assert not desk.api.bot_messages(GROUP)  # nothing is forwarded without a tap
        await user.click(WRITE[lang])
        # The button is gone (one tap, one ticket) and the user is told it went as urgent.
        answer = desk.api.find_message(5001, answer_id)
        assert answer is not None
        assert not any(WRITE[lang] in b.text for row in answer.buttons for b in row)
        assert "112" in user.last_text and "№1" in user.last_text
        posted = desk.api.bot_messages(GROUP)
        header, copy = posted[0], posted[1]
        assert "🆘" in header.text and ("ШҰҒЫЛ" in header.text or "СРОЧНО" in header.text)
        assert copy.copied_from == (5001, crisis_message.message_id)
        assert desk.api.chats[GROUP].pinned == [header.message_id]
        row = await db.fetch_one("SELECT urgent, crisis_kind, status FROM tickets")
        assert row is not None and row["urgent"] == 1 and row["status"] == "open"
        assert row["crisis_kind"] == "suicidal"
        # The operator answers the copy; the user gets it and the pin is lifted.
        await desk.feed(
            desk.api.user_sends(
                GROUP,
                "Дана, мен осындамын. Қоңырау шалайын ба?",
                from_id=OPERATOR,
                reply_to=copy.message_id,
            )
        )
        assert "мен осындамын" in "\n".join(m.text for m in desk.api.bot_messages(5001))
        assert desk.api.chats[GROUP].pinned == []

    async def test_an_urgent_post_whose_fate_is_unknown_is_kept(
        self, desk: Harness, db: Database, fake_api: FakeTelegramServer
    ) -> None:
        """The 🆘 post times out but arrives: the ticket stays, the user keeps the helplines,
        and the operator's reply to the post still reaches them."""
        user = desk.user(5004, "Мадина", language_code="ru")
        await user.start("Русский")
        await user.send("хочу покончить с собой")
        timeout = desk.bot.session.timeout
        desk.bot.session.timeout = 0.3
        fake_api.hang_next("sendMessage", 1.0)
        await user.click(WRITE["ru"])
        desk.bot.session.timeout = timeout
        assert "Не знаю, дошло ли" in user.last_text and "150" in user.last_text
        await asyncio.wait_for(fake_api.hung.wait(), 5)
        [header] = desk.api.bot_messages(GROUP)
        assert "СРОЧНО" in header.text or "ШҰҒЫЛ" in header.text
        row = await db.fetch_one("SELECT urgent FROM tickets")
        assert row is not None and row["urgent"] == 1  # kept, not withdrawn
        await desk.feed(
            desk.api.user_sends(
                GROUP, "Мадина, я здесь, напишите мне", from_id=OPERATOR, reply_to=header.message_id
            )
        )
        assert any(m.text == "Мадина, я здесь, напишите мне" for m in user.messages)

    async def test_urgent_ticket_is_not_refused_for_unanswered_questions(
        self, desk: Harness, db: Database
    ) -> None:
        user = desk.user(5003, "Ержан", language_code="ru")
        await user.start("Русский")
        for n in range(3):
            await user.send("/ask")
            await user.send(f"вопрос про гранты номер {n}")
        await user.send("/ask")
        assert "3" in user.last_text and "отправлен" not in user.last_text  # the open limit
        await user.send("отчим бьёт меня")
        await user.click(WRITE["ru"])
        assert "срочное" in user.last_text
        rows = await db.fetch_all("SELECT urgent FROM tickets ORDER BY id")
        assert [r["urgent"] for r in rows] == [0, 0, 0, 1]
