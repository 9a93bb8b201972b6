"""The inline-filter patch: installed by `create_dispatcher`, only on checked aiogram versions."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from aiogram import F
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.state import State, StatesGroup

from bot import speedups
from bot.app import create_dispatcher
from bot.catalog.store import ContentStore
from bot.config import Settings
from bot.db.database import Database

ROOT = Path(__file__).resolve().parents[2]


class Form(StatesGroup):
    step = State()


@pytest.fixture
def unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiogram as shipped for the length of a test (the patch is process-wide otherwise)."""
    if speedups.inline_filters_installed():
        monkeypatch.setattr(FilterObject, "__post_init__", vars(FilterObject)[speedups._MARK])
        monkeypatch.delattr(FilterObject, speedups._MARK)
    assert FilterObject(callback=F.text).awaitable is False


def test_versions_parse_to_major_and_minor() -> None:
    assert speedups.aiogram_version("3.31.0") == (3, 31)
    assert speedups.aiogram_version("3.32.0b1") == (3, 32)
    assert speedups.aiogram_version("4.0") == (4, 0)


@pytest.mark.usefixtures("unpatched")
def test_an_unchecked_aiogram_version_runs_unpatched(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert speedups.install_inline_filters("4.0.0") is False
    assert FilterObject(callback=F.text).awaitable is False
    assert "outside the versions" in caplog.text


@pytest.mark.usefixtures("unpatched")
async def test_create_dispatcher_installs_the_patch(
    settings: Settings, db: Database, content: ContentStore
) -> None:
    create_dispatcher(settings, db, content)
    assert speedups.inline_filters_installed()
    magic, state = FilterObject(callback=F.text), FilterObject(callback=Form.step)
    assert magic.awaitable and state.awaitable
    assert await magic.call(type("Event", (), {"text": "сәлем"})()) == "сәлем"


def test_building_the_routers_does_not_patch_aiogram() -> None:
    """The patch is the factory's explicit step, not a side effect of importing handlers."""
    for path in (ROOT / "bot" / "handlers").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert "bot.speedups" not in imported, path.name


def test_the_keyboard_builder_gives_aiogram_s_markup_without_copying_buttons() -> None:
    from aiogram.types import InlineKeyboardButton
    from aiogram.utils.keyboard import InlineKeyboardBuilder as Aiogram

    ours, theirs = speedups.InlineKeyboardBuilder(), Aiogram()
    for kb in (ours, theirs):
        kb.row(InlineKeyboardButton(text="Қазақша", callback_data="l:kk"))
        kb.button(text="Русский", callback_data="l:ru")
    assert ours.as_markup() == theirs.as_markup()
    assert ours.export()[0][0] is ours._markup[0][0]
