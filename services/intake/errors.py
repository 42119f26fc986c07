"""Machine-readable errors: 422 with a reason per field, 404/409 with a reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.http_errors import install_field_errors


class IntakeError(Exception):
    """A refusal with an HTTP status and a machine-readable reason."""

    def __init__(self, status_code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status_code, self.reason, self.message = status_code, reason, message


async def _on_intake_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntakeError)
    body = {"detail": {"reason": exc.reason, "message": exc.message}}
    return JSONResponse(body, status_code=exc.status_code)


def install_error_handlers(app: FastAPI) -> None:
    """Make intake's app answer bad input with a machine-readable reason per field."""
    install_field_errors(app)
    app.add_exception_handler(IntakeError, _on_intake_error)
