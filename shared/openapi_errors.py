"""Document every error the services really send, each with its machine-readable reasons.

A route declares its own refusals with `refusals({404: ["participant_not_found"], ...})`;
`document_field_errors(app)` adds what every `/v1` route may answer (400 `malformed_body`
and 413 `body_too_large` where there is a body, 401 key reasons, 403 `role_not_allowed`,
422 `invalid_character`, 503 `unavailable`) and gives each error response a schema whose `reason` lists the reasons
(an enum), plus `x-reasons` for tools. Bodies: `{"detail": [{field, reason, type}]}` for
invalid fields (`shared.http_errors.field_errors`, one shape in every service), `{"detail": {reason, message}}` for a value or a call a rule refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI

FIELD_ERROR: dict[str, Any] = {
    "title": "FieldError",
    "description": "One invalid field and the rule it broke, in the rule's own words.",
    "type": "object",
    "required": ["field", "reason", "type"],
    "properties": {
        "field": {"type": "string", "title": "Field"},
        "reason": {"type": "string", "title": "Reason"},
        "type": {"type": "string", "title": "Type", "description": "pydantic's code for the rule"},
    },
}

REFUSAL: dict[str, Any] = {
    "title": "Refusal",
    "description": "A value a rule refused, with a machine-readable reason.",
    "type": "object",
    "required": ["reason"],
    "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
}

KEY_REASONS = ("missing_api_key", "invalid_api_key", "expired_api_key", "revoked_api_key")
DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be read as JSON text",
    401: "The API key is missing, unknown, expired or revoked",
    403: "The key's role or organisation may not do this",
    404: "No such resource (or not one this key may see)",
    409: "The request conflicts with the resource's state",
    413: "The request body is too large",
    415: "The uploaded file's format is not supported",
    422: "Invalid input: each invalid field with its reason, or a value a rule refused",
    503: "A backing service (PostgreSQL, Redis) is unavailable",
}


def refusals(by_status: Mapping[int, Iterable[str]]) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: each error status it answers with the reasons it gives."""
    return {
        status: {"description": DESCRIPTIONS.get(status, "Refused"), "x-reasons": list(reasons)}
        for status, reasons in by_status.items()
    }


def _common(path: str, operation: dict[str, Any]) -> dict[int, list[str]]:
    """What every route answers besides its own refusals (the middleware's and the runtime's)."""
    if not path.startswith("/v1"):
        return {}
    common: dict[int, list[str]] = {401: list(KEY_REASONS), 503: ["unavailable"]}
    if operation.get("security"):
        common[403] = ["role_not_allowed"]
    if "requestBody" in operation:
        common[400] = ["malformed_body"]
        common[413] = ["body_too_large"]
    if "requestBody" in operation or operation.get("parameters"):
        common[422] = ["invalid_character"]
    return common


def _refusal_schema(reasons: list[str]) -> dict[str, Any]:
    refusal = {**REFUSAL, "properties": {**REFUSAL["properties"], "reason": {"enum": reasons}}}
    return {"type": "object", "required": ["detail"], "properties": {"detail": refusal}}


def _error_schema(status: int, reasons: list[str]) -> dict[str, Any]:
    refused = _refusal_schema(reasons)
    if status == 422:
        fields = {"type": "array", "items": FIELD_ERROR}
        invalid = {"type": "object", "required": ["detail"], "properties": {"detail": fields}}
        return {"anyOf": [invalid, refused]}
    if status == 503:  # the runtime's answer when a backing service fails mid-request
        flat = {
            "type": "object",
            "required": ["reason"],
            "properties": {"detail": {"type": "string"}, "reason": {"enum": reasons}},
        }
        return {"anyOf": [refused, flat]}
    return refused


def _document(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, reasons in _common(path, operation).items():
        declared = responses.setdefault(str(status), {})
        declared["x-reasons"] = [*declared.get("x-reasons", []), *reasons]
    for key, response in responses.items():
        if not key.isdigit() or int(key) < 400 or "x-reasons" not in response:
            continue
        reasons = list(dict.fromkeys(response["x-reasons"]))
        response["x-reasons"] = reasons
        described = response.get("description") or DESCRIPTIONS.get(int(key), "Refused")
        if described in ("Validation Error", "Unprocessable Entity"):
            described = DESCRIPTIONS[422]
        response["description"] = (
            described.split(". Reasons:")[0] + ". Reasons: " + ", ".join(f"`{r}`" for r in reasons)
        )
        response["content"] = {"application/json": {"schema": _error_schema(int(key), reasons)}}


def document_field_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI error responses the shapes and reasons its handlers answer."""
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
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                _document(path, operation)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
