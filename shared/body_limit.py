"""Request body size limits: 413 with a reason before the app reads a too-large body."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_BODY_LIMIT = 1024 * 1024
"""Largest request body (bytes) unless `app.state.body_limits` names a path prefix."""


class BodySizeLimit:
    """Refuse request bodies larger than their path's limit with 413 and a reason."""

    def __init__(self, app: ASGIApp, *, limits: dict[str, int]) -> None:
        self.app, self.limits = app, limits

    def limit_for(self, path: str) -> int:
        """The limit of the longest path prefix named in `limits`, else the default."""
        named = [p for p in self.limits if path.startswith(p)]
        return self.limits[max(named, key=len)] if named else DEFAULT_BODY_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope["path"]))
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await _too_large(limit)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        buffered: list[Message] = []
        size, more = 0, True
        while more:  # no Content-Length: read up to the limit before the app sees it
            message = await receive()
            buffered.append(message)
            size += len(message.get("body", b""))
            more = message["type"] == "http.request" and bool(message.get("more_body"))
            if size > limit:
                await _too_large(limit)(scope, receive, send)
                return

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)


def _too_large(limit: int) -> JSONResponse:
    body = {"detail": {"reason": "body_too_large", "message": f"at most {limit} bytes"}}
    return JSONResponse(body, status_code=413)
