"""Who may reserve an opening for which group, and which groups may decide a match."""

from datetime import UTC, date, datetime
from uuid import uuid4

from services.matching.domain.constraints import first_failure
from services.matching.domain.eligibility import (
    KNOWN_GROUPS,
    SPECIAL_CATEGORY_GROUPS,
    group_refusal,
    usable_groups,
)
from services.matching.domain.model import Candidate, OpeningView, candidate_from_profile
from shared.events.intake import ParticipantProfile
from shared.events.vocabulary import RiskGroup


def test_employers_may_not_target_special_categories_but_the_network_may() -> None:
    assert group_refusal(["youth", "long_term_unemployed"], by_network=False) is None
    refused = group_refusal(["Released_From_Prison "], by_network=False)
    assert refused is not None and refused[0] == "special_category_target"
    assert group_refusal(["released_from_prison"], by_network=True) is None
    assert SPECIAL_CATEGORY_GROUPS <= KNOWN_GROUPS
    assert {RiskGroup.DISABILITY, RiskGroup.ADDICTION_RECOVERY} <= SPECIAL_CATEGORY_GROUPS


def test_unknown_groups_are_refused_for_everyone() -> None:
    for by_network in (False, True):
        refused = group_refusal(["youth", "nonsense_group"], by_network=by_network)
        assert refused is not None and refused[0] == "unknown_group"
        assert "nonsense_group" in refused[1]


def test_a_refusal_of_special_categories_keeps_them_out_of_matching() -> None:
    groups = {"released_from_prison", "disability", "long_term_unemployed"}
    assert usable_groups(groups, special_categories_refused=True) == {"long_term_unemployed"}
    assert usable_groups(groups, special_categories_refused=False) == groups


def _candidate(refused: bool) -> Candidate:
    profile = ParticipantProfile(
        participant_id=uuid4(), municipality="Kaustinen", registered_on=date(2026, 1, 5),
        risk_groups=[RiskGroup.RELEASED_FROM_PRISON], special_categories_refused=refused,
        telework_ready=True,
    )  # fmt: skip
    now = datetime.now(UTC)
    return candidate_from_profile(profile, waiting_since=now, now=now)


def test_a_programme_admits_only_its_group_and_says_not_which() -> None:
    opening = OpeningView(
        opening_id=uuid4(), organisation_id=uuid4(), kind="workshop_place", seats_left=1,
        lat=None, lon=None, remote=True, programme_groups=frozenset({"released_from_prison"}),
    )  # fmt: skip
    assert first_failure(_candidate(refused=False), opening) is None
    rejection = first_failure(_candidate(refused=True), opening)
    assert rejection is not None and rejection.constraint == "eligibility"
    assert "prison" not in rejection.message
