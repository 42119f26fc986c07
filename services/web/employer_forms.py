"""An employer's forms (pure): an opening as matching's body, a decline with its coded reason."""

from __future__ import annotations

from typing import Any

from services.web.worker_forms import OPENING_KINDS

DECLINE_CODES = ("not_reachable", "position_filled", "skills_do_not_fit", "participant_declined",
                 "other")  # fmt: skip
LIST_FIELDS = ("required_skills", "nice_to_have_skills", "languages", "accessibility")
"""Fields written one item a comma apart."""
NUMBER_FIELDS = {"seats": (1, 1000), "hours_per_week_min": (0, 60), "hours_per_week_max": (1, 60)}
TEXT_FIELDS = {"title": 200, "description": 5000}
FLAGS = ("remote", "paused")

Errors = dict[str, dict[str, str]]


def _error(errors: Errors, name: str, kind: str) -> None:
    errors.setdefault(name, {"field": name, "type": kind})


def _items(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def opening_fields(values: dict[str, Any], *, creating: bool) -> tuple[dict[str, Any], Errors]:
    """The fields of an opening form as matching's body (POST or PATCH: every field, so the
    edit sets what the form shows) and the errors found before asking matching."""
    body: dict[str, Any] = {}
    errors: Errors = {}
    for name, longest in TEXT_FIELDS.items():
        text = str(values.get(name) or "").strip()
        if name == "title" and not text:
            _error(errors, name, "missing")
        elif len(text) > longest:
            _error(errors, name, "string_too_long")
        body[name] = text
    for name, (low, high) in NUMBER_FIELDS.items():
        text = str(values.get(name) or "").strip()
        if not text:
            _error(errors, name, "missing")
        elif not text.isdigit():
            _error(errors, name, "int_parsing")
        elif int(text) < low:
            _error(errors, name, "greater_than_equal")
        elif int(text) > high:
            _error(errors, name, "less_than_equal")
        else:
            body[name] = int(text)
    least, most = body.get("hours_per_week_min"), body.get("hours_per_week_max")
    if least is not None and most is not None and least > most:
        _error(errors, "hours_per_week_max", "hours_min_above_max")
    for name in LIST_FIELDS:
        items = _items(str(values.get(name) or ""))
        if any(len(i) > 200 for i in items):
            _error(errors, name, "string_too_long")
        body[name] = items
    for name in FLAGS:
        body[name] = str(values.get(name) or "") in ("on", "true", "1")
    if creating:
        kind = str(values.get("kind") or "")
        if kind not in OPENING_KINDS:
            _error(errors, "kind", "enum")
        body["kind"] = kind
    return body, errors


def opening_values(opening: dict[str, Any]) -> dict[str, Any]:
    """An opening from matching as the form's values."""
    values: dict[str, Any] = {name: opening.get(name) or "" for name in TEXT_FIELDS}
    values.update({name: str(opening.get(name, "")) for name in NUMBER_FIELDS})
    values.update({name: ", ".join(opening.get(name) or []) for name in LIST_FIELDS})
    values.update({name: "on" if opening.get(name) else "" for name in FLAGS})
    values["kind"] = opening.get("kind", "")
    return values


def decline_body(values: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """A decline's body (a code, and words: required with `other`) and its errors."""
    code = str(values.get("code") or "")
    reason = str(values.get("reason") or "").strip()
    errors: Errors = {}
    if code not in DECLINE_CODES:
        _error(errors, "code", "enum")
    if code == "other" and not reason:
        _error(errors, "reason", "reason_required")
    if len(reason) > 1000:
        _error(errors, "reason", "string_too_long")
    body: dict[str, Any] = {"code": code} | ({"reason": reason} if reason else {})
    return body, errors
