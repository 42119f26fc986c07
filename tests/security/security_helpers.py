"""Builders for the security tests: intake bodies with traceable secrets, keys per role, scans."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

import asyncpg

from services.intake.domain import estonian_check_digit
from shared.settings import SERVICES

OWN = "Rapla vald"
OTHER = "Tartu linn"


def estonian_id(rng: random.Random | None = None) -> str:
    """A random valid isikukood."""
    rng = rng or random.Random()
    year = rng.randint(1960, 1999)
    ten = f"{rng.choice((3, 4))}{year % 100:02d}{rng.randint(1, 12):02d}"
    ten += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return ten + str(estonian_check_digit(ten))


def intake_body(
    municipality: str = OWN, national_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A valid POST /v1/intakes body whose name and contact are easy to search for."""
    tag = random.randint(10**5, 10**6 - 1)
    return {
        "municipality": municipality,
        "national_id": national_id or estonian_id(),
        "given_name": f"Secretgiven{tag}",
        "family_name": f"Secretfamily{tag}",
        "contact": {"phone": f"+372 5{tag}", "email": f"secret{tag}@example.ee"},
        "languages": ["et"],
        "labour_market_status": "long_term_unemployed",
        "months_unemployed": 14,
        "skills": ["cleaning"],
        "home": {"postal_code": "79511", "lat": 59.0, "lon": 24.79},
        "consent": {
            "purposes": ["case_management", "matching", "reporting", "employer_contact"],
            "given_at": "2026-01-05T10:00:00+02:00",
            "recorded_by": "case system",
        },
        **extra,
    }


def secrets_of(body: dict[str, Any]) -> list[str]:
    """The personal values of a registration that must never be stored in clear."""
    return [
        body["given_name"],
        body["family_name"],
        body["contact"]["phone"],
        body["contact"]["email"],
        body["national_id"],
    ]


async def text_columns(
    conn: asyncpg.Connection, schemas: tuple[str, ...] = SERVICES
) -> list[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every text, bytea, json(b) or array column."""
    rows = await conn.fetch(
        "SELECT c.table_schema, c.table_name, c.column_name, c.data_type"
        " FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE c.table_schema = ANY($1) AND t.table_type = 'BASE TABLE'"
        " AND c.data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb', 'ARRAY')",
        list(schemas),
    )
    return [tuple(r.values()) for r in rows]  # type: ignore[misc]


async def find_anywhere(
    conn: asyncpg.Connection, needles: list[bytes], schemas: tuple[str, ...] = SERVICES
) -> list[str]:
    """Every schema.table.column whose stored bytes contain one of the needles."""
    found = []
    for schema, table, column, kind in await text_columns(conn, schemas):
        value = f'"{column}"' if kind == "bytea" else f"convert_to(\"{column}\"::text, 'UTF8')"
        for needle in needles:
            hits = await conn.fetchval(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE position($1::bytea in {value}) > 0',
                needle,
            )
            if hits:
                found.append(f"{schema}.{table}.{column} holds {needle!r}")
    return found


def uuid_of(response: Any) -> UUID:
    """The participant id of a registration response."""
    return UUID(response.json()["participant_id"])
