"""The topic card says how old its facts are and shows MRP amounts at the current year's MRP
(issue 17, "Facts that stay true"), in both languages, through the fake Bot API."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot import clock
from bot.catalog.store import ContentStore
from bot.config import Settings
from tests.conversation import Harness

ROOT = Path(__file__).resolve().parents[2]
SOURCES = """checked = 2026-11-20
[[sources]]
title = "Seed report of the department"
url = "https://www.gov.kz/memleket/entities/shymkent"
read = 2026-11-20
"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A content copy whose NEET topic is on the new schema and states an MRP amount."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    path = copy / "topics" / "neet.toml"
    text = path.read_text(encoding="utf-8")
    if re.search(r"(?m)^checked = ", text):  # already on the new schema: set a known date
        text = re.sub(r"(?m)^checked = .*$", "checked = 2026-11-20", text, count=1)
    else:
        text = re.sub(r'(?m)^source = ".*"\n', SOURCES, text, count=1)
    text = text.replace('summary = """', 'summary = """({{mrp_year}}: {{mrp 30}}) ', 2)
    path.write_text(text, encoding="utf-8")
    return settings.model_copy(update={"content_dir": copy})


@pytest.fixture
def content(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> ContentStore:
    """The content as loaded on 7 December 2026 in Shymkent (the 2026 MRP, 4 325 ₸)."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 7))
    return ContentStore(settings.content_dir)


@pytest.mark.parametrize(
    ("lang", "button", "programmes", "work", "line"),
    [
        ("kk", "Қазақша", "Бағдарламалар", "Жұмыс", "Ақпарат 20.11.2026 жағдайы бойынша"),
        ("ru", "Русский", "Программы", "Работа", "Данные на 20.11.2026"),
    ],
)
async def test_the_card_shows_the_checked_date_and_the_mrp_amount(
    harness: Harness, lang: str, button: str, programmes: str, work: str, line: str
) -> None:
    user = harness.user(5101, language_code=lang)
    await user.start(button)
    await user.click(programmes)
    await user.click(work)
    await user.click("NEET")
    card = user.last_text
    assert card.rstrip().endswith(line)
    assert "(2026: 129\u00a0750\u00a0₸)" in card
    assert "{{" not in card
