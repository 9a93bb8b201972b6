"""Turning content text into safe Telegram HTML, and splitting it under the length limit."""

from __future__ import annotations

from bot.catalog.models import FILL
from bot.i18n import Html, escape

# Telegram allows 4096 characters; the margin leaves room for a page marker and emoji that
# count as two UTF-16 units.
MESSAGE_LIMIT = 3900


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def content_html(text: str) -> Html:
    """Escape an editor's plain text, hide unfilled `[[FILL: …]]` lines, draw bullets."""
    lines = []
    for line in text.splitlines():
        if FILL.search(line):
            continue
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            line = "• " + stripped[2:]
        lines.append(escape(line))
    # Hiding a line may leave three blank lines in a row; fold them to one paragraph break.
    html = "\n".join(lines)
    while "\n\n\n" in html:
        html = html.replace("\n\n\n", "\n\n")
    return Html(html.strip())


def split_blocks(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack HTML blocks (paragraphs, each closing its own tags) into messages ≤ `limit`.

    A block is never cut while it fits a message; one that does not is cut at a line break
    or a space outside tags (entities hold no spaces, so none is cut in half).
    """
    messages: list[str] = []
    current = ""
    for block in (b for b in blocks if b.strip()):
        for piece in _cut(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _cut(block: str, limit: int) -> list[str]:
    """Cut an over-long block at whitespace outside tags; formatted blocks are short."""
    pieces = []
    while utf16_len(block) > limit:
        window = block[:limit]
        while utf16_len(window) > limit:  # astral characters count twice
            window = window[: len(window) - 16]
        cut = len(window)
        while cut > 0:
            cut = max(window.rfind("\n", 0, cut), window.rfind(" ", 0, cut))
            if cut <= 0 or window.rfind("<", 0, cut) <= window.rfind(">", 0, cut):
                break
        if cut <= 0:  # one endless word: cut anywhere but inside an entity
            cut = len(window)
            amp = window.rfind("&")
            if amp > 0 and amp > window.rfind(";"):
                cut = amp
        pieces.append(block[:cut].rstrip())
        block = block[cut:].lstrip()
    pieces.append(block)
    return pieces
