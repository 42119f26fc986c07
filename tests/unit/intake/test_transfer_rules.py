"""The transfer rules: a registration never moves anyone; who decides; one decision only."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.intake.domain.transfer import (
    Transfer,
    TransferRefused,
    TransferStatus,
    decide,
    is_own_registration,
    may_decide,
    registration_status,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def asked(**changes: object) -> Transfer:
    fields: dict[str, object] = {
        "transfer_id": uuid4(),
        "participant_id": uuid4(),
        "from_municipality": "Rapla vald",
        "to_municipality": "Tartu linn",
        "status": TransferStatus.REQUESTED,
        "requested_at": NOW,
    }
    return Transfer(**{**fields, **changes})  # type: ignore[arg-type]


def test_only_the_own_municipality_registering_again_is_an_update() -> None:
    assert is_own_registration("Rapla vald", "Rapla vald")
    assert not is_own_registration("Rapla vald", "Tartu linn")


def test_the_asking_municipality_is_answered_as_a_first_or_repeated_registration() -> None:
    assert registration_status(request_is_new=True) == "created"
    assert registration_status(request_is_new=False) == "updated"


@pytest.mark.parametrize(
    ("role", "municipality", "allowed"),
    [
        ("municipality", "Rapla vald", True),
        ("municipality", "Tartu linn", False),  # the asking one never decides
        ("municipality", None, False),
        ("operator", None, True),
        ("admin", None, True),
        ("support_worker", None, False),
        ("employer", "Rapla vald", False),
    ],
)
def test_who_may_decide(role: str, municipality: str | None, allowed: bool) -> None:
    assert may_decide(asked(), role, municipality) is allowed


def test_approval_and_decline_record_the_decision() -> None:
    approved = decide(asked(), approve=True, current="Rapla vald", now=NOW)
    assert (approved.status, approved.decided_at) == (TransferStatus.APPROVED, NOW)
    declined = decide(asked(), approve=False, current="Rapla vald", now=NOW)
    assert declined.status is TransferStatus.DECLINED


@pytest.mark.parametrize("status", [TransferStatus.APPROVED, TransferStatus.DECLINED])
def test_a_decided_transfer_is_not_decided_again(status: TransferStatus) -> None:
    with pytest.raises(TransferRefused) as refused:
        decide(asked(status=status), approve=True, current="Rapla vald", now=NOW)
    assert refused.value.reason == "transfer_decided"


def test_a_transfer_outdated_by_a_move_is_refused() -> None:
    with pytest.raises(TransferRefused) as refused:
        decide(asked(), approve=True, current="Narva linn", now=NOW)
    assert refused.value.reason == "transfer_outdated"
