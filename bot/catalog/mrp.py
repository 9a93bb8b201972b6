"""Amounts set in MRP (АЕК/МРП): topic texts write `{{mrp 30}}` once, and the loader shows
the tenge amount at the current year's MRP from `content/mrp.toml`.

The MRP changes every 1 January; with one table in the content an admin adds one number a
year and every amount follows at the next `/reload` or restart, instead of stale figures
hard-coded in twenty texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

TOKEN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
MRP_AMOUNT = re.compile(r"mrp\s+(\d+(?:[.,]\d+)?)")
TOKEN_NAME = re.compile(r"[A-Za-z_][\w-]*(?:\s.*)?", re.DOTALL)
# What is left of a token once the well-formed ones are taken out: `{{mrp 30}`, `{mrp 30}}`.
STRAY = re.compile(r"\{\{|\}\}|\{\s*mrp", re.IGNORECASE)
NBSP = "\u00a0"
HOW = "write {{mrp 30}} (a number of MRP) or {{mrp_year}}"


class MrpYear(BaseModel):
    """One year of `mrp.toml`: the value in tenge and where it was published."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    value: int = Field(gt=0, lt=1_000_000)
    source: str = Field(min_length=3)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")


@dataclass(frozen=True)
class MrpTable:
    """MRP by year; `for_year` falls back to the latest earlier year (and says so)."""

    years: dict[int, MrpYear] = field(default_factory=dict)

    def for_year(self, year: int) -> tuple[int, int] | None:
        """(year used, MRP in tenge) for `year`, or the latest year before it."""
        known = [y for y in self.years if y <= year]
        if not known:
            return None
        used = max(known)
        return used, self.years[used].value


def tenge(amount: Decimal) -> str:
    """`129750` → `129 750 ₸`, with non-breaking spaces so a line never splits a sum."""
    whole = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", NBSP) + f"{NBSP}₸"


@dataclass
class Rendered:
    """A text with its tokens replaced, and what was wrong with them."""

    text: str
    errors: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    used: bool = False


def render(text: str, mrp: tuple[int, int] | None) -> Rendered:
    """Replace `{{mrp N}}` and `{{mrp_year}}`; a malformed token is an error (it would show
    braces to users), an unknown one a warning and left as written."""
    out = Rendered(text)

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        token = match.group(0)
        amount = MRP_AMOUNT.fullmatch(inner)
        if amount or inner == "mrp_year":
            out.used = True
            if mrp is None:
                return token  # the caller reports the missing table once
            year, value = mrp
            if inner == "mrp_year":
                return str(year)
            return tenge(Decimal(amount.group(1).replace(",", ".")) * value)  # type: ignore[union-attr]
        if inner.lower().startswith("mrp") or not TOKEN_NAME.fullmatch(inner):
            out.errors.append(f"malformed token {token!r}: {HOW}")
        else:
            out.unknown.append(token)
        return token

    out.text = TOKEN.sub(replace, text)
    leftover = STRAY.search(TOKEN.sub("", text))
    if leftover:
        start = max(0, leftover.start() - 10)
        snippet = TOKEN.sub("", text)[start : leftover.end() + 10]
        out.errors.append(f"malformed token near {snippet!r} (unbalanced braces): {HOW}")
    return out
