"""The fake Bot API must refuse what Telegram refuses, or the e2e tests prove nothing."""

from __future__ import annotations

import json

import pytest

from bot.sandbox.emulator import TelegramEmulator
from bot.transport.html import ApiError, parse_html
from tests.fake_api import FaultyEmulator


@pytest.mark.parametrize(
    "bad", ["a < b", "<b>x", "<b>x</i>", "<div>x</div>", "R&D", "x</b>", "<a>x</a>"]
)
def test_broken_html_is_refused(bad: str) -> None:
    with pytest.raises(ApiError):
        parse_html(bad)


def test_good_html_is_parsed() -> None:
    assert parse_html('<b>a</b> &lt;&amp;&gt; <a href="https://t.me">t</a>') == "a <&> t"


def test_limits() -> None:
    api = TelegramEmulator()
    api.add_chat(1)
    status, body = api.handle("sendMessage", {"chat_id": "1", "text": "я" * 4097})
    assert status == 400 and "too long" in body["description"]
    markup = json.dumps({"inline_keyboard": [[{"text": "x", "callback_data": "ж" * 33}]]})
    status, body = api.handle("sendMessage", {"chat_id": "1", "text": "ok", "reply_markup": markup})
    assert status == 400 and "BUTTON_DATA_INVALID" in body["description"]
    assert api.handle("sendMessage", {"chat_id": "2", "text": "ok"})[0] == 400
    assert api.handle("noSuchMethod", {})[0] == 404


def test_blocked_chat_and_flood_wait() -> None:
    api = FaultyEmulator()
    api.add_chat(1).blocked = True
    assert api.handle("sendMessage", {"chat_id": "1", "text": "hi"})[0] == 403
    api.add_chat(2)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    status, body = api.handle("sendMessage", {"chat_id": "2", "text": "hi"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    assert api.handle("sendMessage", {"chat_id": "2", "text": "hi"})[0] == 200


def test_copy_keeps_media_and_caption_and_reply_target() -> None:
    api = TelegramEmulator()
    api.add_chat(-100, "Operators", type="supergroup")
    api.add_chat(7, "Operator")
    api.add_chat(1)
    api.user_sends(
        -100,
        from_id=7,
        caption="<b>жауап</b>",
        photo=[{"file_id": "ph1", "file_unique_id": "u1", "width": 1, "height": 1}],
    )
    status, body = api.handle(
        "copyMessage", {"chat_id": "1", "from_chat_id": "-100", "message_id": "1"}
    )
    assert status == 200
    copy = api.find_message(1, body["result"]["message_id"])
    assert copy is not None and copy.kind == "photo" and copy.copied_from == (-100, 1)
    assert copy.media and copy.media["photo"][0]["file_id"] == "ph1"
    status, body = api.handle(
        "copyMessage", {"chat_id": "1", "from_chat_id": "-100", "message_id": "99"}
    )
    assert status == 400
    # A reply carries the replied-to message, as Telegram's updates do.
    sent = api.handle("sendMessage", {"chat_id": "-100", "text": "ticket #1"})[1]["result"]
    update = api.user_sends(-100, "ok", from_id=7, reply_to=sent["message_id"])
    assert update["message"]["reply_to_message"]["text"] == "ticket #1"
    assert update["message"]["from"]["id"] == 7


def test_documents_and_reactions() -> None:
    api = TelegramEmulator()
    api.add_chat(1)
    params = {"chat_id": "1", "document": "attach://f1", "_files": {"f1": ("a.csv", b"x,y")}}
    status, body = api.handle("sendDocument", params)
    assert status == 200 and body["result"]["document"]["file_name"] == "a.csv"
    assert api.bot_messages(1)[-1].upload == ("a.csv", b"x,y")
    params = {"chat_id": "1", "document": "attach://f2", "_files": {"f2": ("e.csv", b"")}}
    assert api.handle("sendDocument", params)[0] == 400
    assert (
        api.handle(
            "sendDocument", {"chat_id": "1", "document": "attach://f1", "caption": "x" * 1025}
        )[0]
        == 400
    )
    message_id = body["result"]["message_id"]
    ok = {
        "chat_id": "1",
        "message_id": str(message_id),
        "reaction": json.dumps([{"type": "emoji", "emoji": "👍"}]),
    }
    assert api.handle("setMessageReaction", ok)[0] == 200
    bad = dict(ok, reaction=json.dumps([{"type": "emoji", "emoji": "🦄"}]))
    assert api.handle("setMessageReaction", bad)[0] == 400


def test_flood_limit_refuses_over_n_sends_in_a_sliding_second() -> None:
    now = [100.0]
    api = TelegramEmulator(flood_limit=3, clock=lambda: now[0])
    api.add_chat(1)
    send = {"chat_id": "1", "text": "hi"}
    assert [api.handle("sendMessage", send)[0] for _ in range(3)] == [200, 200, 200]
    status, body = api.handle("sendMessage", send)
    assert status == 429 and body["parameters"]["retry_after"] >= 1
    assert api.handle("answerCallbackQuery", {"callback_query_id": "9"})[0] == 200, (
        "only message calls count"
    )
    now[0] += 0.5
    assert (
        api.handle("copyMessage", {"chat_id": "1", "from_chat_id": "1", "message_id": "1"})[0]
        == 429
    )
    now[0] += 0.6  # the first three are now more than a second old
    assert api.handle("sendMessage", send)[0] == 200
    assert api.flood_refusals == 2
    assert TelegramEmulator().flood_limit is None, "off by default"


def test_member_status_updates_parse_as_aiogram_types() -> None:
    from aiogram.types import Update

    api = TelegramEmulator()
    api.add_chat(5)
    for status in ("kicked", "member"):
        update = Update.model_validate(api.member_status(5, status))
        assert update.my_chat_member is not None
        assert update.my_chat_member.new_chat_member.status == status
    assert api.chats[5].blocked is False


def test_set_webhook_wants_https_and_a_clean_secret() -> None:
    api = TelegramEmulator()
    assert api.handle("setWebhook", {"url": "http://x.kz/hook"})[0] == 400
    assert api.handle("setWebhook", {"url": "https://x.kz/h", "secret_token": "a b"})[0] == 400
    assert api.refused[-1][0] == "setWebhook"
    status, _ = api.handle(
        "setWebhook",
        {"url": "https://x.kz/h", "secret_token": "ok_1-2", "allowed_updates": '["message"]'},
    )
    assert status == 200 and api.webhook == {
        "url": "https://x.kz/h",
        "secret_token": "ok_1-2",
        "allowed_updates": ["message"],
    }
    api.handle("deleteWebhook", {})
    assert api.webhook is None


def test_gateway_pages_are_html_and_say_whether_the_bot_api_did_the_work() -> None:
    api = FaultyEmulator()
    api.add_chat(1)
    send = {"chat_id": "1", "text": "hi"}
    api.gateway_page_next("sendMessage", 502)
    status, body, kind = api.handle_http("sendMessage", send)
    assert (status, kind) == (502, "text/html") and b"<title>502 Bad Gateway</title>" in body
    assert api.bot_messages(1) == [], "502: the call never reached the Bot API"
    api.gateway_page_next("sendMessage", 504)
    assert api.handle_http("sendMessage", send)[0] == 504
    assert len(api.bot_messages(1)) == 1, "504: done, but the answer was lost"
    api.gateway_page_next(None, 503)
    assert api.handle_http("getMe", {})[0] == 503
    status, body, kind = api.handle_http("getMe", {})
    assert (status, kind) == (200, "application/json") and b'"ok":true' in body
