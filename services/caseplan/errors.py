"""Machine-readable errors: 422 with a reason per field; refusals with their reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.caseplan.domain.refusal import Refusal
from shared.http_errors import install_field_errors


async def _on_refusal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refusal)
    return JSONResponse({"detail": exc.detail()}, status_code=exc.status)


def install_error_handlers(app: FastAPI) -> None:
    """Make caseplan's app answer bad input and refused changes with a reason."""
    install_field_errors(app)
    app.add_exception_handler(Refusal, _on_refusal)
