"""Topic cards as the user sees them: pure functions from a topic to HTML messages."""

from __future__ import annotations

from bot.catalog.models import Topic
from bot.formatting import content_html, split_blocks
from bot.i18n import Html, Translator, escape


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
        blocks.append(t("card-checked", date=topic.checked.strftime("%d.%m.%Y")))
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
            blocks.append(f"<i>{escape(_as_question(item.questions[0]))}</i>\n"
                          f"{content_html(item.answer)}")
    return split_blocks(blocks)


def _as_question(text: str) -> str:
    """FAQ variants are typed as youth type them; the card shows the first one tidied."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(("?", "!", ".")) else f"{text}?"


def topic_list_html(t: Translator, category_title: str) -> Html:
    return Html(t("category-choose", category=category_title))
