"""A workshop's placements list: a central workshop sees its satellites', a satellite its own,
another organisation nothing; names and contacts open only once the placement started."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan

from shared import case_receipts
from shared.events.matching import MatchAccepted, OrganisationRegistered, OrganisationUpdated
from shared.events.vocabulary import OpeningKind, OrganisationKind
from tests.support import bearer, create_api_key, eventually

OPENED = date.today() - timedelta(days=30)
CENTRAL, SATELLITE, OTHER = uuid4(), uuid4(), uuid4()


def _org(oid: UUID, kind: OrganisationKind, central: UUID | None = None) -> OrganisationRegistered:
    return OrganisationRegistered(
        organisation_id=oid, name=f"Töökoda {oid.hex[:4]}", kind=kind,
        municipality="Rapla vald", central_workshop_id=central,
    )  # fmt: skip


async def _placed(caseplan: Caseplan, organisation: UUID, starts_on: date) -> dict[str, Any]:
    """A participant accepted at `organisation` from `starts_on`: their case plan."""
    pid = await caseplan.register(on=OPENED)
    await caseplan.case_plan(pid)
    await caseplan.publish(
        MatchAccepted(match_id=uuid4(), participant_id=pid, opening_id=uuid4(),
                      organisation_id=organisation, opening_kind=OpeningKind.WORKSHOP_PLACE,
                      starts_on=starts_on, hours_per_week=20),
        producer="matching",
    )  # fmt: skip

    async def placed() -> dict[str, Any] | None:
        plan = await caseplan.case_plan(pid)
        return plan if plan["placements"] else None

    return await eventually(placed, what=f"placement of {pid}")


async def _list(caseplan: Caseplan, key: str, org: UUID, **params: Any) -> Any:
    r = await caseplan.client.get(
        f"/v1/organisations/{org}/placements", params=params, headers=bearer(key)
    )
    return r


async def test_central_sees_satellites_placements_satellite_its_own_others_nothing(
    caseplan: Caseplan,
) -> None:
    await caseplan.worker(limit=8)
    await caseplan.publish(
        _org(CENTRAL, OrganisationKind.CENTRAL_WORKSHOP),
        _org(SATELLITE, OrganisationKind.SATELLITE_WORKSHOP, CENTRAL),
        _org(OTHER, OrganisationKind.SATELLITE_WORKSHOP),
        producer="matching",
    )
    at_central = await _placed(caseplan, CENTRAL, OPENED)
    at_satellite = await _placed(caseplan, SATELLITE, OPENED)
    at_other = await _placed(caseplan, OTHER, OPENED)
    later = await _placed(caseplan, CENTRAL, date.today() + timedelta(days=7))
    dsn = caseplan.settings.database_url
    central = await create_api_key(dsn, CENTRAL, role="workshop")
    satellite = await create_api_key(dsn, SATELLITE, role="workshop")
    other = await create_api_key(dsn, OTHER, role="workshop")
    employer_org = uuid4()
    employer = await create_api_key(dsn, employer_org, role="employer")
    worker = await create_api_key(dsn, caseplan.organisation, role="support_worker")

    async def central_sees_three() -> Any:
        r = await _list(caseplan, central, CENTRAL)
        return r.json() if r.status_code == 200 and len(r.json()["items"]) == 3 else None

    page = await eventually(central_sees_three, what="the satellite known to caseplan")
    lines = {line["participant_id"]: line for line in page["items"]}
    assert set(lines) == {
        at_central["participant_id"],
        at_satellite["participant_id"],
        later["participant_id"],
    }
    mine, theirs = lines[at_central["participant_id"]], lines[at_satellite["participant_id"]]
    assert (mine["own"], theirs["own"]) == (True, False)
    assert theirs["organisation_id"] == str(SATELLITE)
    assert mine["started"] and mine["support_worker_contact"] == "mentor@example.org"
    secret = caseplan.settings.id_hash_secret
    for line in (mine, theirs):  # the receipt opens the name to the reader's organisation
        assert case_receipts.is_valid(
            secret, line["placement_receipt"], UUID(line["participant_id"]), CENTRAL,
            purpose=case_receipts.PLACEMENT,
        )  # fmt: skip
        assert not case_receipts.is_valid(
            secret, line["placement_receipt"], UUID(line["participant_id"]), CENTRAL
        )  # not a case receipt
    upcoming = lines[later["participant_id"]]  # not started: nobody named, no contact
    assert not upcoming["started"]
    assert upcoming["placement_receipt"] is None and upcoming["support_worker_contact"] is None
    for line in page["items"]:
        assert not {"risk_group", "national_id", "given_name", "family_name"} & set(line)

    own = (await _list(caseplan, satellite, SATELLITE)).json()["items"]
    assert [line["participant_id"] for line in own] == [at_satellite["participant_id"]]
    assert own[0]["own"] and case_receipts.is_valid(
        secret, own[0]["placement_receipt"], UUID(own[0]["participant_id"]), SATELLITE,
        purpose=case_receipts.PLACEMENT,
    )  # fmt: skip
    elsewhere = (await _list(caseplan, other, OTHER)).json()["items"]
    assert [line["participant_id"] for line in elsewhere] == [at_other["participant_id"]]

    for key in (other, employer, satellite):  # another organisation's list is refused
        r = await _list(caseplan, key, CENTRAL)
        assert r.status_code == 403 and r.json()["detail"]["reason"] == "other_organisation"
    assert (await _list(caseplan, employer, uuid4())).status_code == 403
    assert (await _list(caseplan, worker, CENTRAL)).status_code == 403
    empty = await _list(caseplan, employer, employer_org)
    assert empty.status_code == 200 and empty.json()["items"] == []

    # The satellite leaves its central workshop: the central's staff stop seeing its work.
    await caseplan.publish(
        OrganisationUpdated(**_org(SATELLITE, OrganisationKind.SATELLITE_WORKSHOP).model_dump()),
        producer="matching",
    )

    async def central_sees_two() -> Any:
        r = await _list(caseplan, central, CENTRAL)
        return r.json() if len(r.json()["items"]) == 2 else None

    await eventually(central_sees_two, what="the satellite's leaving known to caseplan")


async def test_the_week_shows_each_days_hours_and_attendance(caseplan: Caseplan) -> None:
    await caseplan.worker(limit=8)
    plan = await _placed(caseplan, CENTRAL, OPENED)
    placement = plan["placements"][0]["placement_id"]
    key = await create_api_key(caseplan.settings.database_url, CENTRAL, role="workshop")
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    sheet = {"organisation_id": str(CENTRAL), "rows": [
        {"placement_id": placement, "worked_on": monday.isoformat(), "hours": "6"},
        {"placement_id": placement, "worked_on": (monday + timedelta(days=2)).isoformat(),
         "hours": "4.5"},
    ]}  # fmt: skip
    r = await caseplan.client.post("/v1/placement-timesheets", json=sheet, headers=bearer(key))
    assert r.status_code == 200, r.text
    r = await caseplan.client.post(
        f"/v1/placements/{placement}/attendance",
        json={"organisation_id": str(CENTRAL), "attended_on": (monday + timedelta(days=1))
              .isoformat(), "present": False},
        headers=bearer(key),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    r = await _list(caseplan, key, CENTRAL, week=(monday + timedelta(days=3)).isoformat())
    [line] = r.json()["items"]
    week = [(d["day"], Decimal(d["hours"]), d["present"]) for d in line["week"]]
    assert week[:3] == [
        (monday.isoformat(), Decimal(6), None),
        ((monday + timedelta(days=1)).isoformat(), Decimal(0), False),
        ((monday + timedelta(days=2)).isoformat(), Decimal("4.5"), None),
    ]
    assert len(week) == 7 and Decimal(line["hours_logged"]) == Decimal("10.5")
    this_week = (await _list(caseplan, key, CENTRAL)).json()["items"][0]["week"]
    assert this_week[0]["day"] == (monday + timedelta(days=7)).isoformat()
    assert sum(Decimal(d["hours"]) for d in this_week) == 0
    ended = await _list(caseplan, key, CENTRAL, status="ended")
    assert ended.json()["items"] == []
