"""Telegram's HTML parse mode, as the Bot API checks it: which markup it refuses and what
plain text it shows. The content checks (`bot/catalog/loader.py`) and the emulator
(`bot/sandbox/emulator.py`, the tests and the terminal chat) hold texts to the same rules.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

# Tags Telegram accepts in HTML parse mode (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    """An error answer of the Bot API (as the emulator gives it): HTTP status, description
    and optional parameters."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class _TelegramHtml(HTMLParser):
    """Checks HTML the way Telegram does and collects the plain text it would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        if tag == "a" and not dict(attrs).get("href"):
            self.error = self.error or "a tag without href"
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.error = self.error or f'unsupported self-closing tag "{tag}"'

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'unexpected end tag "{tag}"'
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse_html(text: str) -> str:
    """Return the plain text Telegram would show, or raise like Telegram on broken markup."""
    # A bare "<" or "&" that does not start a tag or a known entity is an error in Telegram.
    for match in re.finditer(r"&[^;\s]{0,10};?", text):
        if not ENTITY.match(match.group(0)):
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: unsupported entity at "
                f"byte offset {match.start()}",
            )
    for match in re.finditer(r"<", text):
        if not re.match(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?>", text[match.start() :]):
            raise ApiError(
                400,
                'Bad Request: can\'t parse entities: unexpected "<" at '
                f"byte offset {match.start()}",
            )
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'unclosed start tag "{parser.stack[-1]}"'
    if parser.error:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error}")
    return "".join(parser.parts)
