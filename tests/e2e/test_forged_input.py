"""Odd arguments and forged buttons are answered, never passed to the error handler, and
every press in the operators' chat gets an answer (issue 14, item 9)."""

from __future__ import annotations

import logging

import pytest

from bot.config import Settings
from tests.conversation import Harness

GROUP = -1001234567890
OPERATOR = 9001  # in the group, not in ADMIN_IDS
TOO_BIG = str(2**64)
OUTDATED_RU = "Эта кнопка устарела"
OUTDATED_KK = "Бұл батырма ескірген"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_chat_id": GROUP})


@pytest.fixture
def group(harness: Harness) -> int:
    """The operators' group with one message in it to press buttons on."""
    harness.api.add_chat(GROUP, "Jastar operators", type="supergroup")
    harness.api.add_chat(OPERATOR, "Асель")
    update = harness.api.user_sends(GROUP, "сәлем", from_id=OPERATOR)
    return int(update["message"]["message_id"])


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    failed = [r.getMessage() for r in caplog.records if r.name == "bot.handlers.errors"]
    assert failed == [], failed


async def test_gaps_with_a_superscript_digit_is_the_default_report(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    for arg in ("²", "٣", "9" * 4000):
        await admin.send(f"/gaps {arg}")
        assert "что-то пошло не так" not in admin.last_text
        assert "дн." in admin.last_text, admin.last_text
    no_errors(caplog)


@pytest.mark.parametrize(
    "data",
    [
        f"f:{TOO_BIG}:1",  # helpful / not helpful on a question-log row
        f"n:neet:{TOO_BIG}",  # "not what I asked"
        f"rm:ask:{TOO_BIG}",  # /my: cancel a registration
        f"sb:{TOO_BIG}",  # stop / resume announcements
        "f:1:7",
    ],
)
async def test_a_forged_id_of_2_to_the_64_is_out_of_date(
    harness: Harness, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    user = harness.user(5001, "Аян", language_code="ru")
    await user.start("Русский")
    answer = await user.press(user.last.message_id, data)
    assert OUTDATED_RU in answer.get("text", ""), answer
    assert not any("что-то пошло не так" in m.text for m in user.new_messages())
    no_errors(caplog)


async def test_a_forged_announcement_control_is_out_of_date(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    for val in (TOO_BIG, "²"):
        answer = await admin.press(admin.last.message_id, f"bc:stop:{val}")
        assert OUTDATED_RU in answer.get("text", ""), answer
    no_errors(caplog)


@pytest.mark.parametrize(
    "data", [f"k:{TOO_BIG}:s", f"k:{TOO_BIG}:c", f"rs:{TOO_BIG}:enrolled", "zz:unknown"]
)
async def test_a_forged_press_in_the_operators_chat_is_answered(
    harness: Harness, group: int, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    update = harness.api.user_presses(GROUP, group, data, from_id=1001)
    await harness.feed(update)
    answer = harness.api.answered_callbacks.get(update["callback_query"]["id"])
    assert answer is not None, "the press was never answered"
    assert OUTDATED_KK in answer.get("text", ""), answer  # the group reads kk by default
    no_errors(caplog)


async def test_a_non_admin_pressing_a_status_button_is_told(
    harness: Harness, group: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    for data in ("rs:1:contacted", "rs:1:open"):
        update = harness.api.user_presses(GROUP, group, data, from_id=OPERATOR)
        await harness.feed(update)
        answer = harness.api.answered_callbacks.get(update["callback_query"]["id"])
        assert answer is not None, "the press was never answered"
        assert "әкімшілері" in answer.get("text", ""), answer
    no_errors(caplog)
