"""The services' public HTTP APIs as the demo sees them: routes found in each service's
OpenAPI document, so a step whose endpoint does not exist (yet) is skipped, not a crash."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

Candidates = tuple[tuple[str, str, str], ...]  # (service, method, path template)

ROUTES: dict[str, Candidates] = {
    "register_participant": (("intake", "post", "/v1/intakes"),),
    "register_organisation": (("matching", "post", "/v1/organisations"),),
    "post_opening": (
        ("matching", "post", "/v1/openings"),
        ("matching", "post", "/v1/organisations/{organisation_id}/openings"),
    ),
    "set_webhook": (("matching", "put", "/v1/organisations/{organisation_id}/webhook"),),
    "get_opening": (("matching", "get", "/v1/openings/{opening_id}"),),
    "get_support_worker": (("caseplan", "get", "/v1/support-workers/{support_worker_id}"),),
    "agree_service": (("caseplan", "post", "/v1/service-agreements"),),
    "add_support_worker": (("caseplan", "post", "/v1/support-workers"),),
    "get_case_plan": (("caseplan", "get", "/v1/participants/{participant_id}/case-plan"),),
    "mark_ready": (
        ("caseplan", "post", "/v1/participants/{participant_id}/ready-for-matching"),
        ("caseplan", "post", "/v1/participants/{participant_id}/readiness"),
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/ready-for-matching"),
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/readiness"),
    ),
    "add_goal": (("caseplan", "post", "/v1/case-plans/{case_plan_id}/goals"),),
    "add_activity": (
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/activities"),
        ("caseplan", "post", "/v1/participants/{participant_id}/activities"),
    ),
    "log_activity_hours": (
        ("caseplan", "post", "/v1/activities/{activity_id}/hours"),
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/activities/{activity_id}/hours"),
    ),
    "end_activity": (
        ("caseplan", "patch", "/v1/activities/{activity_id}"),
        ("caseplan", "post", "/v1/activities/{activity_id}/status"),
        ("caseplan", "patch", "/v1/case-plans/{case_plan_id}/activities/{activity_id}"),
    ),
    "proposed_matches": (("matching", "get", "/v1/organisations/{organisation_id}/matches"),),
    "get_match": (("matching", "get", "/v1/matches/{match_id}"),),
    "accept_match": (("matching", "post", "/v1/matches/{match_id}/accept"),),
    "decline_match": (("matching", "post", "/v1/matches/{match_id}/decline"),),
    "log_placement_hours": (("caseplan", "post", "/v1/placements/{placement_id}/hours"),),
    "record_attendance": (("caseplan", "post", "/v1/placements/{placement_id}/attendance"),),
    "end_placement": (
        ("caseplan", "post", "/v1/placements/{placement_id}/end"),
        ("caseplan", "post", "/v1/placements/{placement_id}/ending"),
    ),
    "exit_participant": (
        ("caseplan", "post", "/v1/participants/{participant_id}/exit"),
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/exit"),
    ),
    "record_follow_up": (
        ("caseplan", "post", "/v1/participants/{participant_id}/follow-up"),
        ("caseplan", "post", "/v1/case-plans/{case_plan_id}/follow-up"),
    ),
    "summary": (("reporting", "get", "/v1/reports/summary"),),
    "create_key": (("intake", "post", "/v1/keys"),),
}


def _names(template: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", template)


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


@dataclass
class Route:
    """One concrete endpoint: service, method, the path template as the service names it."""

    service: str
    method: str
    template: str
    body_properties: frozenset[str] | None = None
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (ours, theirs)

    def path(self, **values: Any) -> str:
        """The template filled in with our parameter values, matched by position."""
        filled = self.template
        for ours, theirs in self.params:
            filled = filled.replace("{" + theirs + "}", str(values[ours]))
        return filled


class Api:
    """Base URLs of the four services and the routes each one really offers."""

    def __init__(
        self,
        urls: dict[str, str],
        *,
        in_flight: int = 32,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> None:
        # One small pool per service: httpcore scans every pooled connection per request.
        # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so a request
        # never goes out on a connection the server is closing at that moment.
        limits = httpx.Limits(max_connections=in_flight, keepalive_expiry=2.0)
        self.clients = {
            service: httpx.AsyncClient(timeout=timeout, headers=headers, limits=limits)
            for service in urls
        }
        self.urls = urls
        self.documents: dict[str, dict[str, Any]] = {}
        # Requests wait here rather than in httpcore's pool, whose bookkeeping grows with
        # the square of the requests queued in it.
        self.in_flight = asyncio.Semaphore(in_flight)

    async def discover(self) -> None:
        """Read every service's /openapi.json (a service without one offers no routes)."""
        for service, url in self.urls.items():
            try:
                r = await self.clients[service].get(f"{url}/openapi.json")
                self.documents[service] = r.json() if r.status_code == 200 else {}
            except httpx.HTTPError:
                self.documents[service] = {}

    async def aclose(self) -> None:
        """Close every service's connection pool."""
        for client in self.clients.values():
            await client.aclose()

    def route(self, step: str) -> Route | None:
        """The first candidate endpoint for `step` that the service documents, else None."""
        for service, method, template in ROUTES[step]:
            paths = self.documents.get(service, {}).get("paths", {})
            for real, operations in paths.items():
                if _shape(real) == _shape(template) and method in operations:
                    names = zip(_names(template), _names(real), strict=True)
                    params = tuple(names)
                    props = self._body_properties(operations[method])
                    return Route(service, method, real, props, params)
        return None

    def _body_properties(self, operation: dict[str, Any]) -> frozenset[str] | None:
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        schema = self._resolve(schema)
        if not schema or "properties" not in schema:
            return None
        return frozenset(schema["properties"])

    def _resolve(self, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema and "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            for doc in self.documents.values():
                found = doc.get("components", {}).get("schemas", {}).get(name)
                if found is not None:
                    return dict(found)
        return schema

    async def call(
        self,
        route: Route,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> httpx.Response:
        """Send `body` (trimmed to the fields the endpoint declares) to the route."""
        if body is not None and route.body_properties is not None:
            body = {k: v for k, v in body.items() if k in route.body_properties}
        url = self.urls[route.service] + route.path(**params)
        async with self.in_flight:
            return await self.clients[route.service].request(
                route.method.upper(), url, json=body, params=query, headers=headers
            )
