"""Moving a participant between municipalities: only by a transfer someone decided.

A registration never moves a person. When another municipality registers someone already in
the network, intake records a transfer request instead and answers that municipality exactly
as it would answer a first registration (and a repeat one as a repeat), so the answer tells
nothing about whether, or where, the person is known. The current municipality, an operator
or an admin then approves (the person and their case move) or declines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class TransferStatus(StrEnum):
    """Where a transfer request stands."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"


DECIDING_ROLES = frozenset({"operator", "admin"})
"""Who may decide any transfer; a municipality decides only those of its own participants."""


class TransferRefused(Exception):
    """A decision that cannot be taken; `reason` is machine-readable, str() says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Transfer:
    """A request to move a participant from one municipality to another, and its decision."""

    transfer_id: UUID
    participant_id: UUID
    from_municipality: str
    to_municipality: str
    status: TransferStatus
    requested_at: datetime
    decided_at: datetime | None = None


def is_own_registration(current: str, registering: str) -> bool:
    """True when the municipality registering the person is the one they belong to."""
    return current == registering


def registration_status(request_is_new: bool) -> str:
    """What another municipality is told: what a first (or repeated) registration answers."""
    return "created" if request_is_new else "updated"


def may_decide(transfer: Transfer, role: str, municipality: str | None) -> bool:
    """An operator or admin decides any transfer; a municipality only those away from it."""
    return role in DECIDING_ROLES or (
        role == "municipality" and municipality == transfer.from_municipality
    )


def decide(transfer: Transfer, *, approve: bool, current: str, now: datetime) -> Transfer:
    """The transfer approved or declined; refused when decided already or the person has
    moved since it was asked (`current` is their municipality now)."""
    if transfer.status is not TransferStatus.REQUESTED:
        raise TransferRefused("transfer_decided", f"the transfer is {transfer.status} already")
    if current != transfer.from_municipality:
        raise TransferRefused(
            "transfer_outdated", "the participant has moved since the transfer was asked"
        )
    status = TransferStatus.APPROVED if approve else TransferStatus.DECLINED
    return replace(transfer, status=status, decided_at=now)
