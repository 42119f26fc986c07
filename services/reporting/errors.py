"""Machine-readable errors of reporting's API: 422 with a reason per field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shared.http_errors import install_field_errors

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "A filter or option is invalid", "x-reasons": []},
}
"""A filter's 422, its body documented by `shared.openapi_errors` like every service's."""


def install_error_handlers(app: FastAPI) -> None:
    """Make reporting's app answer bad input with the field, the reason and its type."""
    install_field_errors(app)
