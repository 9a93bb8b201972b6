"""The hand-off's pure parts: the working-hours text, shortening for the group, checks."""

from __future__ import annotations

from pathlib import Path

from bot import clock
from bot.catalog.loader import check
from bot.formatting import utf16_len
from bot.services.handoff import expected_answer
from bot.views.handoff import shorten as _shorten

ROOT = Path(__file__).resolve().parents[2]


def test_expected_answer_only_when_filled(tmp_path: Path) -> None:
    assert expected_answer(tmp_path, "kk") is None  # no file
    path = tmp_path / "handoff.toml"
    path.write_text('[ru]\nexpect_answer = "Отвечаем: [[FILL: hours]]."\n', encoding="utf-8")
    assert expected_answer(tmp_path, "ru") is None  # placeholder still there
    path.write_text('[ru]\nexpect_answer = "Пн–Пт, 9:00–18:00."\n', encoding="utf-8")
    assert expected_answer(tmp_path, "ru") == "Пн–Пт, 9:00–18:00."
    assert expected_answer(tmp_path, "kk") is None  # the other language is missing
    path.write_text("[ru\n", encoding="utf-8")
    assert expected_answer(tmp_path, "ru") is None  # broken: the neutral sentence, no crash


def test_shipped_file_holds_a_placeholder_and_check_content_lists_it() -> None:
    assert expected_answer(ROOT / "content", "kk") is None
    warnings = [w for w in check(ROOT / "content").warnings if w.startswith("handoff.toml")]
    assert len(warnings) == 2


def test_shorten_counts_utf16_and_marks_the_cut() -> None:
    assert _shorten("short", 10) == "short"
    cut = _shorten("🙂" * 100, 51)
    assert utf16_len(cut) <= 51 and cut.endswith("…")


def test_local_time_is_utc_plus_five() -> None:
    assert clock.in_shymkent("2024-03-12T09:05:00Z", clock.TIME_DATE) == "14:05, 12.03"
