"""Every write of caseplan and matching accepts Idempotency-Key, and its OpenAPI says so."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.caseplan.main import create_app as caseplan_app
from services.matching.main import create_app as matching_app
from shared import idempotency
from shared.idempotent_route import WRITES, is_idempotent
from shared.settings import Settings

APPS: dict[str, Callable[[Settings], FastAPI]] = {
    "caseplan": caseplan_app,
    "matching": matching_app,
}


def all_routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route, into included routers (FastAPI keeps them as `_IncludedRouter`)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from all_routes(included.routes) if included is not None else [route]


def write_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every POST/PUT/PATCH/DELETE route of the app."""
    return [
        (method, route.path, route)
        for route in all_routes(app.routes)
        if isinstance(route, APIRoute)
        for method in sorted(WRITES & route.methods)
    ]


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_write_accepts_an_idempotency_key(service: str) -> None:
    writes = write_routes(APPS[service](Settings()))
    assert len(writes) >= 5, "the walk found the service's writes"
    lacking = [f"{m} {p}" for m, p, route in writes if not is_idempotent(route)]
    assert lacking == []


@pytest.mark.parametrize("service", sorted(APPS))
def test_openapi_documents_the_header_on_every_write(service: str) -> None:
    app = APPS[service](Settings())
    doc: dict[str, Any] = app.openapi()
    for method, path, _ in write_routes(app):
        operation = doc["paths"][path][method.lower()]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert idempotency.HEADER in headers, f"{method} {path}"
        assert {"409", "422"} <= set(operation["responses"]), f"{method} {path}"


def test_a_reused_key_is_refused_and_a_first_answer_replayed() -> None:
    assert idempotency.replay("h", 200, {"ok": 1}, "h") == idempotency.Answer(200, {"ok": 1})
    with pytest.raises(idempotency.IdempotencyRefused) as reused:
        idempotency.replay("h", 200, {"ok": 1}, "other")
    assert (reused.value.status_code, reused.value.reason) == (422, "idempotency_key_reused")
    with pytest.raises(idempotency.IdempotencyRefused) as running:
        idempotency.replay("h", idempotency.IN_PROGRESS, None, "h")
    assert (running.value.status_code, running.value.reason) == (409, "idempotency_in_progress")


def test_fingerprints_tell_part_boundaries_apart() -> None:
    assert idempotency.fingerprint("ab", "c") != idempotency.fingerprint("a", "bc")
    assert idempotency.fingerprint("POST", b"{}") == idempotency.fingerprint("POST", "{}")
