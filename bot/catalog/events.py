"""Event categories and the recogniser of questions about events (`content/events.toml`).

Data, not code: the categories an event can belong to (ids stored with events, names shown
on filter buttons) and the words that make a message a question about events. The
recogniser works on folded words (`normalize.words`), so Kazakh in Cyrillic or Latin letters
and Russian meet one spelling. It is deliberately small: it claims a message only when an
event word is there, or a category word comes with "when / is there" or a period, so an
ordinary question about a programme stays with the topic engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.catalog.normalize import words
from bot.config import Language

Period = Literal["all", "week", "month"]
SHORT = 3  # a word this short must match whole: "ай" must not find "айлық"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EventCategory(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    kk: str = Field(min_length=2, max_length=40)
    ru: str = Field(min_length=2, max_length=40)
    words: list[str] = Field(default_factory=list)

    def title(self, lang: Language) -> str:
        return self.kk if lang == "kk" else self.ru


class EventWords(_Strict):
    ask: list[str] = Field(default_factory=list)
    when: list[str] = Field(default_factory=list)
    week: list[str] = Field(default_factory=list)
    month: list[str] = Field(default_factory=list)


class EventsFile(_Strict):
    """The whole of `events.toml`."""

    words: EventWords = EventWords()
    category: list[EventCategory] = Field(default_factory=list)


@dataclass(frozen=True)
class EventQuestion:
    """What a message asks about events: a period and a category, each optional.
    `explicit`: an event word was there (not only a category word with "when")."""

    period: Period
    category: str | None
    explicit: bool
    # Words of the message that are neither the recogniser's nor function words: with any,
    # a confident topic answer wins ("мүгедектігі бар жастарға іс-шаралар" is a programme).
    other_words: int = 0

    def gives_way(self, topic_found: bool, confident: bool) -> bool:
        """Does a topic's answer win over the event list? With other words and a confident
        topic, yes; and a long message about something else that names events in passing
        ("хочу волонтёрить летом… на мероприятиях, нужно ли согласие родителей") goes to
        its topic even when the engine is unsure, offering the choice of topics."""
        if not self.other_words or not topic_found:
            return False
        return confident or self.other_words >= LONG_ASIDE


Phrase = tuple[str, ...]
# Other words from which a message is about something else with events in passing.
LONG_ASIDE = 4


def _phrases(items: list[str]) -> list[Phrase]:
    return [tuple(words(item)) for item in items if words(item)]


def _at(tokens: list[str], start: int, phrase: Phrase) -> bool:
    """Whether the phrase's words start the message's words from `start` on."""
    if start + len(phrase) > len(tokens):
        return False
    for i, part in enumerate(phrase):
        token = tokens[start + i]
        if not (token == part if len(part) <= SHORT else token.startswith(part)):
            return False
    return True


class _Matcher:
    """Every phrase of the recogniser's lists, found in one pass over the message: phrases
    are filed under their first word, so each word of the message looks up only the phrases
    it can start (its whole self for a short first word, its starts for a longer one)."""

    def __init__(self, lists: list[list[Phrase]]) -> None:
        self.size = len(lists)
        self.whole: dict[str, list[tuple[int, Phrase]]] = {}
        self.starts: dict[str, list[tuple[int, Phrase]]] = {}
        for number, phrases in enumerate(lists):
            for phrase in phrases:
                first = phrase[0]
                table = self.whole if len(first) <= SHORT else self.starts
                table.setdefault(first, []).append((number, phrase))
        self.lengths = sorted({len(first) for first in self.starts})

    def find(self, tokens: list[str]) -> list[set[int]]:
        """Per list, the positions of the message its phrases cover (empty: none found)."""
        found: list[set[int]] = [set() for _ in range(self.size)]
        for start, token in enumerate(tokens):
            candidates = list(self.whole.get(token, ()))
            for n in self.lengths:
                if n > len(token):
                    break
                candidates.extend(self.starts.get(token[:n], ()))
            for number, phrase in candidates:
                if _at(tokens, start, phrase):
                    found[number].update(range(start, start + len(phrase)))
        return found


class EventsConfig:
    """The loaded file: categories in menu order and the recogniser's word lists."""

    def __init__(self, data: EventsFile | None = None) -> None:
        data = data or EventsFile()
        self.categories: list[EventCategory] = list(data.category)
        self._ask = _phrases(data.words.ask)
        self._when = _phrases(data.words.when)
        self._week = _phrases(data.words.week)
        self._month = _phrases(data.words.month)
        self._by_category = [(c.id, _phrases(c.words)) for c in self.categories]
        # Lists in order: the categories', then week, month, ask, when.
        self._matcher = _Matcher(
            [phrases for _, phrases in self._by_category]
            + [self._week, self._month, self._ask, self._when]
        )

    def category(self, category_id: str) -> EventCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.categories}

    def recognise(self, text: str) -> EventQuestion | None:
        """The events question in a message, or None when it is not one."""
        # The search engine's function words (imported here: it imports the loader, which
        # imports this module).
        from bot.catalog.search import STOPWORDS

        tokens = words(text[:300])
        if not tokens:
            return None

        found = self._matcher.find(tokens)
        n = len(self._by_category)
        week, month, ask, when_at = found[n:]
        covered: set[int] = set()
        # The first category found; the words of the categories before it were looked for
        # and not found, so only its own cover.
        category = None
        for (cid, _), at in zip(self._by_category, found, strict=False):
            if at:
                category = cid
                covered |= at
                break
        period: Period = "week" if week else "month" if month else "all"
        covered |= week or month
        covered |= ask | when_at
        asked = bool(ask)
        when = bool(when_at)
        other = sum(
            1
            for i, word in enumerate(tokens)
            if i not in covered and word not in STOPWORDS and not word.isdigit()
        )
        if asked:
            return EventQuestion(period, category, explicit=True, other_words=other)
        if category is not None and (when or period != "all"):
            return EventQuestion(period, category, explicit=False, other_words=other)
        if period != "all" and when:
            return EventQuestion(period, None, explicit=True, other_words=other)
        return None
