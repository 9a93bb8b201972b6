"""Browsing programmes: main menu → categories → topics → a topic card → its full text."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.catalog.store import ContentStore
from bot.handlers.common import acknowledge, send_chunks, show
from bot.i18n import Translator
from bot.views.menu import (
    CategoryCD,
    MenuCD,
    TopicCD,
    categories_keyboard,
    main_menu,
    topic_card,
    topic_full,
    topic_keyboard,
    topics_keyboard,
)


async def on_main(query: CallbackQuery, t: Translator) -> None:
    await acknowledge(query)
    await show(query, t("menu-title"), main_menu(t))


async def on_categories(query: CallbackQuery, t: Translator, content: ContentStore) -> None:
    await acknowledge(query)
    await show(query, t("categories-title"), categories_keyboard(t, content.catalog))


async def on_category(
    query: CallbackQuery, callback_data: CategoryCD, t: Translator, content: ContentStore
) -> None:
    category = content.catalog.category(callback_data.id)
    if category is None:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    await show(
        query,
        t("category-choose", category=category.title(t.lang)),
        topics_keyboard(t, content.catalog, category.id),
    )


async def on_topic(
    query: CallbackQuery, callback_data: TopicCD, t: Translator, content: ContentStore
) -> None:
    topic = content.catalog.get(callback_data.id)
    if topic is None:
        await acknowledge(query, t("button-outdated"))
        return
    await acknowledge(query)
    full = callback_data.view == "f"
    chunks = topic_full(t, topic) if full else topic_card(t, topic)
    markup = topic_keyboard(
        t, topic.id, topic.category, registration_open=topic.registration_open, full=full
    )
    if len(chunks) == 1 and not full:
        await show(query, chunks[0], markup)
    elif isinstance(query.message, Message):
        await send_chunks(query.message, chunks, markup)


def create_router() -> Router:
    """A fresh router per dispatcher (the chat mode and every test build their own)."""
    router = Router(name="menu")
    router.callback_query.register(on_main, MenuCD.filter(F.to == "main"))
    router.callback_query.register(on_categories, MenuCD.filter(F.to == "cats"))
    router.callback_query.register(on_category, CategoryCD.filter())
    router.callback_query.register(on_topic, TopicCD.filter())
    return router
