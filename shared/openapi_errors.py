"""Document the 422 bodies the services really send: `{"detail": [{field, reason, type}]}`
for invalid fields, or `{"detail": {reason, message}}` for a value refused by a rule."""

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


REFUSAL: dict[str, Any] = {
    "title": "Refusal",
    "description": "A value a rule refused, with a machine-readable reason.",
    "type": "object",
    "required": ["reason"],
    "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
}


def document_field_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI 422 schema the shapes its error handlers answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.get("components", {}).get("schemas", {})
        if "ValidationError" in components:
            components["ValidationError"] = FIELD_ERROR
        if "HTTPValidationError" in components:
            detail = {"items": {"$ref": "#/components/schemas/ValidationError"}, "type": "array"}
            components["HTTPValidationError"]["properties"]["detail"] = {
                "anyOf": [detail, REFUSAL],
                "title": "Detail",
            }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
