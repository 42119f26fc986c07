"""Machine-readable errors: 422 with a reason per field; refusals with their reason."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from services.caseplan.domain.refusal import Refusal


def field_errors(errors: list[Any]) -> list[dict[str, str]]:
    """Pydantic errors as [{field, reason, type}]."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if str(p) != "body"]
        ctx = err.get("ctx") or {}
        reason = str(ctx["error"]) if "error" in ctx else str(err.get("msg", "invalid"))
        out.append(
            {"field": ".".join(loc) or "body", "reason": reason, "type": err.get("type", "")}
        )
    return out


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(list(exc.errors()))}, status_code=422)


async def _on_refusal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refusal)
    return JSONResponse({"detail": exc.detail()}, status_code=exc.status)


def install_error_handlers(app: FastAPI) -> None:
    """Make caseplan's app answer bad input and refused changes with a reason."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Refusal, _on_refusal)
