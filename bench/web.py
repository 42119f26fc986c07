"""The web front's pages at scale: every page under 150 ms (p95) with 100,000 participants.

The whole system runs as real processes on a fresh database: participants go in through
intake's batch API (the demo generator's people, so names repeat as they do in a region),
the bench waits until caseplan, matching and reporting hold every one of them, then signs in
an operator, a clerk of the largest municipality and a support worker of an organisation
serving it, and asks each page many times, one request at a time (a page's own time, not a
queue's). Each figure is the page's p95 as the web front measured it on the server (its
`/metrics` histogram is too coarse, so the figure is the client's time on loopback, an upper
bound of the server's) beside its p50.

Run: `python -m bench.web [--participants 100000] [--repeat 200] [--pages dashboard ...]
[--save FOLDER]` (`--pages`: only the pages whose name holds a word given; `--save`: reporting's
dashboard answers written there, to profile the drawing apart)
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import uvloop

from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect, percentile
from bench.pipeline import post_all, uploads, wait_for_figures, wait_through
from demo import iter_participants
from services.web import region
from shared.migrate import migrate
from shared.settings import PROCESSES
from tests.support.people import WebPerson, create_person
from tests.support.servers import RedisServer, Stack, create_database, drop_database

TARGET_MS = 150.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def signed_in(web: str, person: WebPerson) -> httpx.AsyncClient:
    """A client holding the person's session cookie (signed in through the form)."""
    client = httpx.AsyncClient(base_url=web, timeout=60)
    form = await client.get("/sign-in")
    token = CSRF.search(form.text)
    assert token, form.text[:500]
    answer = await client.post(
        "/sign-in",
        data={"csrf": token.group(1), "email": person.email, "password": person.password},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"{person.role} could not sign in: {answer.status_code}")
    return client


async def timed(
    client: httpx.AsyncClient, repeat: int, method: str, path: str, **kw: Any
) -> list[float]:
    """Milliseconds of `repeat` requests, one after another; each must succeed."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.request(method, path, **kw)
        times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
    return times


async def _support_organisation(caseplan: str, headers: dict[str, str], municipality: str) -> UUID:
    """An organisation serving the municipality, with workers who take cases."""
    org = uuid4()
    async with httpx.AsyncClient(base_url=caseplan, headers=headers, timeout=60) as http:
        agreed = await http.post(
            "/v1/service-agreements",
            json={"organisation_id": str(org), "municipality": municipality},
        )
        agreed.raise_for_status()
        for _ in range(3):
            worker = await http.post(
                "/v1/support-workers",
                json={"organisation_id": str(org), "municipalities": [municipality]},
            )
            worker.raise_for_status()
    return org


async def measure(
    participants: int, repeat: int, seed: int = 11, only: list[str] | None = None,
    save: Path | None = None,
) -> Report:  # fmt: skip
    """One run on a fresh database and a private Redis (`only`: these pages; `save`: write
    reporting's answers for the dashboard there, to profile the drawing apart)."""
    report = Report("web", context={"participants": participants, "repeat": repeat})
    people = list(iter_participants(seed, participants))
    largest, _ = Counter(p.municipality for p in people).most_common(1)[0]
    names = [p.family_name for p in people if p.municipality == largest][:repeat]
    dsn = await create_database()
    redis = RedisServer().start()
    stack = Stack(
        dsn, redis.url, Path(tempfile.mkdtemp(prefix="polku-bench-web-")), **SERVICE_TIMINGS
    )
    clients: list[httpx.AsyncClient] = []
    try:
        await migrate(dsn, PROCESSES)
        headers = await admin_headers(dsn)
        stack.start()
        org = await _support_organisation(stack["caseplan"].url, headers, largest)
        started = time.perf_counter()
        created = await post_all([stack["intake"].url], uploads(participants, 2_000, seed), headers)
        await wait_through(dsn, created, stack, started)
        await wait_for_figures(dsn, stack)
        report.context["loaded_s"] = round(time.perf_counter() - started, 1)
        report.context["municipality"] = largest
        stack.start("web")
        web = stack["web"].url
        operator = await signed_in(web, await create_person(dsn, "operator"))
        clerk = await signed_in(
            web,
            await create_person(dsn, "municipality", municipality=largest, organisation_id=uuid4()),
        )
        worker = await signed_in(
            web, await create_person(dsn, "support_worker", organisation_id=org)
        )
        clients += [operator, clerk, worker]
        csrf = CSRF.search((await clerk.get("/participants")).text)
        assert csrf
        found = await clerk.post(
            "/participants/search", data={"csrf": csrf.group(1), "name": names[0]}
        )
        pid = re.search(r'href="/participants/([0-9a-f-]{36})"', found.text)
        assert pid, "the search found nobody"
        conn = await connect(dsn)
        try:  # a case of the organisation (the page lists the waiting ones too)
            case = await conn.fetchval(
                "SELECT participant_id FROM caseplan.case_plan WHERE organisation_id = $1"
                " AND status = 'open' LIMIT 1",
                org,
            )
        finally:
            await conn.close()
        pages: dict[str, tuple[httpx.AsyncClient, str, str, dict[str, Any]]] = {
            "sign-in": (httpx.AsyncClient(base_url=web), "GET", "/sign-in", {}),
            "operator dashboard": (operator, "GET", "/dashboard", {}),
            "clerk participants": (clerk, "GET", "/participants", {}),
            "clerk participant": (clerk, "GET", f"/participants/{pid.group(1)}", {}),
            "worker cases": (worker, "GET", "/cases", {}),
        }
        if case:
            pages["worker case plan"] = (worker, "GET", f"/cases/{case}", {})
        clients.append(pages["sign-in"][0])
        sub_region = next(p.sub_region for p in region.load_places() if p.municipality == largest)
        pages["operator dashboard, a municipality"] = (
            operator, "GET", "/dashboard", {"params": {"municipality": largest}})  # fmt: skip
        pages["operator dashboard, a sub-region"] = (
            operator, "GET", "/dashboard", {"params": {"sub_region": sub_region}})  # fmt: skip
        reporting = httpx.AsyncClient(base_url=stack["reporting"].url, headers=headers)
        clients.append(reporting)
        chosen = {"": [], "a municipality": [largest],
                  "a sub-region": region.sub_regions(region.load_places())[sub_region]}  # fmt: skip
        for label, names in chosen.items():  # reporting's share of the dashboard's time
            params = {"params": [("municipality", m) for m in names]}
            pages[f"reporting web-dashboard{', ' + label if label else ''}"] = (
                reporting, "GET", "/v1/web-dashboard", params)  # fmt: skip
            if save is not None:
                got = await reporting.get("/v1/web-dashboard", **params)  # type: ignore[arg-type]
                (save / f"web-dashboard{'-' + label.split()[-1] if label else ''}.json").write_text(
                    got.text
                )
        pages["reporting pipeline (the dashboard's other call)"] = (
            reporting, "GET", "/v1/pipeline", {})  # fmt: skip
        pages = {n: v for n, v in pages.items() if only is None or any(o in n for o in only)}
        for name, (client, method, path, kw) in pages.items():
            await timed(client, 3, method, path, **kw)  # warm: templates compiled, pools open
            times = await timed(client, repeat, method, path, **kw)
            _add(report, name, times)
        searches = []
        for family in names if only is None or any("search" in o for o in only) else []:
            started_at = time.perf_counter()
            r = await clerk.post(
                "/participants/search", data={"csrf": csrf.group(1), "name": family}
            )
            searches.append(1000 * (time.perf_counter() - started_at))
            r.raise_for_status()
        if only is None or any("search" in o for o in only):
            _add(report, "clerk name search", searches)
        report.context["server_histogram"] = _server_buckets((await operator.get("/metrics")).text)
    finally:
        for client in clients:
            await client.aclose()
        stack.stop()
        redis.stop()
        await drop_database(dsn)
    return report


def _add(report: Report, name: str, times: list[float]) -> None:
    report.add(f"{name} p95", percentile(times, 95), "ms", f"< {TARGET_MS:.0f}")
    report.add(f"{name} p50", statistics.median(times), "ms")


def _server_buckets(metrics: str) -> dict[str, float]:
    """The share of each route's requests the server answered within 150 ms."""
    within: dict[str, float] = {}
    counts: dict[str, float] = {}
    pattern = r'polku_web_page_seconds_(bucket|count)\{(?:le="([^"]+)",)?method="(\w+)",route="([^"]+)",status="2xx"\} (\S+)'
    for kind, le, method, route, value in re.findall(pattern, metrics):
        key = f"{method} {route}"
        if kind == "count":
            counts[key] = float(value)
        elif le == "0.15":
            within[key] = float(value)
    return {k: round(within.get(k, 0) / n, 3) for k, n in counts.items() if n}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--pages", nargs="+", help="only pages whose name holds one of these")
    parser.add_argument("--save", type=Path, help="a folder for reporting's dashboard answers")
    args = parser.parse_args()
    report = uvloop.run(measure(args.participants, args.repeat, only=args.pages, save=args.save))
    print(report.table())
    print(f"share answered within 150 ms on the server: {report.context['server_histogram']}")
    print(f"written to {report.write()}", file=sys.stderr)


if __name__ == "__main__":
    main()
