"""The waiting list and the follow-ups due come a page at a time, in a stable order, forward
and back; a support worker's organisation sees those waiting where it serves under a live
agreement (each with a waiting receipt for the name) and its own follow-ups (with a case
receipt); every page read is audited by person."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from caseplan_helpers import Caseplan, eventually

from shared import case_receipts
from tests.support import bearer, create_api_key

OPENED = date.today() - timedelta(days=250)
LEFT = (date.today() - timedelta(days=200)).isoformat()


async def _page(cp: Caseplan, path: str, key: str | None = None, **params: Any) -> Any:
    headers = bearer(key) if key else {}
    r = await cp.client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _ids(page: dict[str, Any]) -> list[str]:
    return [i["participant_id"] for i in page["items"]]


async def test_the_waiting_list_pages_forward_and_back_in_serving_order(
    caseplan: Caseplan,
) -> None:
    served, elsewhere = f"Vald {uuid4().hex[:8]}", f"Vald {uuid4().hex[:8]}"
    await caseplan.agree(served)  # no worker: everyone waits
    pids: list[UUID] = []
    for i in range(9):
        pid = await caseplan.register(served if i % 3 else elsewhere)
        await caseplan.case_plan(pid)  # one after another: the order of arrival is known
        pids.append(pid)
    ours = [p for i, p in enumerate(pids) if i % 3]  # six in the served municipality
    dsn = caseplan.settings.database_url
    key = await create_api_key(dsn, organisation_id=caseplan.organisation, role="support_worker")
    r = await caseplan.client.patch(f"/v1/waiting-list/{ours[4]}", json={"priority": True})
    assert r.status_code == 200 and _ids(r.json())[0] == str(ours[4]), r.text
    order = [str(ours[4]), *[str(p) for p in ours[:4]], str(ours[5])]

    whole = await _page(caseplan, "/v1/waiting-list", key)
    assert _ids(whole) == order and whole["next_after"] is None and whole["prev_before"] is None
    everyone = await _page(caseplan, "/v1/waiting-list")  # the admin: all nine
    assert len(everyone["items"]) == 9
    place = {i["participant_id"]: i["position"] for i in everyone["items"]}
    assert [i["position"] for i in everyone["items"]] == list(range(1, 10))
    assert [i["position"] for i in whole["items"]] == [place[p] for p in order]

    first = await _page(caseplan, "/v1/waiting-list", key, limit=4)
    assert _ids(first) == order[:4] and first["prev_before"] is None
    second = await _page(caseplan, "/v1/waiting-list", key, limit=4, after=first["next_after"])
    assert _ids(second) == order[4:] and second["next_after"] is None  # the end
    back = await _page(caseplan, "/v1/waiting-list", key, limit=4, before=second["prev_before"])
    assert _ids(back) == order[:4] and back["prev_before"] is None
    assert back["next_after"] == first["next_after"]
    again = await _page(caseplan, "/v1/waiting-list", key, limit=4, after=first["next_after"])
    assert again["items"] and _ids(again) == _ids(second)  # the same page twice: stable
    small = [await _page(caseplan, "/v1/waiting-list", key, limit=2)]
    while small[-1]["next_after"]:
        small.append(
            await _page(caseplan, "/v1/waiting-list", key, limit=2, after=small[-1]["next_after"])
        )
    assert [p for page in small for p in _ids(page)] == order and len(small) == 3

    secret = caseplan.settings.id_hash_secret
    for line in whole["items"]:
        pid = UUID(line["participant_id"])
        assert line["case_receipt"] is None
        assert case_receipts.is_valid(
            secret, line["waiting_receipt"], pid, caseplan.organisation,
            purpose=case_receipts.WAITING,
        )  # fmt: skip
        assert not case_receipts.is_valid(
            secret, line["waiting_receipt"], pid, caseplan.organisation
        )  # not a case receipt: it does not pass for holding the case
    assert all(i["waiting_receipt"] is None for i in everyone["items"])

    stranger = await create_api_key(dsn, organisation_id=uuid4(), role="support_worker")
    assert (await _page(caseplan, "/v1/waiting-list", stranger))["items"] == []
    town = await create_api_key(dsn, role="municipality", municipality=elsewhere)
    assert _ids(await _page(caseplan, "/v1/waiting-list", town)) == [str(p) for p in pids[::3]]

    audited = await caseplan.sql(
        "SELECT DISTINCT participant_id FROM audit_log WHERE action = 'waiting_list.listed'"
        " AND organisation_id = $1",
        caseplan.organisation,
    )
    assert {str(r["participant_id"]) for r in audited} == set(order)

    agreement = await caseplan.sql(
        "SELECT agreement_id FROM service_agreement WHERE organisation_id = $1",
        caseplan.organisation,
    )
    r = await caseplan.client.post(f"/v1/service-agreements/{agreement[0][0]}/end")
    assert r.status_code == 200, r.text
    assert (await _page(caseplan, "/v1/waiting-list", key))["items"] == []  # no agreement


async def test_a_page_is_read_from_any_cursor_the_schema_allows(caseplan: Caseplan) -> None:
    far = f"9999999.{uuid4()}"  # a day past the calendar: past every line
    for path, good in (("/v1/waiting-list", "1.5"), ("/v1/follow-ups/due", far)):
        r = await caseplan.client.get(path, params={"after": good, "before": good})
        assert r.status_code == 200 and r.json()["items"] == [], r.text  # `after` is read
        r = await caseplan.client.get(path, params={"after": "x"})
        assert r.status_code == 422, r.text
    r = await caseplan.client.get("/v1/follow-ups/due", params={"after": "2026-01-01." + "0" * 36})
    assert r.status_code == 422, r.text
    r = await caseplan.client.get("/v1/waiting-list", params={"limit": 201})
    assert r.status_code == 422, r.text


async def _assigned(cp: Caseplan, pid: UUID) -> bool:
    return (await cp.case_plan(pid))["support_worker"] is not None


async def test_follow_ups_due_page_by_day_then_case_with_case_receipts(caseplan: Caseplan) -> None:
    municipality = f"Vald {uuid4().hex[:8]}"
    await caseplan.worker(limit=10, municipality=municipality)
    pids = []
    for _ in range(5):
        pid = await caseplan.register(municipality, on=OPENED)
        await eventually(lambda pid=pid: _assigned(caseplan, pid), what="assigned")
        r = await caseplan.client.post(
            f"/v1/participants/{pid}/exit", json={"outcome": "employed", "exited_on": LEFT}
        )
        assert r.status_code == 200, r.text
        pids.append(pid)
    dsn = caseplan.settings.database_url
    key = await create_api_key(dsn, organisation_id=caseplan.organisation, role="support_worker")
    whole = await _page(caseplan, "/v1/follow-ups/due", key)
    plans = [(i["follow_up_due_on"], i["case_plan_id"]) for i in whole["items"]]
    assert plans == sorted(plans) and set(_ids(whole)) == {str(p) for p in pids}
    order = _ids(whole)

    pages = [await _page(caseplan, "/v1/follow-ups/due", key, limit=2)]
    while pages[-1]["next_after"]:
        pages.append(await _page(
            caseplan, "/v1/follow-ups/due", key, limit=2, after=pages[-1]["next_after"]
        ))  # fmt: skip
    assert [len(p["items"]) for p in pages] == [2, 2, 1]  # page 1, page 2, the end
    assert [p for page in pages for p in _ids(page)] == order
    assert pages[0]["prev_before"] is None and pages[2]["prev_before"] is not None
    back = await _page(caseplan, "/v1/follow-ups/due", key, limit=2,
                       before=pages[2]["prev_before"])  # fmt: skip
    assert _ids(back) == _ids(pages[1])
    for line in whole["items"]:
        assert case_receipts.is_valid(
            caseplan.settings.id_hash_secret, line["case_receipt"],
            UUID(line["participant_id"]), caseplan.organisation,
        )  # fmt: skip

    stranger = await create_api_key(dsn, organisation_id=uuid4(), role="support_worker")
    assert (await _page(caseplan, "/v1/follow-ups/due", stranger))["items"] == []
    town = await create_api_key(dsn, role="municipality", municipality=municipality)
    assert _ids(await _page(caseplan, "/v1/follow-ups/due", town)) == order
    r = await caseplan.client.post(f"/v1/participants/{order[0]}/follow-up",
                                   json={"outcome": "employed"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert _ids(await _page(caseplan, "/v1/follow-ups/due", key)) == order[1:]
    audited = await caseplan.sql(
        "SELECT DISTINCT participant_id FROM audit_log WHERE action = 'follow_up.listed'"
        " AND organisation_id = $1",
        caseplan.organisation,
    )
    assert {str(r["participant_id"]) for r in audited} == set(order)
