"""The support worker's journey in Chromium, in Finnish, at 360 px: the waiting list where the
organisation works, my cases by name, the case plan, a goal, a week's grid of hours, ready for
matching, a proposal with its explanation, the employer's decline and its reason, why there
is no proposal now, exit, follow-up."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
from playwright.sync_api import Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from demo.national_ids import isikukood
from tests.support import Stack, bearer, create_api_key_sync, free_port, wait_until
from tests.support.people import create_person_sync


def register(intake: str, key: str) -> str:
    """A participant of Rapla vald, registered over intake's API."""
    body = {
        "municipality": "Rapla vald", "national_id": isikukood(date(1975, 7, 1), True, 7),
        "given_name": "Juhan", "family_name": "Mets", "labour_market_status": "unemployed",
        "home": {"postal_code": "79511", "lat": 59.00712, "lon": 24.79264},
        "availability_hours": 20, "transport": "public", "max_travel_km": 20,
        "consent": {"purposes": ["case_management", "matching"],
                    "given_at": datetime.now(UTC).isoformat(), "recorded_by": "test"},
    }  # fmt: skip
    answer = httpx.post(f"{intake}/v1/intakes", json=body, headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["participant_id"])


def log_a_week(page: Page) -> None:
    """Today's cell first with too many hours (the error shows beside it); then with a day
    caseplan refuses (before the activity's start, or ahead): the week is one atomic
    timesheet, so nothing is stored and the refusal shows beside that cell; then right."""
    today = date.today()
    cell = f"input[name=h-{today.isoformat()}]"
    other = today - timedelta(days=1) if today.weekday() > 0 else today + timedelta(days=1)
    bad = f"input[name=h-{other.isoformat()}]"
    page.fill(cell, "25")
    page.click("text=Tallenna viikko")
    page.wait_for_selector(f"{cell}[aria-invalid=true]")
    error = page.locator(".field-error").first
    assert error.get_attribute("data-code") == "hours_out_of_range"
    assert "enintään 24" in error.inner_text()
    check_page(page, "week grid with an error")
    page.fill(cell, "3,5")
    page.fill(bad, "2")
    page.click("text=Tallenna viikko")
    page.wait_for_selector(f"{bad}[aria-invalid=true]")
    refused = page.locator(".field-error")
    assert refused.count() == 1
    assert refused.get_attribute("data-code") in ("worked_before_start", "worked_in_future")
    assert page.inner_text(".hours-logged") == "0.00"  # the good day was not stored either
    page.fill(bad, "")
    page.click("text=Tallenna viikko")
    page.wait_for_selector("#done[data-done=hours]")
    assert page.inner_text(".hours-logged") == "3.50"  # logged once, not twice


def post_opening(matching: str, admin_key: str, dsn: str) -> dict[str, str]:
    """A workshop in Rapla with one workshop place any participant there fits; the
    organisation's own key (to answer its proposals)."""
    org = httpx.post(f"{matching}/v1/organisations", headers=bearer(admin_key), json={
        "name": "Rapla Puutöökoda", "kind": "central_workshop", "municipality": "Rapla vald",
        "location": {"lat": 59.0, "lon": 24.79}})  # fmt: skip
    assert org.status_code == 201, org.text
    oid = org.json()["organisation_id"]
    key = create_api_key_sync(dsn, organisation_id=UUID(oid), role="workshop")
    opening = httpx.post(f"{matching}/v1/openings", headers=bearer(key), json={
        "organisation_id": oid, "title": "Puutöökoja koht", "kind": "workshop_place", "seats": 1,
        "location": {"lat": 59.0, "lon": 24.79}, "hours_per_week_min": 0,
        "hours_per_week_max": 20})  # fmt: skip
    assert opening.status_code == 201, opening.text
    return {"organisation_id": oid, "key": key}


def see_the_proposal_and_its_decline(page: Page, matching: str, employer: dict[str, str]) -> None:
    """The proposal appears with its explanation; the employer declines it over the API and
    the page shows the reason, then why no proposal is live."""
    wait_until(
        lambda: page.reload() and page.locator("#proposals li[data-status=proposed]").count()
    )
    assert "Puutöökoja koht" in page.inner_text("#proposals")
    assert "vaaditut taidot: 100 %" in page.inner_text("#proposals .factors")
    check_page(page, "case plan with a proposal")
    inbox = f"{matching}/v1/organisations/{employer['organisation_id']}/matches"
    [match] = httpx.get(inbox, headers=bearer(employer["key"])).json()
    declined = httpx.post(f"{matching}/v1/matches/{match['match_id']}/decline",
                          headers=bearer(employer["key"]),
                          json={"code": "position_filled", "reason": "täitsime ise"})  # fmt: skip
    assert declined.status_code == 200, declined.text
    page.reload()
    decline = page.locator("#proposals .decline")
    assert decline.get_attribute("data-code") == "position_filled"
    assert decline.inner_text() == "Hylätty, koska: Paikka täytettiin – täitsime ise"
    assert page.locator("#why-no-proposal").get_attribute("data-standing") == (
        "fits_already_proposed"
    )
    check_page(page, "case plan with a declined proposal")


def test_the_support_worker_keeps_the_case_plan_and_records_the_exit(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str, artifacts_dir: Path
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    others = json.dumps({"caseplan": nobody, "matching": nobody, "reporting": nobody})
    stack = stack_factory(intake_service_urls=others).start("intake", "caseplan", "matching")  # type: ignore[call-arg]
    stack.start("web")
    intake, caseplan, web = stack["intake"].url, stack["caseplan"].url, stack["web"].url
    employer = post_opening(stack["matching"].url, admin_key, migrated_database_url)
    org = uuid4()
    agreed = httpx.post(  # the organisation serves Rapla vald, so its workers may
        f"{caseplan}/v1/service-agreements", headers=bearer(admin_key),
        json={"organisation_id": str(org), "municipality": "Rapla vald"},
    )  # fmt: skip
    assert agreed.status_code == 201, agreed.text
    worker = httpx.post(
        f"{caseplan}/v1/support-workers", headers=bearer(admin_key),
        json={"organisation_id": str(org), "municipalities": ["Rapla vald"], "active": False},
    ).json()  # fmt: skip
    clerk_key = create_api_key_sync(
        migrated_database_url, role="municipality", municipality="Rapla vald"
    )
    pid = register(intake, clerk_key)
    person = create_person_sync(migrated_database_url, "support_worker", organisation_id=org)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="fi-FI")
        page.goto(web + "/")
        sign_in_by_keyboard(page, person.email, person.password)
        assert page.url == web + "/cases"
        page.wait_for_selector("#waiting")  # caseplan consumed the registration
        wait_until(lambda: page.reload() and page.locator(f"a[href='/cases/{pid}']").count())
        check_page(page, "cases")
        httpx.patch(f"{caseplan}/v1/support-workers/{worker['support_worker_id']}",
                    json={"active": True}, headers=bearer(admin_key))  # fmt: skip
        plan_url = f"{caseplan}/v1/participants/{pid}/case-plan"
        wait_until(lambda: httpx.get(plan_url, headers=bearer(admin_key)).json()["support_worker"])
        page.reload()  # the case is now the organisation's: in my cases, by name
        mine = page.locator(f"#my-cases li[data-participant='{pid}']")
        assert mine.locator("a").inner_text() == "Juhan Mets"
        assert mine.locator(".next-step").get_attribute("data-kind") == "ready_for_matching"
        check_page(page, "my cases")
        mine.locator("a").click()
        page.wait_for_url(f"{web}/cases/{pid}")
        check_page(page, "case plan")
        page.fill("#goal-title", "Työkokeilu puusepänverstaalla")
        page.click("text=Lisää tavoite")
        page.wait_for_selector("#done[data-done=goal]")
        assert "Työkokeilu puusepänverstaalla" in page.inner_text("#goals")
        page.select_option("#activity-type", "work_practice")
        page.click("text=Lisää toiminto")
        page.wait_for_selector("#done[data-done=activity]")
        log_a_week(page)
        page.check("input[name=kinds][value=workshop_place]")
        page.click("text=Merkitse valmiiksi yhteensovitukseen")
        page.wait_for_selector("#done[data-done=ready]")
        assert page.inner_text("#ready") == "työpajapaikka"
        see_the_proposal_and_its_decline(page, stack["matching"].url, employer)
        page.screenshot(path=str(artifacts_dir / "web-case-plan-fi.png"), full_page=True)
        page.select_option("#exit-outcome-choice", "employed")
        page.click("text=Kirjaa päättyminen")
        page.wait_for_selector("#done[data-done=exited]")
        assert page.inner_text("#plan-status") == "suljettu"
        assert page.inner_text("#exit-outcome") == "työssä"
        check_page(page, "closed case plan")
        # Six months pass: the follow-up is due (caseplan refuses it before then).
        with ThreadPoolExecutor(1) as aside:  # Playwright's own loop runs in this thread
            aside.submit(asyncio.run, _six_months_pass(migrated_database_url, pid)).result()
        page.reload()
        page.select_option("#follow-up-choice", "improved_situation")
        page.click("text=Kirjaa seuranta")
        page.wait_for_selector("#done[data-done=followed_up]")
        assert page.inner_text("#follow-up-outcome").startswith("tilanne parani · ")


async def _six_months_pass(dsn: str, participant_id: str) -> None:
    """Move the closed case plan's dates seven months back, as if that time had passed."""
    conn = await asyncpg.connect(dsn)
    try:
        moved = await conn.execute(
            "UPDATE caseplan.case_plan SET opened_on = opened_on - 214,"
            " exited_on = exited_on - 214, follow_up_due_on = follow_up_due_on - 214"
            " WHERE participant_id = $1",
            participant_id,
        )
    finally:
        await conn.close()
    assert moved == "UPDATE 1", moved
