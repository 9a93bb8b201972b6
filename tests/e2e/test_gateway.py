"""Telegram's gateway answering with nginx's HTML pages instead of the Bot API's JSON, and calls
whose answer never came. An answer is classified by its HTTP status first: 502/503 mean the
call never reached the Bot API (safe to repeat, even a send); 500/504, a timeout or a dropped
connection mean it may have been done (a send is "maybe delivered", never repeated)."""

from __future__ import annotations

import asyncio

from bot.db.broadcasts import Audience, Broadcasts
from bot.db.users import Users
from bot.services.broadcasts import Draft, create_broadcast
from tests.conversation import Conversation, Harness
from tests.e2e.test_announcements import (  # noqa: F401 - the `setup` fixture
    ADMIN,
    Setup,
    compose,
    copies,
    seed_users,
    setup,
    statuses,
)
from tests.fake_api import FakeTelegramServer

MENU = "Главное меню"


def error_text(h: Harness) -> str:
    return h.dp["content"].i18n.get("ru", "error-generic")


# --- replies ---------------------------------------------------------------------------------


async def test_a_reply_that_met_502_and_503_pages_arrives_once_without_an_error(
        user: Conversation, harness: Harness) -> None:
    await user.start("Русский")
    before = len(user.messages)
    harness.api.gateway_page_next("sendMessage", 502)
    harness.api.gateway_page_next("sendMessage", 503)
    await user.send("/menu")
    texts = [m.text for m in user.messages[before:]]
    assert len(texts) == 1 and MENU in texts[0], texts


async def test_a_reply_that_met_a_504_page_is_not_sent_twice(
        user: Conversation, harness: Harness) -> None:
    """504: the Bot API got the call and sent the menu; the gateway lost the answer."""
    await user.start("Русский")
    before = len(user.messages)
    harness.api.gateway_page_next("sendMessage", 504)
    await user.send("/menu")
    menus = [m for m in user.messages[before:] if MENU in m.text]
    assert len(menus) == 1


# --- announcements ---------------------------------------------------------------------------


async def test_a_broadcast_through_gateway_pages_reaches_everyone_exactly_once(
        setup: Setup) -> None:  # noqa: F811 - the fixture imported above
    """300 recipients; the gateway answers some copies with 502/503 pages: each recipient
    gets one copy and nothing stays in flight or uncertain."""
    h, db = setup.h, setup.db
    await seed_users(h, db, range(7001, 7301))
    source = await compose(setup.admin, "Жастар форумы 20 желтоқсанда", ["Всем подписчикам"])
    for status in (502, 503, 502, 502, 503, 502):
        h.api.gateway_page_next("copyMessage", status)
    await setup.admin.click("Отправить сейчас")
    await setup.broadcaster.settle()
    got = [copies(h, uid, source) for uid in range(7001, 7301)]
    assert got == [1] * 300
    tally = await Broadcasts(db.conn).tally(1)
    assert (tally.sent, tally.sending, tally.uncertain, tally.failed) == (301, 0, 0, 0)


async def only_user(setup: Setup, user_id: int, text: str) -> tuple[int, tuple[int, int]]:
    """A job for one Russian-speaking user (the admin unsubscribes): (job id, source)."""
    await seed_users(setup.h, setup.db, [user_id])
    async with setup.db.transaction() as conn:
        await Users(conn).set_subscribed(ADMIN, False)
    source_id = setup.h.api.user_sends(ADMIN, text)["message"]["message_id"]
    draft = Draft(ADMIN, ADMIN, source_id, Audience("lang", "ru"))
    job_id, count = await create_broadcast(setup.db, draft, setup.clock.now())
    assert count == 1
    return job_id, (ADMIN, source_id)


async def test_a_copy_behind_a_504_or_500_page_counts_as_maybe_delivered(setup: Setup) -> None:
    """504: Telegram delivered it; 500: unknown. Neither is sent again, neither stays in
    flight until the next start: both are settled as uncertain at once."""
    h = setup.h
    job_504, source_504 = await only_user(setup, 7401, "Первое объявление")
    h.api.gateway_page_next("copyMessage", 504)
    await setup.broadcaster.settle()
    assert copies(h, 7401, source_504) == 1
    assert await statuses(setup.db, job_504) == {7401: "uncertain"}

    job_500, source_500 = await only_user(setup, 7402, "Второе объявление")
    h.api.gateway_page_next("copyMessage", 500, processed=False)
    await setup.broadcaster.settle()
    assert copies(h, 7402, source_500) == 0  # this time it was not done: a known loss
    assert await statuses(setup.db, job_500) == {7402: "uncertain"}


async def test_a_copy_that_timed_out_but_arrived_is_not_sent_twice(
        setup: Setup, fake_api: FakeTelegramServer) -> None:
    """Telegram is slow: the worker gives up waiting, Telegram delivers anyway."""
    h = setup.h
    h.bot.session.timeout = 0.3
    fake_api.hang_next("copyMessage", 1.0)
    job_id, source = await only_user(setup, 7501, "Объявление в час пик")
    await setup.broadcaster.settle()
    await asyncio.wait_for(fake_api.hung.wait(), 10)
    await asyncio.sleep(0.2)  # a second copy, if one were sent, has arrived by now
    assert copies(h, 7501, source) == 1
    assert await statuses(setup.db, job_id) == {7501: "uncertain"}
