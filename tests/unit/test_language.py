"""Language of a message: Uzbek recognised in both scripts, Kazakh and Russian not taken for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalog.language import detect

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "text",
    [
        "Yoshlar uchun qanday ish bor?",
        "stipendiya qachon beriladi, bilmaysizmi",
        "Ёшлар маркази қаерда жойлашган?",
        "ўқишга грант олмоқчиман, нима қилиш керак",
        "men 17 yoshdaman, yozda ishlamoqchiman",
    ],
)
def test_uzbek_in_latin_and_cyrillic(text: str) -> None:
    assert detect(text) == "uz"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Жастарға қандай көмек бар?", "kk"),
        ("jastarga qandai komek bar", "kk"),
        ("жумыс керек кайда барамын", "kk"),
        ("Где найти работу студенту?", "ru"),
        ("gde mozhno nayti rabotu", "ru"),
        ("қандай грант бар", "kk"),  # shared Turkic word, Kazakh letters decide
    ],
)
def test_kazakh_and_russian_stay_themselves(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_nothing_to_tell() -> None:
    assert detect("") is None and detect("123 !!!") is None and detect("👍") is None


def test_labelled_sets_agree() -> None:
    """Every labelled message of the dev sets: Uzbek found, the others almost never called Uzbek."""
    uz_total = uz_found = other_total = other_as_uz = 0
    for path in DATA.glob("*.jsonl"):
        if "holdout" in path.name:
            continue
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row is None or row["lang"] not in ("kk", "ru", "uz"):
                continue
            got = detect(row["text"])
            if row["lang"] == "uz":
                uz_total += 1
                uz_found += got == "uz"
            else:
                other_total += 1
                other_as_uz += got == "uz"
    assert uz_total > 100 and uz_found >= 0.95 * uz_total
    assert other_as_uz <= 0.002 * other_total
