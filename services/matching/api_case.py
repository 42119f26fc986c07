"""A participant's proposals for whoever holds the case, and why there is none.

The support organisation holding the case (named by `participant.ready_for_matching`), the
participant's municipality and an admin read every proposal with its explanation, status and
decline reason (code and words); when none is live, `no_proposal` says why: not ready,
placed, or which hard constraint ruled out how many open openings (`domain/why_none.py`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.matching import access
from services.matching import repository as repo
from services.matching.domain.why_none import Standing, standing_outside, why_no_proposal
from services.matching.schemas import MatchOut
from services.matching.settings import MatchingSettings
from services.matching.views import candidate_of, opening_of
from shared.auth import Allow, Principal
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["matching"], route_class=IdempotentRoute)

CaseHolder = Annotated[Principal, Allow("support_worker", "municipality", "admin")]
"""The organisation holding the case, the participant's municipality, or an admin."""


class ProposalOut(MatchOut):
    """A proposal with its opening's title."""

    opening_title: str


class ExcludedOut(BaseModel):
    """How many open openings one hard constraint ruled out (each under its first failure)."""

    constraint: str
    openings: int


class NoProposalOut(BaseModel):
    """Why no proposal is live: the participant's standing, and for a ready one the open
    openings looked at, those each constraint ruled out, those that fit and those of them
    proposed once already (a pair is proposed at most once)."""

    standing: Standing
    openings: int = 0
    excluded: list[ExcludedOut] = []
    fitting: int = 0
    proposed_before: int = 0


class ProposalsOut(BaseModel):
    """Every proposal of the participant, best first; `no_proposal` when none is live."""

    participant_id: UUID
    proposals: list[ProposalOut]
    no_proposal: NoProposalOut | None


def _proposal(row: Any) -> ProposalOut:
    data = dict(row)
    data["explanation"] = json.loads(data["explanation"])
    return ProposalOut.model_validate(data)


async def _why_none(
    pool: asyncpg.Pool, candidate: Any, rows: list[Any], settings: MatchingSettings
) -> NoProposalOut:
    outside = standing_outside(
        in_pool=True, ready=candidate["ready_at"] is not None,
        placed=candidate["placed_at"] is not None,
    )  # fmt: skip
    if outside is not None:
        return NoProposalOut(standing=outside)
    openings = [opening_of(o) for o in await repo.open_openings(pool)]
    why = why_no_proposal(
        candidate_of(candidate, datetime.now(UTC)), openings,
        proposed_before={r["opening_id"] for r in rows}, walking_km=settings.walking_km,
    )  # fmt: skip
    return NoProposalOut(
        standing=why.standing, openings=why.openings, fitting=why.fitting,
        excluded=[ExcludedOut(constraint=c, openings=n) for c, n in why.excluded],
        proposed_before=why.proposed_before,
    )  # fmt: skip


@router.get(
    "/participants/{participant_id}/proposals",
    responses=refusals({404: ["candidate_not_found"]}),
)
async def participant_proposals(
    participant_id: UUID, request: Request, pool: PoolDep, principal: CaseHolder
) -> ProposalsOut:
    """The participant's proposals with explanations, statuses and decline reasons, and why
    there is no live one; for the support organisation holding the case."""
    await access.check_case(pool, principal, participant_id, "proposals.read")
    candidate = await repo.fetch_candidate(pool, participant_id)
    if candidate is None:  # erased in between
        return ProposalsOut(participant_id=participant_id, proposals=[], no_proposal=None)
    rows = await repo.list_matches(pool, column="participant_id", value=participant_id, status=None)
    live = any(r["status"] in ("proposed", "accepted") for r in rows)
    settings: MatchingSettings = request.app.state.matching_settings
    return ProposalsOut(
        participant_id=participant_id,
        proposals=[_proposal(r) for r in rows],
        no_proposal=None if live else await _why_none(pool, candidate, list(rows), settings),
    )
