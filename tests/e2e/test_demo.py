"""`polku demo` against the four services as real processes: what reporting counts equals
what the demo says it sent (and the web front's demo people have its mail in the development
mailbox); and the same seed gives the same data in any process."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from demo.keys import Identity, KeyRing
from services.web.demo import DEMO_PASSWORD
from shared.settings import WEB
from tests.support import Stack, wait_until

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


def demo_command(urls: dict[str, str], report_file: Path, *options: str) -> list[str]:
    """`polku demo --no-services` against the stack, seed 7, writing its report."""
    args = ["--seed", "7", "--report", str(report_file), *options]
    args += [f"--{s}-url={urls[s]}" for s in SERVICES]
    return [sys.executable, "-m", "polku.cli", "demo", "--no-services", *args]


def run_polku_demo(
    urls: dict[str, str],
    database_url: str,
    report_file: Path,
    *options: str,
) -> dict[str, Any]:
    """`polku demo --no-services` against the stack, as a newcomer would run it."""
    options = options or ("--participants", "200", "--duration", "30")
    env = {**os.environ, "POLKU_DATABASE_URL": database_url}
    done = subprocess.run(
        demo_command(urls, report_file, *options),
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dashboard" in done.stdout and "/docs" in done.stdout and "polku status" in done.stdout
    return dict(json.loads(report_file.read_text()))


def test_demo_figures_reach_reporting(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path
) -> None:
    stack = stack_factory(matching_allow_private_webhooks="true")  # type: ignore[call-arg]
    stack.web_env = {"POLKU_ENV": "development", "POLKU_WEB_DEMO_PEOPLE": "true",
                     "POLKU_WEB_MAIL_INTERVAL_S": "0.5"}  # as `polku demo` runs it  # fmt: skip
    stack.start(*SERVICES, WEB)
    urls = {s: stack[s].url for s in SERVICES}
    report = run_polku_demo(urls, migrated_database_url, artifacts_dir / "demo-report.json")
    mailbox = wait_until(lambda: _demo_mail(stack[WEB].url), timeout=60, what="demo mail")
    assert "worker@demo.polku" in mailbox and "employer@demo.polku" in mailbox

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
    figures = summary()
    assert figures["participants_registered"] == 200
    # the year lies in its own past months (a history import), not all on today
    assert figures["average_days_to_first_placement"] > 0, figures
    url = f"{urls['reporting']}/v1/reports/timeseries"
    months = httpx.get(url, headers=operator, timeout=5).json()["rows"]
    assert len([m for m in months if m["registrations"]]) >= 9, months


def _demo_mail(web_url: str) -> str | None:
    """The development mailbox as the demo's admin sees it, once the demo people have mail."""
    with httpx.Client(base_url=web_url, timeout=10) as web:
        form = web.get("/sign-in").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf
        data = {"csrf": csrf.group(1), "email": "admin@demo.polku", "password": DEMO_PASSWORD}
        assert web.post("/sign-in", data=data).status_code == 303
        shown = web.get("/mailbox").text
    wanted = ("worker@demo.polku", "employer@demo.polku")
    return shown if all(w in shown for w in wanted) else None


def _fingerprint_in_new_process(seed: int, hash_seed: str) -> str:
    code = f"from demo.bodies import fingerprint; print(fingerprint({seed}, 200))"
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


REGION_COUNTS = {
    "organisations": "SELECT count(*) FROM matching.organisation",
    "openings": "SELECT count(*) FROM matching.opening",
    "seats": "SELECT coalesce(sum(seats), 0) FROM matching.opening",
    "support_workers": "SELECT count(*) FROM caseplan.support_worker",
    "participants": "SELECT count(*) FROM intake.participant",
}
UNDELIVERED = "SELECT count(*) FROM matching.webhook_delivery WHERE status IN ('pending', 'dead')"


def database_counts(database_url: str, queries: dict[str, str]) -> dict[str, int]:
    """The answers of counting queries, read from the services' database."""

    async def read() -> dict[str, int]:
        conn = await asyncpg.connect(database_url)
        try:
            return {name: int(await conn.fetchval(q)) for name, q in queries.items()}
        finally:
            await conn.close()

    return asyncio.run(read())


def reporting_summary(urls: dict[str, str], database_url: str) -> dict[str, Any]:
    """Reporting's summary, read with an operator key."""
    operator = asyncio.run(KeyRing(database_url).headers(Identity("operator")))
    url = f"{urls['reporting']}/v1/reports/summary"
    return dict(httpx.get(url, headers=operator, timeout=5).json())


def test_demo_twice_finds_its_region_and_people_again(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path
) -> None:
    stack = stack_factory(matching_allow_private_webhooks="true").start()  # type: ignore[call-arg]
    urls = {s: stack[s].url for s in SERVICES}
    ledger = artifacts_dir / "demo-region.json"
    small = ("--participants", "24", "--duration", "8", "--region-file", str(ledger))
    first = run_polku_demo(urls, migrated_database_url, artifacts_dir / "first.json", *small)
    assert first["participants_registered"] == 24, first
    wait_until(
        lambda: reporting_summary(urls, migrated_database_url)["participants_registered"] == 24,
        timeout=30, what="reporting to count the first run",
    )  # fmt: skip
    before = database_counts(migrated_database_url, REGION_COUNTS)
    seats_before = reporting_summary(urls, migrated_database_url)["open_seats"]

    second = run_polku_demo(urls, migrated_database_url, artifacts_dir / "second.json", *small)

    after = database_counts(migrated_database_url, REGION_COUNTS)
    assert after == before, (before, after)
    sent = second["sent"]
    assert sent["organisations_found"] == first["sent"]["organisations_registered"], second
    assert sent["openings_found"] == first["sent"]["openings_posted"], second
    assert sent["support_workers_found"] == first["sent"]["support_workers_added"], second
    for created in ("organisations_registered", "openings_posted", "support_workers_added"):
        assert created not in sent, second
    assert second["participants_registered"] == 0 and sent["year_replayed_by_an_earlier_run"]
    assert not any("409" in sample for sample in second["error_samples"].values()), second
    assert "mark_ready" not in second["errors"], second
    assert sent["webhooks_turned_off"] == first["sent"]["webhooks_turned_off"] > 0, second
    assert reporting_summary(urls, migrated_database_url)["open_seats"] <= seats_before
    assert database_counts(migrated_database_url, {"undelivered": UNDELIVERED}) == {
        "undelivered": 0
    }


def test_demo_lives_on_after_its_year_until_stopped(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path
) -> None:
    stack = stack_factory(matching_allow_private_webhooks="true").start()  # type: ignore[call-arg]
    urls = {s: stack[s].url for s in SERVICES}
    report_file = artifacts_dir / "living.json"
    options = ("--participants", "16", "--duration", "6", "--live", "--live-every", "0.5")
    env = {**os.environ, "POLKU_DATABASE_URL": migrated_database_url}
    with (artifacts_dir / "living.out").open("w") as out:
        demo = subprocess.Popen(
            demo_command(urls, report_file, *options), env=env, stdout=out, stderr=out
        )

        def registered() -> int:
            return int(reporting_summary(urls, migrated_database_url)["participants_registered"])

        try:
            wait_until(lambda: registered() >= 16 + 5, timeout=60, what="intakes of live days")
            demo.send_signal(signal.SIGINT)
            assert demo.wait(timeout=60) == 0, (artifacts_dir / "living.out").read_text()
        finally:
            if demo.poll() is None:
                demo.kill()
    report = json.loads(report_file.read_text())
    sent = report["sent"]
    assert report["schedule_completed"] and sent["live_days"] >= 5, report
    assert report["participants_registered"] >= 16 + 5, report
    assert sent["webhooks_turned_off"] == sent["organisations_registered"], report
    wait_until(
        lambda: registered() == report["participants_registered"],
        timeout=30, what="reporting to count every intake the demo sent",
    )  # fmt: skip
    assert reporting_summary(urls, migrated_database_url)["active_cases"] > 0
    assert database_counts(migrated_database_url, {"undelivered": UNDELIVERED}) == {
        "undelivered": 0
    }
