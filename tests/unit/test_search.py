"""The answer engine on its own: normalisation, transliteration, crisis, out of scope."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.catalog.normalize import normalise
from bot.catalog.search import SearchIndex

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_catalog(ROOT / "content"))


@pytest.mark.parametrize(("a", "b"), [
    ("жұмыс", "jumys"), ("жұмыс", "zhumys"), ("жұмыс", "jūmys"), ("жұмыс", "жумыс"),
    ("Қазақстан", "qazaqstan"), ("шағын", "shagyn"), ("ёлка", "елка"),
])
def test_spellings_fold_together(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(("question", "topic"), [
    ("NEET деген кімдер", "neet"),
    ("жастар практикасы қанша ай", "youth-practice"),
    ("грант на бизнес для молодежи", "entrepreneurship"),
    ("волонтер болғым келеді", "volunteering"),
])
def test_clear_questions_find_their_topic(index: SearchIndex, question: str, topic: str) -> None:
    assert index.search(question).topic == topic


@pytest.mark.parametrize("question", ["погода в шымкенте", "реши пример по математике",
                                      "сәлем", "курс доллара на сегодня"])
def test_out_of_scope_is_rejected(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.topic is None and not result.crisis


@pytest.mark.parametrize("question", ["суицид", "хочу умереть", "ставки долги не знаю что делать",
                                      "мені үйде ұрады", "omir surgim kelmeidi"])
def test_crisis_is_flagged(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.crisis and result.topic == "psych-support"


def test_ask_cli_json_and_stdin() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONTENT_DIR": str(ROOT / "content")}
    one = subprocess.run([sys.executable, "-m", "bot", "ask", "zhasyl el deген не", "--json"],
                         capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)
    data = json.loads(one.stdout)
    assert set(data) == {"topic", "score", "alternatives", "crisis", "answer"}
    assert data["topic"] == "zhasyl-el" and data["answer"]
    many = subprocess.run([sys.executable, "-m", "bot", "ask", "-", "--json", "--lang", "ru"],
                          input="погода\nне хочу жить\n", capture_output=True, text=True,
                          env=env, timeout=60, cwd=ROOT)
    lines = [json.loads(line) for line in many.stdout.splitlines()]
    assert [x["topic"] for x in lines] == [None, "psych-support"]
    assert lines[1]["crisis"] is True and "112" in lines[1]["answer"]
