"""Admin over HTTP: create, list and revoke API keys (served by intake; same rows as the CLI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, get_args
from uuid import UUID

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from shared.auth import Allow, Principal
from shared.json_schema import AS_NUMBER, example
from shared.key_store import insert_key, revoke_in
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

Role = Literal["municipality", "support_worker", "workshop", "employer", "operator", "admin"]
Scope = Literal["history"]
Admin = Annotated[Principal, Allow("admin")]

router = APIRouter(prefix="/v1", tags=["keys"])


MUNICIPALITY_KEY_RULE: JsonDict = {
    "anyOf": [
        {
            "properties": {"role": {"const": "municipality"}, "municipality": {"type": "string"}},
            "required": ["municipality"],
        },
        {
            "properties": {
                "role": {"enum": [r for r in get_args(Role) if r != "municipality"]},
                "municipality": {"type": "null"},
            }
        },
    ]
}
"""A municipality key (and only one) names its municipality: what `insert_key` checks."""


class KeyIn(BaseModel):
    """A key to create: whose (organisation), what role, for how long."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **MUNICIPALITY_KEY_RULE,
            **example(
                {
                    "organisation_id": "5d7c6a1e-2b3f-4c8d-9e0a-1b2c3d4e5f60",
                    "role": "municipality",
                    "municipality": "Tartu",
                    "expires_in_days": 365,
                    "label": "Tartu case system",
                    "scopes": [],
                }
            ),
        },
    )
    organisation_id: UUID
    role: Role
    municipality: str | None = Field(None, min_length=2, max_length=60, pattern=r"^[^\x00-\x1f]+$")
    expires_in_days: Annotated[float, Field(gt=0, le=3650), AS_NUMBER] | None = None
    label: str = Field("", max_length=200, pattern=r"^[^\x00-\x1f]*$")
    scopes: list[Scope] = Field(
        default_factory=list,
        max_length=1,
        description="Permissions beyond the role: `history` lets the key import past dates",
    )


class KeyOut(BaseModel):
    """A key as listed: never its text (only `CreatedKeyOut` shows that, once)."""

    key_id: UUID
    organisation_id: UUID
    role: str
    municipality: str | None
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    scopes: list[str] = Field(default_factory=list)


class CreatedKeyOut(BaseModel):
    """A new key: its text is shown this once and stored only as a hash."""

    key_id: UUID
    key: str
    role: str
    organisation_id: UUID
    expires_at: datetime | None
    scopes: list[str] = Field(default_factory=list)


@router.post("/keys", status_code=201, response_model=CreatedKeyOut)
async def create_key(body: KeyIn, pool: PoolDep, _: Admin) -> CreatedKeyOut:
    """Create a key for an organisation and role (a municipality key names its municipality)."""
    expires = None
    if body.expires_in_days is not None:
        expires = datetime.now(UTC) + timedelta(days=body.expires_in_days)
    try:
        async with pool.acquire() as conn:
            key_id, key = await insert_key(
                conn,
                organisation_id=body.organisation_id,
                role=body.role,
                municipality=body.municipality,
                expires_at=expires,
                label=body.label,
                scopes=body.scopes,
            )
    except ValueError as exc:
        raise HTTPException(422, [{"field": "municipality", "reason": str(exc)}]) from None
    return CreatedKeyOut(
        key_id=key_id,
        key=key,
        role=body.role,
        organisation_id=body.organisation_id,
        expires_at=expires,
        scopes=sorted(set(body.scopes)),
    )


@router.get("/keys", response_model=list[KeyOut])
async def list_keys(pool: PoolDep, _: Admin) -> list[KeyOut]:
    """Every key, newest last (never the key text)."""
    rows = await pool.fetch(
        "SELECT key_id, organisation_id, role, municipality, label, created_at, expires_at,"
        " revoked_at, scopes FROM api_key ORDER BY created_at"
    )
    return [KeyOut(**dict(r)) for r in rows]


@router.post("/keys/{key_id}/revoke", responses=refusals({404: ["key_not_found"]}))
async def revoke_key(key_id: UUID, pool: PoolDep, _: Admin) -> dict[str, str]:
    """Revoke a key in every service at once."""
    async with pool.acquire() as conn:
        if not await revoke_in(conn, key_id):
            raise HTTPException(404, {"reason": "key_not_found", "message": f"no key {key_id}"})
    return {"key_id": str(key_id), "status": "revoked"}
