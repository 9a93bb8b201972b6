"""What users say about the bot's answers: helpful, not helpful, "not what I asked".

Stored on the question's log row, so the gaps report and /stats see it. No Telegram here.
"""

from __future__ import annotations

from bot.db.database import Database
from bot.db.questions import Questions


async def rate(db: Database, question_id: int, user_id: int, helpful: bool) -> bool:
    """Record the asker's rating; False when the row is not theirs (a forged or foreign
    button), which the caller reports as out of date."""
    async with db.statement() as conn:
        return await Questions(conn).set_helpful(question_id, user_id, helpful)
