"""Facts that stay true (issue 17): `checked` and `[[sources]]` per topic, warnings when a
check is old or the sources are missing, and MRP amounts written once as `{{mrp N}}` and
shown at the current year's MRP from `content/mrp.toml`."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot import clock
from bot.catalog import loader
from bot.catalog.loader import ContentError, check, load_catalog
from bot.catalog.store import ContentStore

ROOT = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"
TODAY = date(2026, 12, 7)

HEADER = """id = "sample"
category = "work"
checked = {checked}
{sources}
"""
SOURCE = """[[sources]]
title = "Молодёжная практика: правила (enbek.kz)"
url = "https://www.enbek.kz/ru/sample"
read = 2026-12-07
{extra}
"""
BODY = """[kk]
title = "Үлгі тақырып"
summary = "Айына 30 АЕК-ке дейін ({{{{mrp_year}}}} жылы – {{{{mrp 30}}}}). {kk_extra}"
text = "Толық мәтін, жалақы {{{{mrp 30}}}} дейін."

[ru]
title = "Пример темы"
summary = "До 30 МРП в месяц (в {{{{mrp_year}}}} году – {{{{mrp 30}}}}). {ru_extra}"
text = "Полный текст, зарплата до {{{{mrp 30}}}}."
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def write_topic(
    content: Path,
    *,
    checked: str = "2026-12-07",
    sources: int = 1,
    extra: str = "",
    kk_extra: str = "",
    ru_extra: str = "",
    header: str | None = None,
) -> Path:
    path = content / "topics" / "sample.toml"
    head = (
        header
        if header is not None
        else HEADER.format(
            checked=checked, sources="\n".join(SOURCE.format(extra=extra) for _ in range(sources))
        )
    )
    path.write_text(head + BODY.format(kk_extra=kk_extra, ru_extra=ru_extra), encoding="utf-8")
    return path


def sample_warnings(report: loader.Report) -> list[str]:
    return [w for w in report.warnings if w.startswith(("sample.toml", "mrp.toml"))]


# --- checked and [[sources]] ----------------------------------------------------------------


def test_checked_and_sources_are_read(content: Path) -> None:
    write_topic(content, extra='date = "2025-11-03"')
    report = check(content, TODAY)
    assert report.errors == []
    topic = next(t for t in report.topics if t.id == "sample")
    assert topic.checked == date(2026, 12, 7)
    assert topic.source is None
    [source] = topic.sources
    assert source.title.startswith("Молодёжная практика")
    assert source.url == "https://www.enbek.kz/ru/sample"
    assert source.read == date(2026, 12, 7)
    assert source.date == "2025-11-03"
    assert sample_warnings(report) == []


def test_a_fresh_sourced_topic_has_no_warning_and_a_legacy_one_still_loads(content: Path) -> None:
    write_topic(content)
    # A topic still on the legacy free-text `source` line (the shipped topics move off it).
    (content / "topics" / "legacy.toml").write_text(
        'id = "legacy"\ncategory = "work"\nsource = "Seed report (2023)"\n'
        + BODY.format(kk_extra="", ru_extra=""),
        encoding="utf-8",
    )
    catalog = load_catalog(content)
    assert catalog.topics["legacy"].source  # the legacy free-text line is still accepted
    assert not [w for w in catalog.warnings if w.startswith("sample.toml")]
    assert any(w.startswith("legacy.toml: checked, sources: missing") for w in catalog.warnings)


def test_a_check_older_than_a_year_warns(content: Path) -> None:
    write_topic(content, checked="2025-12-06")
    warnings = sample_warnings(check(content, TODAY))
    assert warnings == [
        "sample.toml: checked: 2025-12-06 is more than a year old: check the "
        "facts against the sources and update the date"
    ]
    write_topic(content, checked="2025-12-07")  # exactly a year: still fine
    assert sample_warnings(check(content, TODAY)) == []


def test_empty_sources_and_a_missing_date_warn(content: Path) -> None:
    write_topic(content, sources=0)
    assert sample_warnings(check(content, TODAY)) == [
        "sample.toml: sources: empty: add [[sources]] (title, url, read)"
    ]
    write_topic(content, header='id = "sample"\ncategory = "work"\n' + SOURCE.format(extra=""))
    assert sample_warnings(check(content, TODAY)) == [
        "sample.toml: checked: missing: the date the facts were last checked"
    ]


def test_a_source_without_an_address_or_a_read_date_is_an_error(content: Path) -> None:
    path = write_topic(content)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('url = "https://www.enbek.kz/ru/sample"', 'url = "enbek.kz"'), encoding="utf-8"
    )
    assert any(e.startswith("sample.toml: sources.0.url:") for e in check(content, TODAY).errors)
    path.write_text(text.replace("read = 2026-12-07\n", ""), encoding="utf-8")
    errors = check(content, TODAY).errors
    assert "sample.toml: sources.0.read: Field required" in errors


# --- {{mrp N}} and mrp.toml ------------------------------------------------------------------


def _summary(report: loader.Report, lang: str = "ru") -> str:
    topic = next(t for t in report.topics if t.id == "sample")
    return topic.text(lang).summary  # type: ignore[arg-type]


def test_mrp_tokens_render_at_the_current_years_mrp(content: Path) -> None:
    write_topic(content)
    report = check(content, TODAY)
    assert report.errors == []
    assert _summary(report) == f"До 30 МРП в месяц (в 2026 году – 129{NBSP}750{NBSP}₸)."
    assert _summary(report, "kk") == f"Айына 30 АЕК-ке дейін (2026 жылы – 129{NBSP}750{NBSP}₸)."
    # The year is the one the content is loaded in: in 2025 the 2025 MRP (3 932 ₸).
    assert f"117{NBSP}960{NBSP}₸" in _summary(check(content, date(2025, 6, 1)))


def test_a_missing_current_year_mrp_warns_and_the_last_known_year_is_shown(content: Path) -> None:
    write_topic(content)
    report = check(content, date(2027, 1, 1))
    assert report.errors == []
    assert (
        "mrp.toml: no MRP for 2027 (the current year): amounts are shown at the 2026 MRP; "
        "add [2027] with value and source"
    ) in report.warnings
    assert _summary(report) == f"До 30 МРП в месяц (в 2026 году – 129{NBSP}750{NBSP}₸)."
    # The admin adds one number and every amount follows.
    with (content / "mrp.toml").open("a", encoding="utf-8") as mrp:
        mrp.write('\n[2027]\nvalue = 5000\nsource = "test value"\n')
    report = check(content, date(2027, 1, 1))
    assert not [w for w in report.warnings if w.startswith("mrp.toml")]
    assert _summary(report) == f"До 30 МРП в месяц (в 2027 году – 150{NBSP}000{NBSP}₸)."


def test_an_unknown_token_warns_and_a_malformed_one_is_an_error(content: Path) -> None:
    write_topic(content, kk_extra="{{year}}", ru_extra="{{year}}")
    report = check(content, TODAY)
    assert report.errors == []
    assert (
        "sample.toml: kk.summary: unknown token '{{year}}' is not {{mrp N}} or "
        "{{mrp_year}}; it is shown as written"
    ) in report.warnings
    for bad in ("{{mrp}}", "{{mrp тридцать}}", "{{mrp 30}", "{mrp 30}}"):
        write_topic(content, kk_extra=bad, ru_extra="")
        errors = check(content, TODAY).errors
        assert errors and errors[0].startswith("sample.toml: kk.summary: malformed token"), bad
        assert "write {{mrp 30}} (a number of MRP) or {{mrp_year}}" in errors[0]
        with pytest.raises(ContentError):
            load_catalog(content)


def test_a_broken_mrp_table_is_named(content: Path) -> None:
    (content / "mrp.toml").write_text(
        '[2026]\nvalue = "four"\nsource = "x"\n[next]\nvalue = 1\n', encoding="utf-8"
    )
    errors = check(content, TODAY).errors
    assert any(e.startswith("mrp.toml: 2026.value:") for e in errors)
    assert any(e.startswith("mrp.toml: [next]: must be a year table") for e in errors)


def test_tokens_without_any_mrp_table_stop_the_load(content: Path) -> None:
    write_topic(content)
    (content / "mrp.toml").unlink()
    report = check(content, TODAY)
    assert any(w.startswith("mrp.toml: file is missing") for w in report.warnings)
    assert (
        "sample.toml: uses {{mrp …}} but mrp.toml has no MRP for this year or an earlier one"
    ) in report.errors


def test_reload_in_a_new_year_follows_it(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_topic(content)
    monkeypatch.setattr(clock, "today", lambda: date(2025, 12, 31))
    store = ContentStore(content)
    assert f"117{NBSP}960{NBSP}₸" in store.catalog.topics["sample"].ru.summary
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 1))
    store.reload()
    assert f"129{NBSP}750{NBSP}₸" in store.catalog.topics["sample"].ru.summary
