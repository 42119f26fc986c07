"""Machine-readable errors of reporting's API: 422 with a reason per field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class FieldError(BaseModel):
    """One refused input: which field and why."""

    field: str
    reason: str


class InvalidInput(BaseModel):
    """422: every refused input with its reason."""

    detail: list[FieldError]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": InvalidInput, "description": "A filter or option is invalid"},
}


def field_errors(errors: list[Any]) -> list[dict[str, str]]:
    """Pydantic errors as [{field, reason}], without the 'query' prefix."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if str(p) not in ("query", "path", "body")]
        ctx = err.get("ctx") or {}
        reason = str(ctx["error"]) if "error" in ctx else str(err.get("msg", "invalid"))
        out.append({"field": ".".join(loc) or "query", "reason": reason})
    return out


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(list(exc.errors()))}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    """Make reporting's app answer bad input with the field and the reason."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
