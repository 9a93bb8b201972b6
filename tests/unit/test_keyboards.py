"""Menus are built once per language and texts; a content reload gets fresh ones."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.store import ContentStore
from bot.views.menu import categories_keyboard, main_menu, topic_keyboard

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_the_same_menu_is_shared_per_language_and_arguments() -> None:
    store = ContentStore(CONTENT)
    kk, ru = store.i18n("kk"), store.i18n("ru")
    assert main_menu(kk) is main_menu(store.i18n("kk"))
    assert main_menu(kk) is not main_menu(ru)
    assert main_menu(kk).inline_keyboard[0][0].text != main_menu(ru).inline_keyboard[0][0].text
    open_card = topic_keyboard(kk, "neet", "work", registration_open=True)
    closed = topic_keyboard(kk, "neet", "work", registration_open=False)
    assert open_card is not closed
    assert len(open_card.inline_keyboard) == len(closed.inline_keyboard) + 1
    assert topic_keyboard(kk, "neet", "work", registration_open=True) is open_card


def test_a_reload_builds_menus_from_the_new_texts_and_catalog() -> None:
    store = ContentStore(CONTENT)
    before = main_menu(store.i18n("kk")), categories_keyboard(store.i18n("kk"), store.catalog)
    store.reload()
    after = main_menu(store.i18n("kk")), categories_keyboard(store.i18n("kk"), store.catalog)
    assert before[0] is not after[0] and before[1] is not after[1]
    assert before[0] == after[0]  # same files, same buttons
