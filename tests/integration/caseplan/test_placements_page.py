"""My placements in the web front against a real caseplan (its database, its Redis consumer):
more than 50 placements page 50 at a time in each list (going on, ended), the week kept while
paging; the week's grid saves the hours of the page it was shown on; the end form's last day
is read dd.mm.yyyy, its errors beside the field in the reader's language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from caseplan_helpers import Caseplan, registered

from services.caseplan.main import create_app as caseplan_app
from services.web.main import create_app as web_app
from services.web.settings import WebSettings
from shared.events.matching import MatchAccepted, OrganisationRegistered
from shared.events.vocabulary import OpeningKind, OrganisationKind
from shared.migrate import migrate
from shared.settings import Settings
from tests.support import bearer, eventually, keyed_client
from tests.support.people import create_person

CENTRAL = uuid4()
OPENED = date.today() - timedelta(days=30)
MANY = 53


@asynccontextmanager
async def stack(settings: Settings, admin_key: str) -> AsyncIterator[tuple[Caseplan, Any]]:
    """Caseplan in this process, and the web front calling it."""
    cp = caseplan_app(settings)
    await migrate(settings.database_url, ("web",))
    web = web_app(
        settings, WebSettings(cookie_secure=False, service_urls={"caseplan": "http://cp"})
    )
    async with cp.router.lifespan_context(cp), web.router.lifespan_context(web):
        await web.state.services.http.aclose()
        web.state.services.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=cp), timeout=10.0
        )
        caseplan = Caseplan(keyed_client(cp, admin_key, base_url="http://cp"), settings)
        try:
            yield caseplan, web
        finally:
            await caseplan.client.aclose()
            await caseplan.redis.aclose()


async def signed_in(web: Any, dsn: str) -> httpx.AsyncClient:
    person = await create_person(dsn, "workshop", organisation_id=CENTRAL)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "UPDATE web.person SET language = 'fi' WHERE person_id = $1", person.person_id
        )
    finally:
        await conn.close()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://web.test")
    form = await client.get("/sign-in")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    answer = await client.post("/sign-in", data={"csrf": token.group(1), "email": person.email,
                                                  "password": person.password})  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client


def shown(html: str, section: str) -> list[str]:
    """The placement ids one section of the page shows."""
    if section == "own":
        return re.findall(r'<fieldset class="placement" id="p-([0-9a-f-]+)"', html)
    return re.findall(r'<li data-placement="([0-9a-f-]+)" data-outcome=', html)


def link(html: str, anchor: str) -> str:
    found = re.search(rf'href="(/placements\?[^"]+)" id="{anchor}"', html)
    assert found, anchor
    return found.group(1).replace("&amp;", "&")


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_more_than_fifty_placements_page_in_both_lists_and_forms_act_on_their_page(
    settings: Settings, admin_key: str
) -> None:
    async with stack(settings, admin_key) as (caseplan, web):
        await caseplan.worker(limit=MANY + 5)
        await caseplan.publish(
            OrganisationRegistered(organisation_id=CENTRAL, name="Puutöökoda",
                                   kind=OrganisationKind.CENTRAL_WORKSHOP, municipality="Rapla vald"),
            producer="matching",
        )  # fmt: skip
        pids = [uuid4() for _ in range(MANY)]
        await caseplan.publish(*(registered(pid, on=OPENED) for pid in pids))
        for pid in pids:
            await caseplan.case_plan(pid)
        await caseplan.publish(
            *(MatchAccepted(match_id=uuid4(), participant_id=pid, opening_id=uuid4(),
                            organisation_id=CENTRAL, opening_kind=OpeningKind.WORKSHOP_PLACE,
                            starts_on=OPENED, hours_per_week=20) for pid in pids),
            producer="matching",
        )  # fmt: skip

        async def all_placed() -> list[str] | None:
            r = await caseplan.client.get(
                f"/v1/organisations/{CENTRAL}/placements", params={"limit": 200}
            )
            items = r.json()["items"]
            return [p["placement_id"] for p in items] if len(items) == MANY else None

        newest_first = await eventually(all_placed, what="every placement in caseplan")
        client = await signed_in(web, settings.database_url)
        try:
            week = (date.today() - timedelta(days=7)).isoformat()
            first = await client.get("/placements", params={"week": week})
            assert first.status_code == 200, first.text
            assert shown(first.text, "own") == newest_first[:50]
            assert "Viikon tallennus tallentaa vain tällä sivulla" in first.text
            assert 'id="next-ended"' not in first.text and 'id="first-page"' not in first.text
            monday = date.fromisoformat(week) - timedelta(days=date.fromisoformat(week).weekday())
            more = link(first.text, "next-active")
            assert f"week={monday.isoformat()}" in more and f"before={newest_first[49]}" in more
            second = await client.get(more)
            assert shown(second.text, "own") == newest_first[50:]
            assert 'id="next-active"' not in second.text
            assert f'action="/placements/week?before={newest_first[49]}"' in second.text
            assert f"/placements?week={monday.isoformat()}" in link(second.text, "first-page")

            # The grid of page 2 saves page 2's hours and comes back to page 2.
            last = newest_first[-1]
            day = monday + timedelta(days=1)
            answer = await client.post(
                f"/placements/week?before={newest_first[49]}",
                data={"csrf": csrf(second.text), "monday": monday.isoformat(),
                      f"placement-{last}": last, f"h-{last}-{day.isoformat()}": "6,5"},
            )  # fmt: skip
            assert answer.status_code == 303, answer.text
            back = answer.headers["location"]
            assert f"before={newest_first[49]}" in back and f"week={monday.isoformat()}" in back
            page = await client.get(back)
            assert shown(page.text, "own") == newest_first[50:]
            assert 'data-done="saved"' in page.text
            logged = await caseplan.sql(
                "SELECT sum(hours) AS h FROM placement_hours WHERE placement_id = $1", UUID(last)
            )
            assert logged[0]["h"] == Decimal("6.5")

            # The end form: dd.mm.yyyy, refused beside the field in Finnish.
            end = f"/placements/{last}/end?before={newest_first[49]}"
            base = {"csrf": csrf(page.text), "monday": monday.isoformat(), "outcome": "completed"}
            for written, code, words in (
                ("2026-13-01", "date_from_datetime_parsing", "Kirjoita päivämäärä muodossa"),
                ((OPENED - timedelta(days=1)).strftime("%d.%m.%Y"), "ends_before_start", None),
                ((date.today() + timedelta(days=1)).strftime("%d.%m.%Y"), "ended_in_future",
                 "Viimeinen päivä ei voi olla tulevaisuudessa."),
            ):  # fmt: skip
                refused = await client.post(end, data=base | {"ended_on": written})
                assert refused.status_code == 422, written
                assert (f'id="end-{last}-ended_on-error" data-code="{code}">') in refused.text
                assert words is None or words in refused.text
                assert f'value="{written}"' in refused.text
                assert shown(refused.text, "own") == newest_first[50:]  # still page 2
            yesterday = date.today() - timedelta(days=1)
            ended = await client.post(end, data=base | {"ended_on": yesterday.strftime("%d.%m.%Y")})
            assert ended.status_code == 303 and "done=ended" in ended.headers["location"]
            [row] = await caseplan.sql(
                "SELECT status, ended_on FROM placement WHERE placement_id = $1", UUID(last)
            )
            assert (row["status"], row["ended_on"]) == ("ended", yesterday)

            # 51 more end (over the API): the ended list pages too, the week kept.
            key_headers = bearer(admin_key)
            for pid in newest_first[:51]:
                r = await caseplan.client.post(
                    f"/v1/placements/{pid}/end", headers=key_headers,
                    json={"organisation_id": str(CENTRAL), "outcome": "hired"},
                )  # fmt: skip
                assert r.status_code == 200, r.text
            page = await client.get("/placements", params={"week": week})
            assert len(shown(page.text, "own")) == 1 and 'id="next-active"' not in page.text
            ended_ids = [*newest_first[:51], last]
            assert shown(page.text, "ended") == ended_ids[:50]
            more = link(page.text, "next-ended")
            assert f"week={monday.isoformat()}" in more
            page = await client.get(more)
            assert shown(page.text, "ended") == ended_ids[50:]
            assert len(shown(page.text, "own")) == 1  # the going-on list stays on its page
        finally:
            await client.aclose()
