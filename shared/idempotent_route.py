"""`IdempotentRoute`: every POST/PUT/PATCH/DELETE of a router accepts an Idempotency-Key.

Use it as `APIRouter(route_class=IdempotentRoute)`. The header is declared (and documented
in OpenAPI) on every write; with it, the route claims the key in `idempotent_request` before
the write, stores the answer after it (any status below 500, refusals included) and answers
a retry with the stored answer (marked `Idempotent-Replayed: true`). A 5xx or a crash
releases the key, so a retry runs the write again. The claim and the answer are committed
apart from the write, so a process dying between the write and the answer leaves a claim
that a retry may take over after `STALE_AFTER` (the write then runs again).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute

from shared import idempotency
from shared.auth import current_principal
from shared.openapi_errors import refusals

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED_HEADER = "Idempotent-Replayed"

REASONS = {409: "idempotency_in_progress", 422: "idempotency_key_reused"}
"""What a keyed write may answer besides its own refusals: the first request with this key is
still running (409), or the key was used for another request (422)."""


def with_key_refusals(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, Any]:
    """A route's `responses=` with the idempotency reasons added to its own (same status)."""
    merged = {status: dict(answer) for status, answer in responses.items()}
    for status, answer in refusals({s: [r] for s, r in REASONS.items()}).items():
        own = merged.setdefault(status, answer)
        if own is not answer:
            own["x-reasons"] = [*own.get("x-reasons", []), *answer["x-reasons"]]
    return merged


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias=idempotency.HEADER,
            min_length=1,
            max_length=idempotency.MAX_KEY_LENGTH,
            description="Any unique text per intended write; a retry with it gets the first "
            "answer (same key with another request: 422 `idempotency_key_reused`).",
        ),
    ] = None,
) -> str | None:
    """The write's Idempotency-Key, declared so that OpenAPI documents it."""
    return key


IdempotencyKey = Depends(idempotency_key)


def is_idempotent(route: APIRoute) -> bool:
    """True when a route accepts Idempotency-Key (every write route should)."""
    return isinstance(route, IdempotentRoute) and any(
        d.call is idempotency_key for d in route.dependant.dependencies
    )


class IdempotentRoute(APIRoute):
    """An APIRoute whose writes accept Idempotency-Key and replay the first answer."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if WRITES & set(kwargs.get("methods") or ()):
            kwargs["dependencies"] = [*(kwargs.get("dependencies") or ()), IdempotencyKey]
            kwargs["responses"] = with_key_refusals(kwargs.get("responses") or {})
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The plain handler, wrapped with claim, replay and store for keyed writes."""
        handler = super().get_route_handler()

        async def keyed(request: Request) -> Response:
            key = request.headers.get(idempotency.HEADER)
            if request.method not in WRITES or not _valid(key):
                return await handler(request)  # an invalid key: the dependency answers 422
            assert key is not None
            return await _answer_once(request, handler, key)

        return keyed


def _valid(key: str | None) -> bool:
    return key is not None and 1 <= len(key) <= idempotency.MAX_KEY_LENGTH


async def _answer_once(
    request: Request, handler: Callable[[Request], Awaitable[Response]], key: str
) -> Response:
    principal = current_principal(request)
    organisation = str(principal.organisation_id) if principal else "-"
    request_hash = idempotency.fingerprint(
        request.method, request.url.path, request.url.query, await request.body()
    )
    pool = request.app.state.runtime.db
    async with pool.acquire() as conn:
        earlier = await idempotency.claim_or_replay(conn, organisation, key, request_hash)
    if earlier is not None:
        return _replayed(earlier)
    response: Response | None = None
    try:
        response = await _rendered(request, handler)
    finally:
        stored = _storable(response) if response is not None else None
        async with pool.acquire() as conn:
            if stored is None:
                await idempotency.release(conn, organisation, key)
            else:
                await idempotency.store_answer(conn, organisation, key, stored)
    return response


async def _rendered(
    request: Request, handler: Callable[[Request], Awaitable[Response]]
) -> Response:
    """The handler's response, or the response the app's exception handler gives its error."""
    try:
        return await handler(request)
    except Exception as exc:
        render = _exception_handler(request, exc)
        if render is None:
            raise
        response = render(request, exc)
        return await response if inspect.isawaitable(response) else response


def _exception_handler(request: Request, exc: Exception) -> Callable[..., Any] | None:
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]  # type: ignore[no-any-return]
    return None


def _storable(response: Response) -> idempotency.Answer | None:
    """The answer to keep: JSON (or empty) bodies below 500; None releases the key."""
    if response.status_code >= 500:
        return None
    body = getattr(response, "body", None)
    if not isinstance(body, bytes):
        return None  # a streamed body cannot be kept
    try:
        return idempotency.Answer(response.status_code, json.loads(body) if body else None)
    except ValueError:
        return None


def _replayed(answer: idempotency.Answer) -> Response:
    content = b"" if answer.body is None else json.dumps(answer.body).encode()
    return Response(
        content,
        status_code=answer.status_code,
        media_type="application/json" if content else None,
        headers={REPLAYED_HEADER: "true"},
    )
