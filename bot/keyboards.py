"""Callback data factories (short ASCII ids, well under 64 bytes) and pure keyboard builders."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.catalog.loader import Catalog
from bot.config import Language
from bot.i18n import Translator


class LangCD(CallbackData, prefix="l"):
    code: str


class MenuCD(CallbackData, prefix="m"):
    """A main-menu destination: `main`, `cats`, `lang`, `help`."""

    to: str


class CategoryCD(CallbackData, prefix="c"):
    id: str


class RegisterCD(CallbackData, prefix="r"):
    """Start registration for a programme."""

    id: str


class TopicCD(CallbackData, prefix="t"):
    """A topic card (`view="c"`) or its full text (`view="f"`)."""

    id: str
    view: str = "c"


class NotThisCD(CallbackData, prefix="n"):
    """"Not what I asked" under a free-text answer."""

    id: str


def language_keyboard(t: Translator, current: Language | None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in ("kk", "ru"):
        label = t(f"lang-button-{code}")
        if code == current:
            label = f"✅ {label}"
        kb.button(text=label, callback_data=LangCD(code=code))
    kb.adjust(2)
    return kb.as_markup()


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("menu-programmes"), callback_data=MenuCD(to="cats"))
    kb.button(text=t("menu-contacts"), callback_data=TopicCD(id="contacts"))
    kb.button(text=t("menu-language"), callback_data=MenuCD(to="lang"))
    kb.button(text=t("menu-help"), callback_data=MenuCD(to="help"))
    kb.adjust(1, 1, 2)
    return kb.as_markup()


def categories_keyboard(t: Translator, catalog: Catalog) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in catalog.visible_categories():
        kb.button(text=category.title(t.lang), callback_data=CategoryCD(id=category.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def topics_keyboard(t: Translator, catalog: Catalog, category_id: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for topic in catalog.in_category(category_id):
        kb.button(text=topic.text(t.lang).title, callback_data=TopicCD(id=topic.id))
    kb.button(text=t("button-back"), callback_data=MenuCD(to="cats"))
    kb.adjust(1)
    return kb.as_markup()


def topic_keyboard(
    t: Translator, topic_id: str, category_id: str, *, registration_open: bool,
    full: bool = False,
) -> InlineKeyboardMarkup:
    """Under a card: more (unless already showing it), register if open, back, menu."""
    kb = InlineKeyboardBuilder()
    if not full:
        kb.button(text=t("button-more"), callback_data=TopicCD(id=topic_id, view="f"))
    if registration_open:
        kb.button(text=t("button-register"), callback_data=RegisterCD(id=topic_id))
    kb.button(text=t("button-back"), callback_data=CategoryCD(id=category_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def back_to_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    return kb.as_markup()


def answer_keyboard(t: Translator, topic_id: str, *, registration_open: bool,
                    crisis: bool = False) -> InlineKeyboardMarkup:
    """Under a free-text answer: the full card, register if open, "not what I asked"."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("answers-open-card"), callback_data=TopicCD(id=topic_id))
    if registration_open:
        kb.button(text=t("button-register"), callback_data=RegisterCD(id=topic_id))
    if not crisis:
        kb.button(text=t("answers-not-this"), callback_data=NotThisCD(id=topic_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


def choices_keyboard(t: Translator, topics: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Several likely topics as buttons (id, title), then the menu."""
    kb = InlineKeyboardBuilder()
    for topic_id, title in topics:
        kb.button(text=title, callback_data=TopicCD(id=topic_id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()
