"""What an intake may plausibly say: printable text, a living working-age person, real numbers.

One place per rule; the request models (schemas.py) apply them to every field they fit.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from services.intake.domain.profile import age_on

MIN_AGE = 15
"""Youngest participant: compulsory school ends at 15-16 in Estonia and Finland."""
MAX_AGE = 100
"""Oldest plausible participant; an id giving more is a typing error, not a person."""


def printable(value: str) -> str:
    """The text unchanged; ValueError when it holds control characters (NUL, escapes, C1)."""
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError("must not contain control characters")
    return value


def plausible_age(birth: date, today: date) -> int:
    """The age on `today` of someone born on `birth`; ValueError outside MIN_AGE-MAX_AGE."""
    age = age_on(birth, today)
    if age < 0:
        raise ValueError("birth date is in the future")
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValueError(f"gives an age of {age}; a participant is {MIN_AGE}-{MAX_AGE}")
    return age


def not_boolean(value: Any) -> Any:
    """The value unchanged; ValueError for true/false where a number is asked."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value
