"""Intake's pure rules: national identity numbers and participant profiles (no I/O)."""

from services.intake.domain.national_id import (
    InvalidNationalId,
    NationalId,
    estonian_check_digit,
    finnish_control_char,
    parse_national_id,
)
from services.intake.domain.plausibility import (
    MAX_AGE,
    MIN_AGE,
    not_boolean,
    plausible_age,
    printable,
)
from services.intake.domain.profile import age_band, age_on, changed_fields, coarse

__all__ = [
    "MAX_AGE",
    "MIN_AGE",
    "InvalidNationalId",
    "NationalId",
    "age_band",
    "age_on",
    "changed_fields",
    "coarse",
    "estonian_check_digit",
    "finnish_control_char",
    "not_boolean",
    "parse_national_id",
    "plausible_age",
    "printable",
]
