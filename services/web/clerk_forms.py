"""The clerk's forms as the intake API's bodies (pure): required fields checked first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed")
PURPOSES = ("case_management", "matching", "employer_contact", "reporting", "follow_up")
REQUIRED = ("given_name", "family_name", "national_id", "labour_market_status")


def _contact(values: dict[str, Any]) -> dict[str, str]:
    return {k: v.strip() for k in ("email", "phone") if (v := str(values.get(k) or "")).strip()}


def _common(values: dict[str, Any], errors: dict[str, dict[str, str]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in ("given_name", "family_name", "labour_market_status"):
        if str(values.get(name) or "").strip():
            body[name] = str(values[name]).strip()
    months = str(values.get("months_unemployed") or "").strip()
    if months:
        if months.isdigit():
            body["months_unemployed"] = int(months)
        else:
            errors["months_unemployed"] = {"field": "months_unemployed", "type": "int_parsing"}
    postal = str(values.get("postal_code") or "").strip()
    if postal:
        body["home"] = {"postal_code": postal}
    contact = _contact(values)
    if contact:
        body["contact"] = contact
    return body


def intake_body(
    values: dict[str, Any], person: Any, now: datetime
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The POST /v1/intakes body, and the errors found before asking the service."""
    errors: dict[str, dict[str, str]] = {
        name: {"field": name, "type": "missing"}
        for name in REQUIRED
        if not str(values.get(name) or "").strip()
    }
    body = _common(values, errors)
    purposes = [p for p in values.get("purposes") or [] if p in PURPOSES]
    if not purposes:
        errors["purposes"] = {"field": "purposes", "type": "missing"}
    body.update(
        municipality=person["municipality"],
        national_id=str(values.get("national_id") or "").strip(),
        consent={
            "purposes": purposes,
            "given_at": now.isoformat(),
            "recorded_by": person["display_name"],
        },
    )
    return body, errors


def correction_body(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The PATCH body of a correction (only the fields filled in), and early errors."""
    errors: dict[str, dict[str, str]] = {
        name: {"field": name, "type": "missing"}
        for name in ("given_name", "family_name")
        if not str(values.get(name) or "").strip()
    }
    return _common(values, errors), errors
