"""Fault 7: people erased or exited right after their registration, mid-load.

5,000 intakes (`POLKU_FAULT_LOAD`) in batches of 100. After each batch a tenth of its people
are erased at once (their erasure follows their registration on intake's stream, often in the
same consumer batch); as soon as caseplan has their case plan, a tenth are marked ready and
exit, and a tenth are marked ready and then erased (readiness on caseplan's stream, erasure
on intake's: matching meets them in either order). The end state is exact in every service:
no erased person anywhere (counted anonymously in reporting), every exit an exit.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import Counter
from typing import Any

import asyncpg
import httpx
from conftest import BATCH, LOAD, send_intakes
from fault_tools import dead_letters, national_ids, pending_entries

from services.reporting.repository.erasure import id_hash
from tests.support import Stack, wait_until
from tests.support.keys import bearer, create_api_key_sync

FATES = ("erased", "exited", "ready_then_erased")
"""What happens to the n-th person of a batch (n % 10 = 0, 1, 2); the others stay."""


def fate(n: int) -> str:
    """The fate of the n-th person of a batch."""
    return FATES[n % 10] if n % 10 < len(FATES) else "stays"


def test_erased_and_exited_people_stay_gone_in_every_service(
    stack: Stack, migrated_database_url: str, redis_url: str
) -> None:
    key = create_api_key_sync(migrated_database_url)
    people: dict[str, str] = {}  # participant id -> fate
    later = FollowUps(stack["intake"].url, stack["caseplan"].url, key).start()
    ids = national_ids(LOAD)
    with httpx.Client(base_url=stack["intake"].url, headers=bearer(key), timeout=30) as intake:
        for start in range(0, len(ids), BATCH):
            done = send_intakes(stack["intake"].url, ids[start : start + BATCH], api_key=key)
            for n, pid in enumerate(done.values()):
                people[pid] = fate(n)
                if people[pid] == "erased":
                    erase(intake, pid)
                elif people[pid] != "stays":
                    later.queue.put((pid, people[pid]))
    later.finish()
    assert Counter(people.values())["stays"] == LOAD - LOAD // 10 * len(FATES)
    last: list[list[str]] = [[]]

    def exact() -> bool:
        try:
            last[0] = asyncio.run(_problems(migrated_database_url, people))
        except Exception as exc:  # shown if it never settles (wait_until swallows it)
            last[0] = [repr(exc)]
        return not last[0]

    try:
        wait_until(exact, timeout=180, interval=0.5, what="exact end state")
    except AssertionError as exc:
        raise AssertionError(f"end state not exact: {last[0]}") from exc
    assert dead_letters(redis_url) == []
    wait_until(lambda: not pending_entries(redis_url), what="no entry left pending")


def erase(intake: httpx.Client, pid: str) -> None:
    """GDPR erasure over intake's API."""
    r = intake.post(f"/v1/participants/{pid}/erasure")
    assert r.status_code == 200, r.text


class FollowUps:
    """A support worker's thread: marks people ready as soon as their case plan exists, then
    records their exit or has them erased."""

    def __init__(self, intake_url: str, caseplan_url: str, key: str) -> None:
        self.queue: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.urls = (intake_url, caseplan_url)
        self.headers = bearer(key)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> FollowUps:
        self._thread.start()
        return self

    def finish(self) -> None:
        """Wait until every queued person was followed up."""
        self.queue.put(None)
        self._thread.join(300)
        if self.error:
            raise self.error
        assert not self._thread.is_alive(), "follow-ups did not finish"

    def _run(self) -> None:
        try:
            with (
                httpx.Client(base_url=self.urls[0], headers=self.headers, timeout=30) as intake,
                httpx.Client(base_url=self.urls[1], headers=self.headers, timeout=30) as caseplan,
            ):
                while (item := self.queue.get()) is not None:
                    self._follow_up(intake, caseplan, *item)
        except BaseException as exc:
            self.error = exc

    def _follow_up(self, intake: httpx.Client, caseplan: httpx.Client, pid: str, fate: str) -> None:
        ready = {"opening_kinds": ["workshop_place"]}
        answers: list[httpx.Response] = []

        def marked_ready() -> bool:
            answers.append(caseplan.post(f"/v1/participants/{pid}/ready-for-matching", json=ready))
            return answers[-1].status_code != 404  # 404: caseplan has not seen them yet

        wait_until(marked_ready, timeout=120, what=f"{pid}'s case plan")
        assert answers[-1].status_code == 200, answers[-1].text
        if fate == "exited":
            r = caseplan.post(f"/v1/participants/{pid}/exit", json={"outcome": "employed"})
            assert r.status_code == 200, r.text
        else:
            erase(intake, pid)


async def _problems(dsn: str, people: dict[str, str]) -> list[str]:
    """Every way the services' state differs from what the fates imply."""
    gone = [p for p, f in people.items() if f in ("erased", "ready_then_erased")]
    exited = [p for p, f in people.items() if f == "exited"]
    kept = [p for p, f in people.items() if f not in ("erased", "ready_then_erased")]
    conn = await asyncpg.connect(dsn)
    try:
        found: dict[str, Any] = {}
        for name, sql in CHECKS.items():
            found[name] = await conn.fetchval(
                _PARAMS + sql, gone, exited, kept, [id_hash(p) for p in gone]
            )
        backlog = {s: await conn.fetchval(f"SELECT count(*) FROM {s}.outbox_pending")
                   for s in ("intake", "caseplan", "matching", "reporting")}  # fmt: skip
    finally:
        await conn.close()
    expected = _expected(len(people), len(gone), len(exited), len(kept))
    problems = [f"{k}: {found[k]} != {v}" for k, v in expected.items() if found[k] != v]
    return problems + [f"{s}: outbox backlog {n}" for s, n in backlog.items() if n]


def _expected(everyone: int, gone: int, exited: int, kept: int) -> dict[str, int]:
    return {
        "intake: erased people kept": 0, "intake: participants": kept,
        "caseplan: erased people's plans": 0, "caseplan: plans of the others": kept,
        "caseplan: erased plans, anonymised": gone, "caseplan: tombstones": gone,
        "caseplan: exited plans": exited,
        "matching: erased people in the pool": 0, "matching: the others in the pool": kept,
        "matching: ready after their exit": 0, "matching: erasures remembered": gone,
        "matching: exits remembered": exited,
        "reporting: erased ids in the read model": 0, "reporting: participants counted": everyone,
        "reporting: registrations counted": everyone, "reporting: erasures": gone,
        "reporting: exits": exited,
    }  # fmt: skip


_PARAMS = "WITH p AS (SELECT $1::uuid[] AS gone, $2::uuid[] AS exited, $3::uuid[] AS kept,"
_PARAMS += " $4::text[] AS hashes) "
_ANY = "participant_id IN (SELECT unnest(gone) FROM p)"
_EXITED = "participant_id IN (SELECT unnest(exited) FROM p)"
_KEPT = "participant_id IN (SELECT unnest(kept) FROM p)"
CHECKS = {  # each query may use p: erased ids, exited ids, kept ids, erased id hashes
    "intake: erased people kept": f"SELECT count(*) FROM intake.participant WHERE {_ANY}",
    "intake: participants": "SELECT count(*) FROM intake.participant",
    "caseplan: erased people's plans": f"SELECT count(*) FROM caseplan.case_plan WHERE {_ANY}",
    "caseplan: plans of the others": f"SELECT count(*) FROM caseplan.case_plan WHERE {_KEPT}",
    "caseplan: erased plans, anonymised": "SELECT count(*) FROM caseplan.case_plan"
    " WHERE closed_because = 'erased' AND anonymised_at IS NOT NULL AND status = 'closed'",
    "caseplan: tombstones": f"SELECT count(*) FROM caseplan.participant_tombstone WHERE {_ANY}",
    "caseplan: exited plans": f"SELECT count(*) FROM caseplan.case_plan WHERE {_EXITED}"
    " AND status = 'closed' AND closed_because = 'exited'",
    "matching: erased people in the pool": f"SELECT count(*) FROM matching.candidate WHERE {_ANY}",
    "matching: the others in the pool": f"SELECT count(*) FROM matching.candidate WHERE {_KEPT}",
    "matching: ready after their exit": "SELECT count(*) FROM matching.candidate"
    f" WHERE {_EXITED} AND ready_at IS NOT NULL",
    "matching: erasures remembered": "SELECT count(*) FROM matching.participant_tombstone"
    f" WHERE {_ANY} AND erased_at IS NOT NULL",
    "matching: exits remembered": "SELECT count(*) FROM matching.participant_tombstone"
    f" WHERE {_EXITED} AND exited_at IS NOT NULL",
    "reporting: erased ids in the read model": "SELECT (SELECT count(*) FROM"
    f" reporting.participant_fact WHERE {_ANY}) + (SELECT count(*) FROM reporting.case_fact"
    f" WHERE {_ANY}) + (SELECT count(*) FROM reporting.participant_privacy WHERE {_ANY})",
    "reporting: participants counted": "SELECT count(*) FROM reporting.participant_fact",
    "reporting: registrations counted": "SELECT sum(registrations) FROM reporting.participant_fact",
    "reporting: erasures": "SELECT count(*) FROM reporting.erased_participant"
    " WHERE id_hash IN (SELECT unnest(hashes) FROM p)",
    "reporting: exits": f"SELECT count(*) FROM reporting.exit_fact WHERE {_EXITED}",
}
"""How many rows each check finds (compared with `_expected`)."""
