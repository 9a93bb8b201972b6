"""Answering a free-text question: search, choose the reply, log it. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import language
from bot.catalog.crisis import Verdict
from bot.catalog.loader import Catalog
from bot.catalog.models import Topic
from bot.catalog.search import SearchIndex, SearchResult
from bot.config import Language
from bot.db.database import Database
from bot.db.questions import LoggedQuestion, Questions

MAX_QUESTION = 1000  # longer messages are cut before matching: nobody asks in 1000 characters


@dataclass
class Answer:
    """The bot's reply to a question, before it is dressed as a Telegram message."""

    result: SearchResult
    topic: Topic | None
    text: str  # plain text from the content, in the user's language ("" when unknown)
    alternatives: list[Topic]
    written_in: language.Detected | None = None  # the message's language as recognised

    @property
    def kind(self) -> str:
        if self.result.crisis:
            return "crisis"
        if self.topic is None:
            return "unknown"
        return "confident" if self.result.confident else "unsure"


class Answerer:
    """Keeps the search index in step with the content and turns results into answers."""

    def __init__(self) -> None:
        self.index: SearchIndex | None = None

    def rebuild(self, catalog: Catalog) -> None:
        """Called by the content store at start-up and on every reload."""
        self.index = SearchIndex(catalog)

    def answer(self, text: str, lang: Language) -> Answer:
        assert self.index is not None, "rebuild() was not called"
        result = self.index.search(text[:MAX_QUESTION])
        catalog = self.index.catalog
        topic = catalog.get(result.topic) if result.topic else None
        alternatives = [t for t in (catalog.get(a) for a in result.alternatives) if t]
        return Answer(
            result,
            topic,
            self._text(result, topic, lang),
            alternatives,
            language.detect(text[:MAX_QUESTION]),
        )

    @staticmethod
    def _text(result: SearchResult, topic: Topic | None, lang: Language) -> str:
        """The FAQ answer when a FAQ question matched, the summary otherwise. (A crisis is
        answered with the `crisis-answer-*` texts, not with this.)"""
        if topic is None:
            return ""
        texts = topic.text(lang)
        passage = result.best.passage if result.best else None
        if passage is not None and passage.kind == "faq" and passage.answer is not None:
            other = topic.text(passage.lang) if passage.lang else texts
            for i, item in enumerate(other.faq):
                if item.answer == passage.answer and i < len(texts.faq):
                    return texts.faq[i].answer
        return texts.summary

    def crisis(self, text: str | None) -> Verdict | None:
        """The crisis detector's verdict on a message's text (or caption), if any."""
        if not text or self.index is None:
            return None
        return self.index.crisis(text[:MAX_QUESTION])

    async def log(self, db: Database, user_id: int | None, lang: Language, answer: Answer) -> int:
        """Log the question; the row id goes into the feedback buttons under the answer."""
        result = answer.result
        async with db.statement() as conn:
            return await Questions(conn).add(
                LoggedQuestion(
                    user_id=user_id,
                    normalised=result.normalised[:MAX_QUESTION],
                    language=lang,
                    topic_id=result.topic,
                    score=result.score,
                    answered=answer.kind in ("confident", "crisis"),
                    crisis=result.crisis,
                    written_in=answer.written_in,
                )
            )
