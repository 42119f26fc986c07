"""Workshop staff's journey in Chromium, in Estonian, at 360 px: a central workshop posts an
opening (the employer's page, paused later), accepts a proposal, and on *My placements* sees
its own placement (the participant's first name, the support worker's contact) and its
satellite workshop's (read only); logs the week's hours and attendance in one grid (a day
caseplan refuses refuses the whole week, its reason beside its cell), ends the placement
with its outcome; the satellite's staff (in Russian) see only their own placement."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx
from playwright.sync_api import Browser, Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from demo.national_ids import isikukood
from services.web import messages
from services.web.i18n import translations
from tests.support import Stack, bearer, create_api_key_sync, free_port, wait_until
from tests.support.people import WebPerson, create_person_sync

TITLE = "Puutöökoda"
RAPLA = {"lat": 59.0, "lon": 24.79}


def register(intake: str, key: str, serial: int, given_name: str) -> str:
    """A participant of Rapla vald who agreed to employer contact, over intake's API."""
    body = {
        "municipality": "Rapla vald", "national_id": isikukood(date(1982, 4, serial), True, serial),
        "given_name": given_name, "family_name": "Kask", "labour_market_status": "unemployed",
        "home": {"postal_code": "79511", "lat": 59.00712, "lon": 24.79264},
        "availability_hours": 20, "transport": "public", "max_travel_km": 20,
        "consent": {"purposes": ["case_management", "matching", "employer_contact"],
                    "given_at": datetime.now(UTC).isoformat(), "recorded_by": "test"},
    }  # fmt: skip
    answer = httpx.post(f"{intake}/v1/intakes", json=body, headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["participant_id"])


def ready(caseplan: str, key: str, pid: str, kind: str) -> None:
    """Once the case has a worker, the participant is ready for one kind of placement."""

    def has_worker() -> bool:
        plan = httpx.get(f"{caseplan}/v1/participants/{pid}/case-plan", headers=bearer(key))
        return plan.status_code == 200 and bool(plan.json()["support_worker"])

    wait_until(has_worker, timeout=60)
    r = httpx.post(f"{caseplan}/v1/participants/{pid}/ready-for-matching", headers=bearer(key),
                   json={"opening_kinds": [kind]})  # fmt: skip
    assert r.status_code == 200, r.text


def organisation(matching: str, key: str, name: str, kind: str, central: str | None) -> str:
    body = {"name": name, "kind": kind, "municipality": "Rapla vald", "location": RAPLA} | (
        {"central_workshop_id": central} if central else {}
    )
    r = httpx.post(f"{matching}/v1/organisations", headers=bearer(key), json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["organisation_id"])


def satellite_posts(matching: str, key: str, satellite: str) -> None:
    """The satellite workshop, over the API, posts a work practice."""
    r = httpx.post(f"{matching}/v1/openings", headers=bearer(key), json={
        "organisation_id": satellite, "title": "Aiatöö", "kind": "work_practice", "seats": 1,
        "location": RAPLA})  # fmt: skip
    assert r.status_code == 201, r.text


def satellite_accepts(matching: str, key: str, satellite: str) -> None:
    """The satellite workshop, over the API, accepts its proposal."""

    def live() -> list[str]:
        found = httpx.get(f"{matching}/v1/organisations/{satellite}/matches", headers=bearer(key))
        return [m["match_id"] for m in found.json() if m["status"] == "proposed"]

    [match] = wait_until(live, timeout=60)
    r = httpx.post(f"{matching}/v1/matches/{match}/accept", headers=bearer(key), json={})
    assert r.status_code == 200, r.text


def post_an_opening(page: Page) -> None:
    """The employer's openings page serves a workshop too."""
    page.click("nav >> text=Kohad")
    page.click("#new-opening")
    page.select_option("#f-kind", "workshop_place")
    page.fill("#f-title", TITLE)
    page.fill("#f-seats", "2")
    page.click("text=Avalda koht")
    page.wait_for_selector("#done[data-done=posted]")
    check_page(page, "workshop's openings")


def accept_the_proposal(page: Page) -> None:
    """The inbox's acceptance starts a placement."""
    page.click("nav >> text=Ettepanekud")
    live = "#live li[data-status=proposed]"
    wait_until(lambda: page.reload() and page.locator(live).count() == 1, timeout=60)
    accepted = str(page.locator(live).first.get_attribute("data-match"))
    page.click(f"#accept-{accepted}")
    page.wait_for_selector("#done[data-done=accepted]")


def my_placements(page: Page, web: str) -> str:
    """Own placement with the first name and contact; the satellite's read only."""
    page.click("nav >> text=Paigutused")
    page.wait_for_url(f"{web}/placements")

    def both() -> bool:
        page.reload()
        return (
            page.locator("#satellite-placements li").count() == 1
            and page.locator("fieldset.placement").count() == 1
        )

    wait_until(both, timeout=60)
    own = page.locator("fieldset.placement")
    assert own.locator(".participant-first-name").inner_text() == "Mari"
    assert own.locator(".support-worker-contact").inner_text() == "+372 5555 1234"
    theirs = page.locator("#satellite-placements li")
    assert theirs.locator(".participant-first-name").inner_text() == "Jaan"
    assert theirs.locator("input").count() == 0  # read only: logged and ended by its own staff
    assert "Kask" not in page.inner_text("main")  # the given name only
    check_page(page, "my placements")
    return str(own.get_attribute("data-placement"))


def log_the_week(page: Page, placement: str) -> None:
    """A day caseplan refuses (before the start, or ahead) refuses the whole week, its reason
    beside its cell in Estonian; then today's hours and attendance are saved."""
    today = date.today()
    other = today - timedelta(days=1) if today.weekday() > 0 else today + timedelta(days=1)
    cell, bad = f"#h-{placement}-{today.isoformat()}", f"#h-{placement}-{other.isoformat()}"
    page.fill(cell, "6")
    page.fill(bad, "2")
    page.select_option(f"#a-{placement}-{today.isoformat()}", "present")
    page.click("#save-week")
    page.wait_for_selector(f"{bad}[aria-invalid=true]")
    error = page.locator(f"#h-{placement}-{other.isoformat()}-error")
    code = "worked_before_start" if other < today else "worked_in_future"
    assert error.get_attribute("data-code") == code
    assert error.inner_text() == translations("et").gettext(messages.CODES[code])
    assert page.locator(".field-error").count() == 1 and page.locator("#refused").count() == 1
    assert page.locator("fieldset.placement .hours-logged").inner_text() == "0.00"  # nothing
    check_page(page, "the week refused")
    page.fill(bad, "")
    page.click("#save-week")
    page.wait_for_selector("#done[data-done=saved]")
    assert page.locator("fieldset.placement .hours-logged").inner_text() == "6.00"
    assert page.input_value(f"#a-{placement}-{today.isoformat()}") == "present"
    assert "märgitud 6.00 t" in page.inner_text(f"#p-{placement}")
    check_page(page, "the week saved")


def end_it(page: Page, placement: str) -> None:
    """Without an outcome the form refuses beside it, and a last day not written dd.mm.yyyy
    beside that field; with both right, the placement ends."""
    page.click(f"#end-{placement}-button")
    page.wait_for_selector(f"#end-{placement}-outcome[aria-invalid=true]")
    assert page.get_attribute(f"#end-{placement}-outcome-error", "data-code") == "enum"
    page.select_option(f"#end-{placement}-outcome", "completed")
    last_day = f"#end-{placement}-ended_on"
    assert page.get_attribute(last_day, "type") == "text"
    page.fill(last_day, "31.02.2026")
    page.click(f"#end-{placement}-button")
    page.wait_for_selector(f"{last_day}[aria-invalid=true]")
    error = page.locator(f"#end-{placement}-ended_on-error")
    assert error.get_attribute("data-code") == "date_from_datetime_parsing"
    assert "pp.kk.aaaa" in error.inner_text()
    check_page(page, "the last day refused")
    page.select_option(f"#end-{placement}-outcome", "completed")
    page.fill(last_day, date.today().strftime("%d.%m.%Y"))
    page.click(f"#end-{placement}-button")
    page.wait_for_selector("#done[data-done=ended]")
    ended = page.locator(f"#ended-placements li[data-placement='{placement}']")
    assert ended.get_attribute("data-outcome") == "completed"
    assert "Mari" in ended.inner_text() and "lõpetatud" in ended.inner_text()
    assert page.locator("#no-own").count() == 1
    check_page(page, "placement ended")


def pause_the_opening(page: Page) -> None:
    """Pausing is part of the employer's opening form, which workshops use too."""
    page.click("nav >> text=Kohad")
    page.click(f"text={TITLE}")
    page.check("#f-paused")
    page.click("text=Salvesta koht")
    page.wait_for_selector("#done[data-done=saved]")
    assert "peatatud" in page.locator("#openings li", has_text=TITLE).inner_text()


def the_satellite_sees_its_own(browser: Browser, web: str, person: WebPerson) -> None:
    page = browser.new_page(viewport=PHONE, locale="ru-RU")
    page.goto(web + "/")
    sign_in_by_keyboard(page, person.email, person.password)
    page.goto(f"{web}/placements")
    own = page.locator("fieldset.placement")
    assert own.count() == 1 and own.locator(".participant-first-name").inner_text() == "Jaan"
    assert page.locator("#satellite-placements").count() == 0
    assert "Mari" not in page.inner_text("main")
    check_page(page, "the satellite's placements")
    page.close()


def test_workshop_staff_log_a_week_and_end_a_placement(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str, artifacts_dir: Path
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    others = json.dumps({"caseplan": nobody, "matching": nobody, "reporting": nobody})
    stack = stack_factory(intake_service_urls=others).start(  # type: ignore[call-arg]
        "intake", "caseplan", "matching"
    )
    stack.start("web")
    intake, caseplan, matching = (stack[s].url for s in ("intake", "caseplan", "matching"))
    web = stack["web"].url
    central = organisation(matching, admin_key, "Rapla Kesktöökoda", "central_workshop", None)
    satellite = organisation(matching, admin_key, "Kohila töökoda", "satellite_workshop", central)
    staff = create_person_sync(migrated_database_url, "workshop", organisation_id=UUID(central))
    theirs = create_person_sync(migrated_database_url, "workshop", organisation_id=UUID(satellite))
    support = uuid4()
    r = httpx.post(f"{caseplan}/v1/service-agreements", headers=bearer(admin_key),
                   json={"organisation_id": str(support), "municipality": "Rapla vald"})  # fmt: skip
    assert r.status_code == 201, r.text
    r = httpx.post(f"{caseplan}/v1/support-workers", headers=bearer(admin_key), json={
        "organisation_id": str(support), "municipalities": ["Rapla vald"],
        "contact": "+372 5555 1234"})  # fmt: skip
    assert r.status_code == 201, r.text
    clerk = create_api_key_sync(
        migrated_database_url, role="municipality", municipality="Rapla vald"
    )
    satellite_key = create_api_key_sync(migrated_database_url, UUID(satellite), role="workshop")
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="et-EE")
        page.goto(web + "/")
        sign_in_by_keyboard(page, staff.email, staff.password)
        assert page.url == web + "/proposals"
        post_an_opening(page)
        satellite_posts(matching, satellite_key, satellite)
        for serial, name, kind in ((21, "Mari", "workshop_place"), (22, "Jaan", "work_practice")):
            ready(caseplan, admin_key, register(intake, clerk, serial, name), kind)
        accept_the_proposal(page)
        satellite_accepts(matching, satellite_key, satellite)
        placement = my_placements(page, web)
        log_the_week(page, placement)
        page.screenshot(path=str(artifacts_dir / "web-workshop-placements-et.png"), full_page=True)
        end_it(page, placement)
        pause_the_opening(page)
        the_satellite_sees_its_own(browser, web, theirs)
