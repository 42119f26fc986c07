"""Participants' names for the people who hold their case: a batch read by ids.

The registering municipality (and an admin) read the names of its own participants; a support
worker only those of participants whose case their organisation holds, shown by caseplan's
case receipt for each id (`shared/case_receipts.py`). Ids out of scope are left out of the
answer, as unknown ones are: nothing tells them apart. Every name read is audited.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.repository import ParticipantRow
from shared import audit, case_receipts
from shared.auth import Principal
from shared.json_schema import example

NAME_FIELDS = ["given_name", "family_name"]


class NameAsk(BaseModel):
    """One participant whose name is wanted, with the case receipt a support worker needs."""

    model_config = ConfigDict(extra="forbid")
    participant_id: UUID
    case_receipt: str | None = Field(None, max_length=200, pattern=r"^[0-9]{1,12}\.[A-Za-z0-9_-]+$")


class NamesIn(BaseModel):
    """The participants whose names are wanted (at most 200)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=example(
            {"participants": [{"participant_id": "0190a2b4-7c1e-7d3a-9f00-3c5e2a1b4d6f",
                               "case_receipt": "1780000000.b3JnYW5pc2F0aW9uLXJlY2VpcHQ"}]}
        ),
    )  # fmt: skip
    participants: list[NameAsk] = Field(max_length=200)


class NameOut(BaseModel):
    """A participant's name."""

    participant_id: UUID
    given_name: str
    family_name: str


def may_read(
    principal: Principal | None, row: ParticipantRow, receipt: str | None, secret: str
) -> bool:
    """The registering municipality, an admin, or a support worker with a valid receipt."""
    if principal is None or principal.is_admin:
        return True
    if principal.role == "municipality":
        return principal.municipality == row.municipality
    if principal.role == "support_worker":
        org = principal.organisation_id
        return case_receipts.is_valid(secret, receipt, row.participant_id, org)
    return False


async def names(
    pool: asyncpg.Pool,
    asked: NamesIn,
    *,
    vault: PersonalDataVault,
    principal: Principal | None,
    secret: str,
) -> list[NameOut]:
    """The names the caller may read of the participants asked for, in id order."""
    receipts: dict[UUID, str | None] = {
        a.participant_id: a.case_receipt for a in asked.participants
    }
    async with pool.acquire() as conn, conn.transaction():
        rows = [
            r
            for r in await repository.many(conn, list(receipts))
            if may_read(principal, r, receipts[r.participant_id], secret)
        ]
        ids = [r.participant_id for r in rows]
        await audit.record(conn, principal, "participant.names", ids, NAME_FIELDS)
    out = []
    for row in rows:
        personal = vault.open(row.personal, bound_to=row.participant_id.bytes)
        out.append(NameOut(participant_id=row.participant_id, given_name=personal["given_name"],
                           family_name=personal["family_name"]))  # fmt: skip
    return out
