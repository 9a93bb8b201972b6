"""Who may act for the department in the operators' group.

Anyone who can post in the group could otherwise answer a young person as "the department"
or close their ticket (a public group, or one with join requests, has strangers in it). Only
members with status member, administrator or creator, and the bot's admins, count. The group's
answer for a person is kept a few minutes, so a busy thread costs one `getChatMember`, not one
per reply.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Statuses of a group member who may answer tickets (getChatMember).
OPERATOR_STATUSES = frozenset({"member", "administrator", "creator"})
TTL = 300.0  # seconds a membership answer is trusted
MAX_ENTRIES = 1000  # the group's active members; more and the oldest answers go first


class MembershipCache:
    """user id → (is an operator, when the answer was read); no Telegram here."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._answers: dict[int, tuple[bool, float]] = {}

    def get(self, user_id: int) -> bool | None:
        """The cached answer, or None when there is none or it is too old."""
        found = self._answers.get(user_id)
        if found is None or self.clock() - found[1] >= self.ttl:
            return None
        return found[0]

    def put(self, user_id: int, status: str) -> bool:
        """Remember what getChatMember said; returns whether that status may act."""
        allowed = status in OPERATOR_STATUSES
        if len(self._answers) >= MAX_ENTRIES:
            self._answers.pop(next(iter(self._answers)))
        self._answers[user_id] = (allowed, self.clock())
        return allowed
