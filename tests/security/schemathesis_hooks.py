"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): how to make the values whose rule
a JSON Schema cannot state, named by their OpenAPI `format`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

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


ORDERED = (("starts_on", "ends_on"), ("hours_per_week_min", "hours_per_week_max"), ("from", "to"))
"""Pairs a rule keeps in order (a JSON Schema cannot compare two fields): generated bodies
and queries get them in order, as a real client sends them."""


def _in_order(values: Any) -> Any:
    if not isinstance(values, dict):
        return values
    for first, last in ORDERED:
        a, b = values.get(first), values.get(last)
        same_kind = type(a) is type(b) and isinstance(a, str | int)
        if same_kind and not isinstance(a, bool) and a > b:
            values[first], values[last] = b, a
    return values


def _consented_in_the_past(body: Any) -> Any:
    """A consent is recorded after it was given: never in the future (of the server)."""
    consent = body.get("consent") if isinstance(body, dict) else None
    given = consent.get("given_at") if isinstance(consent, dict) else None
    if isinstance(given, str):
        try:
            when = datetime.fromisoformat(given.replace("Z", "+00:00"))
        except ValueError:
            return body
        if when.tzinfo is not None and when > datetime.now(UTC):
            consent["given_at"] = "2026-01-15T09:30:00+02:00"
    return body


@schemathesis.hook
def map_body(context: schemathesis.HookContext, body: Any) -> Any:
    """Generated bodies as a client sends them: ordered pairs in order, consent in the past."""
    return _consented_in_the_past(_in_order(body))


@schemathesis.hook
def map_query(context: schemathesis.HookContext, query: Any) -> Any:
    """Generated queries with their ordered pairs in order (`from` before `to`)."""
    return _in_order(query)


@schemathesis.hook
def map_headers(context: schemathesis.HookContext, headers: Any) -> Any:
    """A client sends one Idempotency-Key per intended write (a retry reuses it, another
    request never does): generated keys would collide across different bodies, which the
    services rightly refuse (422 `idempotency_key_reused`, tested in the integration tests)."""
    if isinstance(headers, dict) and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = str(uuid4())
    return headers
