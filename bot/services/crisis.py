"""A young person in danger: what the bot remembers of it, and for how long. No Telegram here.

Only the kind of danger and the time are kept (the question log's `crisis_kind`, the user's
`crisis_at`), never the words. For an hour after a crisis answer the bot keeps the helplines
in view (`in_follow_up`) instead of falling back to menus as if nothing had happened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import clock
from bot.catalog.search import CRISIS_TOPIC
from bot.config import Language
from bot.db.database import Database
from bot.db.questions import LoggedQuestion, Questions
from bot.db.users import User, Users

FOLLOW_UP = timedelta(hours=1)
# The detector's categories and the answer each gets (`crisis-answer-<kind>` texts).
ANSWERS = {
    "suicidal": "suicide",
    "passive": "suicide",
    "plan_means": "suicide",
    "self_harm": "self-harm",
    "third_person": "friend",
    "abuse": "abuse",
    "minor_online": "online",
    "minor_home": "home",
    "addiction": "addiction",
}


def answer_kind(category: str | None) -> str:
    """The answer for a category; an unknown one (an old row, a new category) gets the
    answer for suicidal intent, which names every emergency number."""
    return ANSWERS.get(category or "", "suicide")


def in_follow_up(user: User | None, now: datetime | None = None) -> bool:
    """Whether the user had a crisis answer within the last hour."""
    if user is None or not user.crisis_at:
        return False
    return (now or clock.now()) - clock.parse_iso(user.crisis_at) < FOLLOW_UP


async def record(
    db: Database,
    user_id: int | None,
    language: Language,
    category: str,
    now: datetime | None = None,
) -> int:
    """Log a crisis message by its kind and time only, and start the follow-up hour; one
    transaction. Returns the question-log row."""
    when = clock.iso(now or clock.now())
    async with db.transaction() as conn:
        row = await Questions(conn).add(
            LoggedQuestion(
                user_id=user_id,
                normalised="",
                language=language,
                topic_id=CRISIS_TOPIC,
                score=1.0,
                answered=True,
                crisis=True,
                crisis_kind=category,
            )
        )
        if user_id is not None:
            await Users(conn).set_crisis_at(user_id, when)
    return row
