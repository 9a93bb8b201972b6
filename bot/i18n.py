"""UI texts in Kazakh and Russian, loaded from `content/ui/<lang>.ftl` (Project Fluent),
plus `content/ui/<part>-<lang>.ftl` files for a front end of their own (`panel-kk.ftl`: the
web panel's texts, kept apart so the bot's file stays about the bot).

Fluent rather than our own format: Russian needs plural forms ("1 символ", "3 символа",
"501 символ") that only a plural-aware format gets right, selectors keep such choices in the
text file instead of the code, and a third language later is one more file. What the loader
adds on top of `fluent.runtime`:
- start-up fails on a broken file, or when the languages differ in message ids or variables;
- values passed into a text are HTML-escaped unless wrapped in `Html`, so user input can never
  break a message; numbers are passed as numbers (plural selectors need them), printed without
  digit grouping, as the bot always showed them;
- no Unicode isolation marks around values: Telegram shows them as junk on some phones.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.catalog.files import NotUtf8Error, read_text
from bot.config import LANGUAGES, Language

KEY = re.compile(r"^[a-z][a-z0-9-]*$")
SAMPLE_VALUES: tuple[object, ...] = ("x", 1, 3, 5)
"""Values a text is tried with when checked: a word, and numbers for each Russian plural form."""


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


class _Variables(Visitor):
    """Collects the `$variables` a message uses, in its value, selectors and variants."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:  # noqa: N802
        self.names.add(node.id.name)


@dataclass(frozen=True, eq=False)
class Texts:
    """One language's texts: the Fluent bundle and, per message id, the variables it uses."""

    lang: Language
    bundle: FluentBundle
    variables: Mapping[str, frozenset[str]]
    # The file each message comes from (`kk.ftl`, `panel-kk.ftl`), for error messages.
    files: Mapping[str, str] = field(default_factory=dict)
    # A text without variables is the same every time: formatted once (Fluent takes a few
    # microseconds a call, and menus ask for their texts on every update).
    fixed: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self.variables)

    def __contains__(self, key: object) -> bool:
        return key in self.variables

    def file_of(self, key: str) -> str:
        """The file name a message is written in (`kk.ftl` unless a part file has it)."""
        return self.files.get(key, f"{self.lang}.ftl")

    def format(self, key: str, values: Mapping[str, object]) -> str:
        if not values:
            known = self.fixed.get(key)
            if known is not None:
                return known
        if key not in self.variables:
            raise KeyError(f"no UI text {key!r} in {self.lang}")
        pattern = self.bundle.get_message(key).value
        assert pattern is not None  # `_parse` refuses a message without a value
        text, errors = self.bundle.format_pattern(pattern, {k: _arg(v) for k, v in values.items()})
        if errors:
            raise TextsError(
                f"{key}: cannot be filled in: {errors[0]} (a variable is written {{ $name }})"
            )
        if not values:
            self.fixed[key] = str(text)
        return str(text)


def _arg(value: object) -> Any:
    """A value as Fluent should see it: numbers stay numbers, everything else escaped text."""
    if isinstance(value, bool):
        return escape(value)
    if isinstance(value, int | float):
        return fluent_number(value, useGrouping=False)
    return escape(value)


@dataclass(frozen=True)
class Translator:
    """The texts of one language, bound for one update: `t("menu-title", name=...)`."""

    lang: Language
    texts: Texts

    def __call__(self, key: str, /, **values: object) -> str:
        return self.texts.format(key, values)


class I18n:
    """Both languages' texts; `I18n.load` checks they have the same ids and variables."""

    def __init__(self, texts: dict[Language, Texts]) -> None:
        self.texts = texts
        self._translators = {lang: Translator(lang, t) for lang, t in texts.items()}

    @classmethod
    def load(cls, folder: Path) -> I18n:
        texts = {lang: _load_language(folder, lang) for lang in LANGUAGES}
        problems = check_parity({lang: dict(t.variables) for lang, t in texts.items()})
        if problems:
            raise TextsError("; ".join(problems))
        return cls(texts)

    @classmethod
    def from_sources(cls, sources: Mapping[Language, str]) -> I18n:
        """Texts given as Fluent source (tests, and checks of an edit before it is saved)."""
        return cls({lang: _parse(lang, source, f"{lang}.ftl") for lang, source in sources.items()})

    def __call__(self, lang: Language) -> Translator:
        return self._translators[lang]

    def get(self, lang: Language, key: str, /, **values: object) -> str:
        return self(lang)(key, **values)

    def samples(self, lang: Language, key: str) -> list[str]:
        """The text filled with each sample value (every plural variant shows up once)."""
        t = self(lang)
        names = self.texts[lang].variables[key]
        return [t(key, **dict.fromkeys(names, value)) for value in SAMPLE_VALUES]


def _load_language(folder: Path, lang: Language) -> Texts:
    """`<lang>.ftl` and every `<part>-<lang>.ftl` beside it, as one language's texts."""
    path = folder / f"{lang}.ftl"
    paths = [path, *sorted(folder.glob(f"*-{lang}.ftl"))]
    sources: list[tuple[str, str]] = []
    for each in paths:
        label = f"{folder.name}/{each.name}"
        try:
            sources.append((read_text(each, label), label))
        except FileNotFoundError:
            raise TextsError(f"{each}: file is missing") from None
        except (NotUtf8Error, OSError) as exc:
            raise TextsError(str(exc)) from None
    return _parse_files(lang, sources)


def _parse(lang: Language, source: str, label: str) -> Texts:
    """One language's texts from one source."""
    return _parse_files(lang, [(source, label)])


def _parse_files(lang: Language, sources: list[tuple[str, str]]) -> Texts:
    """One language's texts: the parsed files in a new bundle (a reload gets new objects);
    a message id may be written in one file only."""
    bundle = FluentBundle([lang], use_isolating=False)
    variables: dict[str, frozenset[str]] = {}
    files: dict[str, str] = {}
    for source, label in sources:
        resource, found = _read(source, label)
        for key in found:
            if key in variables:
                raise TextsError(f"{label}: {key}: already written in {files[key]}")
            files[key] = label.rsplit("/", 1)[-1]
        variables.update(found)
        bundle.add_resource(resource)
    return Texts(lang, bundle, variables, files=files)


@functools.lru_cache(maxsize=8)
def _read(source: str, label: str) -> tuple[ast.Resource, dict[str, frozenset[str]]]:
    """Parse one file, refusing what Fluent would skip silently (junk, odd ids, empty texts).

    Fluent's parser is pure Python (about 0.15 s a file); the same text is parsed once, and
    the tree is only read afterwards."""
    resource = FluentParser(with_spans=True).parse(source)
    variables: dict[str, frozenset[str]] = {}
    for entry in resource.body:
        if isinstance(entry, ast.Junk):
            line = source.count("\n", 0, entry.span.start if entry.span else 0) + 1
            named = re.match(r"\s*([\w-]+)\s*=", entry.content or "")
            where = f"{named.group(1)}: line {line}" if named else f"line {line}"
            reason = entry.annotations[0].message if entry.annotations else "cannot be read"
            raise TextsError(
                f"{label}: {where}: Fluent cannot read it: {reason} "
                '(a literal brace is written {"{"}, a variable { $name })'
            )
        if isinstance(entry, ast.Message):
            key = entry.id.name
            if not KEY.match(key) or entry.value is None:
                raise TextsError(f"{label}: {key}: must be a lowercase-id = non-empty text")
            if key in variables:
                raise TextsError(f"{label}: {key}: written twice")
            visitor = _Variables()
            visitor.visit(entry.value)
            variables[key] = frozenset(visitor.names)
    return resource, variables


def check_parity(variables: Mapping[str, Mapping[str, frozenset[str]]]) -> list[str]:
    """Every message id in every language, with the same `$variables`."""
    problems: list[str] = []
    all_keys = set().union(*(set(v) for v in variables.values()))
    for key in sorted(all_keys):
        missing = [lang for lang, v in variables.items() if key not in v]
        if missing:
            problems.append(f"{key}: missing in {', '.join(missing)}")
            continue
        shapes = {lang: set(v[key]) for lang, v in variables.items()}
        if len({frozenset(s) for s in shapes.values()}) > 1:
            problems.append(f"{key}: variables differ between languages: {shapes}")
    return problems


def pick_language(language_code: str | None, default: Language) -> Language:
    """Telegram's `language_code` preselects: kk → Kazakh, ru (and uk, be) → Russian."""
    code = (language_code or "").split("-")[0].lower()
    if code == "kk":
        return "kk"
    if code in ("ru", "uk", "be"):
        return "ru"
    return default
