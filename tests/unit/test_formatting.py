"""Content text → safe HTML → messages under Telegram's limit."""

from __future__ import annotations

from bot.formatting import content_html, split_blocks
from bot.sandbox.emulator import MAX_TEXT, utf16_len
from bot.transport.html import parse_html


def test_content_is_escaped_and_placeholders_hidden() -> None:
    html = content_html("A < B & C\nТелефон: [[FILL: phone]]\n\n- first\n- second")
    assert html == "A &lt; B &amp; C\n\n• first\n• second"
    assert parse_html(html) == "A < B & C\n\n• first\n• second"


def test_split_keeps_every_piece_valid_and_short() -> None:
    paragraph = "Жастар практикасы & <жұмыс> 😀 " * 60
    blocks = ["<b>Title</b>", *(content_html(paragraph) for _ in range(12))]
    messages = split_blocks(blocks)
    assert len(messages) > 1
    for message in messages:
        assert utf16_len(message) <= MAX_TEXT
        parse_html(message)
    joined = "".join(parse_html(m) for m in messages).replace("\n", "").replace(" ", "")
    original = "".join(parse_html(b) for b in blocks).replace("\n", "").replace(" ", "")
    assert joined == original, "nothing lost or duplicated"


def test_one_endless_word_is_cut_outside_entities() -> None:
    block = content_html("&" * 5000)
    messages = split_blocks([block])
    assert all(utf16_len(m) <= MAX_TEXT for m in messages)
    assert sum(len(parse_html(m)) for m in messages) == 5000
