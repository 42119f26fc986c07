"""Erasure and exit are for good: what a late registration, correction or readiness may do."""

from datetime import UTC, datetime

import pytest

from services.matching.domain.departure import Departure, Step, admits, leaves_pool

AT = datetime(2026, 3, 1, tzinfo=UTC)
ERASED = Departure(erased_at=AT)
EXITED = Departure(exited_at=AT)
BOTH = Departure(erased_at=AT, exited_at=AT)


@pytest.mark.parametrize("step", list(Step))
def test_someone_who_never_left_takes_every_step(step: Step) -> None:
    assert admits(None, step)


@pytest.mark.parametrize("departure", [ERASED, BOTH])
@pytest.mark.parametrize("step", list(Step))
def test_nothing_brings_an_erased_participant_back(departure: Departure, step: Step) -> None:
    assert not admits(departure, step)


def test_an_exited_participant_keeps_a_profile_but_is_never_ready_again() -> None:
    assert admits(EXITED, Step.REGISTRATION)
    assert admits(EXITED, Step.CORRECTION)
    assert not admits(EXITED, Step.READINESS)


@pytest.mark.parametrize("step", list(Step))
def test_nothing_brings_back_who_withdrew_consent_to_matching(step: Step) -> None:
    assert not admits(Departure(matching_withdrawn_at=AT), step)


@pytest.mark.parametrize(
    ("purposes", "leaves"),
    [
        (["matching"], True),
        (["case_management"], True),  # matching rests on the case
        (["follow_up"], False),
        (["employer_contact", "reporting"], False),
        (["follow_up", "matching"], True),
        ([], True),  # the first version's "every purpose"
    ],
)
def test_only_matching_or_case_management_ends_the_candidacy(
    purposes: list[str], leaves: bool
) -> None:
    assert leaves_pool(purposes) is leaves
