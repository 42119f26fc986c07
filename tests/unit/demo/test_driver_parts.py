"""The demo driver's pure parts: route discovery, body trimming, proposal parsing, timesheets,
the report; and the webhook receiver as a real local HTTP server."""

import asyncio
import hashlib
import hmac
import json
import time
from datetime import date, timedelta

import httpx

from demo.apis import Api
from demo.employer import participant_of, placements_in
from demo.receiver import WebhookReceiver, match_id_of, signature_valid
from demo.report import DemoReport
from demo.steps import timesheet, today
from polku.cli import build_parser

OPENAPI = {
    "paths": {
        "/v1/case-plans/{plan}/activities": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ActivityIn"}}
                    }
                }
            }
        },
        "/v1/participants/{participant_id}/exit": {"post": {}},
    },
    "components": {"schemas": {"ActivityIn": {"properties": {"activity_type": {}, "status": {}}}}},
}


def api_with(document: dict) -> Api:
    api = Api({"caseplan": "http://caseplan"})
    api.documents = {"caseplan": document}
    return api


def test_a_documented_route_is_found_whatever_its_parameter_names() -> None:
    route = api_with(OPENAPI).route("add_activity")
    assert route is not None
    assert route.path(case_plan_id="abc") == "/v1/case-plans/abc/activities"
    assert route.body_properties == frozenset({"activity_type", "status"})


def test_an_undocumented_step_has_no_route() -> None:
    api = api_with(OPENAPI)
    assert api.route("record_follow_up") is None
    assert api.route("exit_participant") is not None


def test_webhook_and_inbox_bodies_give_the_match_id() -> None:
    assert match_id_of({"type": "match.proposed", "match": {"match_id": "m1"}}) == "m1"
    assert match_id_of({"match_id": "m2", "opening_id": "o"}) == "m2"
    assert match_id_of({"data": {"id": "m3"}}) == "m3"
    assert match_id_of(["not", "a", "dict"]) is None


def test_participant_and_placements_are_found_in_answers() -> None:
    assert participant_of({"match": {"participant_id": "p1"}}) == "p1"
    assert participant_of({"match": {"candidate": {"skills": []}}}) is None
    plan = {"placements": [{"placement_id": "x", "match_id": "m"}], "activities": []}
    assert [p["placement_id"] for p in placements_in(plan)] == ["x"]


def test_timesheets_never_put_more_than_a_working_day_on_one_day() -> None:
    start = date(2026, 3, 2)
    entries = timesheet(60.0, first_day=3, start=start)
    assert sum(h for _, h in entries) == 60.0
    assert all(h <= 8.0 for _, h in entries)
    days = [d for d, _ in entries]
    assert len(set(days)) == len(days) and days[0] == start + timedelta(days=3)
    assert timesheet(5.0, 0)[0] == (today(), 5.0)


def test_the_report_counts_skips_and_errors() -> None:
    report = DemoReport(seed=7, participants_planned=10)
    report.count("participants_registered", 3)
    report.skip("record_follow_up", "not offered")
    report.skip("record_follow_up", "second reason is ignored")
    report.error("exit_participant", "HTTP 409")
    report.error("exit_participant", "HTTP 422")
    figures = report.as_dict()
    assert figures["participants_registered"] == 3
    assert figures["skipped"] == {"record_follow_up": "not offered"}
    assert figures["errors"] == {"exit_participant": 2}
    assert figures["error_samples"] == {"exit_participant": "HTTP 409"}
    assert "skipped record_follow_up" in report.format()


def signed(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_signatures_are_checked_as_documented() -> None:
    body, now = b'{"match": {"match_id": "m1"}}', int(time.time())
    assert signature_valid("whsec_a", body, signed("whsec_a", body, now))
    assert not signature_valid("whsec_b", body, signed("whsec_a", body, now))
    assert not signature_valid("whsec_a", body + b" ", signed("whsec_a", body, now))
    assert not signature_valid("whsec_a", body, signed("whsec_a", body, now - 3600))
    assert not signature_valid("whsec_a", body, "garbage")


def test_the_receiver_queues_signed_proposals_and_refuses_forged_ones() -> None:
    body = json.dumps({"match": {"match_id": "m9"}}).encode()

    async def scenario() -> tuple[list[int], tuple[str, dict]]:
        receiver = WebhookReceiver()
        await receiver.start()
        receiver.secrets["0"] = "whsec_demo"
        try:
            async with httpx.AsyncClient() as http:
                statuses = []
                for secret in ("whsec_forged", "whsec_demo"):
                    headers = {"Polku-Signature": signed(secret, body, int(time.time()))}
                    r = await http.post(receiver.url_for("0"), content=body, headers=headers)
                    statuses.append(r.status_code)
            return statuses, await asyncio.wait_for(receiver.proposals.get(), 5)
        finally:
            await receiver.stop()

    statuses, (match_id, received) = asyncio.run(scenario())
    assert statuses == [401, 202]
    assert match_id == "m9" and received["match"]["match_id"] == "m9"


def test_polku_demo_is_a_sub_command_with_its_options() -> None:
    parser, handlers = build_parser()
    args = parser.parse_args(["demo", "--seed", "3", "--participants", "50", "--no-services"])
    assert "demo" in handlers
    assert (args.seed, args.participants, args.no_services, args.duration) == (3, 50, True, 120.0)
