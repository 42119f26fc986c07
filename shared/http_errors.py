"""HTTP errors FastAPI answers itself, made Polku's: 405 names every method the path supports
in `Allow` (RFC 9110), not only the first matching route's (`GET /v1/keys` and `POST /v1/keys`
are two routes); a body that is not JSON text gets 400 with the reason `malformed_body`."""

from __future__ import annotations

import functools
import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the app's OpenAPI document names for a path like `path`."""
    methods: set[str] = set()
    for template, item in app.openapi().get("paths", {}).items():
        if _pattern(template).fullmatch(path):
            methods |= {m.upper() for m in item if m in _METHODS}
    return sorted(methods)


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@functools.lru_cache(maxsize=512)
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)))


def install_http_errors(app: FastAPI) -> None:
    """Answer 405 with the full `Allow` list of the path, an unparsable body with a reason."""

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            body = {"reason": "malformed_body", "message": "the body is not JSON (UTF-8) text"}
            return JSONResponse({"detail": body}, status_code=400)
        if exc.status_code != 405:
            return await http_exception_handler(request, exc)
        allowed = ", ".join(allowed_methods(app, request.url.path))
        headers = {**(exc.headers or {}), "Allow": allowed}
        return JSONResponse({"detail": exc.detail}, status_code=405, headers=headers)

    app.add_exception_handler(StarletteHTTPException, method_not_allowed)
