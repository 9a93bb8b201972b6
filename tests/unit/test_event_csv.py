"""The season's plan as CSV: Excel's ways of writing it, line-numbered errors, all or
nothing, the export read back, and the attendee list's formula rules; the command line."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database
from bot.services import event_csv, events
from bot.services.event_csv import RowError

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 1, 10, 6, 0, tzinfo=UTC)
HEADER = "title_kk;title_ru;category;starts;ends;place_kk;place_ru;capacity"


@pytest.fixture(scope="module")
def store() -> ContentStore:
    return ContentStore(ROOT / "content")


def plan(store: ContentStore, text: str) -> event_csv.Plan:
    return event_csv.read_plan(text, NOW, store.catalog.events, ["youth-practice"])


def test_the_sample_plan_reads_as_three_events(store: ContentStore) -> None:
    raw = (ROOT / "deploy" / "events-plan.example.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = event_csv.decode(raw)
    assert text is not None
    found = plan(store, text)
    assert found.errors == []
    assert [line for line, _ in found.drafts] == [2, 3, 4]  # the third spans lines 4–5
    first = found.drafts[0][1]
    # Shymkent time (UTC+5) stored in UTC; an end given as a time is on the start's day.
    assert first.starts_at == datetime(2027, 4, 14, 5, 0, tzinfo=UTC)
    assert first.ends_at == datetime(2027, 4, 14, 8, 0, tzinfo=UTC)
    assert (first.age_min, first.age_max, first.capacity) == (14, 35, 200)
    assert found.drafts[1][1].capacity is None
    assert found.drafts[2][1].description_ru == "Описание может быть\nв две строки."


def test_commas_no_bom_and_excel_seconds(store: ContentStore) -> None:
    text = (
        "Title_KK,title_ru,category,starts,ends,place_kk,place_ru\r\n"
        'Форум,"Форум, большой",forum,2027-02-01 10:00:00,01.02.2027 12:00,Орталық,Центр\r\n'
        ",,,,,,\r\n"
    )
    found = plan(store, text)
    assert found.errors == []
    assert [d.title_ru for _, d in found.drafts] == ["Форум, большой"]


def test_every_mistake_has_its_line_and_nothing_is_half_read(store: ContentStore) -> None:
    text = "\n".join(
        [
            HEADER,
            "Форум;Форум;forum;01.03.2027 10:00;12:00;Орталық;Центр;50",  # fine
            ";Турнир;tournament;01.01.2027 10:00;12:00;Зал;Зал;",  # no kk title, past
            "Кездесу;Встреча;picnic;32.13.2027 10:00;12:00;Зал;Зал;",  # category, date
            "Байқау;Конкурс;contest;01.03.2027 10:00;09:00;;Зал;ten",  # place kk, number
            "Байқау;Конкурс;contest;01.03.2027 10:00;28.02.2027 09:00;Зал;Зал;5",  # ends before
        ]
    )
    found = plan(store, text)
    assert [(e.line, e.column, e.code) for e in found.errors] == [
        (3, "title_kk", "title-kk"),
        (3, "starts", "past"),
        (4, "starts", "bad-time"),
        (5, "capacity", "bad-number"),
        (6, "ends", "ends-before-starts"),
    ]
    t = store.i18n("ru")
    lines = event_csv.error_lines(t, found.errors)
    assert lines[2].startswith("строка 4, starts: не удалось прочитать")
    assert lines[2].endswith("(«32.13.2027 10:00»)")
    assert store.i18n("kk").lang == "kk"
    assert event_csv.error_lines(store.i18n("kk"), found.errors)[1].startswith("3-жол, starts:")


def test_an_end_time_before_the_start_time_is_the_next_morning(store: ContentStore) -> None:
    found = plan(store, HEADER + "\nТүнгі;Ночной;culture;01.03.2027 22:00;01:00;Зал;Зал;")
    assert found.errors == []
    draft = found.drafts[0][1]
    assert (draft.ends_at - draft.starts_at).total_seconds() == 3 * 3600


def test_header_problems_stop_before_the_rows(store: ContentStore) -> None:
    found = plan(store, "title_kk;title_ru;colour\nА;Б;красный")
    assert [(e.line, e.column, e.code) for e in found.errors] == [
        (1, "colour", "unknown-column"),
        (1, "category", "missing-column"),
        (1, "starts", "missing-column"),
        (1, "ends", "missing-column"),
        (1, "place_kk", "missing-column"),
        (1, "place_ru", "missing-column"),
    ]
    assert plan(store, "").errors == [RowError(1, "", "empty")]
    assert plan(store, HEADER + "\n;;;;;;;\n").errors == [RowError(1, "", "no-rows")]
    assert event_csv.decode("Форум".encode("cp1251")) is None


async def test_import_is_all_or_nothing_and_export_reads_back(
    db: Database, store: ContentStore
) -> None:
    good = plan(store, HEADER + "\nФорум;Форум;forum;01.03.2027 10:00;12:00;=Орталық;Центр;50")
    added = await event_csv.import_plan(db, good, NOW)
    assert [e.place_kk for e in added] == ["=Орталық"]
    data, count = await event_csv.export_plan(db)
    assert count == 1 and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["place_kk"] == "'=Орталық"  # formula injection: text for Excel
    assert rows[0]["starts"] == "01.03.2027 10:00" and rows[0]["status"] == "active"
    # The export, with its ids cleared and a new date, is next season's plan.
    text = data.decode("utf-8-sig")
    again = plan(store, text)
    assert {e.code for e in again.errors} == {"has-id"}
    text = text.replace("\r\n1,", "\r\n,", 1).replace(",active,", ",,", 1)
    again = plan(store, text.replace("01.03.2027", "01.03.2028"))
    assert again.errors == []
    assert again.drafts[0][1].place_kk == "=Орталық"  # our apostrophe is taken off again
    assert len(await events.all_events(db)) == 1


async def test_command_line_import_and_export(
    settings: Settings,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "\nФорум;Форум;forum;01.03.2031 10:00;12:00;Орталық;Центр;50"
        + "\nТурнир;Турнир;tournament;01.03.2031 10:00;12:00;Зал;;\n",
        encoding="utf-8",
    )
    assert await asyncio.to_thread(main, ["events", "import", str(bad), "--lang", "ru"]) == 1
    err = capsys.readouterr().err
    assert "Ничего не добавлено: ошибок в файле — 1" in err
    assert "строка 3, place_ru: Не указано место проведения на русском." in err
    assert await events.all_events(db) == []  # all or nothing
    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeff" + bad.read_text(encoding="utf-8").replace(";Зал;;", ";Зал;Зал;"), encoding="utf-8"
    )
    assert await asyncio.to_thread(main, ["events", "import", str(good), "--dry-run"]) == 0
    assert "2 іс-шара қосылуға дайын" in capsys.readouterr().out
    assert await events.all_events(db) == []
    assert await asyncio.to_thread(main, ["events", "import", str(good)]) == 0
    assert "2 іс-шара қосылды (№ 1–2)" in capsys.readouterr().out
    out = tmp_path / "season.csv"
    assert await asyncio.to_thread(main, ["events", "export", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["title_ru"] for r in rows] == ["Форум", "Турнир"]
    assert rows[0]["confirmed"] == "0" and rows[0]["capacity"] == "50"
    cp1251 = tmp_path / "excel.csv"
    cp1251.write_bytes(HEADER.encode() + "\nФорум".encode("cp1251"))
    assert await asyncio.to_thread(main, ["events", "import", str(cp1251)]) == 1
    assert "UTF-8" in capsys.readouterr().err
