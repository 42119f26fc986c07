"""SQL of the organisations reporting knows (from matching's organisation events)."""

from __future__ import annotations

import asyncpg

from services.reporting.domain.central import OrganisationFact


async def organisations(conn: asyncpg.Connection) -> list[OrganisationFact]:
    """Every organisation in its newest state."""
    rows = await conn.fetch(
        "SELECT organisation_id, name, kind, municipality, central_workshop_id"
        " FROM organisation_fact ORDER BY organisation_id"
    )
    return [OrganisationFact(**dict(r)) for r in rows]
