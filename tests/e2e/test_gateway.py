"""Telegram's gateway answering with nginx's HTML pages instead of the Bot API's JSON, and calls
whose answer never came. An answer is classified by its HTTP status first: 502/503 mean the
call never reached the Bot API (safe to repeat, even a send); 500/504, a timeout or a dropped
connection mean it may have been done (a send is "maybe delivered", never repeated).
Announcements under the same failures are in test_announcements.py."""

from __future__ import annotations

from tests.conversation import Conversation, Harness

MENU = "Главное меню"


# --- replies ---------------------------------------------------------------------------------


async def test_a_reply_that_met_502_and_503_pages_arrives_once_without_an_error(
    user: Conversation, harness: Harness
) -> None:
    await user.start("Русский")
    before = len(user.messages)
    harness.api.gateway_page_next("sendMessage", 502)
    harness.api.gateway_page_next("sendMessage", 503)
    await user.send("/menu")
    texts = [m.text for m in user.messages[before:]]
    assert len(texts) == 1 and MENU in texts[0], texts


async def test_a_reply_that_met_a_504_page_is_not_sent_twice(
    user: Conversation, harness: Harness
) -> None:
    """504: the Bot API got the call and sent the menu; the gateway lost the answer."""
    await user.start("Русский")
    before = len(user.messages)
    harness.api.gateway_page_next("sendMessage", 504)
    await user.send("/menu")
    texts = [m.text for m in user.messages[before:]]
    # The menu arrived once, and no "something went wrong" follows an answer that arrived.
    assert len(texts) == 1 and MENU in texts[0], texts
