"""The topic serializer writes every topic file of content/ back as it reads, in the same
layout (blank lines between blocks aside), and escapes what TOML needs escaped."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from bot.catalog.topic_file import dump_topic

TOPICS = sorted((Path(__file__).resolve().parents[2] / "content" / "topics").glob("*.toml"))


@pytest.mark.parametrize("path", TOPICS, ids=lambda p: p.stem)
def test_every_topic_file_comes_back_line_for_line(path: Path) -> None:
    text = path.read_text("utf-8")
    data = tomllib.loads(text)
    written = dump_topic(data)
    assert tomllib.loads(written) == data
    assert [x for x in written.splitlines() if x.strip()] == [
        x for x in text.splitlines() if x.strip()
    ]


def test_quotes_backslashes_and_control_characters_read_back_the_same() -> None:
    tricky = 'He said "hi" \\ then """three""" and a tab\there\nand\x07 bell"'
    data: dict[str, object] = {
        "id": "x-topic",
        "category": "bot",
        "checked": dt.date(2026, 12, 7),
        "kk": {
            "title": tricky.replace("\n", " "),
            "summary": tricky,
            "keywords": ['a"b', "c\\d"],
            "faq": [{"questions": ["q?"], "answer": tricky}],
        },
    }
    assert tomllib.loads(dump_topic(data)) == data
