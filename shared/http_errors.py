"""HTTP errors FastAPI answers itself, made Polku's: 405 names every method the path supports
in `Allow` (RFC 9110), not only the first matching route's (`GET /v1/keys` and `POST /v1/keys`
are two routes); a body that is not JSON text gets 400 with the reason `malformed_body`; invalid
input gets 422 with one body shape in every service: `{"detail": [{field, reason, type}]}`."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the app's OpenAPI document names for a path like `path`; a path that is
    a template's literal (`/v1/participants/search`) is that resource alone, not also an
    id of the parameterised one beside it (`/v1/participants/{participant_id}`)."""
    paths = app.openapi().get("paths", {})
    matching = [t for t in paths if _pattern(t).fullmatch(path)]
    literal = [t for t in matching if "{" not in t]
    methods: set[str] = set()
    for template in literal or matching:
        methods |= {m.upper() for m in paths[template] if m in _METHODS}
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


LOCATIONS = ("body", "query", "path")
"""Where a request's input came from: FastAPI names it first, the answer leaves it out."""


def field_errors(errors: Iterable[Any], *, skip: Sequence[str] = LOCATIONS) -> list[dict[str, str]]:
    """Pydantic errors as [{field, reason, type}], the reason being the rule's own words and
    the type pydantic's code for the rule (the web shows its own words by it)."""
    out = []
    for err in errors:
        raw = [str(p) for p in err.get("loc", ())]
        loc = [_shown(p) for p in raw if p not in skip]
        ctx = err.get("ctx") or {}
        reason = str(ctx["error"]) if "error" in ctx else str(err.get("msg", "invalid"))
        whole = raw[0] if raw and raw[0] in skip else "body"
        out.append({"field": ".".join(loc) or whole, "reason": reason, "type": err.get("type", "")})
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


def install_field_errors(app: FastAPI) -> None:
    """Answer invalid input with 422 and every invalid field with its reason and type."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
