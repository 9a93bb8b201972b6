"""Writing a topic file back: the raw data of `topics/<id>.toml` in the layout the files use.

`tomllib` only reads, and the panel edits whole topics (fields, FAQ items added or
removed), so a line-level patch of the old file would have to understand TOML anyway. This
is a small serializer for the one schema of a topic (content/README.md): top-level keys,
`[[sources]]` blocks, then `[kk]` and `[ru]` with their `[[<lang>.faq]]` items; short
values as one-line strings, texts in triple quotes, lists inline. The files in content/
come out the same, line for line, apart from blank lines between blocks, which it puts
in one place (a test reads every topic back). It works on the raw data, not on `Topic`:
`{{mrp N}}` tokens stay tokens and dates stay dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TypeGuard

# The order of keys as the files write them; a key not listed goes after its known ones.
TOP = ("id", "category", "order", "registration_open", "checked", "source")
SOURCE = ("title", "url", "read", "date")
TEXT = ("title", "summary", "text", "eligibility", "benefits", "how_to_apply", "keywords")
FAQ = ("questions", "answer")
# Texts written in triple quotes (a line break in any other value is escaped).
LONG = frozenset({"summary", "text", "eligibility", "benefits", "how_to_apply", "answer"})
LANGS = ("kk", "ru")


def _basic(value: str) -> str:
    """A one-line TOML basic string."""
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{_controls(out)}"'


def _controls(text: str) -> str:
    return "".join(
        f"\\u{ord(c):04x}" if (ord(c) < 32 and c not in "\n\t") or ord(c) == 127 else c
        for c in text
    )


def _long(value: str) -> str:
    """A multi-line basic string, opened and closed on the text's own lines, as the files
    write them; backslashes and runs of quotes are escaped so it reads back the same."""
    out = value.replace("\\", "\\\\").replace('"""', '""\\"').replace("\r", "\\r")
    if out.endswith('"'):
        out = out[:-1] + '\\"'
    return f'"""{_controls(out)}"""'


def _value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _long(value) if key in LONG else _basic(value)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value("", item) for item in value) + "]"
    raise TypeError(f"{key}: a {type(value).__name__} has no place in a topic file")


def _pairs(table: Mapping[str, object], order: Sequence[str]) -> list[str]:
    keys = [k for k in order if k in table] + [k for k in table if k not in order]
    return [
        f"{key} = {_value(key, table[key])}"
        for key in keys
        if not isinstance(table[key], Mapping) and not _is_tables(table[key])
    ]


def _is_tables(value: object) -> TypeGuard[list[Mapping[str, object]]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def dump_topic(data: Mapping[str, object]) -> str:
    """The file's text for a topic's raw data (as `tomllib` reads it)."""
    blocks: list[list[str]] = [_pairs(data, TOP)]
    sources = data.get("sources")
    if _is_tables(sources):
        for source in sources:
            blocks.append(["[[sources]]", *_pairs(source, SOURCE)])
    for lang in LANGS:
        text = data.get(lang)
        if not isinstance(text, Mapping):
            continue
        blocks.append([f"[{lang}]", *_pairs(text, TEXT)])
        faq = text.get("faq")
        if _is_tables(faq):
            for item in faq:
                blocks.append([f"[[{lang}.faq]]", *_pairs(item, FAQ)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
