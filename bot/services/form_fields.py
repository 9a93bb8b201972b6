"""Checks and normal forms of what a young person types into the registration form.

Each parser returns the clean value or raises `FieldError` with the key of a hint text,
so the form can re-ask the same step in the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot import clock

MIN_AGE, MAX_AGE = 14, 35
MAX_COMMENT = 500
# Letters of any script, joined by single spaces, hyphens or apostrophes ("Әл-Фараби", "O'Neil").
NAME = re.compile(r"[^\W\d_]+(?:[ \-'’ʼ][^\W\d_]+)*")


class FieldError(ValueError):
    """Wrong input for a step; `hint` is the UI text key that explains what is expected."""

    def __init__(self, hint: str, **values: object) -> None:
        super().__init__(hint)
        self.hint = hint
        self.values = values


class AgeOutOfRange(Exception):  # noqa: N818 - a stop, not an error
    """A valid age outside 14–35: not a typo to re-ask but a polite stop."""

    def __init__(self, age: int) -> None:
        super().__init__(age)
        self.age = age
        # The UI text key of the polite stop.
        self.hint = "reg-too-young" if age < MIN_AGE else "reg-too-old"


def strip_controls(text: str) -> str:
    """Drop control and format characters (zero-width, bidi marks) and squeeze spaces."""
    kept = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C"
    )
    return re.sub(r" {2,}", " ", kept).strip()


def parse_name(text: str) -> str:
    name = strip_controls(text)
    name = re.sub(r"\s*-\s*", "-", name)
    if not 2 <= len(name) <= 100 or not NAME.fullmatch(name):
        raise FieldError("reg-bad-name")
    return name


def parse_age(text: str, today: date | None = None) -> int:
    """An age ("19", "19 жас", "19 лет") or a year of birth ("2006"); the age is returned.

    Raises `AgeOutOfRange` for a real age outside 14–35 and `FieldError` for anything else.
    """
    today = today or clock.today()
    numbers = re.findall(r"\d+", strip_controls(text))
    if len(numbers) != 1:
        raise FieldError("reg-bad-age")
    value = int(numbers[0])
    if len(numbers[0]) == 4:
        if not today.year - 120 <= value <= today.year:
            raise FieldError("reg-bad-age")
        # Without the birthday the age is one of two; take the one that fits, if either does
        # (the department checks documents later anyway).
        diff = today.year - value
        fitting = [a for a in (diff, diff - 1) if MIN_AGE <= a <= MAX_AGE]
        if not fitting:
            raise AgeOutOfRange(diff)
        return fitting[0]
    if value > 120 or len(numbers[0]) > 3:
        raise FieldError("reg-bad-age")
    if not MIN_AGE <= value <= MAX_AGE:
        raise AgeOutOfRange(value)
    return value


def parse_phone(text: str) -> str:
    """Any common way of writing a Kazakhstan mobile number → `+77011234567`."""
    cleaned = strip_controls(text)
    if re.search(r"[^\d\s+()\-.]", cleaned):
        raise FieldError("reg-bad-phone")
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+"):
        digits = digits[1:] if len(digits) == 11 and digits[0] == "7" else ""
    elif len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    # What is left is the 10-digit national number; every Kazakhstan one starts with 7
    # (mobile 70x/74x/77x, and landlines such as Shymkent's 7252).
    if len(digits) != 10 or digits[0] != "7":
        raise FieldError("reg-bad-phone")
    return "+7" + digits


def parse_comment(text: str) -> str:
    comment = strip_controls(text)
    if len(comment) > MAX_COMMENT:
        raise FieldError("reg-bad-comment", length=len(comment), limit=MAX_COMMENT)
    if not comment:
        raise FieldError("reg-bad-comment-empty")
    return comment
