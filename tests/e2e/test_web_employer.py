"""An employer's journey in Chromium, in Estonian, at 360 px: posting an opening (its errors
beside the fields), two proposals with their explanations, declining one with a coded reason
(words required for another reason), accepting the other (then the participant's first
name and the support worker's contact), editing the opening with a mobile centre's schedule,
the webhook (a new secret shown once, not again on a reload); and through a real SMTP server
the employer is mailed each new proposal and the support worker of the case the decline with
its reason and the acceptance."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import httpx
from playwright.sync_api import Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from demo.national_ids import isikukood
from tests.support import Stack, bearer, create_api_key_sync, free_port, wait_until
from tests.support.people import create_person_sync
from tests.support.smtp import SmtpServer

TITLE = "Rattaremondi töökoda"


def register(intake: str, key: str, serial: int, given_name: str) -> str:
    """A participant of Rapla vald, registered over intake's API."""
    body = {
        "municipality": "Rapla vald", "national_id": isikukood(date(1980, 3, serial), True, serial),
        "given_name": given_name, "family_name": "Tamm", "labour_market_status": "unemployed",
        "home": {"postal_code": "79511", "lat": 59.00712, "lon": 24.79264},
        "availability_hours": 20, "transport": "public", "max_travel_km": 20,
        "consent": {"purposes": ["case_management", "matching", "employer_contact"],
                    "given_at": datetime.now(UTC).isoformat(), "recorded_by": "test"},
    }  # fmt: skip
    answer = httpx.post(f"{intake}/v1/intakes", json=body, headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["participant_id"])


def has_worker(caseplan: str, key: str, participant_id: str) -> bool:
    """Caseplan holds the participant's case plan, with a support worker assigned."""
    plan = httpx.get(f"{caseplan}/v1/participants/{participant_id}/case-plan", headers=bearer(key))
    return plan.status_code == 200 and bool(plan.json()["support_worker"])


def post_an_opening(page: Page, web: str) -> None:
    """The form refuses an empty title beside the field, then posts."""
    page.click("#new-opening")
    page.wait_for_url(f"{web}/openings/new")
    check_page(page, "new opening")
    page.select_option("#f-kind", "workshop_place")
    page.fill("#f-seats", "2")
    page.fill("#f-hours_per_week_max", "20")
    page.click("text=Avalda koht")
    page.wait_for_selector("#f-title[aria-invalid=true]")
    assert page.inner_text("#title-error") == "See väli on kohustuslik."
    check_page(page, "new opening with an error")
    page.fill("#f-title", TITLE)
    page.click("text=Avalda koht")
    page.wait_for_selector("#done[data-done=posted]")
    row = page.locator("#openings li", has_text=TITLE)
    assert row.locator(".seats").inner_text() == "2"
    assert row.locator(".seats-taken").inner_text() == "0"
    check_page(page, "openings")


def decline_and_accept(page: Page) -> tuple[str, str]:
    """Decline the first proposal for another reason (words required), accept the second."""
    wait_until(lambda: page.reload() and page.locator("#live li[data-status=proposed]").count() == 2,
               timeout=60)  # fmt: skip
    first = page.locator("#live li").first
    assert TITLE in first.inner_text()
    assert "nõutud oskused: 100 %" in first.locator(".factors").inner_text()
    check_page(page, "proposals")
    declined = str(first.get_attribute("data-match"))
    page.select_option(f"#code-{declined}", "other")
    page.click(f"#decline-{declined}")
    page.wait_for_selector(f"#reason-{declined}[aria-invalid=true]")
    error = page.locator(f"#reason-{declined}-error")
    assert error.get_attribute("data-code") == "reason_required"
    assert error.inner_text() == "Kirjutage põhjus sõnadega, kui see on muu põhjus."
    check_page(page, "proposals with a decline error")
    page.select_option(f"#code-{declined}", "position_filled")
    page.fill(f"#reason-{declined}", "täitsime koha ise")
    page.click(f"#decline-{declined}")
    page.wait_for_selector("#done[data-done=declined]")
    done = page.locator(f"#decided li[data-match='{declined}'] .decline")
    assert done.get_attribute("data-code") == "position_filled"
    assert done.inner_text() == "Keelduti, sest: Koht täideti – täitsime koha ise"
    accepted = str(page.locator("#live li").first.get_attribute("data-match"))
    page.click(f"#accept-{accepted}")
    page.wait_for_selector("#done[data-done=accepted]")
    mine = page.locator(f"#decided li[data-match='{accepted}']")
    assert mine.get_attribute("data-status") == "accepted"
    assert mine.locator(".support-worker-contact").inner_text() == "+372 5555 1234"
    assert mine.locator(".participant-first-name").inner_text() in ("Mari", "Jaan")
    assert "Tamm" not in page.inner_text("main")  # the given name only
    assert page.locator("#no-live").count() == 1
    check_page(page, "proposals answered")
    return declined, accepted


def edit_the_opening(page: Page, web: str) -> None:
    """More seats and paused; the list shows the seat taken by the acceptance."""
    page.click("nav >> text=Kohad")
    page.click(f"text={TITLE}")
    assert "Täidetud kohti: 1 / 2" in page.inner_text("#opening-seats")
    check_page(page, "opening")
    page.fill("#f-seats", "0")
    page.click("text=Salvesta koht")
    page.wait_for_selector("#f-seats[aria-invalid=true]")
    assert page.locator("#seats-error").get_attribute("data-code") == "greater_than_equal"
    page.fill("#f-seats", "3")
    page.fill("#f-required_skills", "rattaremont, tööriistad")
    page.check("#f-paused")
    page.select_option("#f-stop-0-place", "Rapla vald|Rapla")  # a mobile centre's first stop
    page.fill("#f-stop-0-starts_on", "01.03.2027")
    page.click("text=Salvesta koht")
    page.wait_for_selector("#f-stop-0-ends_on[aria-invalid=true]")
    assert page.inner_text("#stop-0-ends_on-error") == "See väli on kohustuslik."
    check_page(page, "opening with a schedule error")
    page.click("#more-stops")  # one more empty row, nothing saved
    page.wait_for_selector("#f-stop-3-place")
    assert page.locator("fieldset.stop").count() == 4
    assert page.input_value("#f-stop-0-starts_on") == "01.03.2027"
    page.fill("#f-stop-0-ends_on", "14.03.2027")
    page.select_option("#f-stop-3-place", "Märjamaa vald|Märjamaa")
    page.fill("#f-stop-3-starts_on", "15.03.2027")
    page.fill("#f-stop-3-ends_on", "28.03.2027")
    page.click("text=Salvesta koht")
    page.wait_for_selector("#done[data-done=saved]")
    row = page.locator("#openings li", has_text=TITLE)
    assert row.locator(".seats").inner_text() == "3"
    assert row.locator(".seats-taken").inner_text() == "1"
    assert "peatatud" in row.locator(".opening-status").inner_text()
    assert row.locator(".schedule li").all_inner_texts() == [
        "Rapla vald: 01.03.2027 – 14.03.2027", "Märjamaa vald: 15.03.2027 – 28.03.2027"]  # fmt: skip
    check_page(page, "openings with a schedule")
    page.goto(web + str(row.locator("a").get_attribute("href")))
    assert page.input_value("#f-required_skills") == "rattaremont, tööriistad"
    assert page.is_checked("#f-paused")
    assert page.input_value("#f-stop-1-place") == "Märjamaa vald|Märjamaa"
    assert page.input_value("#f-stop-1-ends_on") == "28.03.2027"


def set_the_webhook(page: Page, web: str) -> None:
    """An address that is not https is refused beside the field; a public one is saved, the
    secret rotated (shown once), the webhook turned off."""
    page.goto(f"{web}/notifications")
    assert page.get_attribute("#webhook-state", "data-on") == "false"
    check_page(page, "notifications with the webhook")
    page.fill("#f-webhook_url", "http://127.0.0.1:1/hook")
    page.click("text=Salvesta aadress")
    page.wait_for_selector("#f-webhook_url[aria-invalid=true]")
    assert page.get_attribute("#webhook_url-error", "data-code") == "unsafe_webhook_url"
    check_page(page, "webhook with an error")
    page.fill("#f-webhook_url", "https://93.184.215.14/polku")
    page.click("text=Salvesta aadress")
    page.wait_for_selector("#webhook-done[data-done=set]")
    assert page.get_attribute("#webhook-state", "data-on") == "true"
    page.click("#rotate")
    page.wait_for_url(f"{web}/notifications?webhook=rotated")  # a redirect after the POST
    secret = page.inner_text("#webhook-secret code")
    assert len(secret) >= 32
    check_page(page, "webhook secret shown once")
    page.reload()  # a GET: no second rotation, and the secret is not shown again
    assert page.locator("#webhook-secret").count() == 0 and secret not in page.content()
    assert page.locator("#webhook-secret-gone").count() == 1
    page.click("#webhook-off")
    page.wait_for_selector("#webhook-done[data-done=off]")
    assert page.get_attribute("#webhook-state", "data-on") == "false"


def test_an_employer_answers_proposals_and_edits_an_opening(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str, artifacts_dir: Path
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    others = json.dumps({"caseplan": nobody, "matching": nobody, "reporting": nobody})
    with SmtpServer() as smtp:
        stack = stack_factory(  # type: ignore[call-arg]
            intake_service_urls=others, web_smtp_host="127.0.0.1", web_smtp_port=str(smtp.port),
            web_mail_interval_s="0.2", web_public_url="http://polku.test",
        ).start("intake", "caseplan", "matching")  # fmt: skip
        stack.start("web")
        intake, caseplan, matching = (
            stack["intake"].url,
            stack["caseplan"].url,
            stack["matching"].url,
        )
        web = stack["web"].url
        org = httpx.post(f"{matching}/v1/organisations", headers=bearer(admin_key), json={
            "name": "Rapla Rattaühing", "kind": "association", "municipality": "Rapla vald",
            "location": {"lat": 59.0, "lon": 24.79}})  # fmt: skip
        assert org.status_code == 201, org.text
        employer = create_person_sync(
            migrated_database_url, "employer", organisation_id=UUID(org.json()["organisation_id"])
        )
        support = uuid4()
        agreed = httpx.post(f"{caseplan}/v1/service-agreements", headers=bearer(admin_key),
                            json={"organisation_id": str(support), "municipality": "Rapla vald"})  # fmt: skip
        assert agreed.status_code == 201, agreed.text
        made = httpx.post(f"{caseplan}/v1/support-workers", headers=bearer(admin_key), json={
            "organisation_id": str(support), "municipalities": ["Rapla vald"],
            "contact": "+372 5555 1234"})  # fmt: skip
        assert made.status_code == 201, made.text
        worker = create_person_sync(migrated_database_url, "support_worker",
                                    organisation_id=support)  # fmt: skip
        clerk = create_api_key_sync(
            migrated_database_url, role="municipality", municipality="Rapla vald"
        )
        with chromium() as browser:
            page = browser.new_page(viewport=PHONE, locale="et-EE")
            page.goto(web + "/")
            sign_in_by_keyboard(page, employer.email, employer.password)
            assert page.url == web + "/proposals"
            assert page.locator("#no-live").count() == 1
            check_page(page, "empty inbox")
            page.click("nav >> text=Kohad")
            post_an_opening(page, web)
            for serial, name in ((11, "Mari"), (12, "Jaan")):
                pid = register(intake, clerk, serial, name)
                wait_until(lambda p=pid: has_worker(caseplan, admin_key, p), timeout=60)
                ready = httpx.post(f"{caseplan}/v1/participants/{pid}/ready-for-matching",
                                   headers=bearer(admin_key),
                                   json={"opening_kinds": ["workshop_place"]})  # fmt: skip
                assert ready.status_code == 200, ready.text
            page.click("nav >> text=Ettepanekud")
            declined, _accepted = decline_and_accept(page)
            page.screenshot(path=str(artifacts_dir / "web-employer-inbox-et.png"), full_page=True)
            edit_the_opening(page, web)
            set_the_webhook(page, web)
        # The support worker of the case is told of the decline, with the reason, by e-mail.
        [mail] = wait_until(lambda: [m for m in smtp.to(worker.email) if TITLE in m.subject
                                     and "declined" in m.subject], timeout=60)  # fmt: skip
        assert "täitsime koha ise" in mail.body
        assert declined not in mail.body  # a match id is not a case's name
        [took] = wait_until(lambda: [m for m in smtp.to(worker.email) if TITLE in m.subject
                                     and "accepted" in m.subject], timeout=60)  # fmt: skip
        # The employer was mailed each new proposal (naming nobody), pointing at the inbox.
        told = wait_until(
            lambda: (lambda ms: ms if len(ms) == 2 else None)(
                [m for m in smtp.to(employer.email) if m.subject == f"New proposal for {TITLE}"]
            ),
            timeout=60,
        )
        for m in [*told, mail, took]:
            assert "Mari" not in m.body and "Jaan" not in m.body and "Tamm" not in m.body
        assert all("/proposals" in m.body for m in told)
