"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): how to make the values whose rule
a JSON Schema cannot state, named by their OpenAPI `format`."""

from __future__ import annotations

from datetime import date

import schemathesis
from hypothesis import strategies as st

from services.intake.domain.national_id import estonian_check_digit


@st.composite
def isikukood(draw: st.DrawFn) -> str:
    """A valid Estonian isikukood of someone born 1950-2005."""
    born = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31)))
    century = 3 if born.year < 2000 else 5
    first = century + draw(st.integers(0, 1))
    serial = draw(st.integers(0, 999))
    first_ten = f"{first}{born:%y%m%d}{serial:03d}"
    return first_ten + str(estonian_check_digit(first_ten))


schemathesis.openapi.format("national-id", isikukood())
