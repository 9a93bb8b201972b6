"""UI texts in Kazakh and Russian, loaded from `content/ui/<lang>.toml`.

TOML rather than Fluent or gettext: it is in the standard library, it is the format editors
already use for topics, and the bot's texts need placeholders but no plural rules (numbers
are shown as "Саны: 5" / "Количество: 5"). Values passed into a text are HTML-escaped
unless wrapped in `Html`, so user input can never break a message.
"""

from __future__ import annotations

import html
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.files import NotUtf8Error, read_text
from bot.config import LANGUAGES, Language

KEY = re.compile(r"^[a-z][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"^[a-z_][a-z0-9_]*$")


class Html(str):
    """A string that is already safe HTML (built by the bot, not typed by a user)."""

    __slots__ = ()


def escape(value: object) -> str:
    """Escape anything shown inside an HTML message; `Html` passes through as it is."""
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


class TextsError(Exception):
    """A UI text file is missing, broken, or out of step with the other language."""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def placeholder_problem(text: str) -> str | None:
    """Why the bot could not fill this text in, or None: a lone brace, `{0}` or `{a.b}`
    would fail (or leak an attribute) on the first user who is shown it."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return "a lone { or }: keep {name} placeholders as they are, write {{ or }} for a brace"
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not PLACEHOLDER.match(name) or spec or conversion:
            return f"{{{name}}} is not a placeholder the bot fills (write {{{{ or }}}} for a brace)"
    return None


@dataclass(frozen=True)
class Translator:
    """The texts of one language, bound for one update: `t("menu-title", name=...)`."""

    lang: Language
    texts: dict[str, str]

    def __call__(self, key: str, /, **values: object) -> str:
        template = self.texts.get(key)
        if template is None:
            raise KeyError(f"no UI text {key!r} in {self.lang}")
        if not values:
            return template
        return template.format_map({name: escape(value) for name, value in values.items()})


class I18n:
    """Both languages' texts; `I18n.load` checks they have the same keys and placeholders."""

    def __init__(self, texts: dict[Language, dict[str, str]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, folder: Path) -> I18n:
        texts: dict[Language, dict[str, str]] = {}
        for lang in LANGUAGES:
            path = folder / f"{lang}.toml"
            label = f"{folder.name}/{path.name}"
            try:
                data = tomllib.loads(read_text(path, label))
            except FileNotFoundError:
                raise TextsError(f"{path}: file is missing") from None
            except (NotUtf8Error, OSError) as exc:
                raise TextsError(str(exc)) from None
            except tomllib.TOMLDecodeError as exc:
                raise TextsError(f"{path}: {exc}") from None
            for key, value in data.items():
                if not KEY.match(key) or not isinstance(value, str) or not value.strip():
                    raise TextsError(f"{path}: {key}: must be a lowercase-key = non-empty text")
                problem = placeholder_problem(value)
                if problem:
                    raise TextsError(f"{label}: {key}: {problem}")
            texts[lang] = data
        problems = check_parity(texts)
        if problems:
            raise TextsError("; ".join(problems))
        return cls(texts)

    def __call__(self, lang: Language) -> Translator:
        return Translator(lang, self.texts[lang])

    def get(self, lang: Language, key: str, /, **values: object) -> str:
        return self(lang)(key, **values)


def check_parity(texts: dict[Language, dict[str, str]]) -> list[str]:
    """Every key in every language, with the same `{placeholders}`."""
    problems: list[str] = []
    all_keys = set().union(*(set(t) for t in texts.values()))
    for key in sorted(all_keys):
        missing = [lang for lang, t in texts.items() if key not in t]
        if missing:
            problems.append(f"{key}: missing in {', '.join(missing)}")
            continue
        shapes = {lang: placeholders(t[key]) for lang, t in texts.items()}
        if len({frozenset(s) for s in shapes.values()}) > 1:
            problems.append(f"{key}: placeholders differ between languages: {shapes}")
    return problems


def pick_language(language_code: str | None, default: Language) -> Language:
    """Telegram's `language_code` preselects: kk → Kazakh, ru (and uk, be) → Russian."""
    code = (language_code or "").split("-")[0].lower()
    if code == "kk":
        return "kk"
    if code in ("ru", "uk", "be"):
        return "ru"
    return default
