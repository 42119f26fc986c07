"""`polku demo` against the four services as real processes: what reporting counts equals
what the demo says it sent; and the same seed gives the same data in any process."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from shared.demo.driver import DemoConfig, run_demo
from shared.demo.keys import Identity, KeyRing
from shared.demo.report import DemoReport
from shared.testing import Stack, wait_until


def expected_figures(r: DemoReport) -> dict[str, int]:
    """Reporting's summary figures as the demo's own counts predict them."""
    ended = r.placements_ended_by_outcome
    return {
        "participants_registered": r.sent["participants_registered"],
        "placements_started": r.sent["matches_accepted"],
        "placements_completed": ended["completed"],
        "placements_ended_by_hire": ended["hired"],
        "participants_exited": r.sent["participants_exited"],
        "employed_on_leaving": r.exits_by_outcome["employed"] + r.exits_by_outcome["self_employed"],
    }


def test_demo_figures_reach_reporting(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path
) -> None:
    stack = stack_factory(matching_allow_private_webhooks="true").start()  # type: ignore[call-arg]
    urls = {s: stack[s].url for s in ("intake", "caseplan", "matching", "reporting")}
    config = DemoConfig(
        urls=urls, seed=7, participants=200, duration=30, grace=2,
        database_url=migrated_database_url,
    )  # fmt: skip
    began = time.monotonic()
    report = asyncio.run(run_demo(config, say=lambda _: None))
    print(f"demo ran {time.monotonic() - began:.1f}s")
    (artifacts_dir / "demo-report.json").write_text(report.to_json())

    assert report.sent["participants_registered"] == 200, report.format()
    assert report.sent["matches_accepted"] > 0, report.format()
    assert not report.skipped, report.format()

    operator = asyncio.run(KeyRing(migrated_database_url).headers(Identity("operator")))

    def summary() -> dict[str, Any]:
        url = f"{urls['reporting']}/v1/reports/summary"
        return dict(httpx.get(url, headers=operator, timeout=5).json())

    expected = expected_figures(report)

    def mismatches() -> dict[str, tuple[Any, int]]:
        now = summary()
        return {k: (now[k], v) for k, v in expected.items() if k in now and now[k] != v}

    try:
        wait_until(lambda: not mismatches(), timeout=30, what="reporting to agree")
    except AssertionError:
        raise AssertionError(f"(reporting, demo): {mismatches()}\n{report.format()}") from None
    assert summary()["participants_registered"] == 200


def _fingerprint_in_new_process(seed: int, hash_seed: str) -> str:
    code = f"from shared.demo.bodies import fingerprint; print(fingerprint({seed}, 200))"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_same_seed_gives_the_same_data_in_any_process() -> None:
    first = _fingerprint_in_new_process(7, "1")
    assert len(first) == 64
    assert first == _fingerprint_in_new_process(7, "12345")
    assert first != _fingerprint_in_new_process(8, "1")
