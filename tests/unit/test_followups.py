"""The follow-ups' budget (item 7 of issue 15) on an injected clock."""

from __future__ import annotations

from bot.services.followups import FollowupGate


def test_a_ticket_gets_a_few_posts_an_hour_then_folds_then_waits() -> None:
    now = [0.0]
    gate = FollowupGate(share=100, posts_per_hour=2, burst=60.0, clock=lambda: now[0])
    assert gate.decide(1, 0, "a") == "post"
    gate.posted(1, 10, "H", "a")
    now[0] += 5
    assert gate.decide(1, 1, "b") == "fold"  # a burst: folded into message 10
    assert gate.folded_body(1, "b") == (10, "H\n\na\n\nb")
    gate.folded(1, "b")
    now[0] += 120
    assert gate.decide(1, 1, "c") == "post"  # after the burst: a new post, budget allows
    gate.posted(1, 11, "H", "c")
    now[0] += 120
    assert gate.decide(1, 2, "d") == "fold"  # budget spent: folded, however late
    assert gate.decide(1, 2, None) == "wait"  # media cannot be folded
    assert gate.decide(1, 2, "x" * 5000) == "wait"  # nor what no longer fits
    assert gate.decide(2, 0, None) == "post"  # another ticket has its own budget


def test_follow_ups_of_all_tickets_share_part_of_the_groups_minute() -> None:
    now = [0.0]
    gate = FollowupGate(share=3, posts_per_hour=10, clock=lambda: now[0])
    for ticket in (1, 2, 3):
        assert gate.decide(ticket, 0, "t") == "post"
        gate.posted(ticket, ticket, "H", "t")
    assert gate.decide(4, 0, "t") == "wait"
    now[0] += 61
    assert gate.decide(4, 0, "t") == "post"
