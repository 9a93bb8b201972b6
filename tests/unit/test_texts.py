"""UI texts: both languages complete, every key the code uses exists, values are escaped."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import Html, I18n, check_parity
from bot.transport.html import parse_html

ROOT = Path(__file__).resolve().parents[2]


def test_same_keys_and_placeholders_in_both_languages() -> None:
    i18n = I18n.load(ROOT / "content" / "ui")
    assert check_parity(i18n.texts) == []


def test_parity_check_catches_a_missing_key() -> None:
    problems = check_parity({"kk": {"a": "x", "b": "{n}"}, "ru": {"a": "y", "b": "{m}"}})
    assert problems and "b" in problems[0]
    assert check_parity({"kk": {"a": "x"}, "ru": {}}) == ["a: missing in ru"]


def test_every_key_used_in_code_exists() -> None:
    i18n = I18n.load(ROOT / "content" / "ui")
    used = set()
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z][a-z0-9-]*)["']""", source))
        used |= set(re.findall(r"""\.get\(\s*\w+,\s*["']([a-z][a-z0-9-]*)["']""", source))
    assert used, "the scan found no keys: the pattern is broken"
    assert used - set(i18n.texts["kk"]) == set()


def test_every_ui_text_is_valid_telegram_html() -> None:
    i18n = I18n.load(ROOT / "content" / "ui")
    for lang, texts in i18n.texts.items():
        for key, text in texts.items():
            filled = text.format_map({n: "x" for n in re.findall(r"{(\w+)}", text)})
            try:
                parse_html(filled)
            except Exception as exc:
                raise AssertionError(f"{lang}.{key}: {exc}") from exc


def test_values_are_escaped_unless_marked_safe() -> None:
    t = I18n({"kk": {"k": "<b>{name}</b>"}, "ru": {"k": "<b>{name}</b>"}})("kk")
    assert t("k", name="<i>Ай & Ко</i>") == "<b>&lt;i&gt;Ай &amp; Ко&lt;/i&gt;</b>"
    assert t("k", name=Html("<i>ok</i>")) == "<b><i>ok</i></b>"
