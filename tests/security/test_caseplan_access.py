"""The access matrix of caseplan: every endpoint × every role × own/other organisation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
import redis.asyncio as aioredis
from conftest import Keys
from fastapi import FastAPI
from security_helpers import OTHER, OWN

from services.caseplan.main import create_app
from shared import case_receipts
from shared.events import new_event
from shared.events.envelope import Payload
from shared.events.intake import ParticipantRegistered
from shared.events.matching import MatchAccepted
from shared.events.vocabulary import OpeningKind
from shared.settings import Settings
from tests.support import bearer, eventually

# Allowed callers last: the state-changing cells (exit, ending a placement) come at the end.
WHO: tuple[str | None, ...] = (
    None,
    "operator",
    "employer",
    "other_workshop",
    "other_municipality",
    "other_support_worker",
    "workshop",
    "municipality",
    "support_worker",
    "admin",
)
DEFAULT = {None: 401, "operator": 403, "employer": 403, "workshop": 403, "other_workshop": 403}
SW_ONLY = {"municipality": 403, "other_municipality": 403, "other_support_worker": 404}
VIEWERS = {
    "municipality": 200,
    "other_municipality": 404,
    "support_worker": 200,
    "other_support_worker": 404,
    "admin": 200,
}
LISTS = {
    "municipality": 200,
    "other_municipality": 200,
    "support_worker": 200,
    "other_support_worker": 200,
    "admin": 200,
}
PLACEMENT = {
    "workshop": 200,
    "other_workshop": 404,
    "employer": 404,
    "municipality": 403,
    "other_municipality": 403,
    "support_worker": 200,
    "other_support_worker": 404,
    "admin": 200,
}
AGREEMENT_SETTERS = {
    "municipality": 201,
    "other_municipality": 403,
    "support_worker": 403,
    "other_support_worker": 403,
    "admin": 409,  # the municipality made the same agreement just before
}
TODAY = date.today().isoformat()
NOW = datetime.now(UTC) - timedelta(minutes=5)
"""A meeting that has begun (its attendance may be recorded)."""
AGREED_LATER = uuid4()
"""An organisation the municipality agrees with during the walk."""
OPENED = date.today() - timedelta(days=250)
LEFT = (date.today() - timedelta(days=200)).isoformat()
"""The case opened and was left long enough ago for the six-month follow-up to be due."""

MATRIX: list[tuple[str, str, Any, dict[str | None, int]]] = [
    ("GET", "/v1/participants/{pid}/case-plan", None, VIEWERS),
    ("GET", "/v1/participants/{pid}/export", None, VIEWERS),
    ("GET", "/v1/waiting-list", None, LISTS),
    ("GET", "/v1/case-plans", None, LISTS),  # each sees its own (tests/integration/caseplan)
    ("GET", "/v1/follow-ups/due", None, LISTS),
    (
        "PATCH",
        "/v1/waiting-list/{pid}",
        {"priority": True},
        {**VIEWERS, "municipality": 409, "support_worker": 409, "admin": 409},
    ),
    (
        "GET",
        "/v1/support-workers",
        None,
        {**SW_ONLY, "support_worker": 200, "other_support_worker": 200, "admin": 200},
    ),
    ("GET", "/v1/support-workers/{wid}", None, {**SW_ONLY, "support_worker": 200, "admin": 200}),
    (
        "PATCH",
        "/v1/support-workers/{wid}",
        {"caseload_limit": 40},
        {**SW_ONLY, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/support-workers",
        "worker",
        {**SW_ONLY, "other_support_worker": 403, "support_worker": 201, "admin": 201},
    ),
    (
        "POST",
        "/v1/case-plans/{cid}/goals",
        {"title": "Steady days"},
        {**SW_ONLY, "support_worker": 201, "admin": 201},
    ),
    (
        "POST",
        "/v1/case-plans/{cid}/activities",
        {"activity_type": "coaching_session"},
        {**SW_ONLY, "support_worker": 201, "admin": 201},
    ),
    (
        "PATCH",
        "/v1/case-plans/{cid}/activities/{aid}",
        {"status": "in_progress"},
        {**SW_ONLY, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/case-plans/{cid}/activities/{aid}/hours",
        {"hours": "2", "worked_on": TODAY},
        {**SW_ONLY, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/timesheets",
        "timesheet",  # another organisation's case plan is a refused row, not a 404
        {**SW_ONLY, "other_support_worker": 422, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/participants/{pid}/ready-for-matching",
        {"opening_kinds": ["workshop_place"]},
        {**SW_ONLY, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/meetings",
        "meeting",
        {**SW_ONLY, "other_support_worker": 403, "support_worker": 201, "admin": 201},
    ),
    ("GET", "/v1/meetings/{mid}", None, {**SW_ONLY, "support_worker": 200, "admin": 200}),
    ("GET", "/v1/participants/{pid}/meetings", None, VIEWERS),
    (
        "GET",
        "/v1/organisations/{oid}/meetings",
        None,
        {**SW_ONLY, "other_support_worker": 403, "support_worker": 200, "admin": 200},
    ),
    (
        "POST",
        "/v1/meetings/{mid}/attendance",
        {"attendance": [{"role": "participant", "status": "no_show"}]},
        {**SW_ONLY, "support_worker": 200, "admin": 409},
    ),
    (
        "POST",
        "/v1/meetings/{later}/cancel",
        None,
        {**SW_ONLY, "support_worker": 200, "admin": 409},
    ),
    (
        "GET",
        "/v1/organisations/{wsid}/placements",  # each its own (and a central its satellites')
        None,
        {
            **SW_ONLY,
            "support_worker": 403,
            "other_support_worker": 403,
            "workshop": 200,
            "admin": 200,
        },
    ),
    ("POST", "/v1/placements/{plid}/hours", "placement_hours", PLACEMENT),
    (
        "POST",
        "/v1/placement-timesheets",
        "placement_timesheet",  # in the workshop's name: another organisation's key is 403
        {**PLACEMENT, "other_workshop": 403, "employer": 403, "other_support_worker": 422},
    ),
    ("POST", "/v1/placements/{plid}/attendance", "attendance", PLACEMENT),
    (
        "POST",
        "/v1/placements/{plid}/end",
        "end",
        {**PLACEMENT, "support_worker": 409, "admin": 409},
    ),
    (
        "POST",
        "/v1/participants/{pid}/exit",
        {"outcome": "employed", "exited_on": LEFT},
        {**SW_ONLY, "support_worker": 200, "admin": 409},
    ),
    (
        "POST",
        "/v1/participants/{pid}/follow-up",
        {"outcome": "employed"},
        {**SW_ONLY, "support_worker": 200, "admin": 409},
    ),
    (
        "GET",
        "/v1/audit?participant_id={pid}",
        None,
        {**SW_ONLY, "other_support_worker": 403, "support_worker": 403, "admin": 200},
    ),
    ("GET", "/v1/service-agreements", None, LISTS),
    ("POST", "/v1/service-agreements", "agreement", AGREEMENT_SETTERS),
    (
        "POST",
        "/v1/service-agreements/{agid}/end",
        None,
        {**AGREEMENT_SETTERS, "other_municipality": 404, "municipality": 200, "admin": 409},
    ),
]


@pytest.fixture
async def caseplan_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """Caseplan's app with its lifespan (consumer included) running."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def _publish(settings: Settings, payload: Payload) -> None:
    client = aioredis.from_url(settings.redis_url)
    env = new_event(payload, producer="test")
    await client.xadd(env.stream, {"__data__": env.model_dump_json()})
    await client.aclose()


async def _until(http: httpx.AsyncClient, path: str, key: str, check: Any) -> Any:
    """`path`'s answer once it is 200 and `check` holds for it."""

    async def answer() -> Any:
        r = await http.get(path, headers=bearer(key))
        return r.json() if r.status_code == 200 and check(r.json()) else None

    return await eventually(answer, f"{path} to answer", within=20)


async def _scene(http: httpx.AsyncClient, settings: Settings, keys: Keys) -> dict[str, str]:
    """A worker of the own support organisation, a case plan in OWN, an activity, a placement."""
    admin = bearer(keys["admin"])
    agreement = await http.post(
        "/v1/service-agreements",
        json={"organisation_id": str(keys.organisation["support_worker"]), "municipality": OWN},
        headers=admin,
    )
    assert agreement.status_code == 201, agreement.text
    worker = await http.post(
        "/v1/support-workers",
        json={
            "organisation_id": str(keys.organisation["support_worker"]),
            "municipalities": [OWN],
            "caseload_limit": 40,
        },
        headers=admin,
    )
    pid = uuid4()
    await _publish(
        settings,
        ParticipantRegistered(participant_id=pid, municipality=OWN, registered_on=OPENED),
    )
    plan = await _until(
        http, f"/v1/participants/{pid}/case-plan", keys["admin"], lambda p: p["support_worker"]
    )
    activity = await http.post(
        f"/v1/case-plans/{plan['case_plan_id']}/activities",
        json={"activity_type": "work_practice"},
        headers=admin,
    )
    await _publish(
        settings,
        MatchAccepted(
            match_id=uuid4(),
            participant_id=pid,
            opening_id=uuid4(),
            organisation_id=keys.organisation["workshop"],
            opening_kind=OpeningKind.WORKSHOP_PLACE,
            starts_on=date.today(),
            hours_per_week=20,
        ),
    )
    plan = await _until(
        http, f"/v1/participants/{pid}/case-plan", keys["admin"], lambda p: p["placements"]
    )
    meetings = [
        await http.post("/v1/meetings", json=_meeting(keys, ids, when), headers=admin)
        for ids, when in (
            ({"wid": worker.json()["support_worker_id"], "pid": str(pid)}, NOW),
            ({"wid": worker.json()["support_worker_id"]}, NOW + timedelta(days=1)),
        )
    ]
    assert all(m.status_code == 201 for m in meetings), [m.text for m in meetings]
    return {
        "mid": meetings[0].json()["meeting_id"],
        "later": meetings[1].json()["meeting_id"],
        "oid": str(keys.organisation["support_worker"]),
        "wsid": str(keys.organisation["workshop"]),
        "pid": str(pid),
        "cid": plan["case_plan_id"],
        "wid": worker.json()["support_worker_id"],
        "aid": activity.json()["activity_id"],
        "plid": plan["placements"][0]["placement_id"],
        "agid": agreement.json()["agreement_id"],
    }


def _meeting(keys: Keys, ids: dict[str, str], when: datetime) -> dict[str, Any]:
    """A meeting of the own organisation's worker: with the participant, or a team meeting."""
    return {
        "organisation_id": str(keys.organisation["support_worker"]),
        "support_worker_id": ids["wid"],
        "kind": "participant_meeting" if "pid" in ids else "team_meeting",
        "starts_at": when.isoformat(),
        **({"participant_id": ids["pid"]} if "pid" in ids else {}),
    }


def _body(body: Any, keys: Keys, ids: dict[str, str]) -> dict[str, Any]:
    workshop = str(keys.organisation["workshop"])
    row = {"case_plan_id": ids["cid"], "activity_id": ids["aid"], "worked_on": TODAY, "hours": 1}
    named = {
        "timesheet": {"rows": [row]},
        "placement_timesheet": {
            "organisation_id": workshop,
            "rows": [{"placement_id": ids["plid"], "worked_on": TODAY, "hours": 1}],
        },
        "worker": {
            "organisation_id": str(keys.organisation["support_worker"]),
            "municipalities": [OWN],
        },
        "placement_hours": {"organisation_id": workshop, "hours": "3", "worked_on": TODAY},
        "attendance": {"organisation_id": workshop, "attended_on": TODAY},
        "end": {"organisation_id": workshop, "outcome": "completed"},
        "agreement": {"organisation_id": str(AGREED_LATER), "municipality": OWN},
        "meeting": _meeting(keys, ids, NOW),
    }
    if isinstance(body, str):
        return {"json": named[body]}
    return {} if body is None else {"json": body}


async def test_every_caseplan_endpoint_for_every_role(
    caseplan_app: FastAPI, settings: Settings, keys: Keys
) -> None:
    transport = httpx.ASGITransport(app=caseplan_app)
    failures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://caseplan") as http:
        ids = await _scene(http, settings, keys)
        for method, path, body, cell in MATRIX:
            expected = {**DEFAULT, **cell}
            for who in WHO:
                headers = bearer(keys[who]) if who else {}
                r = await http.request(
                    method, path.format(**ids), headers=headers, **_body(body, keys, ids)
                )
                if r.status_code != expected[who]:
                    failures.append(f"{method} {path} as {who}: {r.status_code} {r.text[:160]}")
        for who, sees in (("support_worker", True), ("other_support_worker", False)):
            listed = await http.get("/v1/support-workers", headers=bearer(keys[who]))
            assert (ids["wid"] in {w["support_worker_id"] for w in listed.json()}) is sees
    assert not failures, "\n".join(failures)


def test_every_caseplan_operation_needs_a_key_and_is_in_the_matrix(caseplan_app: FastAPI) -> None:
    operations = {
        (method.upper(), path): op
        for path, item in caseplan_app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method, op in item.items()
    }
    assert all(op.get("security") for op in operations.values())
    names = {
        "pid": "participant_id",
        "cid": "case_plan_id",
        "wid": "support_worker_id",
        "aid": "activity_id",
        "plid": "placement_id",
        "agid": "agreement_id",
        "mid": "meeting_id",
        "later": "meeting_id",
        "oid": "organisation_id",
        "wsid": "organisation_id",
    }
    in_matrix = {
        (m, p.split("?")[0].format(**{k: "{" + v + "}" for k, v in names.items()}))
        for m, p, _, _ in MATRIX
    }
    assert set(operations) == in_matrix


async def test_the_waiting_list_shows_each_caller_only_its_own_lines_and_names(
    caseplan_app: FastAPI, settings: Settings, keys: Keys
) -> None:
    """The support organisation sees who waits where it serves under an agreement, each with
    a waiting receipt for the name; no other organisation sees them or gets a receipt; each
    municipality sees its own; the list pages by cursor without widening anyone's scope."""
    transport = httpx.ASGITransport(app=caseplan_app)
    org = keys.organisation["support_worker"]
    async with httpx.AsyncClient(transport=transport, base_url="http://caseplan") as http:
        agreed = await http.post(
            "/v1/service-agreements", json={"organisation_id": str(org), "municipality": OWN},
            headers=bearer(keys["admin"]),
        )  # fmt: skip
        assert agreed.status_code == 201, agreed.text
        ours, theirs = uuid4(), uuid4()  # nobody works anywhere: both wait
        for pid, where in ((ours, OWN), (theirs, OTHER)):
            await _publish(settings, ParticipantRegistered(
                participant_id=pid, municipality=where, registered_on=OPENED))  # fmt: skip
            await _until(http, f"/v1/participants/{pid}/case-plan", keys["admin"], bool)
        expected = {
            "support_worker": [str(ours)],
            "other_support_worker": [],
            "municipality": [str(ours)],
            "other_municipality": [str(theirs)],
            "admin": [str(ours), str(theirs)],
        }
        secret = settings.id_hash_secret
        for who, seen in expected.items():
            r = await http.get("/v1/waiting-list", headers=bearer(keys[who]))
            assert r.status_code == 200, r.text
            page = r.json()
            assert [i["participant_id"] for i in page["items"]] == seen, who
            receipts = [(i["waiting_receipt"], i["case_receipt"]) for i in page["items"]]
            if who == "support_worker":
                assert receipts[0][1] is None and case_receipts.is_valid(
                    secret, receipts[0][0], ours, org, purpose=case_receipts.WAITING
                )
            else:
                assert all(r == (None, None) for r in receipts), who
            one = await http.get("/v1/waiting-list", params={"limit": 1},
                                 headers=bearer(keys[who]))  # fmt: skip
            rest = []
            if one.json()["next_after"]:
                rest = (await http.get(
                    "/v1/waiting-list", params={"limit": 1, "after": one.json()["next_after"]},
                    headers=bearer(keys[who]),
                )).json()["items"]  # fmt: skip
            paged = [i["participant_id"] for i in one.json()["items"] + rest]
            assert paged == seen, who
            assert (await http.get("/v1/follow-ups/due", headers=bearer(keys[who]))).json()[
                "items"
            ] == [], who  # nobody has left yet
