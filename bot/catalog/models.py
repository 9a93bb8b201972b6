"""Typed shape of the content files; pydantic reports a broken field by name."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import Language

TOPIC_ID = r"^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$"
FILL = re.compile(r"\[\[FILL:\s*([^\]]*)\]\]")

# The ids every content set must have: the contract of shared/TOPICS.md.
REQUIRED_TOPIC_IDS = (
    "neet",
    "employment",
    "youth-practice",
    "first-job",
    "generations-contract",
    "zhasyl-el",
    "entrepreneurship",
    "zhana-omir",
    "disability",
    "family-values",
    "healthy-lifestyle",
    "psych-support",
    "ngo",
    "volunteering",
    "symbols-day",
    "outreach",
    "youth-stats",
    "department",
    "interethnic",
    "media",
    "repression-rehabilitation",
    "registration",
    "contacts",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FaqItem(_Strict):
    questions: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not q.strip() for q in value):
            raise ValueError("a question is empty")
        return value


class TopicText(_Strict):
    """One language of a topic. Optional fields are empty strings when not filled."""

    title: str = Field(min_length=2, max_length=80)
    summary: str = Field(min_length=10, max_length=400)
    text: str = Field(min_length=10)
    eligibility: str = ""
    benefits: str = ""
    how_to_apply: str = ""
    keywords: list[str] = Field(default_factory=list)
    faq: list[FaqItem] = Field(default_factory=list)

    # The fields shown to users, in card order; used by checks that walk every text.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "title",
        "summary",
        "text",
        "eligibility",
        "benefits",
        "how_to_apply",
    )

    def strings(self) -> list[tuple[str, str]]:
        """(field path, text) for every string a user may see, FAQ included."""
        out = [(name, getattr(self, name)) for name in self.TEXT_FIELDS]
        for i, item in enumerate(self.faq, 1):
            out.append((f"faq[{i}].answer", item.answer))
        return out


class Source(_Strict):
    """One `[[sources]]` entry: where a fact came from and when it was read, so the next
    editor can check it again instead of trusting it."""

    title: str = Field(min_length=3, max_length=300)
    url: str = Field(pattern=r"^https?://\S+$", max_length=1000)
    read: dt.date
    # The page's own publication date, as it shows it ("2025-11-03", or only "2025").
    date: dt.date | str | None = None


class Topic(_Strict):
    id: str = Field(pattern=TOPIC_ID)
    category: str
    order: int = 100
    registration_open: bool = False
    # When the facts were last checked against `sources`; shown on the card.
    checked: dt.date | None = None
    sources: list[Source] = Field(default_factory=list)
    # The legacy free-text line, accepted until every topic has `[[sources]]`.
    source: str | None = Field(default=None, min_length=3)
    kk: TopicText
    ru: TopicText

    def text(self, lang: Language) -> TopicText:
        return self.kk if lang == "kk" else self.ru


class Category(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    kk: str = Field(min_length=2, max_length=60)
    ru: str = Field(min_length=2, max_length=60)

    def title(self, lang: Language) -> str:
        return self.kk if lang == "kk" else self.ru


class ConsentText(_Strict):
    short: str = Field(min_length=1, max_length=3500)
    full: str = Field(min_length=1)


class ConsentNotice(_Strict):
    """`consent.toml`: the personal-data notice shown before a registration is stored.

    The version is saved with every consent, so a changed text can be told from the old.
    """

    version: str = Field(min_length=1, max_length=40)
    kk: ConsentText
    ru: ConsentText

    def text(self, lang: Language) -> ConsentText:
        return self.kk if lang == "kk" else self.ru
