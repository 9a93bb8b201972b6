"""What the form accepts, and what it re-asks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.form_fields import (
    AgeOutOfRange,
    FieldError,
    parse_age,
    parse_comment,
    parse_name,
    parse_phone,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "typed",
    [
        "+7 701 123 45 67",
        "87011234567",
        "8 (701) 123-45-67",
        "+77011234567",
        "7011234567",
        "77011234567",
        "+7(701)1234567",
        "+7 701 1234567",
        "8-701-123-45-67",
        "\u200b+7 701 123 45 67 ",
    ],
)
def test_phone_formats_normalise(typed: str) -> None:
    assert parse_phone(typed) == "+77011234567"


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "+1 202 555 0100",
        "+7 701 123 45 6",
        "8 701 123 45 678",
        "телефон",
        "+7 (727) 123 45 67 доб",
        "+8 701 123 45 67",
        "",
        "+77 701 123 45 67",
    ],
)
def test_bad_phones_are_refused(typed: str) -> None:
    with pytest.raises(FieldError):
        parse_phone(typed)


@pytest.mark.parametrize(
    ("typed", "age"),
    [
        ("19", 19),
        ("19 жас", 19),
        ("мне 23 года", 23),
        ("14", 14),
        ("35", 35),
        ("2007", 19),
        ("1991", 35),
        ("2012", 14),
    ],
)
def test_ages_and_birth_years(typed: str, age: int) -> None:
    assert parse_age(typed, TODAY) == age


@pytest.mark.parametrize("typed", ["13", "36", "1985", "2015", "70"])
def test_outside_the_programmes_range(typed: str) -> None:
    with pytest.raises(AgeOutOfRange):
        parse_age(typed, TODAY)


@pytest.mark.parametrize("typed", ["жиырма", "19 20", "1000", "3000", "", "-", "12345"])
def test_not_an_age(typed: str) -> None:
    with pytest.raises(FieldError):
        parse_age(typed, TODAY)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Сейітов Ерлан", "Сейітов Ерлан"),
        ("  Әл-Фараби   Нұр ", "Әл-Фараби Нұр"),
        ("O'Neil Dana", "O'Neil Dana"),
        ("Ким - Ли", "Ким-Ли"),
        ("Ерлан\u0007\u200b", "Ерлан"),
    ],
)
def test_names(typed: str, name: str) -> None:
    assert parse_name(typed) == name


@pytest.mark.parametrize("typed", ["Е", "Ерлан123", "<b>x</b>", "x" * 101, "--", "Ерлан_Н", ""])
def test_bad_names(typed: str) -> None:
    with pytest.raises(FieldError):
        parse_name(typed)


def test_comment_limit() -> None:
    assert parse_comment("я" * 500) == "я" * 500
    with pytest.raises(FieldError) as caught:
        parse_comment("я" * 501)
    assert caught.value.values["length"] == 501
