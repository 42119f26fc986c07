"""The map's counts by municipality, the unemployment cross-table and the intermediate labour
market through the real pipeline: exact counts, the '<5' rule outside, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from uuid import uuid4

import httpx
import redis
from reporting_scenario import publish
from reporting_xlsx import check_report_as_xlsx

from shared.events import Envelope, new_event
from shared.events import caseplan as cp
from shared.events import intake as ik
from shared.events import matching as mt
from tests.support import Stack, bearer, wait_until

REGISTERED = date(2025, 2, 3)
# (municipality, age band (intake's), months unemployed, ISCED level, how many)
PEOPLE = [("Kaustinen", "18-24", 8, 2, 5), ("Kaustinen", "55+", 30, 3, 1),
          ("Veteli", "30-54", 1, 5, 2)]  # fmt: skip
# (organisation kind, municipality, seats, placements going on)
OPENINGS = [("association", "Kaustinen", 4, 2), ("central_workshop", "Kaustinen", 6, 0),
            ("satellite_workshop", "Veteli", 3, 0)]  # fmt: skip


def events() -> list[Envelope[Any]]:
    out: list[Envelope[Any]] = []
    pids = []
    for municipality, band, months, isced, n in PEOPLE:
        for _ in range(n):
            pids.append(pid := uuid4())
            out.append(new_event(ik.ParticipantRegistered(
                participant_id=pid, municipality=municipality, registered_on=REGISTERED,
                age_band=band, months_unemployed=months, isced_level=isced), producer="test"))  # fmt: skip
    for kind, municipality, seats, placed in OPENINGS:
        opening, org = uuid4(), uuid4()
        out.append(new_event(mt.OpeningPosted(
            opening_id=opening, organisation_id=org, organisation_kind=kind,
            municipality=municipality, title="Työkokeilu", kind="work_practice", seats=seats),
            producer="test"))  # fmt: skip
        for pid in pids[:placed]:
            out.append(new_event(cp.PlacementStarted(
                participant_id=pid, placement_id=uuid4(), organisation_id=org,
                opening_id=opening, starts_on=date(2025, 3, 1)), producer="test"))  # fmt: skip
    return out


def test_places_structure_and_the_intermediate_labour_market(
    stack_factory: type[Stack], redis_url: str, admin_key: str
) -> None:
    url = stack_factory().start("reporting")["reporting"].url  # type: ignore[call-arg]
    sent = events()
    client = redis.Redis.from_url(redis_url)
    publish(client, sent)
    client.close()
    with httpx.Client(base_url=url, headers=bearer(admin_key)) as api:
        wait_until(
            lambda: api.get("/v1/pipeline").json()["events_logged"] == len(sent),
            what="the events consumed",
        )
        check_places(api)
        check_structure(api)
        check_labour_market(api)


def rows(api: httpx.Client, name: str, **params: str) -> list[dict[str, Any]]:
    answer = api.get(f"/v1/reports/{name}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]  # type: ignore[no-any-return]


def check_places(api: httpx.Client) -> None:
    assert rows(api, "places") == [
        {"municipality": "Kaustinen", "participants": 6, "open_seats": 8, "placements": 2},
        {"municipality": "Veteli", "participants": 2, "open_seats": 3, "placements": 0},
    ]
    assert rows(api, "places", audience="external") == [
        {"municipality": "Kaustinen", "participants": 6, "open_seats": 8, "placements": "<5"},
        {"municipality": "Veteli", "participants": "<5", "open_seats": 3, "placements": 0},
    ]
    assert rows(api, "places", municipality="Veteli") == [
        {"municipality": "Veteli", "participants": 2, "open_seats": 3, "placements": 0}
    ]
    # registered before the period: nobody counted; the openings are a state on its last day
    assert rows(api, "places", **{"from": "2025-03-01"})[0]["participants"] == 0
    text = api.get("/v1/reports/places", params={"format": "csv", "audience": "external"}).text
    assert list(csv.DictReader(io.StringIO(text)))[1] == {
        "municipality": "Veteli", "participants": "<5", "open_seats": "3", "placements": "0"
    }  # fmt: skip
    assert check_report_as_xlsx(api, "places") == 2


def check_structure(api: httpx.Client) -> None:
    cells = [
        {"municipality": "Kaustinen", "age_band": "18-24", "months_unemployed": "6-11",
         "isced_level": "2", "participants": 5},
        {"municipality": "Kaustinen", "age_band": "55+", "months_unemployed": "24+",
         "isced_level": "3", "participants": 1},
        {"municipality": "Veteli", "age_band": "30-54", "months_unemployed": "0-5",
         "isced_level": "5", "participants": 2},
    ]  # fmt: skip
    assert rows(api, "unemployment-structure") == cells
    outside = rows(api, "unemployment-structure", audience="external")
    assert [r["participants"] for r in outside] == [5, "<5", "<5"]
    assert check_report_as_xlsx(api, "unemployment-structure", audience="external") == 3


def check_labour_market(api: httpx.Client) -> None:
    assert rows(api, "intermediate-labour-market") == [
        {"organisation_kind": "association", "openings": 1, "seats": 4, "placements": 2,
         "open_seats": 2, "utilisation": 0.5},
        {"organisation_kind": "central_workshop", "openings": 1, "seats": 6, "placements": 0,
         "open_seats": 6, "utilisation": 0.0},
        {"organisation_kind": "satellite_workshop", "openings": 1, "seats": 3, "placements": 0,
         "open_seats": 3, "utilisation": 0.0},
    ]  # fmt: skip
    outside = rows(api, "intermediate-labour-market", audience="external")
    assert (outside[0]["placements"], outside[0]["utilisation"]) == ("<5", "<5")
    assert check_report_as_xlsx(api, "intermediate-labour-market") == 3
