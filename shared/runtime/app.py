"""The app's lifespan and edge: one FastAPI app per service process, whose lifespan starts
and stops its `Runtime`, with health, readiness and metrics routes and request counting."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.asyncapi_http import mount_asyncapi
from shared.auth import install_api_keys
from shared.body_limit import BodySizeLimit
from shared.db import is_infrastructure_error
from shared.docs import install_local_docs
from shared.http_errors import install_http_errors
from shared.metrics import CONTENT_TYPE_LATEST
from shared.runtime.core import Runtime, ServiceDefinition
from shared.settings import Settings
from shared.startup import interruptible


async def get_runtime(request: Request) -> Runtime:
    """FastAPI dependency: the running service (async: FastAPI runs a plain `def`
    dependency in a worker thread, a thread hop per request)."""
    return request.app.state.runtime  # type: ignore[no-any-return]


async def get_pool(request: Request) -> asyncpg.Pool:
    """FastAPI dependency: the service's connection pool."""
    return request.app.state.runtime.db  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]


async def _invalid_text(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL refuses text it cannot store (a NUL character): the caller's input, a 422."""
    body = {"reason": "invalid_character", "message": "text must not contain NUL characters"}
    return JSONResponse({"detail": body}, status_code=422)


class CountRequests:
    """Counts every HTTP answer by route and status; a backing service that is down gets
    503 with a reason instead of a 500. Plain ASGI: Starlette's BaseHTTPMiddleware cost
    ~0.6 ms per request (bench/README.md, Intake)."""

    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app, self.runtime = app, runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = False

        async def send_and_see(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, send_and_see)
        except Exception as exc:
            if started or not is_infrastructure_error(exc):
                raise
            unavailable = JSONResponse(
                {"detail": "a backing service is unavailable", "reason": "unavailable"},
                status_code=503,
            )
            await unavailable(scope, receive, send_and_see)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            self.runtime.metrics.http_requests.labels(
                self.runtime.name, scope["method"], path, str(status)
            ).inc()


READINESS = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"enum": ["ready", "not_ready"]},
        "checks": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
"""What `/readyz` answers, ready (200) or not (503)."""


def create_service_app(definition: ServiceDefinition, settings: Settings) -> FastAPI:
    """The FastAPI app of one service, with health, readiness and metrics routes."""
    runtime = Runtime(definition, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await interruptible(runtime.start())  # a SIGTERM meanwhile: stopped as soon as yielded
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # served from local assets below, not a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.body_limits = {}
    install_local_docs(app)
    install_http_errors(app)
    install_api_keys(app, lambda: runtime.db, identity_secret=settings.web_identity_secret)
    app.add_exception_handler(asyncpg.exceptions.CharacterNotInRepertoireError, _invalid_text)
    app.add_exception_handler(asyncpg.exceptions.UntranslatableCharacterError, _invalid_text)
    app.add_middleware(BodySizeLimit, limits=app.state.body_limits)
    app.add_middleware(CountRequests, runtime=runtime)  # outermost: counts 401s and 413s too
    _add_operations_routes(app, runtime)
    mount_asyncapi(app, runtime)
    for router in definition.routers:
        app.include_router(router)
    return app


def _add_operations_routes(app: FastAPI, runtime: Runtime) -> None:
    """/healthz, /readyz and /metrics."""

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    readiness = {"content": {"application/json": {"schema": READINESS}}}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Redis and PostgreSQL answer",
        responses={
            200: {"description": "Ready", **readiness},
            503: {"description": "Redis or PostgreSQL does not answer", **readiness},
        },
    )
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def metrics() -> Response:
        await runtime.gauges_on_scrape()
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)
