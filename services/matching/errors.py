"""Machine-readable errors: 422 with a reason per field, 404/409 with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class MatchingError(Exception):
    """A refusal with an HTTP status and a machine-readable reason."""

    def __init__(self, status_code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status_code, self.reason, self.message = status_code, reason, message


def not_found(what: str) -> MatchingError:
    """404 for an unknown organisation, opening, match or participant."""
    return MatchingError(404, f"{what}_not_found", f"no such {what}")


def field_errors(errors: Iterable[Any]) -> list[dict[str, str]]:
    """Pydantic errors as [{field, reason}]."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if str(p) != "body"]
        ctx = err.get("ctx") or {}
        reason = str(ctx["error"]) if "error" in ctx else str(err.get("msg", "invalid"))
        out.append({"field": ".".join(loc) or "body", "reason": reason})
    return out


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)


async def _on_matching_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MatchingError)
    body = {"detail": {"reason": exc.reason, "message": exc.message}}
    return JSONResponse(body, status_code=exc.status_code)


def install_error_handlers(app: FastAPI) -> None:
    """Make matching's app answer bad input with machine-readable reasons."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(MatchingError, _on_matching_error)
