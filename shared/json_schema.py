"""Small helpers that make request models' JSON Schemas say what their validators check."""

from __future__ import annotations

import decimal
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic.config import JsonDict


def example(body: dict[str, Any]) -> JsonDict:
    """`json_schema_extra` with one example request body (OpenAPI shows and tools send it)."""
    return {"examples": [body]}


def forbid_characters(schema: Any, pattern: str) -> None:
    """Give every free-text string in `schema` (properties, items, anyOf) `pattern`."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(schema):
        schema["pattern"] = pattern
    for key in ("properties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            forbid_characters(sub, pattern)
    for key in ("items", "additionalProperties"):
        forbid_characters(schema.get(key), pattern)
    for sub in schema.get("anyOf") or []:
        forbid_characters(sub, pattern)


def _text_only(value: Any) -> Any:
    """JSON carries dates as text; pydantic alone would also take a number (Unix time)."""
    if isinstance(value, str | date):
        return value
    raise ValueError("a date (or date-time) as ISO 8601 text")


IsoDate = Annotated[date, BeforeValidator(_text_only)]
"""A date given as `YYYY-MM-DD`, never as a number."""
IsoDateTime = Annotated[datetime, BeforeValidator(_text_only)]
"""A date-time given as ISO 8601 text with its zone, never as a number."""
Decimal = Annotated[
    decimal.Decimal,
    Field(
        json_schema_extra={
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"},
            ]
        }
    ),
]
"""A decimal as a JSON number or as decimal text (`"4.5"`)."""


def _integral(value: Any) -> Any:
    """JSON numbers that are integers (`3`, `3.0`); never text or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("an integer number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("an integer number")
    return int(value)


JsonInt = Annotated[int, BeforeValidator(_integral)]
"""An integer as JSON has it: pydantic alone would also take `"3"` or `true`."""
