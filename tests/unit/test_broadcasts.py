"""Announcement building blocks without Telegram: schedule input, pacing, audiences."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.clock import Clock, in_shymkent
from bot.config import SettingsError, load_settings
from bot.db.broadcasts import Audience
from bot.services.broadcasts import ScheduleError, parse_local_time
from bot.transport.pacing import TokenBucket

NOW = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)  # 15:00 in Shymkent (UTC+5)


@pytest.mark.parametrize(
    "typed",
    [
        "25.12.2026 18:00",
        "25.12.26 18:00",
        "2026-12-25 18:00",
        " 25.12.2026  18:00 ",
        "25/12/2026 18:00",
    ],
)
def test_shymkent_time_is_read_in_common_formats(typed: str) -> None:
    assert parse_local_time(typed, NOW) == datetime(2026, 12, 25, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("завтра", "format"),
        ("25.12.2026", "format"),
        ("32.12.2026 10:00", "format"),
        ("25.12.2026 14:59", "past"),
        ("25.12.2028 10:00", "far"),
    ],
)
def test_bad_past_and_far_times_are_refused(typed: str, reason: str) -> None:
    with pytest.raises(ScheduleError) as err:
        parse_local_time(typed, NOW)
    assert err.value.reason == reason


def test_moments_are_shown_in_shymkent_time() -> None:
    assert in_shymkent(NOW) == "25.12.2026 15:00"
    assert in_shymkent("2026-12-25T13:00:00Z") == "25.12.2026 18:00"


class SteppingClock(Clock):
    """Time moves only when someone sleeps: the bucket's pacing, without waiting."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        self.slept += seconds
        await asyncio.sleep(0)  # others waiting get their turn, as in a real sleep


async def test_token_bucket_paces_to_the_rate_with_a_small_burst() -> None:
    clock = SteppingClock()
    bucket = TokenBucket(25, clock)
    assert bucket.capacity == 2.5
    for _ in range(102):
        await bucket.acquire()
    # Two come from the initial burst; the other hundred need four seconds at 25/s.
    assert clock.t == pytest.approx(4.0, abs=0.05)


async def test_token_bucket_hold_stops_everyone_for_the_flood_wait() -> None:
    clock = SteppingClock()
    bucket = TokenBucket(10, clock, burst=1)
    await bucket.acquire()
    bucket.hold(3)
    await bucket.acquire()
    assert clock.t >= 3.0


async def test_token_bucket_serves_waiting_replies_before_announcements() -> None:
    """Announcements queued first still wait while any reply waits for a token."""
    clock = SteppingClock()
    bucket = TokenBucket(10, clock, burst=1)
    await bucket.acquire()  # the burst is spent: everyone below has to wait
    order: list[str] = []

    async def take(name: str, background: bool) -> None:
        await bucket.acquire(background=background)
        order.append(name)

    # The announcements start waiting first, the replies right after.
    background = [asyncio.create_task(take(f"a{i}", True)) for i in range(3)]
    replies = [asyncio.create_task(take(f"r{i}", False)) for i in range(3)]
    await asyncio.gather(*background, *replies)
    assert order == ["r0", "r1", "r2", "a0", "a1", "a2"]


def test_audience_round_trip_and_validation() -> None:
    for audience in (
        Audience(),
        Audience("lang", "kk"),
        Audience("topic", "neet", "enrolled"),
        Audience("topic", "neet"),
        Audience("district", "al-farabi"),
        Audience("occupation", "neet"),
    ):
        assert Audience.from_json(audience.to_json()) == audience
    for bad in (("lang", "en"), ("topic", ""), ("occupation", "retired"), ("all", "x")):
        with pytest.raises(ValueError):
            Audience(*bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Audience("topic", "neet", "lost")


def test_broadcast_rate_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADCAST_RATE", raising=False)
    assert load_settings().broadcast_rate == 25
    monkeypatch.setenv("BROADCAST_RATE", "12.5")
    assert load_settings().broadcast_rate == 12.5
    monkeypatch.setenv("BROADCAST_RATE", "100")  # more than Telegram allows
    with pytest.raises(SettingsError, match="BROADCAST_RATE"):
        load_settings()


def test_send_rate_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEND_RATE", raising=False)
    assert load_settings().send_rate == 25
    monkeypatch.setenv("SEND_RATE", "28")  # with the bucket's burst, over Telegram's 30
    with pytest.raises(SettingsError, match="SEND_RATE"):
        load_settings()
