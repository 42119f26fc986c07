"""The operator's journey in Chromium: sign in, today's dashboard behind it, four languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pyotp
import redis
from playwright.sync_api import Page
from web_pages import PHONE, check_page, chromium, sign_in_by_keyboard

from shared.events import Envelope, new_event
from shared.events import caseplan as cp
from shared.events import intake as ik
from shared.events import matching as mt
from shared.spreadsheet import XLSX_TYPE, read_xlsx
from tests.support import Stack, bearer, wait_until
from tests.support.people import create_person_sync

HEADINGS = {
    "et": "Täna võrgustikus",
    "fi": "Tänään verkostossa",
    "ru": "Сегодня в сети",
    "en": "Today in the network",
}
PICTURE = {  # the map's and the structure's headings
    "et": ("Piirkond", "Töötuse struktuur", "Vahepealne tööturg"),
    "fi": ("Alue", "Työttömyyden rakenne", "Välityömarkkinat"),
    "ru": ("Регион", "Структура безработицы", "Промежуточный рынок труда"),
    "en": ("The region", "Structure of unemployment", "Intermediate labour market"),
}


WORKER = uuid4()
"""The caseplan support worker holding one case, with their own limit of 6."""


def region_events() -> list[Envelope[Any]]:
    """Three participants in Kaustinen and one in Narva; an association's opening of four
    seats in Kaustinen, one of them taken; one case held by WORKER."""
    people = [("Kaustinen", "18-24", 8, 2)] * 2 + [("Kaustinen", "55+", 30, 3),
                                                   ("Narva linn", "30-54", 2, 5)]  # fmt: skip
    out: list[Envelope[Any]] = []
    pids = []
    for municipality, band, months, isced in people:
        pids.append(pid := uuid4())
        out.append(new_event(ik.ParticipantRegistered(
            participant_id=pid, municipality=municipality, registered_on=date(2025, 2, 3),
            age_band=band, months_unemployed=months, isced_level=isced), producer="test"))  # fmt: skip
    opening, org = uuid4(), uuid4()
    out.append(new_event(mt.OpeningPosted(
        opening_id=opening, organisation_id=org, organisation_kind="association",
        municipality="Kaustinen", title="Työkokeilu", kind="work_practice", seats=4),
        producer="test"))  # fmt: skip
    out.append(new_event(cp.PlacementStarted(
        participant_id=pids[0], placement_id=uuid4(), organisation_id=org, opening_id=opening,
        starts_on=date(2025, 3, 1)), producer="test"))  # fmt: skip
    plan = uuid4()
    out.append(new_event(cp.CaseplanOpened(
        participant_id=pids[1], case_plan_id=plan, municipality="Kaustinen",
        opened_on=date(2025, 2, 3), planned_end_on=date(2099, 1, 1)), producer="test"))  # fmt: skip
    out.append(new_event(cp.CaseplanWorkerAssigned(
        participant_id=pids[1], case_plan_id=plan, support_worker_id=WORKER,
        assigned_on=date(2025, 2, 4), caseload_limit=6), producer="test"))  # fmt: skip
    return out


def publish(redis_url: str, events: list[Envelope[Any]]) -> None:
    """XADD the events as the outbox relay does."""
    client = redis.Redis.from_url(redis_url)
    for env in events:
        client.xadd(env.stream, {"__data__": env.model_dump_json()})
    client.close()


def test_the_operator_signs_in_and_reads_the_dashboard_in_four_languages(
    stack_factory: type[Stack],
    migrated_database_url: str,
    admin_key: str,
    artifacts_dir: Path,
    redis_url: str,
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
        see_the_picture(page, web, stack["reporting"].url, admin_key, redis_url)
        for language, heading in HEADINGS.items():
            page.select_option("#language", language)
            with page.expect_navigation():
                page.click(".lang button")
            assert page.get_attribute("html", "lang") == language
            assert page.inner_text("h1") == heading
            assert [page.inner_text(f"#{h}-title") for h in ("region", "structure", "ilm")] == [
                *PICTURE[language]
            ]
            assert page.locator("#map title").first.text_content() != ""
            check_page(page, f"dashboard in {language}")
            page.screenshot(
                path=str(artifacts_dir / f"web-dashboard-{language}.png"), full_page=True
            )
        set_up_totp(page, web)
        page.click(".out button")
        page.wait_for_url(web + "/sign-in")
        page.goto(web + "/dashboard")
        assert page.url == web + "/sign-in"
    worker = create_person_sync(migrated_database_url, "support_worker")
    admin = create_person_sync(migrated_database_url, "admin", manages_people=True)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale="ru-RU")
        invite_by_keyboard(page, web, admin.email, admin.password)
        name_the_worker(page, web, worker.person_id)


def name_the_worker(page: Page, web: str, person_id: Any) -> None:
    """Before the link the caseload chart shows the worker's id; the admin links the worker's
    web account to the caseplan id on the People page, then it shows their name."""
    page.goto(web + "/dashboard")
    assert page.locator("#loads tbody tr td").all_inner_texts()[:3] == [str(WORKER)[:8], "1", "6"]
    assert page.locator("#loads-chart .caseload text").first.text_content() == str(WORKER)[:8]
    page.goto(web + "/people")
    page.fill(f"#worker-{person_id}", "not an id")
    with page.expect_navigation():
        page.press(f"#worker-{person_id}", "Enter")
    assert page.locator(".error").get_attribute("data-code") == "worker_id_invalid"
    page.fill(f"#worker-{person_id}", str(WORKER))
    with page.expect_navigation():
        page.press(f"#worker-{person_id}", "Enter")
    assert page.input_value(f"#worker-{person_id}") == str(WORKER)
    check_page(page, "people with a linked support worker")
    row = page.locator(f"tr:has(#worker-{person_id}) td").first.inner_text()
    page.goto(web + "/dashboard")
    assert page.locator("#loads tbody tr td").all_inner_texts()[:3] == [row, "1", "6"]
    assert page.locator("#loads-chart .caseload text").first.text_content() == row
    got = page.request.get(web + "/dashboard/reports/caseloads.csv")  # the names as shown
    assert got.status == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.text().splitlines()[:2] == [
        "support_worker,support_worker_id,cases,capacity,utilisation",
        f"{row},{WORKER},1,6,0.167",
    ]
    book = page.request.get(web + "/dashboard/reports/caseloads.xlsx")
    assert book.status == 200 and book.headers["content-type"] == XLSX_TYPE
    assert read_xlsx(book.body()).rows[0][:3] == [row, str(WORKER), "1"]
    outside = page.request.get(web + "/dashboard/reports/caseloads.xlsx?audience=external")
    assert read_xlsx(outside.body()).rows[0][0] == ""  # shared outside: nobody by name
    streams = page.request.get(web + "/dashboard/reports/pipeline.xlsx")
    assert streams.status == 200 and streams.headers["content-type"] == XLSX_TYPE
    assert read_xlsx(streams.body()).header == ["stream", "group", "length", "lag", "pending"]


def see_the_picture(page: Page, web: str, reporting: str, key: str, redis_url: str) -> None:
    """The map, the structure and the intermediate labour market drawn from the events, a
    sub-region chosen with the form, a table downloaded."""
    publish(redis_url, region_events())
    url = f"{reporting}/v1/reports/places"
    wait_until(
        lambda: (
            [r["participants"] for r in httpx.get(url, headers=bearer(key)).json()["rows"]]
            == [3, 1]
        ),
        what="reporting counts the region's participants",
    )
    page.goto(web + "/dashboard")
    for svg in ("map", "structure-age_band", "structure-months_unemployed",
                "structure-isced_level", "ilm-chart", "months-chart", "loads-chart"):  # fmt: skip
        chart = page.locator(f"svg#{svg}")
        assert chart.get_attribute("role") == "img", svg
        assert page.locator(f"svg#{svg} > title").text_content() != "", svg
    marker = str(page.locator('#map .marker[data-municipality="Kaustinen"] title').text_content())
    assert marker == "Kaustinen: osallistujia 3, vapaita paikkoja 3, käynnissä olevia sijoituksia 1"
    cells = page.locator('#places tr[data-municipality="Kaustinen"] td').all_inner_texts()
    assert cells == ["3", "3", "1"]  # participants, open seats, placements going on
    assert page.locator("#structure tbody tr").count() == 3
    assert page.locator("#structure-age_band rect").count() == 3  # 18-24, 30-54, 55+
    assert page.locator("#ilm tbody tr").all_inner_texts()[0].split("\t")[1:5] == [
        "1",
        "4",
        "1",
        "3",
    ]
    page.select_option("#filter-sub-region", "Kaustinen")
    with page.expect_navigation():
        page.click("#place-filter button")
    assert "sub_region=Kaustinen" in page.url
    assert page.locator("#map .marker").count() == 6  # the sub-region's six municipalities
    assert page.locator('#places tr[data-municipality="Narva linn"]').count() == 0
    assert page.locator("#structure tbody tr").count() == 2
    assert page.locator("#sub-region-downloads").count() == 1
    check_page(page, "dashboard of the Kaustinen sub-region")
    href = page.locator("#structure-title ~ .downloads a").first.get_attribute("href")
    got = page.request.get(web + str(href))
    assert got.status == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.text().splitlines()[0] == (
        "municipality,age_band,months_unemployed,isced_level,participants"
    )
    outside = page.request.get(web + "/dashboard/reports/places.csv?audience=external")
    assert "Narva linn,<5," in outside.text()
    page.goto(web + "/dashboard")


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
