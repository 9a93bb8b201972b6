"""Security: admin checks on every call, operators only from ADMIN_CHAT_ID, webhook secret,
no personal data in logs, /forget gone from the file itself, /reload for admins."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.app import create_bot, create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.logs import RedactingFilter, quiet_chatty_loggers
from bot.transport.webhook import build_app
from tests.conftest import ROOT, TOKEN
from tests.conversation import Conversation, Harness
from tests.e2e.test_registration import fill
from tests.fake_api import FakeTelegramServer

SECRET = "s3cret-token_for-the-webhook"
GROUP = -100555


@pytest.mark.parametrize("command", ["/gaps", "/stats 7", "/export", "/reload"])
async def test_admin_commands_do_not_exist_for_others(user: Conversation, command: str) -> None:
    await user.start("Русский")
    await user.send(command)
    assert "Такой команды я не знаю" in user.last_text


async def test_forged_admin_buttons_from_others_do_nothing(harness: Harness, db: Database) -> None:
    user = harness.user(5201, "Айгерім", language_code="kk")
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(user)
    await user.click("Растау")
    harness.api.add_chat(GROUP, "Someone's group", type="supergroup")
    for chat, data in (
        (user.id, "rs:1:enrolled"),
        (GROUP, "rs:1:declined"),
        (user.id, "rs:1:open"),
        (user.id, "k:1:c"),
    ):
        await harness.feed(harness.api.user_presses(chat, 1, data, from_id=user.id))
    row = await db.fetch_one("SELECT status FROM registrations")
    assert row is not None and row["status"] == "new"
    assert harness.api.bot_messages(GROUP) == []


async def test_operator_replies_count_only_in_the_operators_chat(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> None:
    """A reply to a copy of a ticket in another group is ignored: no copy to the user."""
    api_settings = settings.model_copy(
        update={"telegram_api_url": fake_api.base_url, "admin_chat_id": GROUP}
    )
    api = fake_api.emulator
    api.add_chat(GROUP, "Operators", type="supergroup")
    other = api.add_chat(-100556, "Impostors", type="supergroup")
    api.add_chat(9001, "Оператор")
    api.join(GROUP, 9001)
    api.join(other.id, 9001)
    bot = create_bot(api_settings, TOKEN)
    dp = create_dispatcher(api_settings, db, content)
    h = Harness(bot=bot, dp=dp, api=api, settings=api_settings)
    try:
        user = h.user(5202, language_code="ru")
        await user.start("Русский")
        await user.send("/ask")
        await user.send("Как получить грант?")
        [ticket] = api.bot_messages(GROUP)
        fake = api.user_sends(other.id, "Держи ответ")  # a message with the same id there
        await h.feed(
            api.user_sends(
                other.id, "ответ самозванца", from_id=9001, reply_to=fake["message"]["message_id"]
            )
        )
        await h.feed(
            api.user_sends(other.id, "ответ самозванца", from_id=9001, reply_to=ticket.message_id)
        )
        assert not any("самозванца" in m.text for m in user.messages)
        await h.feed(
            api.user_sends(GROUP, "Настоящий ответ", from_id=9001, reply_to=ticket.message_id)
        )
        assert any("Настоящий ответ" in m.text for m in user.messages)
    finally:
        await bot.session.close()


# --- webhook -------------------------------------------------------------------------------


@pytest.fixture
async def webhook(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[tuple[TestClient, Harness]]:
    hook_settings = settings.model_copy(
        update={
            "telegram_api_url": fake_api.base_url,
            "webhook_url": "https://bot.example.kz/tg/hook",
            "webhook_secret": SecretStr(SECRET),
        }
    )
    bot = create_bot(hook_settings, TOKEN)
    dp = create_dispatcher(hook_settings, db, content)
    app = build_app(dp, bot, hook_settings, db, background=False)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, Harness(bot=bot, dp=dp, api=fake_api.emulator, settings=hook_settings)
    finally:
        await client.close()


async def test_webhook_needs_the_secret_and_serves_health(
    webhook: tuple[TestClient, Harness],
) -> None:
    client, h = webhook
    # Start-up told Telegram where to post, with the secret.
    [(_, params)] = [c for c in h.api.calls if c[0] == "setWebhook"]
    assert params["url"] == "https://bot.example.kz/tg/hook"
    assert params["secret_token"] == SECRET
    user = h.user(5301, language_code="ru")
    update = h.api.user_sends(user.id, "/start")
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        response = await client.post("/tg/hook", json=update, headers=headers)
        assert response.status == 401
    assert user.messages == []
    response = await client.post(
        "/tg/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 200
    assert "Выберите язык" in user.last_text
    health = await client.get("/healthz")
    assert health.status == 200 and (await health.json())["ok"] is True
    await h.dp["db"].close()  # the database goes away: the monitor hears of it
    health = await client.get("/healthz")
    assert health.status == 503


async def test_webhook_refuses_a_body_that_is_not_an_update(
    webhook: tuple[TestClient, Harness],
) -> None:
    """400, not 500: Telegram (or whoever posted it) must not retry it for ever."""
    client, h = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body in (
        b"{not json",
        b"",
        b"[1, 2]",
        b'{"message": {}}',
        b'{"update_id": "x"}',
        '{"update_id": 1, "message": "\xff"}'.encode("latin-1"),
    ):
        response = await client.post(
            "/tg/hook", data=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status == 400, body
    user = h.user(5303, language_code="ru")
    response = await client.post(
        "/tg/hook", json=h.api.user_sends(user.id, "/start"), headers=headers
    )
    assert response.status == 200 and "Выберите язык" in user.last_text


async def test_webhook_handles_a_repeated_update_once(webhook: tuple[TestClient, Harness]) -> None:
    """Telegram posts an update again when its first post got no answer in time."""
    client, h = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    user = h.user(5304, language_code="ru")
    await client.post("/tg/hook", json=h.api.user_sends(user.id, "/start"), headers=headers)
    await client.post("/tg/hook", json=h.api.user_sends(user.id, "/help"), headers=headers)
    replayed = h.api.user_sends(user.id, "/menu")
    for _ in range(3):
        response = await client.post("/tg/hook", json=replayed, headers=headers)
        assert response.status == 200
    assert sum("Главное меню" in m.text for m in user.messages) == 1


def test_webhook_settings_are_checked(settings: Settings) -> None:
    from bot.config import SettingsError, load_settings

    for bad in (
        {"webhook_url": "http://plain.example"},
        {"webhook_secret": "short"},
        {"webhook_secret": "has spaces in it, which Telegram refuses"},
    ):
        with pytest.raises(SettingsError):
            load_settings(database_path=settings.database_path, **bad)


# --- personal data -------------------------------------------------------------------------


async def test_no_phone_or_name_in_the_logs_of_a_full_registration(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Every logger at DEBUG, as `LOG_LEVEL=DEBUG` sets them (records checked before the
    redacting filter, which is only the second line of defence)."""
    user = harness.user(5401, "Жансая", language_code="kk", username="zhansaya_k")
    quiet_chatty_loggers()  # what setup_logging does in production
    with caplog.at_level(logging.DEBUG):
        await user.start("Қазақша")
        await user.send("/start reg-neet")
        await fill(
            user,
            name="Құрманова Жансая",
            phone="+7 705 987 65 43",
            comment="Менің нөмірім 87059876543",
        )
        await user.click("Растау")
        await user.send("/my")
        await user.send("/forget")
        await user.click("Иә, бәрін жою")
    assert "жойылды" in user.last_text
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for secret in (
        "Құрманова",
        "Жансая",
        "zhansaya",
        "9876543",
        "987 65 43",
        "нөмірім",
        TOKEN,
        TOKEN.split(":")[1],
    ):
        assert secret not in logged, secret


def test_the_log_filter_blanks_phones_and_secrets() -> None:
    redact = RedactingFilter([TOKEN]).redact
    assert redact(f"url /bot{TOKEN}/sendMessage") == "url /bot[hidden]/sendMessage"
    for phone in ("+77011234567", "+7 701 123 45 67", "8 (701) 123-45-67", "87011234567"):
        assert "[hidden]" in redact(f"got {phone}."), phone
    for kept in ("user 7012345678 failed", "update 123456789", "version 2026-11-25"):
        assert redact(kept) == kept


async def test_forget_leaves_nothing_in_the_database_file(
    harness: Harness, settings: Settings
) -> None:
    """The files are read right after the confirmation, the bot still running: no VACUUM,
    no checkpoint of the test's own (the old frames of the WAL hold every version)."""
    user = harness.user(5402, "Test", language_code="kk")
    await user.start("Қазақша")
    await user.send("/start reg-neet")
    await fill(
        user,
        name="Ақжол Бекназаров",
        phone="+7 702 111 22 33",
        comment="Сабақтан кейін хабарласыңыз",
    )
    await user.click("Растау")
    await user.send("/forget")
    await user.click("Иә, бәрін жою")
    path = Path(settings.database_path)
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for secret in ("Бекназаров", "Ақжол", "+77021112233", "Сабақтан"):
        assert secret.encode() not in raw, secret
    assert b"neet" in raw  # the anonymous count stays


# --- /reload -------------------------------------------------------------------------------


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the content, so a test can break it."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return settings.model_copy(update={"content_dir": copy})


async def test_reload_applies_good_edits_and_refuses_broken_ones(
    harness: Harness, settings: Settings
) -> None:
    admin = harness.user(1001, "Admin", language_code="ru")
    await admin.start("Русский")
    topic = settings.content_dir / "topics" / "neet.toml"
    text = topic.read_text(encoding="utf-8")
    # the topic's own title, not a [[sources]] title above it
    topic.write_text(text.replace('[kk]\ntitle = "', '[kk]\ntitle = "НОВОЕ ', 1), encoding="utf-8")
    await admin.send("/reload")
    assert "Контент обновлён" in admin.last_text
    assert (
        "НОВОЕ"
        in harness.dp["content"].catalog.get("neet").kk.title
        + harness.dp["content"].catalog.get("neet").ru.title
    )
    topic.write_text(text + "\n[broken\n", encoding="utf-8")
    await admin.send("/reload")
    assert "не обновлён" in admin.last_text and "neet.toml" in admin.last_text
    still = harness.dp["content"].catalog.get("neet")
    assert "НОВОЕ" in still.kk.title + still.ru.title  # the running content stayed
    await admin.send("стипендия")  # and the search still answers
    assert admin.last_text
