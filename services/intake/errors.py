"""Machine-readable errors: 422 with a reason per field, 404/409 with a reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class IntakeError(Exception):
    """A refusal with an HTTP status and a machine-readable reason."""

    def __init__(self, status_code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status_code, self.reason, self.message = status_code, reason, message


def field_errors(errors: Iterable[Any], *, skip: Sequence[str] = ("body",)) -> list[dict[str, str]]:
    """Pydantic errors as [{field, reason, type}], the reason being the rule's own words."""
    out = []
    for err in errors:
        loc = [_shown(str(p)) for p in err.get("loc", ()) if str(p) not in skip]
        ctx = err.get("ctx") or {}
        reason = str(ctx["error"]) if "error" in ctx else str(err.get("msg", "invalid"))
        out.append(
            {"field": ".".join(loc) or "body", "reason": reason, "type": err.get("type", "")}
        )
    return out


def _shown(name: str) -> str:
    """A field name as the answer shows it: an unknown key's control characters escaped,
    so the answer can be stored (a batch's, as JSON in PostgreSQL) and printed safely."""
    if name.isprintable():
        return name
    return name.encode("unicode_escape").decode("ascii")


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)


async def _on_intake_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntakeError)
    body = {"detail": {"reason": exc.reason, "message": exc.message}}
    return JSONResponse(body, status_code=exc.status_code)


def install_error_handlers(app: FastAPI) -> None:
    """Make intake's app answer bad input with a machine-readable reason per field."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(IntakeError, _on_intake_error)
