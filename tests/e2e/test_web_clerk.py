"""The municipality clerk's journey in Chromium, in Estonian, at 360 px: register (errors
beside their fields), find by name, correct, withdraw consent, export, erase."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from demo.national_ids import isikukood
from tests.support import Stack, free_port
from tests.support.people import create_person_sync

NATIONAL_ID = isikukood(date(1988, 2, 29), male=False, serial=42)


def register_with_errors_then_right(page: Page) -> None:
    """The first try lacks a name and has a wrong id: both errors show beside their fields."""
    page.click("text=Registreeri inimene")
    page.fill("#f-family_name", "Kask")
    page.fill("#f-national_id", "38001085710")  # wrong check digit
    page.select_option("#f-labour_market_status", "long_term_unemployed")
    page.click("button[type=submit] >> text=Registreeri")
    page.wait_for_load_state()
    assert page.inner_text("#given_name-error") == "See väli on kohustuslik."
    assert page.inner_text("#national_id-error") == "See ei ole kehtiv isikukood."
    assert page.get_attribute("#f-given_name", "aria-invalid") == "true"
    assert page.get_attribute("#f-given_name", "aria-describedby") == "given_name-error"
    assert page.input_value("#f-family_name") == "Kask"  # what was typed stays
    check_page(page, "registration with errors")
    page.fill("#f-given_name", "Anneli")
    page.fill("#f-national_id", NATIONAL_ID)
    page.fill("#f-email", "anneli.kask@example.ee")
    page.click("button[type=submit] >> text=Registreeri")
    page.wait_for_url("**/participants/*")
    assert page.inner_text("h1") == "Anneli Kask"
    registered = page.inner_text("#registered-on")
    assert len(registered) == 10 and registered[2] == registered[5] == "."  # dd.mm.yyyy
    assert page.locator("#proposals-unavailable").count() == 1  # matching is not running here
    check_page(page, "participant")


def find_by_name(page: Page, web: str) -> None:
    """The search is a POST (no name in the URL); htmx puts the results under the form."""
    page.goto(web + "/participants")
    page.fill("#search-name", "A")  # one letter would match most of a municipality
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-error")
    assert "kaks tähte" in page.inner_text("#search-error")  # in the clerk's language
    page.fill("#search-name", "anneli")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results a")
    assert "anneli" not in page.url.lower()
    check_page(page, "search results")
    page.click("#results a >> text=Anneli Kask")
    page.wait_for_url("**/participants/*")


def correct_and_withdraw(page: Page) -> None:
    """Correct the family name; withdraw consent for matching."""
    page.click("text=Paranda andmeid")
    page.fill("#f-family_name", "Kask-Tamm")
    page.click("main button[type=submit]")
    page.wait_for_selector("#done[data-done=corrected]")
    assert page.inner_text("h1") == "Anneli Kask-Tamm"
    page.check("input[name=purposes][value=matching]")
    page.click("text=Salvesta tagasivõtmine")
    page.wait_for_selector("#done[data-done=withdrawn]")
    assert page.inner_text("#consent") == "juhtumikorraldus"
    check_page(page, "after the withdrawal")


def export_then_erase(page: Page, artifacts: Path) -> None:
    """Download the subject-access export; erase only once the box is ticked."""
    with page.expect_download() as download:
        page.click("text=Laadi alla kõik hoitavad andmed (andmesubjekti päring)")
    target = artifacts / "web-subject-access-export.json"
    download.value.save_as(target)
    document = json.loads(target.read_text())
    assert document["intake"]["participant"]["given_name"] == "Anneli"
    here = page.url
    page.click("button.danger")
    page.wait_for_selector("#done[data-done=not_confirmed]")
    page.check("#confirm-erasure")
    page.click("button.danger")
    page.wait_for_selector("#erased")
    check_page(page, "erased")
    page.goto(here)
    assert page.locator("[data-code=participant_not_found]").count() == 1


def upload_a_sheet(page: Page, web: str, tmp: Path) -> None:
    """A two-row workbook with one bad id (its dates a date cell and Excel's text): the
    template downloaded, the preview, then the outcome, each checked by axe."""
    good = isikukood(date(1970, 1, 1), male=True, serial=5)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["national_id", "given_name", "family_name", "labour_market_status",
                  "consent_purposes", "consent_given_at", "consent_recorded_by"])  # fmt: skip
    sheet.append(
        [int(good), "Toomas", "Pärn", "inactive", "matching", datetime(2026, 1, 15), "Kati"]
    )
    sheet.append(["38001085710", "Urve", "Lepp", "inactive", "matching", "15.01.2026", "Kati"])
    book.save(tmp / "rapla.xlsx")
    page.goto(web + "/participants/upload")
    check_page(page, "upload")
    with page.expect_download() as download:
        page.click("#templates a[href$='.xlsx']")
    download.value.save_as(tmp / "template.xlsx")
    assert download.value.suggested_filename == "polku-participants-template.xlsx"
    template = load_workbook(tmp / "template.xlsx").active
    assert template is not None and template["A1"].value == "national_id"
    page.set_input_files("#file", str(tmp / "rapla.xlsx"))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.inner_text("#row-count") == "rapla.xlsx: 2 inimest"
    check_page(page, "upload preview")
    with page.expect_navigation():
        page.click("#confirm")
    assert page.get_attribute("#outcome", "data-created") == "1"
    assert page.inner_text("#problems") == (
        "Rida 3, veerg national_id: See ei ole kehtiv isikukood."
    )
    check_page(page, "upload outcome")


def test_the_clerk_registers_finds_corrects_and_erases_a_person(
    stack_factory: type[Stack], migrated_database_url: str, artifacts_dir: Path, tmp_path: Path
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    others = json.dumps({"caseplan": nobody, "matching": nobody, "reporting": nobody})
    stack = stack_factory(intake_service_urls=others).start("intake")  # type: ignore[call-arg]
    stack.start("web")
    web = stack["web"].url
    clerk = create_person_sync(
        migrated_database_url, "municipality", municipality="Rapla vald", name="Kati Kask"
    )
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="et-EE", accept_downloads=True)
        page.goto(web + "/")
        sign_in_by_keyboard(page, clerk.email, clerk.password)
        assert page.url == web + "/participants"
        check_page(page, "participants")
        upload_a_sheet(page, web, tmp_path)
        page.goto(web + "/participants")
        register_with_errors_then_right(page)
        find_by_name(page, web)
        correct_and_withdraw(page)
        export_then_erase(page, artifacts_dir)
