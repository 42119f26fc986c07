"""Caseplan's use cases for service agreements: a municipality agrees that an organisation
serves its participants (its waiting list is then drained), or ends the agreement."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg

from services.caseplan.domain.agreements import ServiceAgreement, end_agreement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import agreements, plans
from services.caseplan.service import drain_waiting_list
from shared.auth import Principal
from shared.events.envelope import Payload
from shared.ids import uuid7


async def create_agreement(
    conn: asyncpg.Connection,
    principal: Principal | None,
    *,
    organisation_id: UUID,
    municipality: str,
    today: date,
) -> tuple[ServiceAgreement, list[Payload]]:
    """A live agreement; waiting participants of the municipality its workers can now serve
    are assigned at once. A second live agreement for the same pair is refused."""
    await plans.lock_assignment(conn)
    created = await agreements.insert_agreement(
        conn,
        agreement_id=uuid7(),
        organisation_id=organisation_id,
        municipality=municipality,
        by=principal.key_id if principal else None,
    )
    if created is None:
        raise Refusal(
            "agreement_exists", "the organisation already serves this municipality by agreement"
        )
    await agreements.audit_change(conn, principal, "service_agreement.created", created)
    return created, await drain_waiting_list(conn, today)


async def end(
    conn: asyncpg.Connection, principal: Principal | None, agreement: ServiceAgreement
) -> ServiceAgreement:
    """End an agreement: the organisation's workers take no new cases in the municipality
    (the cases they hold stay with them until they close)."""
    await plans.lock_assignment(conn)
    locked = await agreements.agreement(conn, agreement.agreement_id, lock=True)
    if locked is None:
        raise Refusal("agreement_not_found", "no such service agreement", status=404)
    ended = end_agreement(locked, datetime.now(UTC))
    await agreements.save_end(conn, ended, principal.key_id if principal else None)
    await agreements.audit_change(conn, principal, "service_agreement.ended", ended)
    return ended
