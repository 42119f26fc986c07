"""The operator's journey in Chromium: sign in, today's dashboard behind it, four languages."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyotp
from playwright.sync_api import Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from tests.support import Stack, bearer, wait_until
from tests.support.people import create_person_sync

HEADINGS = {
    "et": "Täna võrgustikus",
    "fi": "Tänään verkostossa",
    "ru": "Сегодня в сети",
    "en": "Today in the network",
}


def test_the_operator_signs_in_and_reads_the_dashboard_in_four_languages(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str, artifacts_dir: Path
) -> None:
    stack = stack_factory().start("reporting")  # type: ignore[call-arg]
    stack.start("web")
    web = stack["web"].url
    operator = create_person_sync(migrated_database_url, "operator")
    url = f"{stack['reporting'].url}/v1/reports/summary"
    # Reporting may still be rebuilding its figure store just after start (a first request can
    # meet a deadlock then, answered 500): wait until it answers.
    summary = wait_until(
        lambda: (r := httpx.get(url, headers=bearer(admin_key))).status_code == 200 and r.json(),
        what="reporting answers its summary",
    )
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="fi-FI")
        page.goto(web + "/")
        assert page.url == web + "/sign-in"
        assert page.get_attribute("html", "lang") == "fi"  # Accept-Language, before sign-in
        check_page(page, "sign-in")
        sign_in_by_keyboard(page, operator.email, "not the password")
        assert page.locator("#sign-in-error").get_attribute("data-code") == "sign_in_failed"
        sign_in_by_keyboard(page, operator.email, operator.password)
        assert page.url == web + "/dashboard"
        assert "key" not in page.url and "polku_" not in page.url
        assert "polku_session" not in page.evaluate("document.cookie")  # HttpOnly
        shown = page.eval_on_selector_all(
            "[data-figure]", "els => els.map(e => [e.dataset.figure, e.textContent])"
        )
        assert len(shown) == 10
        for figure, text in shown:
            assert text == ("–" if summary[figure] is None else str(summary[figure])), figure
        for language, heading in HEADINGS.items():
            page.select_option("#language", language)
            with page.expect_navigation():
                page.click(".lang button")
            assert page.get_attribute("html", "lang") == language
            assert page.inner_text("h1") == heading
            check_page(page, f"dashboard in {language}")
            page.screenshot(
                path=str(artifacts_dir / f"web-dashboard-{language}.png"), full_page=True
            )
        set_up_totp(page, web)
        page.click(".out button")
        page.wait_for_url(web + "/sign-in")
        page.goto(web + "/dashboard")
        assert page.url == web + "/sign-in"
    admin = create_person_sync(migrated_database_url, "admin", manages_people=True)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="ru-RU")
        invite_by_keyboard(page, web, admin.email, admin.password)


def set_up_totp(page: Page, web: str) -> None:
    """Two-step sign-in from the account page: the key, then a code from it."""
    page.goto(web + "/account")
    check_page(page, "account")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    secret = page.inner_text("#totp-secret")
    check_page(page, "account with a TOTP key")
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("#totp-state").count() == 1


def invite_by_keyboard(page: Page, web: str, email: str, password: str) -> None:
    """The first Tab reaches the skip link; the invitation form is filled with keys alone."""
    page.goto(web + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    sign_in_by_keyboard(page, email, password)
    assert page.url == web + "/people"
    check_page(page, "people")
    page.focus("#invite-email")
    page.keyboard.type("new.person@test.polku")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # municipality -> support_worker
    page.keyboard.press("Tab")  # to a text field, where Enter sends the form
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/links/invitation/" in page.inner_text("#one-time-link")
    check_page(page, "people with a one-time link")
