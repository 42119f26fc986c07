"""Whose figures a caller sees: the network's, a municipality's own, an organisation's own."""

from uuid import uuid4

import pytest

from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.scope import OutOfScope, scoped

ORG = uuid4()


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_the_network_roles_filter_freely(role: str) -> None:
    f = ReportFilter(municipality="Tartu", organisation_id=uuid4())
    assert scoped(f, role=role, municipality=None, organisation_id=ORG) == f


def test_a_municipality_sees_its_own_participants_only() -> None:
    own = scoped(ReportFilter(), role="municipality", municipality="Rapla", organisation_id=ORG)
    assert own.municipality == "Rapla" and own.organisation_id is None
    named = ReportFilter(municipality="Rapla", organisation_id=uuid4())
    kept = scoped(named, role="municipality", municipality="Rapla", organisation_id=ORG)
    assert kept == named  # its own participants at one organisation: still its own
    with pytest.raises(OutOfScope) as refused:
        scoped(
            ReportFilter(municipality="Tartu"),
            role="municipality",
            municipality="Rapla",
            organisation_id=ORG,
        )
    assert refused.value.reason == "other_municipality"
    with pytest.raises(OutOfScope) as refused:
        scoped(ReportFilter(), role="municipality", municipality=None, organisation_id=ORG)
    assert refused.value.reason == "no_municipality"


def test_a_support_organisation_sees_its_own_cases_only() -> None:
    own = scoped(
        ReportFilter(municipality="Tartu"),
        role="support_worker",
        municipality=None,
        organisation_id=ORG,
    )
    assert own.organisation_id == ORG and own.municipality == "Tartu"
    with pytest.raises(OutOfScope) as refused:
        scoped(
            ReportFilter(organisation_id=uuid4()),
            role="support_worker",
            municipality=None,
            organisation_id=ORG,
        )
    assert refused.value.reason == "other_organisation"


@pytest.mark.parametrize("role", ["workshop", "employer"])
def test_other_roles_read_no_figures(role: str) -> None:
    with pytest.raises(OutOfScope):
        scoped(ReportFilter(), role=role, municipality=None, organisation_id=ORG)
