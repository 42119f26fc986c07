"""Small helpers that make request models' JSON Schemas say what their validators check."""

from __future__ import annotations

import decimal
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo
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


TEXT_CELLS = {"text_cells": True}
"""Validation context of values read from text (CSV cells): numbers and booleans as text."""


def _from_text(info: ValidationInfo) -> bool:
    return bool((info.context or {}).get("text_cells"))


def _integral(value: Any, info: ValidationInfo) -> Any:
    """JSON numbers that are integers (`3`, `3.0`); never text or a boolean."""
    if _from_text(info):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("an integer number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("an integer number")
    return int(value)


def _number(value: Any, info: ValidationInfo) -> Any:
    """JSON numbers; never text or a boolean."""
    if not _from_text(info) and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError("a number")
    return value


def _boolean(value: Any, info: ValidationInfo) -> Any:
    """JSON `true` or `false`; never 0, 1 or text."""
    if not _from_text(info) and not isinstance(value, bool):
        raise ValueError("true or false")
    return value


AS_INTEGER = BeforeValidator(_integral)
"""Put after a field's own constraints (`Annotated[int, Field(ge=1), AS_INTEGER]`), so that
its JSON Schema keeps them as `minimum`/`maximum`."""
AS_NUMBER = BeforeValidator(_number)
"""The same for numbers: `Annotated[float, Field(ge=0), AS_NUMBER]`."""
JsonBool = Annotated[bool, BeforeValidator(_boolean)]
"""A boolean as JSON has it: pydantic alone would also take `0`, `1` or `"yes"`."""
JsonInt = Annotated[int, AS_INTEGER]
"""An integer as JSON has it: pydantic alone would also take `"3"` or `true`."""


_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"
"""Control characters (Unicode category Cc), refused inside text by every service."""


def stripped_text(min_length: int, max_length: int) -> Any:
    """The JSON Schema of text that is stripped before its length is checked (pydantic's
    `strip_whitespace`): a pattern allowing any surrounding whitespace, and no control character."""
    inner = f"[^{_CONTROL}]{{0,{max_length - 2}}}[^\\s{_CONTROL}]"
    core = f"[^\\s{_CONTROL}]({inner})?" if min_length <= 1 else f"[^\\s{_CONTROL}]{inner}"
    if min_length > 2:
        raise ValueError("stripped_text describes a minimum of one or two characters")

    def schema(json_schema: JsonDict) -> None:
        json_schema.pop("minLength", None)
        json_schema.pop("maxLength", None)
        json_schema["pattern"] = f"^\\s*{core}\\s*$"

    return Field(json_schema_extra=schema)
