"""Bad input and abuse: the global error handler, update kinds the bot does not handle,
flood control, forged buttons and deep links. Nothing may raise; the bot keeps serving."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from aiogram.utils.backoff import BackoffConfig

from bot.middlewares import FloodControlMiddleware
from bot.sandbox.emulator import TelegramEmulator
from bot.services.answers import Answerer
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
MEDIA: dict[str, dict[str, Any]] = {
    "sticker": {"sticker": STICKER},
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}},
    "video_note": {
        "video_note": {"file_id": "n1", "file_unique_id": "n1u", "length": 240, "duration": 4}
    },
    "location": {"location": {"latitude": 42.32, "longitude": 69.59}},
    "poll": {
        "poll": {
            "id": "p1",
            "question": "?",
            "options": [
                {"text": "a", "voter_count": 0, "persistent_id": "a"},
                {"text": "b", "voter_count": 0, "persistent_id": "b"},
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
    "dice": {"dice": {"emoji": "🎲", "value": 3}},
    "contact": {"contact": {"phone_number": "+77011234567", "first_name": "X", "user_id": 1}},
    "photo": {"photo": [{"file_id": "ph", "file_unique_id": "phu", "width": 9, "height": 9}]},
}


def errors_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def refused(api: TelegramEmulator) -> list[tuple[str, int, str]]:
    """Calls the fake Telegram refused, bar the "not modified" answers the bot expects."""
    return [r for r in api.refused if "not modified" not in r[2]]


async def test_a_crashing_handler_is_logged_without_text_and_the_user_is_told(
    user: Conversation,
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await user.start("Русский")
    answerer: Answerer = harness.dp["answerer"]

    def boom(text: str, lang: str) -> None:
        raise ValueError(f"cannot parse {text!r}")

    monkeypatch.setattr(answerer, "answer", boom)
    with caplog.at_level(logging.INFO):
        await user.send("моя тайна +7 701 555 44 33")
    assert "что-то пошло не так" in user.last_text  # in the user's language
    [line] = errors_in(caplog)
    assert "(user 5001) failed: ValueError" in line
    assert "тайна" not in caplog.text and "555" not in caplog.text
    monkeypatch.undo()
    await user.send("стипендия")  # the next update is served as usual
    assert "что-то пошло не так" not in user.last_text


async def test_a_crashing_button_handler_answers_too(
    user: Conversation, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await user.start("Қазақша")

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("db gone")

    monkeypatch.setattr("bot.handlers.start.show", boom)
    await user.click("Анықтама")
    assert user.last_text == harness.dp["content"].i18n.get("kk", "error-generic")


async def test_polling_never_stops_after_a_failure(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real long polling: a handler crash, a 502 from getUpdates, then normal service."""
    user = harness.user(5002, language_code="ru")
    api = harness.api
    crashed = False

    def boom(text: str, lang: str) -> None:
        nonlocal crashed
        crashed = True
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.dp["answerer"], "answer", boom)
    api.user_sends(user.id, "вопрос")
    task = asyncio.create_task(
        harness.dp.start_polling(
            harness.bot,
            handle_signals=False,
            polling_timeout=1,
            close_bot_session=False,
            backoff_config=BackoffConfig(min_delay=0.05, max_delay=0.2, factor=1.5, jitter=0.1),
        )
    )
    try:
        await wait_for(lambda: len(user.messages) >= 1)
        assert crashed and "что-то пошло не так" in user.last_text
        monkeypatch.undo()
        api.fail_next("getUpdates", 502, "Bad Gateway")
        api.fail_next("getUpdates", 500, "Internal Server Error")
        api.user_sends(user.id, "/menu")
        await wait_for(lambda: "Главное меню" in user.messages[-1].text)
    finally:
        await harness.dp.stop_polling()
        await task


async def wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_media_in_a_private_chat_gets_a_way_back(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = harness.user(5100, language_code="ru")
    await user.start("Русский")
    for kind in sorted(MEDIA):  # one harness for all: each would cost a second to build
        await user.send(**MEDIA[kind])
        assert "только текст и кнопки" in user.last_text and user.buttons(), kind
    assert errors_in(caplog) == [] and refused(harness.api) == []


async def test_updates_the_bot_does_not_handle_are_ignored_quietly(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    api = harness.api
    user = harness.user(5101, language_code="kk")
    await user.start("Қазақша")
    seen = len(api.calls)
    stranger = api.add_chat(-100999, "Some group", type="supergroup")
    channel = api.add_chat(-100888, "Some channel", type="channel")
    chat = api.chats[user.id]
    message = {
        "message_id": 1,
        "date": 0,
        "chat": chat.as_chat(),
        "from": chat.as_user(),
        "text": "edited",
        "edit_date": 1,
    }
    updates: list[dict[str, Any]] = [
        {"edited_message": message},
        {"channel_post": {"message_id": 2, "date": 0, "chat": channel.as_chat(), "text": "x"}},
        {
            "edited_channel_post": {
                "message_id": 2,
                "date": 0,
                "chat": channel.as_chat(),
                "text": "y",
                "edit_date": 1,
            }
        },
        {"inline_query": {"id": "iq1", "from": chat.as_user(), "query": "грант", "offset": ""}},
        {"chosen_inline_result": {"result_id": "r", "from": chat.as_user(), "query": "q"}},
        {"poll": MEDIA["poll"]["poll"]},
        {
            "my_chat_member": {
                "chat": stranger.as_chat(),
                "from": chat.as_user(),
                "date": 0,
                "old_chat_member": {"status": "left", "user": chat.as_user()},
                "new_chat_member": {"status": "member", "user": chat.as_user()},
            }
        },
    ]
    for raw in updates:
        await harness.feed({"update_id": 900000 + len(api.calls), **raw})
    # Messages in a group the bot was added to: commands, text, media, a deep link.
    for text in ("/start", "/menu", "стипендия", "/start reg-neet", "/forget", "/gaps"):
        await harness.feed(api.user_sends(stranger.id, text, from_id=user.id))
    await harness.feed(api.user_sends(stranger.id, None, from_id=user.id, **MEDIA["sticker"]))
    assert api.bot_messages(stranger.id) == [] and api.bot_messages(channel.id) == []
    assert [m for m, _ in api.calls[seen:]] == []  # not one API call
    assert errors_in(caplog) == []


async def test_a_button_of_an_inline_message_is_out_of_date(harness: Harness) -> None:
    chat = harness.api.add_chat(5102, "X", language_code="ru")
    await harness.feed(
        {
            "update_id": 77,
            "callback_query": {
                "id": "cb77",
                "from": chat.as_user(),
                "chat_instance": "ci",
                "inline_message_id": "im",
                "data": "m:main",
            },
        }
    )
    await harness.feed(
        {
            "update_id": 78,
            "callback_query": {
                "id": "cb78",
                "from": chat.as_user(),
                "chat_instance": "ci",
                "game_short_name": "g",
            },
        }
    )
    assert "устарела" in harness.api.answered_callbacks["cb78"].get("text", "")
    assert refused(harness.api) == []


FORGED = [
    "t:../../etc:f",
    "c:",
    "m:",
    "m:nowhere",
    "l:en",
    "f:abc:1",
    "f:1:7",
    "f:999999:1",
    "n:neet:x",
    "a:zz",
    "k:1:s",
    "k:x:c",
    "rf:confirm:",
    "rf:edit:phone",
    "rm:1:yes",
    "rm:x:ask",
    "rm:1:boom",
    "fg:maybe",
    "rs:1:enrolled",
    "rs:1:open",
    ":",
    "::::::",
    "\u202e\u0000",
    "é" * 32,
    "1" * 64,
]


async def test_forged_or_stale_buttons_are_out_of_date(harness: Harness) -> None:
    user = harness.user(5103, language_code="ru")
    await user.start("Русский")
    anchor = user.last.message_id
    for data in FORGED:
        answer = await user.press(anchor, data)
        assert "устарела" in answer.get("text", ""), (data, answer)
    assert refused(harness.api) == []


async def test_odd_deep_link_payloads_get_a_plain_answer(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = harness.user(5104, language_code="kk")
    for payload in (
        "reg-",
        "reg-x",
        "reg-NEET",
        "reg-neet-",
        "reg-" + "a" * 60,
        "reg-../x",
        "reg-neet%00",
        "anything",
        "<b>",
        "a" * 64,
        "reg-контакт",
    ):
        before = len(user.messages)
        await user.send(f"/start {payload}")
        assert len(user.messages) > before, payload
    assert errors_in(caplog) == [] and refused(harness.api) == []


async def test_flood_is_dropped_with_one_warning(harness: Harness) -> None:
    now = [1000.0]
    flood: FloodControlMiddleware = harness.dp["flood_control"]
    flood.rate, flood.clock = 3, lambda: now[0]  # the test's clock: no timing involved
    user = harness.user(5105, language_code="ru")
    for _ in range(10):
        await user.send("/help")
    texts = [m.text for m in user.messages]
    assert len([t for t in texts if "Слишком много" in t]) == 1
    assert len([t for t in texts if "Слишком много" not in t]) == 3  # three /help answers
    assert flood.dropped == 7
    now[0] += 1.0  # a second later the user is served again, without another warning
    await user.send("/menu")
    assert "Главное меню" in user.last_text
    now[0] += 0.1
    for _ in range(5):
        await user.send("/help")
    assert len([m for m in user.messages if "Слишком много" in m.text]) == 1
    # Admins are not throttled.
    admin = harness.user(1001, language_code="ru")
    for _ in range(6):
        await admin.send("/help")
    assert len(admin.messages) == 6


async def test_flood_state_is_swept() -> None:
    now = [0.0]
    flood = FloodControlMiddleware(2, clock=lambda: now[0], warn_every=5)

    async def handler(event: object, data: dict[str, Any]) -> str:
        return "ok"

    class U:
        def __init__(self, i: int) -> None:
            self.id, self.language_code = i, None

    for i in range(1000):
        await flood(handler, object(), {"event_from_user": U(i)})
    now[0] += 10
    await flood(handler, object(), {"event_from_user": U(1)})
    assert len(flood._windows) == 1 and flood._warned == {}
