"""The operators' dashboard in real headless Chromium: the figures shown are the API's."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import redis
from playwright.sync_api import Page, sync_playwright

from tests.support import Stack, bearer, free_port, wait_until

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def scenario_module() -> ModuleType:
    """The reporting scenario builder shared with the integration tests."""
    path = Path(__file__).parents[1] / "integration" / "reporting" / "reporting_scenario.py"
    spec = importlib.util.spec_from_file_location("reporting_scenario", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("reporting_scenario", module)
    spec.loader.exec_module(module)
    return module


def publish(redis_url: str, events: list[Any]) -> None:
    """Put events on the streams as the relay does."""
    client = redis.Redis.from_url(redis_url)
    try:
        scenario_module().publish(client, events)
    finally:
        client.close()


def start_reporting(stack_factory: type[Stack]) -> str:
    """Intake and reporting as processes; reporting scrapes intake's /metrics."""
    intake = stack_factory().start("intake")["intake"].url  # type: ignore[call-arg]
    nobody = f"http://127.0.0.1:{free_port()}"  # a port no service listens on
    urls = json.dumps({"intake": intake, "caseplan": nobody, "matching": nobody})
    reporting = stack_factory(reporting_service_urls=urls).start("reporting")  # type: ignore[call-arg]
    return reporting["reporting"].url


def wait_for_pipeline(url: str, scenario: Any, key: dict[str, str]) -> None:
    """Reporting consumed the scenario and scraped intake's outbox backlog."""
    leavers = sum(p.exited_on is not None for p in scenario.people)
    wait_until(
        lambda: (
            httpx.get(f"{url}/v1/reports/summary", headers=key).json()["participants_exited"]
            == leavers
        ),
        timeout=60,
        what="reporting consumed the scenario",
    )
    backlog = wait_until(
        lambda: (
            (b := httpx.get(f"{url}/v1/pipeline", headers=key).json()["outbox_backlog"])
            and isinstance(b["intake"], int)
            and b
        ),
        what="intake's outbox backlog scraped from its /metrics",
    )
    assert backlog["caseplan"] == backlog["matching"] == "unknown"  # unreachable


def check_page_shows_the_api(page: Page, url: str, key: dict[str, str]) -> None:
    """Every key figure, caseload bar, series and pipeline row on the page is the API's."""
    page.wait_for_selector("#updated[data-state='ok']", timeout=15_000)
    summary = httpx.get(f"{url}/v1/reports/summary", headers=key).json()
    shown = page.eval_on_selector_all(
        "[data-figure]", "els => els.map(e => [e.dataset.figure, e.textContent])"
    )
    assert len(shown) == 10
    for figure, value in shown:
        want = summary[figure]
        assert (value == "–") if want is None else float(value) == want, figure
    caseloads = httpx.get(f"{url}/v1/reports/caseloads", headers=key).json()["rows"]
    assert page.locator("#caseloads .bar").count() == len(caseloads) > 0
    months = httpx.get(f"{url}/v1/reports/timeseries", headers=key).json()["rows"]
    assert page.locator("#timeseries g[data-series]").count() == 3  # side by side, one per series
    assert page.locator("#timeseries g[data-series] rect").count() == 3 * len(months) > 0
    assert page.locator("#indicators tbody tr").count() == 41
    assert page.locator("#streams tbody tr").count() >= 3
    assert "intake 0" in page.locator("#outbox").inner_text()


def test_dashboard_shows_the_apis_figures(
    stack_factory: type[Stack], redis_url: str, artifacts_dir: Path, admin_key: str
) -> None:
    key = bearer(admin_key)
    scenario = scenario_module().build(n=60)
    url = start_reporting(stack_factory)
    publish(redis_url, scenario.events)
    wait_for_pipeline(url, scenario, key)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/#key={admin_key}")  # the page keeps the key for the tab
            check_page_shows_the_api(page, url, key)
            page.screenshot(path=str(artifacts_dir / "reporting-dashboard.png"), full_page=True)
            other = scenario_module().build(n=1, seed=99).events
            publish(redis_url, [next(e for e in other if e.type == "participant.registered")])
            page.wait_for_function(  # the page refreshes itself
                "document.querySelector('[data-figure=participants_registered]').textContent"
                " === '61'",
                timeout=15_000,
            )
            check_filters(page, url, key)
        finally:
            browser.close()


def check_filters(page: Page, url: str, key: dict[str, str]) -> None:
    """Choosing a municipality shows its figures; a backwards period shows the reason."""
    page.select_option("#filters select[name=municipality]", "Rapla vald")
    rapla = httpx.get(
        f"{url}/v1/reports/summary", params={"municipality": "Rapla vald"}, headers=key
    ).json()
    page.wait_for_function(
        "n => document.querySelector('[data-figure=active_cases]').textContent === String(n)",
        arg=rapla["active_cases"],
        timeout=15_000,
    )
    shown = page.locator("[data-figure=participants_registered]").inner_text()
    assert int(shown) == rapla["participants_registered"] < 61
    page.fill("#filters input[name=from]", "2025-06-01")
    page.fill("#filters input[name=to]", "2025-05-01")
    page.dispatch_event("#filters input[name=to]", "change")
    page.wait_for_selector("#updated[data-state='error']", timeout=15_000)
    assert "to: the end of the period is before its start" in page.inner_text("#updated")
