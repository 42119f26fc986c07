"""Use cases that withdraw chosen live proposals, and the `match.withdrawn` notification.

Lowering an opening's seats lowers its proposal slots (`proposals_per_seat` × free seats):
the live proposals beyond them are withdrawn (`domain/seats.beyond_seats` picks them), each
with a `match.withdrawn` event and, for an organisation with a webhook, a notification.
"""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching.catalog import OpeningCatalog
from services.matching.domain.seats import LiveProposal, beyond_seats, proposal_slots
from services.matching.proposals import top_up
from services.matching.repository import webhook_deliveries
from services.matching.repository import withdrawals as sql
from services.matching.settings import MatchingSettings
from shared.events.envelope import Payload
from shared.events.matching import MatchProposed, MatchWithdrawn

SEATS_LOWERED = "seats lowered"
TOLD = frozenset({SEATS_LOWERED, "opening closed", "every seat taken"})
"""Reasons about the opening, which its organisation is told; a reason about the
participant (placed elsewhere, left) is told as `no longer available`."""


def withdrawn_body(match_id: UUID, opening_id: UUID, title: str, reason: str) -> str:
    """The `match.withdrawn` webhook's JSON: which proposal no longer waits for an answer."""
    match = {
        "match_id": str(match_id),
        "opening_id": str(opening_id),
        "opening_title": title,
        "status": "withdrawn",
        "reason": reason if reason in TOLD else "no longer available",
    }
    return json.dumps({"type": "match.withdrawn", "match": match}, sort_keys=True)


async def withdraw(
    conn: asyncpg.Connection, match_ids: list[UUID], *, reason: str
) -> list[MatchWithdrawn]:
    """Withdraw these live proposals, notify their organisations' webhooks; the events."""
    return await _notified(conn, await sql.withdraw(conn, match_ids, reason=reason), reason)


async def notified(
    conn: asyncpg.Connection, withdrawn: list[asyncpg.Record], *, reason: str
) -> list[MatchWithdrawn]:
    """Proposals withdrawn already (rows with a `match_id`): notify their organisations'
    webhooks; the `match.withdrawn` events."""
    if not withdrawn:
        return []
    return await _notified(conn, await sql.about(conn, [r["match_id"] for r in withdrawn]), reason)


async def _notified(
    conn: asyncpg.Connection, rows: list[asyncpg.Record], reason: str
) -> list[MatchWithdrawn]:
    for r in rows:
        if r["notifies"]:
            body = withdrawn_body(r["match_id"], r["opening_id"], r["opening_title"], reason)
            await webhook_deliveries.enqueue(
                conn,
                organisation_id=r["organisation_id"],
                match_id=r["match_id"],
                event_type=MatchWithdrawn.TYPE,
                body=body,
            )
    ids = ("match_id", "participant_id", "opening_id", "organisation_id")
    return [MatchWithdrawn(**{k: r[k] for k in ids}, reason=reason) for r in rows]


async def beyond_slots(
    conn: asyncpg.Connection, opening_id: UUID, *, settings: MatchingSettings
) -> list[MatchWithdrawn]:
    """Withdraw an open opening's live proposals beyond its proposal slots (under the
    proposal lock, so no proposal is made for it meanwhile)."""
    await repo.lock_proposals(conn)
    opening = await repo.fetch_opening(conn, opening_id)
    if opening is None or opening["status"] != "open":
        return []  # a closed opening's proposals are withdrawn by `opening.closed`
    slots = proposal_slots(
        seats=opening["seats"],
        accepted=opening["accepted"],
        proposals_per_seat=settings.proposals_per_seat,
    )
    if opening["live"] <= slots:
        return []
    live = [LiveProposal(r["match_id"], r["score"], r["proposed_at"]) for r in
            await sql.live_of_opening(conn, opening_id)]  # fmt: skip
    return await withdraw(conn, beyond_seats(live, slots), reason=SEATS_LOWERED)


async def after_opening_changed(
    conn: asyncpg.Connection,
    opening_id: UUID,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[Payload]:
    """An opening posted or changed: proposals beyond its (lowered) seats are withdrawn and
    those people get other proposals; its free slots are filled."""
    withdrawn = await beyond_slots(conn, opening_id, settings=settings)
    proposed: list[MatchProposed] = await top_up(
        conn,
        openings=[opening_id],
        participants=[w.participant_id for w in withdrawn],
        catalog=catalog,
        settings=settings,
        now=now,
    )
    return [*withdrawn, *proposed]
