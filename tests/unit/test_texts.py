"""UI texts: both languages complete, every key the code uses exists, values are escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import Html, I18n, TextsError, check_parity
from bot.transport.html import parse_html

ROOT = Path(__file__).resolve().parents[2]
RU_PLURAL = """q = { $count } { $count ->
        [one] вопрос
        [few] вопроса
       *[many] вопросов
    }
"""


def test_same_keys_and_variables_in_both_languages() -> None:
    i18n = I18n.load(ROOT / "content" / "ui")
    assert check_parity({lang: dict(t.variables) for lang, t in i18n.texts.items()}) == []


def test_parity_check_catches_a_missing_key_and_a_different_variable() -> None:
    i18n = I18n.from_sources(
        {"kk": "a = x\nb = { $n ->\n   *[other] { $n }\n}\n", "ru": "a = y\nb = { $m }\n"}
    )
    problems = check_parity({lang: dict(t.variables) for lang, t in i18n.texts.items()})
    assert problems and problems[0].startswith("b: variables differ")
    assert check_parity({"kk": {"a": frozenset()}, "ru": {}}) == ["a: missing in ru"]


def test_load_refuses_languages_out_of_step(tmp_path: Path) -> None:
    (tmp_path / "kk.ftl").write_text("a = x\nb = { $n } сұрақ\n", encoding="utf-8")
    (tmp_path / "ru.ftl").write_text("a = y\n", encoding="utf-8")
    with pytest.raises(TextsError, match="b: missing in ru"):
        I18n.load(tmp_path)


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "вопрос"),
        (3, "вопроса"),
        (5, "вопросов"),
        (21, "вопрос"),
        (501, "вопрос"),
        (112, "вопросов"),
    ],
)
def test_russian_plural_forms_follow_the_number(n: int, word: str) -> None:
    t = I18n.from_sources({"ru": RU_PLURAL})("ru")
    assert t("q", count=n) == f"{n} {word}"


def test_numbers_are_printed_without_grouping_and_text_is_not_isolated() -> None:
    t = I18n.from_sources({"ru": "k = [{ $n }] [{ $s }]\n"})("ru")
    assert t("k", n=12345, s="абв") == "[12345] [абв]"


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
        for key in texts:
            for filled in i18n.samples(lang, key):
                try:
                    parse_html(filled)
                except Exception as exc:
                    raise AssertionError(f"{lang}.{key}: {exc}") from exc


def test_values_are_escaped_unless_marked_safe() -> None:
    t = I18n.from_sources({"kk": "k = <b>{ $name }</b>\n"})("kk")
    assert t("k", name="<i>Ай & Ко</i>") == "<b>&lt;i&gt;Ай &amp; Ко&lt;/i&gt;</b>"
    assert t("k", name=Html("<i>ok</i>")) == "<b><i>ok</i></b>"
