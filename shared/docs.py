"""`/docs` from the service itself: Swagger UI's vendored files (shared/static/swagger-ui),
so the page works without internet (FastAPI's default loads them from a CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI = Path(__file__).resolve().parent / "static" / "swagger-ui"
ASSETS = "/docs/assets"


def install_local_docs(app: FastAPI) -> None:
    """Serve `/docs` (Swagger UI) and its assets locally; the app must have `docs_url=None`."""
    assert app.docs_url is None and app.redoc_url is None, "FastAPI's CDN pages are off"
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            # Swagger UI would otherwise fetch a badge from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )
