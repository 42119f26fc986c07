"""What every web journey checks on each page: axe-core finds no serious or critical WCAG 2.1
AA violation, and nothing scrolls sideways at 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
_axe = Axe()


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system Chromium, headless."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def check_page(page: Page, what: str) -> None:
    """No serious/critical axe violation; no sideways scrolling at the page's width."""
    results = _axe.run(page, options=WCAG_AA).response
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{what}: {bad}"
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{what}: {width}px wide in a {viewport}px window"


def sign_in_by_keyboard(page: Page, email: str, password: str) -> None:
    """Fill the sign-in form with the keyboard alone and send it with Enter."""
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
