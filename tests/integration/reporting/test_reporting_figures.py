"""A scenario published into the real streams, consumed by the reporting service as a real
process: every figure equals the count taken from the scenario, and a rebuild changes nothing."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import asyncpg
import expected_figures as expected
import httpx
import pytest
import redis
from reporting_scenario import Scenario, build, publish
from reporting_xlsx import check_report_as_xlsx

from tests.support import Stack, bearer, wait_until


@pytest.fixture
def scenario() -> Scenario:
    return build(n=60)


@pytest.fixture
def reporting(
    stack_factory: type[Stack], redis_url: str, scenario: Scenario, admin_key: str
) -> Iterator[httpx.Client]:
    """A client (admin key) of the reporting service, after it consumed the whole scenario
    (one event delivered twice)."""
    stack = stack_factory().start("reporting")  # type: ignore[call-arg]
    api = httpx.Client(base_url=stack["reporting"].url, headers=bearer(admin_key))
    client = redis.Redis.from_url(redis_url)
    publish(client, [*scenario.events, scenario.events[10]])
    client.close()
    wait_until(
        lambda: api.get("/v1/pipeline").json()["events_logged"] == len(scenario.events),
        timeout=60,
        what="reporting consumed every event of the scenario",
    )
    try:
        yield api
    finally:
        api.close()


def rows(api: httpx.Client, name: str, **params: str) -> list[dict[str, Any]]:
    r = api.get(f"/v1/reports/{name}", params=params)
    assert r.status_code == 200, r.text
    return r.json()["rows"]  # type: ignore[no-any-return]


def test_the_scenario_through_the_real_pipeline(
    reporting: httpx.Client, scenario: Scenario
) -> None:
    """One service start for all read-only checks (each check is its own function below)."""
    check_every_figure_equals_the_scenario(reporting, scenario)
    check_filters_narrow_every_figure(reporting, scenario)
    check_invalid_filters_get_422_with_a_reason(reporting)
    check_external_csv_suppresses_small_groups(reporting, scenario)
    check_domain_gauges_are_exported(reporting, scenario)
    check_outcomes_by_activity_and_own_caseload_limits(reporting, scenario)
    check_every_report_downloads_as_xlsx(reporting)


def check_every_report_downloads_as_xlsx(reporting: httpx.Client) -> None:
    names = reporting.get("/v1/reports").json()["reports"]
    counted = {name: check_report_as_xlsx(reporting, name) for name in names}
    # The scenario fills every report but those of parts it has none of (no central workshop,
    # meeting or follow-up due in it); those are checked in their own tests, empty here.
    elsewhere = {"central-workshops", "follow-ups", "meetings"}
    assert all(n for name, n in counted.items() if name not in elsewhere), counted
    assert len(counted) - len(elsewhere & set(counted)) >= 12
    check_report_as_xlsx(reporting, "indicators", audience="external", municipality="Rapla vald")


def check_every_figure_equals_the_scenario(reporting: httpx.Client, scenario: Scenario) -> None:
    summary = reporting.get("/v1/reports/summary").json()
    assert {k: summary[k] for k in expected.summary(scenario)} == expected.summary(scenario)
    assert rows(reporting, "activities") == expected.activities(scenario)
    assert rows(reporting, "exits") == expected.exits(scenario)
    assert {r["support_worker_id"]: r["cases"] for r in rows(reporting, "caseloads")} == (
        expected.caseloads(scenario)
    )
    assert {
        (r["organisation_kind"], r["municipality"]): (r["openings"], r["seats"])
        for r in rows(reporting, "openings")
    } == expected.openings(scenario)
    structure = rows(reporting, "unemployment")
    for dimension, attribute in (("risk_group", "risk_group"), ("municipality", "municipality")):
        got = {r["value"]: r["participants"] for r in structure if r["dimension"] == dimension}
        assert got == expected.unemployment(scenario, attribute)
    fairness = rows(reporting, "matches")
    got = {r["value"]: (r["proposed"], r["accepted"]) for r in fairness if r["dimension"] == "sex"}
    assert got == expected.matches_by_sex(scenario)
    indicators = {r["code"]: r for r in rows(reporting, "indicators")}
    for code, count in expected.indicators(scenario).items():
        assert indicators[code]["total"] == count, code
    refused = sum(p.refused for p in scenario.people)
    assert indicators["CO16"]["not_reported"] == refused > 0


def check_filters_narrow_every_figure(reporting: httpx.Client, scenario: Scenario) -> None:
    rapla = [p for p in scenario.people if p.municipality == "Rapla vald"]
    got = reporting.get("/v1/reports/summary", params={"municipality": "Rapla vald"})
    assert got.json()["participants_registered"] == len(rapla)
    parents = [p for p in scenario.people if "single_parent" in p.risks]
    got = reporting.get("/v1/reports/summary", params={"risk_group": "single_parent"})
    assert got.json()["participants_registered"] == len(parents)
    march = [p for p in scenario.people if p.registered_on.month == 3]
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    monthly = rows(reporting, "timeseries", **period)
    assert [(r["month"], r["registrations"]) for r in monthly if r["registrations"]] == [
        ("2025-03", len(march))
    ]
    org = scenario.organisations[0]
    placed = [pl for p in scenario.people for pl in p.placements if pl["organisation_id"] == org]
    started = rows(reporting, "placements", organisation=str(org))[0]
    assert started == {"placements": "started", "count": len(placed)}


INVALID = [
    ({"from": "2025-13-01"}, "from"),
    ({"from": "2025-05-01", "to": "2025-04-01"}, "to"),
    ({"risk_group": "tall"}, "risk_group"),
    ({"organisation": "acme"}, "organisation"),
    ({"format": "xml"}, "format"),
    ({"audience": "press"}, "audience"),
]


def check_invalid_filters_get_422_with_a_reason(reporting: httpx.Client) -> None:
    for params, field in INVALID:
        r = reporting.get("/v1/reports/indicators", params=params)
        assert r.status_code == 422, params
        assert r.json()["detail"][0]["field"] == field and r.json()["detail"][0]["reason"]


def check_external_csv_suppresses_small_groups(reporting: httpx.Client, scenario: Scenario) -> None:
    r = reporting.get("/v1/reports/exits.csv", params={"audience": "external"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    for row, want in zip(table, expected.exits(scenario), strict=True):
        n = want["participants"]
        assert row["participants"] == ("<5" if n < 5 else str(n))
    rapla = {"municipality": "Rapla vald", "audience": "external"}
    waiting = sum(p.worker is None and p.municipality == "Rapla vald" for p in scenario.people)
    summary = reporting.get("/v1/reports/summary", params=rapla).json()
    assert 0 < waiting < 5 and summary["waiting_list"] == "<5"
    assert summary["participants_registered"] == 20
    internal = reporting.get("/v1/reports/exits", params={"format": "csv"}).text
    assert "<5" not in internal
    unknown = reporting.get("/v1/reports/nonsense")
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "name"


def erased_traces(database_url: str, participant_id: str) -> int:
    """Rows of reporting's log and read model still naming the participant."""

    async def count() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            log = await conn.fetchval(
                "SELECT count(*) FROM reporting.event_log WHERE envelope::text LIKE $1",
                f"%{participant_id}%",
            )
            facts = await conn.fetchval(
                "SELECT count(*) FROM reporting.participant_fact WHERE participant_id = $1::uuid",
                participant_id,
            )
            return int(log) + int(facts)
        finally:
            await conn.close()

    return asyncio.run(count())


def test_rebuild_equals_live(
    reporting: httpx.Client, settings_env: dict[str, str], scenario: Scenario
) -> None:
    erased = str(scenario.people[1].pid)
    assert erased_traces(settings_env["POLKU_DATABASE_URL"], erased) == 0
    names = reporting.get("/v1/reports").json()["reports"]
    live = {name: reporting.get(f"/v1/reports/{name}").json() for name in names}
    done = subprocess.run(
        [sys.executable, "-m", "polku.cli", "reporting", "rebuild", "--chunk", "100"],
        env=settings_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    events = len(scenario.events)
    assert f"] {events}/{events} events" in done.stderr and "#" * 40 in done.stderr
    assert {name: reporting.get(f"/v1/reports/{name}").json() for name in names} == live
    assert live["summary"]["participants_registered"] == 60
    assert erased_traces(settings_env["POLKU_DATABASE_URL"], erased) == 0


def check_outcomes_by_activity_and_own_caseload_limits(
    reporting: httpx.Client, scenario: Scenario
) -> None:
    """Outcome by activity under the filters every report takes (leavers by exit date), as
    CSV too; each caseload is measured against its worker's own limit."""
    want = expected.outcomes_by_activity(scenario)
    assert rows(reporting, "outcomes-by-activity") == want and want
    assert sum(r["employed_on_leaving"] for r in want) > 0
    rapla = [p for p in scenario.people if p.municipality == "Rapla vald"]
    got = rows(reporting, "outcomes-by-activity", municipality="Rapla vald")
    assert got == expected.outcomes_by_activity(scenario, rapla)
    parents = [p for p in scenario.people if "single_parent" in p.risks]
    got = rows(reporting, "outcomes-by-activity", risk_group="single_parent")
    assert got == expected.outcomes_by_activity(scenario, parents)
    may = [p for p in scenario.people if p.exited_on and p.exited_on.month == 5]
    got = rows(reporting, "outcomes-by-activity", **{"from": "2025-05-01", "to": "2025-05-31"})
    assert got == expected.outcomes_by_activity(scenario, may) != want
    r = reporting.get("/v1/reports/outcomes-by-activity.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [{k: v if k == "activity_type" else int(v) for k, v in row.items()}
            for row in table] == want  # fmt: skip
    outside = rows(reporting, "outcomes-by-activity", audience="external")
    for row, full in zip(outside, want, strict=True):
        n = full["employed_on_leaving"]
        assert row["employed_on_leaving"] == ("<5" if 0 < n < 5 else n)
    bad = reporting.get("/v1/reports/outcomes-by-activity", params={"to": "2025-02-30"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "to"
    limits = expected.capacities(scenario)
    for row in rows(reporting, "caseloads"):
        assert row["capacity"] == limits[row["support_worker_id"]], row
        assert row["utilisation"] == round(row["cases"] / row["capacity"], 3)
    assert {r["capacity"] for r in rows(reporting, "caseloads")} == {10, 40, 25}


def check_domain_gauges_are_exported(reporting: httpx.Client, scenario: Scenario) -> None:
    want = expected.summary(scenario)

    def gauges() -> bool:
        text = reporting.get("/metrics").text
        return all(
            f"polku_{name} {float(want[name])}" in text
            for name in ("active_cases", "waiting_list", "open_seats", "employed_on_leaving")
        )

    wait_until(gauges, timeout=20, what="domain gauges refreshed")


@pytest.fixture
def settings_env(migrated_database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "POLKU_DATABASE_URL": migrated_database_url,
        "POLKU_REDIS_URL": redis_url,
    }
