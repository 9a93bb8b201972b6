"""The menu and the topic cards: main menu → categories → topics → a card → its full text,
the language choice and help. Callback data, keyboards and renderers; pure functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot import clock
from bot.catalog.models import Topic
from bot.config import Language
from bot.formatting import content_html, split_blocks
from bot.i18n import Html, I18n, Translator, escape
from bot.speedups import InlineKeyboardBuilder
from bot.views.common import same_for_everyone

if TYPE_CHECKING:  # the loader renders every card to check it: no import back at run time
    from bot.catalog.loader import Catalog


class LangCD(CallbackData, prefix="l"):
    code: str


class MenuCD(CallbackData, prefix="m"):
    """A main-menu destination: `main`, `cats`, `events`, `lang`, `help`."""

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


class AskCD(CallbackData, prefix="a"):
    """ "Ask a specialist": `go` starts the question, `x` cancels it."""

    do: str = "go"


def welcome_text(i18n: I18n, first: Language) -> str:
    """The very first message is in both languages: the user has not chosen yet."""
    second: Language = "ru" if first == "kk" else "kk"
    return f"{i18n.get(first, 'start-welcome')}\n\n{i18n.get(second, 'start-welcome')}"


@same_for_everyone
def language_keyboard(t: Translator, current: Language | None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in ("kk", "ru"):
        label = t(f"lang-button-{code}")
        if code == current:
            label = f"✅ {label}"
        kb.button(text=label, callback_data=LangCD(code=code))
    kb.adjust(2)
    return kb.as_markup()


@same_for_everyone
def main_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("menu-programmes"), callback_data=MenuCD(to="cats"))
    kb.button(text=t("menu-events"), callback_data=MenuCD(to="events"))
    kb.button(text=t("menu-contacts"), callback_data=TopicCD(id="contacts"))
    kb.button(text=t("menu-ask"), callback_data=AskCD())
    kb.button(text=t("menu-language"), callback_data=MenuCD(to="lang"))
    kb.button(text=t("menu-help"), callback_data=MenuCD(to="help"))
    kb.adjust(1, 1, 1, 1, 2)
    return kb.as_markup()


@same_for_everyone
def categories_keyboard(t: Translator, catalog: Catalog) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in catalog.visible_categories():
        kb.button(text=category.title(t.lang), callback_data=CategoryCD(id=category.id))
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def topics_keyboard(t: Translator, catalog: Catalog, category_id: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for topic in catalog.in_category(category_id):
        kb.button(text=topic.text(t.lang).title, callback_data=TopicCD(id=topic.id))
    kb.button(text=t("button-back"), callback_data=MenuCD(to="cats"))
    kb.adjust(1)
    return kb.as_markup()


@same_for_everyone
def topic_keyboard(
    t: Translator,
    topic_id: str,
    category_id: str,
    *,
    registration_open: bool,
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


@same_for_everyone
def back_to_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-main-menu"), callback_data=MenuCD(to="main"))
    return kb.as_markup()


def _section(t: Translator, key: str, body: str) -> str:
    html = content_html(body)
    return f"<b>{escape(t(key))}</b>\n{html}" if html else ""


def topic_card(t: Translator, topic: Topic) -> list[str]:
    """The short card: title, summary, who may join, how to apply."""
    text = topic.text(t.lang)
    blocks = [
        f"<b>{escape(text.title)}</b>",
        content_html(text.summary),
        _section(t, "card-eligibility", text.eligibility),
        _section(t, "card-how-to-apply", text.how_to_apply),
    ]
    if topic.checked:  # how old the facts are, so a reader can judge them
        blocks.append(t("card-checked", date=clock.day(topic.checked)))
    return split_blocks(blocks)


def topic_full(t: Translator, topic: Topic) -> list[str]:
    """Everything: the full text, what one gets, the FAQ (the source is for editors only)."""
    text = topic.text(t.lang)
    blocks = [
        f"<b>{escape(text.title)}</b>",
        content_html(text.text),
        _section(t, "card-benefits", text.benefits),
    ]
    if text.faq:
        blocks.append(f"<b>{escape(t('card-faq'))}</b>")
        for item in text.faq:
            blocks.append(
                f"<i>{escape(_as_question(item.questions[0]))}</i>\n{content_html(item.answer)}"
            )
    return split_blocks(blocks)


def _as_question(text: str) -> str:
    """FAQ variants are typed as youth type them; the card shows the first one tidied."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(("?", "!", ".")) else f"{text}?"


def topic_list_html(t: Translator, category_title: str) -> Html:
    return Html(t("category-choose", category=category_title))
