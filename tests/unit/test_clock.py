"""The one clock: the storage form, and Shymkent time as users and operators read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot import clock


def test_the_storage_form_is_sortable_utc_text_and_reads_back() -> None:
    moment = datetime(2026, 11, 25, 19, 40, tzinfo=timezone(timedelta(hours=5)))
    assert clock.iso(moment) == "2026-11-25T14:40:00Z"
    assert clock.parse_iso("2026-11-25T14:40:00Z") == moment
    assert clock.parse_iso(clock.utc_now()) <= clock.now()
    assert clock.now().tzinfo is UTC


def test_shymkent_is_utc_plus_five_all_year() -> None:
    assert clock.in_shymkent("2026-11-25T14:40:00Z") == "25.11.2026 19:40"
    assert clock.in_shymkent("2024-03-12T09:05:00Z", clock.TIME_DATE) == "14:05, 12.03"
    assert clock.in_shymkent("2026-07-01T20:00:00Z") == "02.07.2026 01:00"


def test_the_month_begins_when_it_begins_in_shymkent() -> None:
    # 30 Nov 19:30 UTC is already 1 December, 00:30, in Shymkent.
    assert clock.month_start(datetime(2026, 11, 30, 19, 30, tzinfo=UTC)) == datetime(
        2026, 11, 30, 19, 0, tzinfo=UTC
    )
    assert clock.month_start(datetime(2026, 11, 30, 18, 59, tzinfo=UTC)) == datetime(
        2026, 10, 31, 19, 0, tzinfo=UTC
    )
