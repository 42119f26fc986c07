"""The only SQL of the matching service: candidate pool, organisations, openings, matches;
`webhook_deliveries` holds the webhook queue's."""

from __future__ import annotations

import asyncpg

from services.matching.repository.departures import (
    departures,
    hold_erasure_lock,
    record_erasure,
    record_exit,
    record_matching_withdrawn,
)
from services.matching.repository.matches import (
    decide_match,
    expire_due,
    fetch_match,
    insert_match,
    insert_matches,
    list_matches,
    organisation_matches_page,
    withdraw_live,
)
from services.matching.repository.openings import (
    OPENING_COLUMNS,
    ORGANISATION_COLUMNS,
    close_opening,
    fetch_opening,
    fetch_organisation,
    insert_organisation,
    open_openings,
    opening_loads,
    opening_owner,
    openings_changed,
    save_opening,
    save_programme,
    set_webhook,
)
from services.matching.repository.pool import (
    candidate_exists,
    delete_candidate,
    fetch_candidate,
    insert_candidate,
    insert_candidates,
    mark_not_ready,
    mark_placed,
    mark_ready,
    mark_ready_many,
    max_reach_km,
    proposable_many,
    ready_candidates_near,
    update_candidate,
)

PROPOSAL_LOCK = 0x4D415443  # "MATC": proposal-making is serialised across replicas


async def lock_proposals(conn: asyncpg.Connection) -> None:
    """Serialise proposal-making (until the transaction ends) so limits hold across replicas."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", PROPOSAL_LOCK)


__all__ = [
    "OPENING_COLUMNS",
    "ORGANISATION_COLUMNS",
    "PROPOSAL_LOCK",
    "candidate_exists",
    "close_opening",
    "decide_match",
    "delete_candidate",
    "departures",
    "expire_due",
    "fetch_candidate",
    "fetch_match",
    "fetch_opening",
    "fetch_organisation",
    "hold_erasure_lock",
    "insert_candidate",
    "insert_candidates",
    "insert_match",
    "insert_matches",
    "insert_organisation",
    "list_matches",
    "lock_proposals",
    "mark_not_ready",
    "mark_placed",
    "mark_ready",
    "mark_ready_many",
    "max_reach_km",
    "open_openings",
    "opening_loads",
    "opening_owner",
    "openings_changed",
    "organisation_matches_page",
    "proposable_many",
    "ready_candidates_near",
    "record_erasure",
    "record_exit",
    "record_matching_withdrawn",
    "save_opening",
    "save_programme",
    "set_webhook",
    "update_candidate",
    "withdraw_live",
]
