"""API keys: who is calling (a `Principal`), deny by default under /v1, roles per route.

A request under `/v1` must carry `Authorization: Bearer polku_...`; the key is looked up by its
SHA-256 hash in the service's own `api_key` table. The web front calls on a person's behalf
with `Bearer <JWT>` instead: a short-lived HS256 token (`POLKU_WEB_IDENTITY_SECRET`) naming the
person, their organisation and role, verified here without a database read. Each route declares the roles it lets in
with `Allow("municipality", "admin")`; scope checks (whose data) live in the service layer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.db import is_infrastructure_error

PoolOf = Callable[[], asyncpg.Pool]
"""Where the key check finds the service's pool (created at start, after the app is built)."""

ROLES: tuple[str, ...] = (
    "municipality",
    "support_worker",
    "workshop",
    "employer",
    "operator",
    "admin",
)
KEY_PREFIX = "polku_"
PROTECTED_PREFIX = "/v1"
IDENTITY_ISSUER = "polku-web"
IDENTITY_AUDIENCE = "polku-services"
IDENTITY_MAX_TTL_S = 300
"""The longest life a person's signed identity may claim (the web mints 60 s tokens)."""


@dataclass(frozen=True)
class Principal:
    """The organisation and role behind a valid API key, and where the call came from."""

    key_id: UUID | None
    organisation_id: UUID
    role: str
    municipality: str | None = None
    client: str | None = None
    person_id: UUID | None = None
    """The person the web front acts for (then `key_id` is None)."""
    scopes: frozenset[str] = frozenset()
    """Permissions beyond the role: `history` admits an import of past dates (shared/history)."""

    @property
    def is_admin(self) -> bool:
        """True for the network's administrators."""
        return self.role == "admin"


def new_key() -> str:
    """A fresh random key text (shown once, never stored)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> bytes:
    """The SHA-256 hash under which a key is stored."""
    return hashlib.sha256(key.encode()).digest()


async def lookup(conn: asyncpg.Connection, key: str, client: str | None) -> Principal | str:
    """The principal of a valid key, or the reason it is refused."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return "invalid_api_key"
    row = await conn.fetchrow(
        "SELECT key_id, organisation_id, role, municipality, expires_at, revoked_at, scopes"
        " FROM api_key WHERE key_hash = $1",
        key_hash(key),
    )
    if row is None:
        return "invalid_api_key"
    if row["revoked_at"] is not None:
        return "revoked_api_key"
    if row["expires_at"] is not None and row["expires_at"] <= datetime.now(UTC):
        return "expired_api_key"
    return Principal(
        key_id=row["key_id"],
        organisation_id=row["organisation_id"],
        role=row["role"],
        municipality=row["municipality"],
        client=client,
        scopes=frozenset(row["scopes"]),
    )


def verify_identity(token: str, secret: str, client: str | None) -> Principal | str:
    """The principal of a valid signed identity from the web front, or the reason it is refused."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=IDENTITY_AUDIENCE,
            issuer=IDENTITY_ISSUER,
            options={"require": ["exp", "iat", "sub", "org", "role"]},
        )
        if claims["exp"] - claims["iat"] > IDENTITY_MAX_TTL_S or claims["role"] not in ROLES:
            return "invalid_identity"
        mun = claims.get("mun")
        return Principal(
            key_id=None,
            organisation_id=UUID(claims["org"]),
            role=claims["role"],
            municipality=mun if isinstance(mun, str) else None,
            client=client,
            person_id=UUID(claims["sub"]),
        )
    except jwt.ExpiredSignatureError:
        return "expired_identity"
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return "invalid_identity"


def _refusal(status: int, reason: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"detail": {"reason": reason, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


class ApiKeyMiddleware:
    """Deny by default: every /v1 request needs a valid key (401 with the reason otherwise)."""

    def __init__(self, app: ASGIApp, *, pool_of: PoolOf, identity_secret: str) -> None:
        self.app, self.pool_of, self.identity_secret = app, pool_of, identity_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        answer = await self._principal(scope)
        if isinstance(answer, JSONResponse):
            await answer(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = answer
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope) -> Principal | JSONResponse:
        header = Headers(scope=scope).get("authorization")
        if header is None:
            return _refusal(401, "missing_api_key", "send Authorization: Bearer <API key>")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return _refusal(401, "invalid_api_key", "send Authorization: Bearer <API key>")
        client = scope.get("client")
        if not key.strip().startswith(KEY_PREFIX) and key.count(".") == 2:
            person = verify_identity(
                key.strip(), self.identity_secret, client[0] if client else None
            )
            if isinstance(person, str):
                return _refusal(401, person, "the signed identity is not valid")
            return person
        try:
            async with self.pool_of().acquire() as conn:
                found = await lookup(conn, key.strip(), client[0] if client else None)
        except Exception as exc:
            if not is_infrastructure_error(exc):
                raise
            return _refusal(503, "unavailable", "a backing service is unavailable")
        if isinstance(found, str):
            return _refusal(401, found, "the API key is not valid")
        return found


def install_api_keys(app: Any, pool_of: PoolOf, *, identity_secret: str) -> None:
    """Put the check of API keys (and of the web front's signed identity) before the routes."""
    app.add_middleware(ApiKeyMiddleware, pool_of=pool_of, identity_secret=identity_secret)


_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer polku_<key>")


def current_principal(request: Request) -> Principal | None:
    """The principal the middleware resolved for this request, if any."""
    principal = request.scope.get("state", {}).get("principal")
    return principal if isinstance(principal, Principal) else None


def Allow(*roles: str) -> Any:
    """FastAPI dependency: the caller's principal when its role is one of `roles`, else 401/403."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    allowed = frozenset(roles)

    async def allow(  # async: a plain `def` dependency would run in a worker thread
        request: Request,
        _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        principal = current_principal(request)
        if principal is None:
            raise HTTPException(
                401,
                {"reason": "missing_api_key", "message": "send Authorization: Bearer <API key>"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        if principal.role not in allowed:
            raise HTTPException(
                403,
                {"reason": "role_not_allowed", "message": f"role {principal.role} may not"},
            )
        return principal

    return Depends(allow)
