"""The web front's dashboard in one call (`/v1/web-dashboard`) gives every figure the page
drew from the separate reports: the network's, a municipality's and a sub-region's (the
network's rows of its municipalities, or each one's report added up, as the page did), and
outside the network the same '<5' as each report."""

from __future__ import annotations

from typing import Any

import httpx
import redis
from random_network import PLACES, History
from reporting_scenario import publish

from tests.support import Stack, bearer, wait_until

Row = dict[str, Any]
ADDED = {"intermediate-labour-market": ("organisation_kind", ("seats", "placements",
                                                             "open_seats", "openings")),
         "timeseries": ("month", ("registrations", "placements_started",
                                  "employed_on_leaving")),
         "caseloads": ("support_worker_id", ("cases",))}  # fmt: skip


def rows(api: httpx.Client, name: str, **params: str) -> list[Row]:
    answer = api.get(f"/v1/reports/{name}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]  # type: ignore[no-any-return]


def added_up(tables: list[list[Row]], key: str, counts: tuple[str, ...]) -> list[Row]:
    """The page's former sum of a sub-region's tables (services/web/operator_views.py)."""
    out: dict[Any, Row] = {}
    for table in tables:
        for r in table:
            if r[key] in out:
                for c in counts:
                    out[r[key]][c] += r[c]
            else:
                out[r[key]] = dict(r)
    return [out[k] for k in sorted(out)]


def as_the_page_drew(api: httpx.Client, names: list[str]) -> dict[str, Any]:
    """The figures the page drew from a dozen calls, before the one call."""
    one = names[0] if len(names) == 1 else ""
    where = {"municipality": one} if one else {}
    out: dict[str, Any] = {"summary": api.get("/v1/reports/summary").json()}
    for name in ("places", "unemployment-structure"):
        got = rows(api, name, **where)
        out[name] = [r for r in got if r["municipality"] in names] if len(names) > 1 else got
    for name, (key, counts) in ADDED.items():
        if not names:
            out[name] = rows(api, name)
            continue
        got = added_up([rows(api, name, municipality=m) for m in names], key, counts)
        if name == "intermediate-labour-market":
            got = [{**r, "utilisation": round(r["placements"] / r["seats"], 3)
                    if r["seats"] else None} for r in got]  # fmt: skip
        if name == "caseloads":
            got = sorted(({**r, "utilisation": round(r["cases"] / r["capacity"], 3)}
                          for r in got), key=lambda r: (-r["cases"], r["support_worker_id"]))  # fmt: skip
        out[name] = got
    return out


def in_one_call(api: httpx.Client, names: list[str], **params: str) -> dict[str, Any]:
    answer = api.get("/v1/web-dashboard", params=[("municipality", m) for m in names] + [
        *params.items()])  # fmt: skip
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["municipalities"] == names
    return {"summary": got["summary"],
            **{n: got[n.replace("-", "_")] for n in ("places", "unemployment-structure", *ADDED)}}  # fmt: skip


def test_one_call_gives_the_figures_of_the_separate_reports(
    stack_factory: type[Stack], redis_url: str, admin_key: str
) -> None:
    url = stack_factory().start("reporting")["reporting"].url  # type: ignore[call-arg]
    sent = History(7, people=80).events
    client = redis.Redis.from_url(redis_url)
    publish(client, sent)
    client.close()
    with httpx.Client(base_url=url, headers=bearer(admin_key)) as api:
        wait_until(
            lambda: api.get("/v1/pipeline").json()["events_logged"] == len(sent),
            what="the events consumed",
        )
        network = as_the_page_drew(api, [])
        assert network["places"] and network["unemployment-structure"]
        assert network["caseloads"] and network["timeseries"]
        assert network["intermediate-labour-market"]
        assert in_one_call(api, []) == network
        for names in ([PLACES[0]], [PLACES[3]], list(PLACES[:3])):
            drawn = as_the_page_drew(api, names)
            assert drawn["places"] != network["places"]
            assert in_one_call(api, names) == drawn, names
        outside = in_one_call(api, list(PLACES[:2]), audience="external")
        assert (
            outside["summary"]
            == api.get("/v1/reports/summary", params={"audience": "external"}).json()
        )
        structure = rows(api, "unemployment-structure", audience="external")
        assert outside["unemployment-structure"] == [
            r for r in structure if r["municipality"] in PLACES[:2]
        ]
        assert any(r["participants"] == "<5" for r in outside["unemployment-structure"])
        assert any(isinstance(r["cases"], str) for r in in_one_call(
            api, [], audience="external")["caseloads"]) or all(
            r["cases"] >= 5 for r in network["caseloads"])  # fmt: skip
        refused = api.get("/v1/web-dashboard", params=[("municipality", "x")] * 101)
        assert refused.status_code == 422, refused.text
