"""The admins' side of events through the real dispatcher and the fake Bot API, in both
languages: `/event` step by step (each wrong answer asked again, past dates refused, both
languages required) with the preview users will see, editing a field (a seat added goes to
the first in line), copying to a new date, cancelling (everyone told once, in their
language, across a restart), check-in twice, the attendee CSV and `/stats`."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.services import event_rsvps, events
from bot.workers.event_cancellations import CancellationNotices
from tests.conversation import Conversation
from tests.e2e.test_events import (
    NOW,
    FakeClock,
    Setup,
    add_event,
    person,
    setup,
    start,
    stop,
)
from tests.fake_api import FakeTelegramServer

__all__ = ["setup"]  # the fixture, shared with the users' side

ADMIN = 1001
PHOTO = [{"file_id": "qr", "file_unique_id": "qr", "width": 640, "height": 640}]

ADMIN_TEXTS = {
    "kk": {
        "new": "Жаңа іс-шара",
        "skip": "Өткізіп жіберу",
        "publish": "Жариялау",
        "edit": "Өзгерту",
        "capacity": "Орын саны",
        "title": "Атауы",
        "copy": "Басқа күнге",
        "cancel": "Іс-шараны тоқтату",
        "yes": "Иә, тоқтатып",
        "no-reg": "Сауалнамасыз",
        "past": "Басталу уақыты өтіп кеткен",
        "bad-when": "Күні мен уақыты оқылмады",
        "ages": "Жас шегі дұрыс емес",
        "cap": "Орын саны 1-ден",
        "empty": "Бос жауап жарамайды",
        "ask-ru": "Орысша атауы",
        "published": "Жарияланды",
        "saved": "Өзгерістер сақталды",
        "copied": "Көшірмесі жасалды",
        "cancelled": "Хабарламалар саны: 2",
        "ok": "✅ Белгіленді",
        "already": "Бұған дейін белгіленген, уақыты 20.11.2026 14:00",
        "unknown": "Мұндай код жоқ",
        "photo": "QR-кодтың суретін оқи алмайды",
        "stats": "Іс-шаралар</b>, соңғы 30 күн",
        "told": "хабарланды: 2",
    },
    "ru": {
        "new": "Новое мероприятие",
        "skip": "Пропустить",
        "publish": "Опубликовать",
        "edit": "Изменить",
        "capacity": "Число мест",
        "title": "Название",
        "copy": "Копия на другую дату",
        "cancel": "Отменить мероприятие",
        "yes": "Да, отменить",
        "no-reg": "Без анкеты",
        "past": "Время начала уже прошло",
        "bad-when": "Не удалось прочитать дату",
        "ages": "Неверный возраст",
        "cap": "Число мест — от 1",
        "empty": "Пустой ответ не подходит",
        "ask-ru": "Название на русском",
        "published": "Опубликовано",
        "saved": "Изменения сохранены",
        "copied": "Копия создана",
        "cancelled": "Сообщений об отмене: 2",
        "ok": "✅ Отмечен",
        "already": "Уже отмечен в 20.11.2026 14:00",
        "unknown": "Такого кода нет",
        "photo": "Фото QR-кода бот не распознаёт",
        "stats": "Мероприятия</b> за 30 дн.",
        "told": "сообщено: 2",
    },
}


async def admin(s: Setup, lang: str) -> Conversation:
    return await person(s, ADMIN, lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_create_step_by_step_with_preview_then_publish(setup: Setup, lang: str) -> None:
    w = ADMIN_TEXTS[lang]
    boss = await admin(setup, lang)
    await boss.send("/event")
    await boss.click(w["new"])
    await boss.send("  ")
    assert w["empty"] in boss.last_text  # asked again
    await boss.send("Жастар форумы <2026>")
    assert w["ask-ru"] in boss.last_text
    await boss.send("Молодёжный форум <2026>")
    await boss.send("Қала жастарының жылдық форумы.")
    # A Kazakh description makes the Russian one required: no skip button there.
    assert not any(w["skip"] in b for b in boss.buttons())
    await boss.send("/menu")
    assert "/cancel" in boss.last_text  # a command is not a description
    await boss.send("Ежегодный форум молодёжи города.")
    await boss.send("форум")  # typed where a button is expected
    assert "/cancel" in boss.last_text
    await boss.click("🗣")  # the forum category
    await boss.send("20.11.2026 13:00")  # an hour ago in Shymkent
    assert w["past"] in boss.last_text
    await boss.send("послезавтра")
    assert w["bad-when"] in boss.last_text
    await boss.send("22.11.2026 14:00")
    await boss.send("25:00")
    await boss.send("17:00")
    await boss.send("Жастар орталығы")
    await boss.send("Молодёжный центр")
    await boss.send("35-14")
    assert w["ages"] in boss.last_text
    await boss.send("14-35")
    await boss.click(w["skip"])  # nothing to bring, in either language
    await boss.send("0")
    assert w["cap"] in boss.last_text
    await boss.send("30")
    await boss.click(w["no-reg"])
    # The preview: the user card in both languages, exactly as users will see it.
    kk_card, ru_card, _ask = boss.messages[-3:]
    assert "Жастар форумы <2026>" in kk_card.text and "22.11.2026, 14:00–17:00" in kk_card.text
    assert "Молодёжный форум <2026>" in ru_card.text and "14–35" in ru_card.text
    assert "&lt;2026&gt;" in (kk_card.html or "")  # escaped
    assert await events.all_events(setup.db) == []  # nothing saved before "publish"
    pressed, button = boss.find_button(w["publish"])
    await boss.click(w["publish"])
    assert w["published"] in boss.last_text
    [made] = await events.all_events(setup.db)
    assert (made.title_ru, made.capacity, made.age_min, made.age_max) == (
        "Молодёжный форум <2026>",
        30,
        14,
        35,
    )
    assert made.starts_at == "2026-11-22T09:00:00Z" and made.ends_at == "2026-11-22T12:00:00Z"
    assert (made.bring_kk, made.bring_ru, made.created_by) == ("", "", ADMIN)
    assert button.callback_data is not None
    await boss.press(pressed.message_id, button.callback_data)  # twice: still one event
    assert len(await events.all_events(setup.db)) == 1
    user = await person(setup, 502, lang)
    await user.send("/events")
    assert ("Жастар форумы" if lang == "kk" else "Молодёжный форум") in user.last_text


async def test_preview_edit_keeps_the_draft_and_drop_saves_nothing(setup: Setup) -> None:
    boss = await admin(setup, "ru")
    await boss.send("/event new")
    for answer in ("Турнир", "Турнир по футзалу"):
        await boss.send(answer)
    await boss.click("Пропустить")
    await boss.click("🏆")
    await boss.send("23.11.2026 15:00")
    await boss.send("23.11.2026 19:00")
    await boss.send("Спорт залы")
    await boss.send("Спортзал")
    await boss.click("Пропустить")
    await boss.send("Спорт киімі")
    await boss.send("")  # a photo or a sticker: no text
    await boss.send("Спортивная форма")
    await boss.click("Пропустить")
    await boss.click("Без анкеты")
    await boss.click("Изменить")
    await boss.click("Начало")
    await boss.send("24.11.2026 16:00")  # the end moves with the start
    assert "24.11.2026, 16:00–20:00" in boss.messages[-2].text
    await boss.click("Выйти без сохранения")
    assert "ничего не сохранено" in boss.last_text
    assert await events.all_events(setup.db) == []


async def test_non_admins_get_the_unknown_command_reply(setup: Setup) -> None:
    user = await person(setup, 503, "ru")
    for command in ("/event", "/event new", "/checkin K7MX3P", "/checkin"):
        await user.send(command)
        assert "Такой команды я не знаю" in user.last_text, command
    kk = await person(setup, 504, "kk")
    await kk.send("/event")
    assert "Мұндай команданы білмеймін" in kk.last_text


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_edit_capacity_promotes_the_first_in_line(setup: Setup, lang: str) -> None:
    w = ADMIN_TEXTS[lang]
    event = await add_event(setup.db, capacity=1)
    first = await person(setup, 511, "kk")
    second = await person(setup, 512, "ru")
    assert (await event_rsvps.rsvp(setup.db, event.id, 511, NOW)).kind == "confirmed"
    assert (await event_rsvps.rsvp(setup.db, event.id, 512, NOW)).kind == "waiting"
    boss = await admin(setup, lang)
    await boss.send(f"/event {event.id}")
    assert "1 / 1" in boss.last_text
    await boss.click(w["edit"])
    await boss.click(w["capacity"])
    await boss.send("many")
    assert w["cap"] in boss.last_text
    await boss.send("2")
    assert w["saved"] in boss.last_text and "2 / 2" in boss.last_text
    assert any("Освободилось место" in m.text for m in second.messages)
    assert not any("Освободилось" in m.text or "босады" in m.text for m in first.new_messages())
    await boss.click(w["edit"])
    await boss.click(w["title"])
    await boss.send("Жаңа атау")
    await boss.send("   ")  # Russian is required too
    assert w["empty"] in boss.last_text
    await boss.send("Новое название")
    saved = await events.get(setup.db, event.id)
    assert saved is not None and (saved.title_kk, saved.title_ru) == ("Жаңа атау", "Новое название")
    assert saved.starts_at == event.starts_at  # an edit of the title keeps a start


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_copy_to_a_new_date(setup: Setup, lang: str) -> None:
    w = ADMIN_TEXTS[lang]
    event = await add_event(setup.db, capacity=40)
    boss = await admin(setup, lang)
    await boss.send(f"/event {event.id}")
    await boss.click(w["copy"])
    await boss.send("01.01.2020 10:00")
    assert w["past"] in boss.last_text
    await boss.send("29.11.2026 10:00")
    assert w["copied"] in boss.last_text
    copy = next(e for e in await events.all_events(setup.db) if e.id != event.id)
    assert copy.starts_at == "2026-11-29T05:00:00Z" and copy.ends_at == "2026-11-29T08:00:00Z"
    assert (copy.title_kk, copy.place_ru, copy.capacity) == (
        event.title_kk,
        event.place_ru,
        40,
    )


@pytest.fixture
async def restartable(
    settings: Settings, db: Database, content: ContentStore, fake_api: FakeTelegramServer
) -> AsyncIterator[Setup]:
    """Like `setup`, for tests that restart the bot: whichever harness runs last is stopped."""
    clock = FakeClock(NOW)
    s = Setup(await start(settings, db, content, fake_api, clock), db, clock)
    yield s
    await stop(s.h)


async def restart(s: Setup, fake_api: FakeTelegramServer, *, stopped: bool = False) -> None:
    if not stopped:
        await stop(s.h)
    s.h = await start(s.h.settings, s.db, s.h.dp["content"], fake_api, s.clock)


async def test_cancel_tells_everyone_once_in_their_language_across_a_restart(
    restartable: Setup, fake_api: FakeTelegramServer
) -> None:
    setup = restartable
    event = await add_event(setup.db, capacity=1)
    going = await person(setup, 521, "kk")
    waiting = await person(setup, 522, "ru")
    left = await person(setup, 523, "ru")
    gone = await person(setup, 524, "kk")
    assert (await event_rsvps.rsvp(setup.db, event.id, 521, NOW)).kind == "confirmed"
    assert (await event_rsvps.rsvp(setup.db, event.id, 522, NOW)).kind == "waiting"
    await event_rsvps.rsvp(setup.db, event.id, 523, NOW)
    await event_rsvps.cancel_rsvp(setup.db, event.id, 523, NOW)
    await event_rsvps.rsvp(setup.db, event.id, 524, NOW)
    setup.h.api.chats[524].blocked = True
    async with setup.db.transaction() as conn:
        await conn.execute("UPDATE users SET blocked = 1 WHERE telegram_id = 524")
    boss = await admin(setup, "ru")
    await boss.send(f"/event {event.id}")
    await boss.click("Отменить мероприятие")
    assert "бот сообщит об отмене" in boss.last_text
    await boss.click("Да, отменить")
    worker: CancellationNotices = setup.h.dp["cancellations"]
    await worker.run_once()
    assert "отменено" in boss.last_text
    kk_note = [m.text for m in going.messages if "өтпейді" in m.text]
    ru_note = [m.text for m in waiting.messages if "отменено" in m.text]
    assert len(kk_note) == 1 and "Жастар форумы" in kk_note[0] and "22.11.2026 14:00" in kk_note[0]
    assert len(ru_note) == 1 and "Молодёжный форум" in ru_note[0]
    assert not any("отменено" in m.text for m in left.messages)
    assert not any("өтпейді" in m.text for m in gone.messages)
    # A restart: nobody is told twice.
    await restart(setup, fake_api)
    await setup.h.dp["cancellations"].run_once()
    assert len([m for m in going.messages if "өтпейді" in m.text]) == 1
    assert len([m for m in waiting.messages if "отменено" in m.text]) == 1
    boss = setup.h.user(ADMIN)
    await boss.send(f"/event {event.id}")
    assert "Отменено" in boss.last_text and ADMIN_TEXTS["ru"]["told"] in boss.last_text
    await boss.send("/events")
    assert "Молодёжный форум" not in boss.last_text  # gone from the users' list
    # /forget stays complete: the record that they were told goes with the rest.
    going = setup.h.user(521)
    await going.send("/forget")
    await going.click("Иә")
    for table in ("event_rsvps", "event_cancel_notices"):
        row = await setup.db.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE user_id = 521")
        assert row is not None and row[0] == 0, table


async def test_a_cancellation_interrupted_by_a_stop_goes_on_at_the_next_start(
    restartable: Setup, fake_api: FakeTelegramServer
) -> None:
    setup = restartable
    event = await add_event(setup.db)
    people = [await person(setup, 530 + i, "kk" if i % 2 else "ru") for i in range(4)]
    for p in people:
        await event_rsvps.rsvp(setup.db, event.id, p.id, NOW)
    await stop(setup.h)  # the worker is not running when the event is cancelled
    assert await events.cancel_event(setup.db, event.id, NOW) is not None
    await restart(setup, fake_api, stopped=True)
    await setup.h.dp["cancellations"].run_once()
    for p in people:
        told = [m for m in p.messages if "өтпейді" in m.text or "отменено" in m.text]
        assert len(told) == 1, p.id


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_check_in_once_then_already_then_unknown(setup: Setup, lang: str) -> None:
    w = ADMIN_TEXTS[lang]
    event = await add_event(setup.db, capacity=1)
    await person(setup, 541, "kk")
    await person(setup, 542, "ru")
    code = (await event_rsvps.rsvp(setup.db, event.id, 541, NOW)).rsvp
    line = (await event_rsvps.rsvp(setup.db, event.id, 542, NOW)).rsvp
    assert code is not None and line is not None
    boss = await admin(setup, lang)
    await boss.send(f"/checkin {code.code}")
    assert w["ok"] in boss.last_text and event.title(lang) in boss.last_text  # type: ignore[arg-type]
    setup.clock.moment = NOW + timedelta(minutes=30)
    await boss.send(f"/checkin {code.code.lower()}")
    assert w["already"] in boss.last_text
    await boss.send("/checkin ZZZZZZ")
    assert w["unknown"] in boss.last_text
    # The door's mode: codes one after another, a QR photo explained, /cancel to stop.
    await boss.send("/checkin")
    await boss.send(f"{line.code[:3]}-{line.code[3:]}")
    assert "⛔" in boss.last_text
    await boss.send(photo=PHOTO)
    assert w["photo"] in boss.last_text
    await boss.send(code.code)
    assert w["already"] in boss.last_text
    await boss.send("/cancel")
    await boss.send(code.code)
    assert w["already"] not in boss.last_text  # the mode is over: plain text again
    row = await setup.db.fetch_one("SELECT checked_in_at FROM event_rsvps WHERE id = ?", (code.id,))
    assert row is not None and row[0] == "2026-11-20T09:00:00Z"  # marked once, at the first


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_attendee_csv_comments_and_stats(setup: Setup, lang: str) -> None:
    w = ADMIN_TEXTS[lang]
    event = await add_event(setup.db, days=0.1, capacity=1)
    await person(setup, 551, "kk")
    await person(setup, 552, "ru")
    await event_rsvps.rsvp(setup.db, event.id, 551, NOW)
    await event_rsvps.rsvp(setup.db, event.id, 552, NOW)
    later = NOW + timedelta(hours=6)
    assert await event_rsvps.rate(setup.db, event.id, 551, 4, later)
    assert await event_rsvps.comment(setup.db, event.id, 551, '=HYPERLINK("x") супер', later)
    setup.clock.moment = later
    boss = await admin(setup, lang)
    await boss.send(f"/event {event.id}")
    card = boss.last_text
    assert "1 / 1" in card and "4.0" in card
    await boss.click("CSV")
    document = boss.last
    assert document.upload is not None
    name, data = document.upload
    assert name == f"event-{event.id}-attendees.csv" and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][5] == "551" and rows[1][12] == "4"
    assert rows[1][13].startswith("'=HYPERLINK")  # formula injection: text for Excel
    assert rows[2][1] == "1"  # first in line
    await boss.click("💬")
    assert "⭐⭐⭐⭐" in boss.last_text and "HYPERLINK" in boss.last_text
    await boss.send("/stats")
    assert w["stats"] in (boss.last.html or "")
