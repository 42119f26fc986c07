"""Central and satellite workshops: who may belong to whom, and who reads whose work."""

from __future__ import annotations

from uuid import uuid4

from services.matching.domain.network import Member, central_refusal, may_read


def central() -> Member:
    return Member(uuid4(), "central_workshop")


def satellite(of: Member | None = None) -> Member:
    return Member(uuid4(), "satellite_workshop", of.organisation_id if of else None)


def reason(org: Member, to: Member | None, has_satellites: bool = False) -> str | None:
    refused = central_refusal(org, to, has_satellites=has_satellites)
    return refused[0] if refused else None


def test_a_satellite_belongs_to_a_central_workshop() -> None:
    assert reason(satellite(), central()) is None


def test_no_central_is_no_refusal_here() -> None:
    assert reason(satellite(), None) is None


def test_only_a_satellite_belongs_to_someone() -> None:
    for kind in ("central_workshop", "employer", "association", "telework_centre"):
        assert reason(Member(uuid4(), kind), central()) == "not_a_satellite"


def test_it_belongs_to_a_central_workshop_only() -> None:
    for kind in ("satellite_workshop", "employer", "social_enterprise"):
        assert reason(satellite(), Member(uuid4(), kind)) == "not_a_central_workshop"


def test_never_to_itself() -> None:
    me = satellite()
    assert reason(me, me) == "central_cycle"


def test_one_level_only() -> None:
    odd_central = Member(uuid4(), "central_workshop", uuid4())  # belongs somewhere already
    assert reason(satellite(), odd_central) == "central_cycle"
    assert reason(satellite(), central(), has_satellites=True) == "central_cycle"


def test_central_staff_read_their_satellites_only() -> None:
    hub, other = central(), central()
    mine = satellite(hub)
    assert may_read(mine.organisation_id, mine)
    assert may_read(hub.organisation_id, mine)
    assert may_read(hub.organisation_id, hub)
    assert not may_read(other.organisation_id, mine)
    assert not may_read(mine.organisation_id, hub)  # a satellite does not read its central
