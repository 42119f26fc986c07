"""The paged waiting list and follow-ups due, as each caller may see them.

An admin (or an internal caller) sees everyone's; a municipality its own participants'; a
support worker's organisation the people waiting in the municipalities it serves under a
live service agreement and the cases it holds, each line with the receipt that opens the
person's name at intake (`shared/case_receipts.py`: a case receipt for a case it holds, a
waiting receipt for one waiting where it serves). Every page read is audited, naming the
participants on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from services.caseplan.domain import cursors
from services.caseplan.domain.workers import WaitingEntry
from services.caseplan.repository import pages, scopes
from services.caseplan.schemas import FollowUpDueOut, FollowUpDuePage, WaitingOut, WaitingPage
from shared import audit, case_receipts
from shared.auth import Principal


@dataclass(frozen=True)
class Scope:
    """Whose lines: everyone's (`municipalities` None), or these municipalities' and the
    organisation's; `nobody` for an organisation-less support worker key."""

    municipalities: list[str] | None
    organisation_id: UUID | None
    nobody: bool = False


async def _scope(conn: asyncpg.Connection, principal: Principal | None, *, waiting: bool) -> Scope:
    if principal is None or principal.is_admin:
        return Scope(None, None)
    if principal.role == "municipality":
        return Scope([principal.municipality or ""], None)
    org = principal.organisation_id
    if org is None:
        return Scope([], None, nobody=True)
    served = sorted(await scopes.served_municipalities(conn, org)) if waiting else []
    return Scope(served, org)


def _waiting_line(
    e: WaitingEntry, position: int, org: UUID | None, served: set[str], secret: str
) -> WaitingOut:
    """A waiting line; for a support worker's organisation the receipt for the name: a case
    receipt where it holds the case, a waiting receipt where it serves the municipality."""
    case = waiting = None
    if org is not None and e.organisation_id == org:
        case = case_receipts.receipt(secret, e.participant_id, org)
    elif org is not None and e.municipality in served:
        waiting = case_receipts.receipt(
            secret, e.participant_id, org, purpose=case_receipts.WAITING
        )
    return WaitingOut(
        position=position, participant_id=e.participant_id, case_plan_id=e.case_plan_id,
        municipality=e.municipality, priority=e.priority, case_receipt=case,
        waiting_receipt=waiting,
    )  # fmt: skip


async def waiting_page(
    conn: asyncpg.Connection,
    principal: Principal | None,
    secret: str,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> WaitingPage:
    """A page of the waiting list in the order it is served."""
    text, backwards = cursors.pick(after, before)
    place = None if text is None else cursors.waiting_place(text)
    scope = await _scope(conn, principal, waiting=True)
    if scope.nobody:
        return WaitingPage(items=[], next_after=None)
    rows = await pages.waiting_page(
        conn, municipalities=scope.municipalities, organisation_id=scope.organisation_id,
        place=place, backwards=backwards, limit=limit + 1,
    )  # fmt: skip
    entries, more_after, more_before = cursors.page_of(
        rows, limit, backwards=backwards, from_cursor=place is not None
    )
    positions: dict[UUID, int] = {}
    if entries:
        first, last = entries[0], entries[-1]
        positions = await pages.waiting_positions(
            conn, (not first.priority, first.seq), (not last.priority, last.seq)
        )
    org, served = scope.organisation_id, set(scope.municipalities or ())
    items = [_waiting_line(e, positions.get(e.case_plan_id, 0), org, served, secret)
             for e in entries]  # fmt: skip
    await audit.record(
        conn, principal, "waiting_list.listed", [i.participant_id for i in items],
        ["waiting_entry"],
    )  # fmt: skip

    def at(e: WaitingEntry) -> str:
        return cursors.waiting_cursor((not e.priority, e.seq))

    return WaitingPage(
        items=items,
        next_after=at(entries[-1]) if entries and more_after else None,
        prev_before=at(entries[0]) if entries and more_before else None,
    )


async def due_page(
    conn: asyncpg.Connection,
    principal: Principal | None,
    secret: str,
    today: date,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> FollowUpDuePage:
    """A page of the follow-ups due by `today` and not yet recorded, oldest first."""
    text, backwards = cursors.pick(after, before)
    place = None if text is None else cursors.due_place(text)
    scope = await _scope(conn, principal, waiting=False)
    if scope.nobody:
        return FollowUpDuePage(items=[], next_after=None)
    municipality = scope.municipalities[0] if scope.municipalities else None
    rows = await pages.due_page(
        conn, today=today, municipality=municipality, organisation_id=scope.organisation_id,
        place=place, backwards=backwards, limit=limit + 1,
    )  # fmt: skip
    plans, more_after, more_before = cursors.page_of(
        rows, limit, backwards=backwards, from_cursor=place is not None
    )
    org = scope.organisation_id
    items = [
        FollowUpDueOut(
            participant_id=p.participant_id, case_plan_id=p.case_plan_id,
            exit_outcome=p.exit_outcome, exited_on=p.exited_on,
            follow_up_due_on=p.follow_up_due_on,
            case_receipt=case_receipts.receipt(secret, p.participant_id, org) if org else None,
        )
        for p in plans
    ]  # fmt: skip
    await audit.record(
        conn, principal, "follow_up.listed", [i.participant_id for i in items], ["case_plan"]
    )

    def at(i: FollowUpDueOut) -> str:
        return cursors.due_cursor((i.follow_up_due_on or date.min, i.case_plan_id))

    return FollowUpDuePage(
        items=items,
        next_after=at(items[-1]) if items and more_after else None,
        prev_before=at(items[0]) if items and more_before else None,
    )
