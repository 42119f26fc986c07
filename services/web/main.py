"""The web front: create_app(settings) with its pool, the services' client, pages and static files."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.web import pages, repository, sessions
from services.web.backend import ServiceError, Services
from services.web.metrics import install_metrics
from services.web.notify import handlers as notify_handlers
from services.web.notify import service as notify_service
from services.web.pages.common import error_page
from services.web.settings import WebSettings
from shared.runtime import Runtime, ServiceDefinition
from shared.settings import SERVICES, Settings

log = logging.getLogger("polku.web")
STATIC = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
    " form-action 'self'; base-uri 'none'",
    "Referrer-Policy": "same-origin",  # no-referrer would make Chromium send `Origin: null`
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def create_app(settings: Settings, web: WebSettings | None = None) -> FastAPI:
    """The web front's app: pages for people, calling the services with their identity."""
    ws = web or WebSettings()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per service call is noise

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The web front's own consumer (notifications), pool and outbox: its own login role,
        # the schema web only (shared/runtime, as the services have).
        runtime = Runtime(notify_definition(ws), settings)
        await runtime.start()
        app.state.runtime, app.state.pool = runtime, runtime.db
        app.state.metrics.more.append(runtime.metrics.registry)
        urls = {s: ws.url_of(s, settings).rstrip("/") for s in SERVICES}
        errors = app.state.metrics.service_errors
        app.state.services = Services(
            urls,
            settings.web_identity_secret,
            ws.identity_ttl_s,
            on_error=lambda service, status: errors.labels(service, str(status)).inc(),
        )
        if ws.demo_people:
            await _seed_demo(app.state.pool, settings)
        try:
            yield
        finally:
            await app.state.services.close()
            await runtime.stop()

    app = FastAPI(
        title="Polku web",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(sessions.check_csrf)],
    )
    app.state.web_settings, app.state.settings = ws, settings
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in pages.ROUTERS:
        app.include_router(router)
    _install_health(app)
    _install_sessions(app, ws)
    _install_errors(app)
    install_metrics(app)  # outermost: times the session work too
    return app


async def _seed_demo(pool: object, settings: Settings) -> None:
    from services.web import demo

    people = await demo.seed(pool)  # type: ignore[arg-type]
    print(f"web: sign in at http://{settings.host}:{settings.web_port}/ as", flush=True)
    for p in people:
        print(f"web:   {p['role']:<15} {p['email']}  password {demo.DEMO_PASSWORD}", flush=True)


def notify_definition(ws: WebSettings) -> ServiceDefinition:
    """The web front as a consumer: the events its notifications follow, and the mailer."""
    return ServiceDefinition(
        name="web",
        title="Polku web",
        description="Pages for people; notifications by e-mail",
        register_handlers=partial(notify_handlers.register_handlers, demo=ws.demo_people),
        background=[notify_service.make_mail_loop(ws)],
    )


def _install_health(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        try:
            async with request.app.state.pool.acquire() as conn:
                await repository.ping(conn)
        except Exception:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})


def _install_sessions(app: FastAPI, ws: WebSettings) -> None:
    @app.middleware("http")
    async def session_middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if path.startswith("/static/") or path in ("/healthz", "/readyz", "/metrics"):
            return await call_next(request)
        cookie = request.cookies.get(sessions.cookie_name(ws.cookie_secure))
        request.state.session = await sessions.load(app.state.pool, cookie, ws.session_hours)
        response = await call_next(request)
        sessions.set_cookie(response, request.state.session, secure=ws.cookie_secure)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(sessions.NotSignedIn)
    async def not_signed_in(request: Request, exc: Exception) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(sessions.NotAllowed)
    async def not_allowed(request: Request, exc: Exception) -> HTMLResponse:
        return error_page(request, "role_not_allowed", 403)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, ServiceError)
        status = exc.status if exc.status in (403, 404, 409, 422, 503) else 502
        return error_page(request, exc.reason, status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, HTTPException)
        code = exc.detail if isinstance(exc.detail, str) and "_" in exc.detail else "not_found"
        if exc.status_code != 404 and code == "not_found":
            code = "error"
        return error_page(request, code, exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> HTMLResponse:
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return error_page(request, "error", 500)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> HTMLResponse:
        return error_page(request, "not_found", 404)
