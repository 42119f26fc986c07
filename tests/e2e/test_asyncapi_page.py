"""The streams' contract page in real headless Chromium: offline, every channel and message."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from shared.events import EVENT_TYPES
from tests.support import Stack

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_asyncapi_page_lists_channels_messages_and_fields(
    stack_factory: type[Stack], artifacts_dir: Path
) -> None:
    url = stack_factory().start("caseplan")["caseplan"].url  # type: ignore[call-arg]
    document = httpx.get(f"{url}/asyncapi.json").json()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{url}/asyncapi")
            page.wait_for_selector("#channels section details")
            addresses = page.locator("#channels section h2").all_inner_texts()
            assert addresses == [c["address"] for c in document["channels"].values()]
            assert page.locator("#channels details").count() == len(EVENT_TYPES)
            box = page.locator("#msg-participant\\.exited\\.v1")
            box.locator("summary").click()
            text = box.inner_text()
            assert "The case closed" in text and "Produced by caseplan" in text
            assert "participant_id" in text and "outcome" in text
            assert page.locator(".badge.receive").count() == 2  # polku.intake, polku.matching
            assert page.locator("#error").inner_text() == ""
            page.screenshot(path=str(artifacts_dir / "asyncapi-page.png"), full_page=True)
        finally:
            browser.close()
    assert requested and all(r.startswith(url) for r in requested), requested
