"""My placements on a middle page of both lists, in Chromium at 360 px with axe-core: the
rendered page (the template, the web front's own CSS and script, no stack behind it) with the
next-page links, the note that the grid saves this page's placements, a refused last day
beside its field. The journey with real services is `test_web_workshop.py`; paging against a
real caseplan with more than 50 placements is `tests/integration/caseplan/test_placements_page.py`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from babel.dates import format_date
from playwright.sync_api import Route
from web_pages import PHONE, check_page, chromium

from services.web import domain, messages
from services.web.i18n import render, translations
from services.web.worker_forms import week_of
from services.web.workshop_forms import PLACEMENT_OUTCOMES, cell

STATIC = Path(__file__).resolve().parents[2] / "services" / "web" / "static"
MONDAY = week_of(date.today())[0]


def _line(n: int, **extra: Any) -> dict[str, Any]:
    pid = f"0190f000-0000-7000-8000-{n:012d}"
    days = [{"day": d.isoformat(), "hours": "0", "present": None} for d in week_of(MONDAY)]
    return {
        "placement_id": pid, "organisation_id": "o1", "participant_id": f"p-{n}",
        "opening_id": None, "opening_kind": "workshop_place",
        "starts_on": (MONDAY - timedelta(days=30)).isoformat(), "hours_per_week": 20,
        "status": "active", "outcome": None, "ended_on": None, "hours_logged": "126.50",
        "own": True, "started": True, "support_worker_contact": "tugiisik.pikk-nimi@example.org",
        "placement_receipt": "1.x", "week": days,
    } | extra  # fmt: skip


def _html(language: str) -> str:
    gettext = translations(language).gettext
    own = [_line(1), _line(2)]
    ended = [_line(3, status="ended", outcome="ended_by_organisation", own=True,
                   ended_on=MONDAY.isoformat())]  # fmt: skip
    first = own[0]["placement_id"]
    week = f"week={MONDAY.isoformat()}"
    return render(
        "placements.html", language, csrf="t", path="/placements",
        person={"display_name": "Mari", "role": "workshop", "manages_people": False},
        words=lambda code: messages.words_of(code, gettext),
        field_words=lambda error: messages.field_words(error, gettext), field_label=str,
        weekday=lambda d: format_date(d, "EEE", locale=domain.locale_of(language)),
        own=own, satellites=[_line(4, own=False, organisation_id="o2")], ended=ended,
        names={"p-1": "Aino"}, week=week_of(MONDAY), previous=MONDAY - timedelta(days=7),
        next=MONDAY + timedelta(days=7), this_week=MONDAY, outcomes=PLACEMENT_OUTCOMES,
        cell=cell, errors={}, end_errors={first: {"ended_on": "ended_in_future"}},
        values={f"end-{first}-ended_on": "01.01.2099"}, done=None,
        here=f"before={first}", paged=True, next_active=f"{week}&before=b",
        next_ended=f"{week}&ended_before=e", first_page=week,
    )  # fmt: skip


def _server(html: str) -> Callable[[Route], None]:
    """The page's HTML, and the web front's static files beside it."""

    def serve(route: Route) -> None:
        url = route.request.url
        if url.startswith("http://web.test/static/"):
            name = url.rsplit("/", 1)[-1].split("?")[0]
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            route.fulfill(body=(STATIC / name).read_bytes(), content_type=kind)
        else:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return serve


def test_a_middle_page_of_my_placements_passes_axe_at_360_px() -> None:
    with chromium() as browser:
        for language in ("et", "ru"):
            page = browser.new_page(viewport=PHONE)
            html = _html(language)

            page.route("http://web.test/**", _server(html))
            page.goto("http://web.test/placements")
            assert page.evaluate("document.styleSheets[0].cssRules.length") > 10  # web.css
            assert page.locator("#next-active").count() == 1
            assert page.locator("#next-ended").count() == 1
            assert page.locator("#first-page").count() == 1
            assert page.locator("#page-only").is_visible()
            assert page.locator(".field-error[data-code=ended_in_future]").is_visible()
            check_page(page, f"a middle page of my placements ({language})")
            page.close()
