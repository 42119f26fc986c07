"""Participants' names for the people who hold their case: a batch read by ids.

The registering municipality (and an admin) read the names of its own participants; a support
worker only those of participants whose case their organisation holds, shown by caseplan's
case receipt for each id (`shared/case_receipts.py`), or who wait for a support worker where
the organisation serves under a service agreement (caseplan's waiting receipt); an employer or workshop only the given
name of a participant it accepted (matching's placement receipt) who agreed to
`employer_contact`. Ids out of scope are left out of the answer, as unknown ones are: nothing
tells them apart. Every name read is audited.
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
PLACE_ROLES = frozenset({"employer", "workshop"})
"""Who reads only a placed participant's given name, by a placement receipt."""


class NameAsk(BaseModel):
    """One participant whose name is wanted, with the case receipt a support worker needs."""

    model_config = ConfigDict(extra="forbid")
    participant_id: UUID
    case_receipt: str | None = Field(None, max_length=200, pattern=r"^[0-9]{1,12}\.[A-Za-z0-9_-]+$")
    placement_receipt: str | None = Field(
        None, max_length=200, pattern=r"^[0-9]{1,12}\.[A-Za-z0-9_-]+$"
    )
    """An employer's or workshop's: matching's word that it accepted the participant."""
    waiting_receipt: str | None = Field(
        None, max_length=200, pattern=r"^[0-9]{1,12}\.[A-Za-z0-9_-]+$"
    )
    """A support worker's for a person waiting where its organisation serves under a live
    service agreement: caseplan's waiting receipt (from its waiting list)."""


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
    """A participant's name (an employer or workshop gets the given name only)."""

    participant_id: UUID
    given_name: str
    family_name: str | None = None


def may_read(
    principal: Principal | None, row: ParticipantRow, ask: NameAsk | None, secret: str
) -> bool:
    """The registering municipality, an admin, a support worker with a valid case receipt, or
    an employer or workshop with a valid placement receipt when the participant agreed to
    employer contact."""
    receipt = ask.case_receipt if ask else None
    if principal is None or principal.is_admin:
        return True
    if principal.role == "municipality":
        return principal.municipality == row.municipality
    if principal.role == "support_worker":
        org = principal.organisation_id
        waiting = ask.waiting_receipt if ask else None
        return case_receipts.is_valid(
            secret, receipt, row.participant_id, org
        ) or case_receipts.is_valid(
            secret, waiting, row.participant_id, org, purpose=case_receipts.WAITING
        )
    if principal.role in PLACE_ROLES:
        agreed = "employer_contact" in row.consent.get("purposes", [])
        placed = ask.placement_receipt if ask else None
        return agreed and case_receipts.is_valid(
            secret, placed, row.participant_id, principal.organisation_id,
            purpose=case_receipts.PLACEMENT,
        )  # fmt: skip
    return False


def _by_waiting(principal: Principal | None, ask: NameAsk | None, secret: str) -> bool:
    """True when a support worker reads the name by a waiting receipt alone (audited apart:
    the person waits where the organisation serves, its case is not the organisation's)."""
    if principal is None or principal.role != "support_worker" or ask is None:
        return False
    org = principal.organisation_id
    return not case_receipts.is_valid(secret, ask.case_receipt, ask.participant_id, org)


async def names(
    pool: asyncpg.Pool,
    asked: NamesIn,
    *,
    vault: PersonalDataVault,
    principal: Principal | None,
    secret: str,
) -> list[NameOut]:
    """The names the caller may read of the participants asked for, in id order."""
    asks: dict[UUID, NameAsk] = {a.participant_id: a for a in asked.participants}
    given_only = principal is not None and principal.role in PLACE_ROLES
    async with pool.acquire() as conn, conn.transaction():
        rows = [
            r
            for r in await repository.many(conn, list(asks))
            if may_read(principal, r, asks.get(r.participant_id), secret)
        ]
        waiting = {r.participant_id for r in rows
                   if _by_waiting(principal, asks.get(r.participant_id), secret)}  # fmt: skip
        ids = [r.participant_id for r in rows if r.participant_id not in waiting]
        fields = NAME_FIELDS[:1] if given_only else NAME_FIELDS
        await audit.record(conn, principal, "participant.names", ids, fields)
        await audit.record(conn, principal, "participant.names.waiting", sorted(waiting), fields)
    out = []
    for row in rows:
        personal = vault.open(row.personal, bound_to=row.participant_id.bytes)
        family = None if given_only else personal["family_name"]
        out.append(NameOut(participant_id=row.participant_id, given_name=personal["given_name"],
                           family_name=family))  # fmt: skip
    return out
