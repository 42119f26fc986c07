"""Serves a service's AsyncAPI document at /asyncapi.json and a readable page at /asyncapi."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

from shared.asyncapi import build_document, role_of

if TYPE_CHECKING:
    from shared.runtime import Runtime

PAGE = Path(__file__).with_name("asyncapi_page.html")


@cache
def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def service_document(runtime: Runtime) -> dict[str, Any]:
    """The document of every event, with the operations of the service `runtime` runs."""
    role = role_of(runtime.name, runtime.consumer.wanted_types)
    return build_document(
        [role],
        title=f"{runtime.definition.title} events",
        description=(
            f"Every event on Polku's Redis Streams; the operations are {runtime.name}'s:"
            " what it publishes and the types its handlers consume."
        ),
    )


def mount_asyncapi(app: FastAPI, runtime: Runtime) -> None:
    """Add /asyncapi.json (the AsyncAPI 3.0.0 document) and /asyncapi (its offline page)."""
    # The handlers are registered by now, so the document is fixed: rendered once.
    body = json.dumps(service_document(runtime), separators=(",", ":"))

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI 3.0.0 of the streams")
    async def asyncapi_json() -> Response:
        return Response(body, media_type="application/json")

    @app.get(
        "/asyncapi",
        tags=["operations"],
        summary="The streams' contract, readable",
        response_class=HTMLResponse,
    )
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(_page())
