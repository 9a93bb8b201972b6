"""A budget for follow-ups, so one user cannot take the operators' group's message rate.

Telegram lets a bot send about 20 messages a minute into one group. New tickets and
registration posts must always find room there, so follow-ups (a user's replies to an
answer) get a share of it (`SHARE` a minute, posts and edits together, for all tickets),
of which one ticket may use `PER_TICKET`, and each ticket a few new posts an hour
(`POSTS_PER_HOUR`). A burst from one ticket is
folded into its last follow-up post, which is edited to show the new text too; what fits
nowhere is refused and the user is asked to wait for the answer.

The folded texts stay in memory only (never on disk) and only for the last hour.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

SHARE = 8  # follow-up posts and edits a minute in the group: 12 of 20 stay for the rest
POSTS_PER_HOUR = 3  # new follow-up posts per ticket per hour
PER_TICKET = 2  # posts and edits a minute for one ticket: one user cannot take the share
BURST = 60.0  # seconds: a follow-up this soon after the last one is folded into its post
KEPT = 3600.0  # seconds a folded post's texts are kept, to edit it again
MAX_TEXT = 4096  # characters of one group message

Decision = Literal["post", "fold", "wait"]


@dataclass
class FoldedPost:
    """The last follow-up post of a ticket: its id, header and the (escaped) texts shown."""

    message_id: int
    header: str
    parts: list[str]
    last: float
    text_only: bool = True

    def body(self, extra: str | None = None) -> str:
        return "\n\n".join([self.header, *self.parts, *([extra] if extra else [])])


@dataclass
class FollowupGate:
    """Decides where each follow-up goes; no Telegram and no database here."""

    share: int = SHARE
    posts_per_hour: int = POSTS_PER_HOUR
    burst: float = BURST
    clock: Callable[[], float] = time.monotonic
    per_ticket: int = PER_TICKET
    _sent: deque[float] = field(default_factory=deque)
    _by_ticket: dict[int, deque[float]] = field(default_factory=dict)
    _posts: dict[int, FoldedPost] = field(default_factory=dict)

    def decide(self, ticket_id: int, posts_last_hour: int, part: str | None) -> Decision:
        """`part` is the escaped text of a text follow-up (None for media, which cannot be
        folded). `posts_last_hour`: this ticket's follow-up posts in the group lately."""
        now = self.clock()
        self._expire(now)
        if len(self._sent) >= self.share:
            return "wait"
        if len(self._by_ticket.get(ticket_id, ())) >= self.per_ticket:
            return "wait"
        folded = self._posts.get(ticket_id)
        can_fold = (
            part is not None
            and folded is not None
            and folded.text_only
            and len(folded.body(part)) <= MAX_TEXT
        )
        if can_fold and folded is not None and now - folded.last < self.burst:
            return "fold"
        if posts_last_hour < self.posts_per_hour:
            return "post"
        return "fold" if can_fold else "wait"

    def posted(self, ticket_id: int, message_id: int, header: str, part: str | None) -> None:
        """A new follow-up post went out (`part` None: a media post, not to be edited)."""
        now = self.clock()
        self._count(ticket_id, now)
        self._posts[ticket_id] = FoldedPost(
            message_id, header, [part] if part else [], now, text_only=part is not None
        )

    def folded_body(self, ticket_id: int, part: str) -> tuple[int, str]:
        """(message, new text) of the post that `part` is folded into."""
        post = self._posts[ticket_id]
        return post.message_id, post.body(part)

    def folded(self, ticket_id: int, part: str) -> None:
        """The post was edited to show `part` too."""
        now = self.clock()
        self._count(ticket_id, now)
        post = self._posts[ticket_id]
        post.parts.append(part)
        post.last = now

    def forget(self, ticket_id: int) -> None:
        """The post cannot be edited any more (deleted, blanked): start a new one next."""
        self._posts.pop(ticket_id, None)

    def _count(self, ticket_id: int, now: float) -> None:
        self._sent.append(now)
        self._by_ticket.setdefault(ticket_id, deque()).append(now)

    def _expire(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        for ticket_id, times in list(self._by_ticket.items()):
            while times and times[0] <= now - 60.0:
                times.popleft()
            if not times:
                del self._by_ticket[ticket_id]
        for ticket_id in [k for k, p in self._posts.items() if now - p.last >= KEPT]:
            del self._posts[ticket_id]
