"""A past ESF project brought in with its own dates through the public APIs, then reported
over its own period: the history import (a key with the `history` scope, shared/history.py)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support import Stack, bearer, create_api_key_sync, wait_until

RAPLA = "Rapla vald"
CENTRE = {"lat": 59.007, "lon": 24.793}
FIRST_DAY = date(2007, 4, 2)
PEOPLE = 10
PLACED = 4  # the first four get a placement, hired
EMPLOYED_ON_LEAVING = 6
EMPLOYED_LATER = 3
PERIOD = {"from": "2007-04-01", "to": "2008-07-31"}
_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3))


def isikukood(birth: date, serial: int) -> str:
    """A valid Estonian isikukood (born in the 1900s, female)."""
    first_ten = f"4{birth:%y%m%d}{serial:03d}"
    digits = [int(c) for c in first_ten]
    for weights in _WEIGHTS:
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return first_ten + str(remainder)
    return first_ten + "0"


def intake(i: int, registered_on: date | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "municipality": RAPLA,
        "national_id": isikukood(date(1975, 1, 1) + timedelta(days=37 * i), 100 + i),
        "given_name": f"Maarja{i}",
        "family_name": "Kask",
        "languages": ["et"],
        "labour_market_status": "long_term_unemployed",
        "months_unemployed": 14,
        "consent": {
            "purposes": ["case_management", "matching", "reporting"],
            "given_at": "2007-03-30T10:00:00+03:00",
            "recorded_by": "Rapla project archive",
        },
    }
    if registered_on is not None:
        body["registered_on"] = registered_on.isoformat()
    return body


class Project:
    """The network's services, called with the history import key."""

    def __init__(self, stack: Stack, key: str) -> None:
        self.url = {name: stack[name].url for name in ("intake", "caseplan", "matching")}
        self.url["reporting"] = stack["reporting"].url
        self.headers = bearer(key)

    def post(self, service: str, path: str, body: Any, expect: int = 200) -> Any:
        r = httpx.post(f"{self.url[service]}{path}", json=body, headers=self.headers, timeout=30)
        assert r.status_code == expect, (path, r.text)
        return r.json()

    def get(self, service: str, path: str, **params: Any) -> httpx.Response:
        return httpx.get(
            f"{self.url[service]}{path}", params=params, headers=self.headers, timeout=30
        )

    def case_plan(self, pid: str) -> dict[str, Any]:
        r = self.get("caseplan", f"/v1/participants/{pid}/case-plan")
        return r.json() if r.status_code == 200 else {}  # type: ignore[no-any-return]


def set_up_network(p: Project) -> str:
    """A support organisation serving Rapla, one support worker, a workshop with seats."""
    support_org = "7a1c0f3e-5b2d-4e8a-9c6f-0d1e2f3a4b5c"
    p.post(
        "caseplan",
        "/v1/service-agreements",
        {"organisation_id": support_org, "municipality": RAPLA},
        201,
    )
    p.post(
        "caseplan",
        "/v1/support-workers",
        {
            "organisation_id": support_org,
            "municipalities": [RAPLA],
            "caseload_limit": 20,
            "contact": "mentor@example.org",
        },
        201,
    )
    workshop = p.post(
        "matching",
        "/v1/organisations",
        {"name": "Rapla töökoda", "kind": "central_workshop", "municipality": RAPLA,
         "location": CENTRE},
        201,
    )  # fmt: skip
    p.post(
        "matching",
        "/v1/openings",
        {"organisation_id": workshop["organisation_id"], "title": "Workshop place",
         "kind": "workshop_place", "seats": PEOPLE, "location": CENTRE, "languages": ["et"],
         "hours_per_week_min": 10, "hours_per_week_max": 25},
        201,
    )  # fmt: skip
    return str(workshop["organisation_id"])


def import_participant(p: Project, i: int, workshop: str) -> str:
    registered = FIRST_DAY + timedelta(days=14 * i)
    pid = str(p.post("intake", "/v1/intakes", intake(i, registered), 201)["participant_id"])
    plan = wait_until(lambda: p.case_plan(pid), what=f"case plan of participant {i}")
    assert plan["opened_on"] == registered.isoformat()
    cid = plan["case_plan_id"]
    types = ["job_search", "vocational_training"] if i < 5 else ["job_search"]
    for kind in types:
        activity = p.post(
            "caseplan",
            f"/v1/case-plans/{cid}/activities",
            {"activity_type": kind, "status": "in_progress",
             "starts_on": (registered + timedelta(days=3)).isoformat(),
             "ends_on": (registered + timedelta(days=60)).isoformat()},
            201,
        )  # fmt: skip
        r = httpx.patch(
            f"{p.url['caseplan']}/v1/case-plans/{cid}/activities/{activity['activity_id']}",
            json={"status": "completed"},
            headers=p.headers,
        )
        assert r.status_code == 200, r.text
    if i < PLACED:
        place(p, pid, registered, workshop)
    exited = registered + timedelta(days=150)
    outcome = "employed" if i < EMPLOYED_ON_LEAVING else "job_searching"
    p.post("caseplan", f"/v1/participants/{pid}/exit",
           {"outcome": outcome, "exited_on": exited.isoformat()})  # fmt: skip
    later = "employed" if i < EMPLOYED_LATER else "job_searching"
    p.post("caseplan", f"/v1/participants/{pid}/follow-up",
           {"outcome": later, "followed_up_on": (exited + timedelta(days=200)).isoformat()})  # fmt: skip
    return pid


def place(p: Project, pid: str, registered: date, workshop: str) -> None:
    """Ready, proposed, accepted from a past day, ended by a hire four months later."""
    p.post("caseplan", f"/v1/participants/{pid}/ready-for-matching",
           {"opening_kinds": ["workshop_place"]})  # fmt: skip

    def proposed() -> Any:
        matches = p.get("matching", f"/v1/participants/{pid}/matches", status="proposed").json()
        return matches[0]["match_id"] if matches else None

    match_id = wait_until(proposed, what="a proposal")
    starts = registered + timedelta(days=30)
    p.post("matching", f"/v1/matches/{match_id}/accept",
           {"starts_on": starts.isoformat(), "hours_per_week": 20})  # fmt: skip

    def placement() -> Any:
        placements = p.case_plan(pid).get("placements", [])
        return placements[0]["placement_id"] if placements else None

    placement_id = wait_until(placement, what="the placement in the case plan")
    p.post("caseplan", f"/v1/placements/{placement_id}/end",
           {"organisation_id": workshop, "outcome": "hired",
            "ended_on": (registered + timedelta(days=120)).isoformat(), "ready_again": False})  # fmt: skip


def figures_settle(p: Project, expected: dict[str, Any], **period: str) -> dict[str, Any]:
    def summary() -> Any:
        figures = p.get("reporting", "/v1/reports/summary", **period).json()
        return figures if all(figures.get(k) == v for k, v in expected.items()) else None

    return wait_until(summary, timeout=60, what=f"the figures {expected} for {period}")  # type: ignore[no-any-return]


@pytest.fixture
def project(stack: Stack, migrated_database_url: str) -> Project:
    key = create_api_key_sync(migrated_database_url, role="admin", scopes=["history"])
    return Project(stack, key)


def test_a_past_project_is_imported_and_reported_over_its_own_period(
    project: Project, stack: Stack, migrated_database_url: str
) -> None:
    workshop = set_up_network(project)
    pids = [import_participant(project, i, workshop) for i in range(PEOPLE)]

    figures = figures_settle(
        project,
        {
            "participants_registered": PEOPLE,
            "participants_exited": PEOPLE,
            "employed_on_leaving": EMPLOYED_ON_LEAVING,
            "employed_six_months_after": EMPLOYED_LATER,
            "placements_started": PLACED,
            "placements_ended_by_hire": PLACED,
        },
        **PERIOD,
    )
    assert figures["average_days_to_first_placement"] == 30.0
    assert figures["active_cases"] == 0  # every case closed by the period's end
    activities = project.get("reporting", "/v1/reports/activities", **PERIOD).json()
    rows = {r["activity_type"]: r for r in activities["rows"]}
    assert (rows["job_search"]["participants"], rows["job_search"]["completed"]) == (PEOPLE, PEOPLE)
    assert rows["vocational_training"]["participants"] == 5

    # the months are the project's own: three registered in April 2007, none in 2010
    april = project.get("reporting", "/v1/reports/summary", **{"from": "2007-04-01",
                        "to": "2007-04-30"}).json()  # fmt: skip
    assert april["participants_registered"] == 3 and april["participants_exited"] == 0
    later = project.get("reporting", "/v1/reports/summary", **{"from": "2010-01-01",
                        "to": "2010-12-31"}).json()  # fmt: skip
    assert (later["participants_registered"], later["participants_exited"]) == (0, 0)
    assert (later["employed_on_leaving"], later["employed_six_months_after"]) == (0, 0)
    other = project.get("reporting", "/v1/reports/activities", **{"from": "2010-01-01",
                        "to": "2010-12-31"}).json()  # fmt: skip
    assert all(r["participants"] == 0 for r in other["rows"])

    audited = {
        service: project.get(service, "/v1/audit", participant_id=pids[0]).json()
        for service in ("intake", "caseplan", "matching")
    }
    imported = {s: {e["action"] for e in rows if e["imported"]} for s, rows in audited.items()}
    assert "participant.created" in imported["intake"]
    assert {"activity.added", "placement.changed", "exit.recorded", "follow_up"} <= imported[
        "caseplan"
    ]
    assert "match.accepted" in imported["matching"]
    assert not any(e["imported"] for e in audited["intake"] if e["action"] == "audit.read")


def test_past_dates_are_refused_in_the_future_before_the_floor_or_without_the_scope(
    project: Project, stack: Stack, migrated_database_url: str
) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    for day, status, reason in (
        (tomorrow, 422, "registered_in_future"),
        (date(1999, 12, 31), 422, "registered_before_floor"),
    ):
        r = httpx.post(f"{project.url['intake']}/v1/intakes", json=intake(20, day),
                       headers=project.headers)  # fmt: skip
        assert (r.status_code, r.json()["detail"]["reason"]) == (status, reason)

    clerk = create_api_key_sync(migrated_database_url, role="municipality", municipality=RAPLA)
    r = httpx.post(f"{project.url['intake']}/v1/intakes", json=intake(21, FIRST_DAY),
                   headers=bearer(clerk))  # fmt: skip
    assert (r.status_code, r.json()["detail"]["reason"]) == (403, "history_import_not_allowed")
    ordinary = httpx.post(f"{project.url['intake']}/v1/intakes", json=intake(21, None),
                          headers=bearer(clerk))  # fmt: skip
    assert ordinary.status_code == 201, ordinary.text

    set_up_network(project)
    pid = project.post("intake", "/v1/intakes", intake(22, FIRST_DAY), 201)["participant_id"]
    plan = wait_until(lambda: project.case_plan(pid), what="the imported case plan")
    r = httpx.post(
        f"{project.url['caseplan']}/v1/case-plans/{plan['case_plan_id']}/activities",
        json={"activity_type": "job_search", "starts_on": "1999-06-01"},
        headers=project.headers,
    )
    assert (r.status_code, r.json()["detail"]["reason"]) == (422, "starts_before_floor")
    r = httpx.post(
        f"{project.url['caseplan']}/v1/participants/{pid}/exit",
        json={"outcome": "employed", "exited_on": tomorrow.isoformat()},
        headers=project.headers,
    )
    assert (r.status_code, r.json()["detail"]["reason"]) == (422, "exit_in_future")
    r = httpx.post(
        f"{project.url['caseplan']}/v1/participants/{pid}/exit",
        json={"outcome": "employed", "exited_on": "2007-03-01"},
        headers=project.headers,
    )
    assert (r.status_code, r.json()["detail"]["reason"]) == (422, "exit_before_opening")
