"""The fake Bot API must refuse what Telegram refuses, or the e2e tests prove nothing."""

from __future__ import annotations

import json

import pytest

from bot.emulator import ApiError, TelegramEmulator, parse_html


@pytest.mark.parametrize("bad", ["a < b", "<b>x", "<b>x</i>", "<div>x</div>", "R&D", "x</b>",
                                 '<a>x</a>'])
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
    status, body = api.handle("sendMessage", {"chat_id": "1", "text": "ok",
                                              "reply_markup": markup})
    assert status == 400 and "BUTTON_DATA_INVALID" in body["description"]
    assert api.handle("sendMessage", {"chat_id": "2", "text": "ok"})[0] == 400
    assert api.handle("noSuchMethod", {})[0] == 404


def test_blocked_chat_and_flood_wait() -> None:
    api = TelegramEmulator()
    api.add_chat(1).blocked = True
    assert api.handle("sendMessage", {"chat_id": "1", "text": "hi"})[0] == 403
    api.add_chat(2)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    status, body = api.handle("sendMessage", {"chat_id": "2", "text": "hi"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    assert api.handle("sendMessage", {"chat_id": "2", "text": "hi"})[0] == 200
