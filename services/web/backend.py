"""The four services' HTTP APIs, called on a person's behalf with a short-lived signed identity."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import jwt

from shared.auth import IDENTITY_AUDIENCE, IDENTITY_ISSUER


def identity_token(person: asyncpg.Record | dict[str, Any], secret: str, ttl_s: int) -> str:
    """An HS256 token naming the person, their organisation, role and municipality."""
    now = int(time.time())
    claims = {
        "iss": IDENTITY_ISSUER,
        "aud": IDENTITY_AUDIENCE,
        "sub": str(person["person_id"]),
        "org": str(person["organisation_id"]),
        "role": person["role"],
        "mun": person["municipality"],
        "iat": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass
class ServiceError(Exception):
    """A service refused: its status, reason code and per-field errors (codes, not words)."""

    status: int
    reason: str
    fields: list[dict[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    """A refused timesheet's rows: each one's `index` and `reason`."""


def _error_of(response: httpx.Response) -> ServiceError:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if isinstance(detail, list):
        fields = [
            {
                "field": str(d.get("field", "")),
                "type": str(d.get("type", "")),
                "reason": str(d.get("reason", "")),
            }
            for d in detail
            if isinstance(d, dict)
        ]
        return ServiceError(response.status_code, "invalid_fields", fields)
    if isinstance(detail, dict):
        rows = detail.get("rows")
        return ServiceError(
            response.status_code,
            str(detail.get("reason", "error")),
            rows=[r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else [],
        )
    return ServiceError(
        response.status_code, "unavailable" if response.status_code >= 500 else "error"
    )


class Services:
    """An httpx client per process; each call carries a fresh identity of the person."""

    def __init__(
        self,
        urls: dict[str, str],
        secret: str,
        ttl_s: int,
        on_error: Callable[[str, int], None] | None = None,
    ) -> None:
        self.urls, self.secret, self.ttl_s = urls, secret, ttl_s
        self.on_error = on_error or (lambda service, status: None)
        self.http = httpx.AsyncClient(timeout=10.0)

    async def call(
        self,
        person: asyncpg.Record,
        service: str,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The JSON answer of one call; ServiceError when the service refuses or is down."""
        token = identity_token(person, self.secret, self.ttl_s)
        try:
            response = await self.http.request(
                method,
                self.urls[service] + path,
                headers={**(headers or {}), "Authorization": f"Bearer {token}"},
                **kwargs,
            )
        except httpx.HTTPError as exc:
            self.on_error(service, 503)
            raise ServiceError(503, "unavailable") from exc
        if response.status_code >= 400:
            self.on_error(service, response.status_code)
            raise _error_of(response)
        return response.json()

    async def download(self, person: asyncpg.Record, service: str, path: str) -> httpx.Response:
        """A GET whose answer is a file (its bytes and content type), not JSON."""
        token = identity_token(person, self.secret, self.ttl_s)
        try:
            response = await self.http.get(
                self.urls[service] + path, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise ServiceError(503, "unavailable") from exc
        if response.status_code >= 400:
            raise _error_of(response)
        return response

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()
