"""Document the 422 body the services really send: `{"detail": [{field, reason, type}]}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

FIELD_ERROR: dict[str, Any] = {
    "title": "FieldError",
    "description": "One invalid field and the rule it broke, in the rule's own words.",
    "type": "object",
    "required": ["field", "reason"],
    "properties": {
        "field": {"type": "string", "title": "Field"},
        "reason": {"type": "string", "title": "Reason"},
        "type": {"type": "string", "title": "Type"},
    },
}


def document_field_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI 422 schema the field/reason shape its error handler answers."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.get("components", {}).get("schemas", {})
        if "ValidationError" in components:
            components["ValidationError"] = FIELD_ERROR
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
