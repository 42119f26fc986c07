"""The capacity rule under concurrency: two caseplan processes consume registrations at once."""

import asyncio
from collections import Counter
from typing import Any
from uuid import uuid4

import httpx
import redis
from caseplan_helpers import RAPLA, registered

from shared.events import new_event, streams
from tests.support import Stack, bearer, wait_until


def _count(migrated_database_url: str, query: str) -> Any:
    async def run() -> Any:
        import asyncpg

        conn = await asyncpg.connect(migrated_database_url)
        try:
            return await conn.fetch(query)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_two_replicas_never_exceed_any_caseload(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str, admin_key: str
) -> None:
    key = bearer(admin_key)
    stack = stack_factory(consumer_batch_size="7").start("caseplan", replicas=2)  # type: ignore[call-arg]
    url = stack["caseplan"].url
    org = str(uuid4())
    agreement = {"organisation_id": org, "municipality": RAPLA}
    r = httpx.post(f"{url}/v1/service-agreements", json=agreement, headers=key)
    assert r.status_code == 201, r.text
    workers = []
    for _ in range(10):
        body = {"organisation_id": org, "municipalities": [RAPLA]}
        r = httpx.post(f"{url}/v1/support-workers", json=body, headers=key)
        assert r.status_code == 201, r.text
        assert r.json()["caseload_limit"] == 8
        workers.append(r.json()["support_worker_id"])

    client = redis.Redis.from_url(redis_url)
    with client.pipeline(transaction=False) as pipe:
        for _ in range(200):
            env = new_event(registered(uuid4()), producer="intake")
            pipe.xadd(streams.INTAKE, {"__data__": env.model_dump_json()})
        pipe.execute()

    def settled() -> bool:
        rows = _count(migrated_database_url, "SELECT count(*) AS n FROM caseplan.case_plan")
        return rows[0]["n"] == 200

    wait_until(settled, timeout=60, what="200 case plans")
    plans = _count(
        migrated_database_url,
        "SELECT support_worker_id::text AS w FROM caseplan.case_plan",
    )
    per_worker = Counter(r["w"] for r in plans if r["w"] is not None)
    assert sum(per_worker.values()) == 80
    assert set(per_worker) == set(workers)
    assert max(per_worker.values()) == 8
    waiting = httpx.get(f"{url}/v1/waiting-list", params={"limit": 200}, headers=key).json()
    assert waiting["next_after"] is None and waiting["prev_before"] is None
    waiting = waiting["items"]
    assert len(waiting) == 120
    assert [w["position"] for w in waiting] == list(range(1, 121))
    stored = _count(
        migrated_database_url,
        "SELECT support_worker_id::text AS w, caseload FROM caseplan.support_worker",
    )
    assert {r["w"]: r["caseload"] for r in stored} == dict(per_worker)

    def published() -> Counter[str]:
        types = Counter(_type(f) for _, f in client.xrange(streams.CASEPLAN) if f)
        return types if types["caseplan.opened"] == 200 else Counter()

    types = wait_until(published, timeout=30, what="events relayed")
    assert types["caseplan.worker_assigned"] == 80
    assert types["caseplan.waitlisted"] == 120
    processed = [_registrations_processed(sp.url) for sp in stack.services["caseplan"]]
    assert sum(processed) == 200 and min(processed) > 0, processed  # both replicas took part
    client.close()


def _type(fields: dict[bytes, bytes]) -> str:
    import json

    return str(json.loads(fields[b"__data__"])["type"])


def _registrations_processed(url: str) -> float:
    """How many participant.registered events one replica processed, from its /metrics."""
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if (
            line.startswith("polku_events_consumed_total{")
            and 'type="participant.registered"' in line
            and 'outcome="processed"' in line
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
