"""`polku demo` against the four services as real processes: what reporting counts equals
what the demo says it sent; and the same seed gives the same data in any process."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from shared.demo.keys import Identity, KeyRing
from shared.testing import Stack, wait_until

SERVICES = ("intake", "caseplan", "matching", "reporting")


def expected_figures(report: dict[str, Any]) -> dict[str, int]:
    """Reporting's summary figures as the demo's own report predicts them."""
    sent, ended, exits = (
        report["sent"],
        report["placements_ended_by_outcome"],
        report["exits_by_outcome"],
    )
    return {
        "participants_registered": report["participants_registered"],
        "placements_started": sent.get("matches_accepted", 0),
        "placements_completed": ended.get("completed", 0),
        "placements_ended_by_hire": ended.get("hired", 0),
        "participants_exited": sent.get("participants_exited", 0),
        "active_cases": report["participants_registered"] - sent.get("participants_exited", 0),
        "employed_on_leaving": exits.get("employed", 0) + exits.get("self_employed", 0),
        "employed_six_months_after": sum(
            report["follow_ups_by_outcome"].get(k, 0)
            for k in ("employed", "self_employed", "improved_situation")
        ),
    }


def run_polku_demo(urls: dict[str, str], database_url: str, report_file: Path) -> dict[str, Any]:
    """`polku demo --no-services` against the stack, as a newcomer would run it."""
    args = [
        "--participants",
        "200",
        "--duration",
        "30",
        "--seed",
        "7",
        "--report",
        str(report_file),
    ]
    args += [f"--{s}-url={urls[s]}" for s in SERVICES]
    env = {**os.environ, "POLKU_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli", "demo", "--no-services", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dashboard" in done.stdout and "/docs" in done.stdout and "polku status" in done.stdout
    return dict(json.loads(report_file.read_text()))


def test_demo_figures_reach_reporting(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path
) -> None:
    stack = stack_factory(matching_allow_private_webhooks="true").start()  # type: ignore[call-arg]
    urls = {s: stack[s].url for s in SERVICES}
    report = run_polku_demo(urls, migrated_database_url, artifacts_dir / "demo-report.json")

    assert report["participants_registered"] == 200, report
    assert report["sent"]["matches_accepted"] > 0, report
    assert not report["skipped"], report

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
        raise AssertionError(f"(reporting, demo): {mismatches()}\n{report}") from None
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
