"""Through the web front a person of one organisation never sees another's people, and the
services' audit log names the person who read or changed personal data."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID, uuid4

import asyncpg
import httpx
import redis.asyncio as aioredis

from demo.national_ids import isikukood
from shared.events import new_event
from shared.events.intake import ParticipantRegistered
from tests.support import Stack, bearer, eventually
from tests.support.people import create_person
from tests.support.web_browser import Browser

UUID_IN_PATH = re.compile(r"/participants/([0-9a-f-]{36})$")


def _national_id(serial: int) -> str:
    return isikukood(date(1990, 5, 17), male=False, serial=serial)


async def _register(
    browser: Browser,
    given: str,
    family: str,
    serial: int,
    purposes: tuple[str, ...] = ("case_management",),
) -> str:
    await browser.get("/participants/new")
    answer = await browser.post(
        "/participants/new",
        {
            "given_name": given, "family_name": family,
            "national_id": _national_id(serial),
            "labour_market_status": "unemployed", "purposes": list(purposes),
        },
    )  # fmt: skip
    assert answer.status_code == 303, answer.text[-2000:]
    found = UUID_IN_PATH.search(answer.headers["location"])
    assert found
    return found.group(1)


async def test_a_clerk_sees_only_the_own_municipalitys_people_on_every_page(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str
) -> None:
    stack = stack_factory().start("intake")  # type: ignore[call-arg]
    stack.start("web")
    dsn = migrated_database_url
    own = await create_person(dsn, "municipality", municipality="Rapla vald", name="Kati")
    other = await create_person(dsn, "municipality", municipality="Kehtna vald", name="Mati")
    operator = await create_person(dsn, "operator", organisation_id=uuid4())
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        mine, theirs, ops = Browser(client), Browser(client), Browser(client)
        await mine.sign_in(own.email, own.password)
        await theirs.sign_in(other.email, other.password)
        await ops.sign_in(operator.email, operator.password)
        pid = await _register(mine, "Liisa", "Saarmets", 101)
        page = await mine.get(f"/participants/{pid}")
        assert page.status_code == 200 and "Liisa Saarmets" in page.text

        for path in (f"/participants/{pid}", f"/participants/{pid}/edit",
                     f"/participants/{pid}/export"):  # fmt: skip
            refused = await theirs.get(path)
            assert refused.status_code == 404 and "Saarmets" not in refused.text, path
        await theirs.get("/participants")
        found = await theirs.post("/participants/search", {"name": "Saarmets"})
        assert found.status_code == 200 and f"/participants/{pid}" not in found.text
        assert 'id="no-results"' in found.text
        fragment = await theirs.post("/participants/search", {"name": "Liisa"}, hx_request="true")
        assert "Liisa" not in fragment.text and 'id="no-results"' in fragment.text
        for path, form in ((f"/participants/{pid}/edit", {"given_name": "X", "family_name": "Y"}),
                           (f"/participants/{pid}/consent-withdrawal", {}),
                           (f"/participants/{pid}/erasure", {"confirm": "yes"})):  # fmt: skip
            assert (await theirs.post(path, form)).status_code == 404, path
        assert (await ops.get(f"/participants/{pid}")).status_code == 403
        await mine.get("/participants")
        hit = await mine.post("/participants/search", {"name": "saarmets"}, hx_request="true")
        assert f"/participants/{pid}" in hit.text and "Liisa Saarmets" in hit.text
        assert "Liisa" not in str(hit.url) and "Saarmets" not in str(hit.url)

    async with httpx.AsyncClient(base_url=stack["intake"].url) as intake:
        answer = await intake.get(
            "/v1/audit", params={"participant_id": pid}, headers=bearer(admin_key)
        )
    audit = answer.json()
    people = {(e["person_id"], e["action"]) for e in audit}
    assert (str(own.person_id), "participant.created") in people
    assert (str(own.person_id), "participant.read") in people
    assert all(e["person_id"] != str(other.person_id) for e in audit)
    assert all(e["key_id"] is None for e in audit if e["person_id"])


def test_the_services_refuse_a_forged_identity(
    stack_factory: type[Stack], migrated_database_url: str
) -> None:
    import jwt

    stack = stack_factory().start("intake")  # type: ignore[call-arg]
    claims = {"iss": "polku-web", "aud": "polku-services", "sub": str(uuid4()),
              "org": str(uuid4()), "role": "admin", "iat": 0, "exp": 2**31}  # fmt: skip
    forged = jwt.encode(claims, "not-the-secret-000000000000000000000", algorithm="HS256")
    answer = httpx.get(f"{stack['intake'].url}/v1/participants",
                       params={"municipality": "Rapla vald"}, headers=bearer(forged))  # fmt: skip
    assert answer.status_code == 401
    assert answer.json()["detail"]["reason"] == "invalid_identity"


async def test_a_support_worker_of_another_organisation_never_opens_or_lists_the_case(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str
) -> None:
    stack = stack_factory().start("intake", "caseplan")  # type: ignore[call-arg]
    stack.start("web")
    dsn = migrated_database_url
    own_org = uuid4()
    async with httpx.AsyncClient() as api:
        agreed = await api.post(  # the organisation serves Rapla vald, so its workers may
            f"{stack['caseplan'].url}/v1/service-agreements", headers=bearer(admin_key),
            json={"organisation_id": str(own_org), "municipality": "Rapla vald"},
        )  # fmt: skip
        assert agreed.status_code == 201, agreed.text
        worker = await api.post(
            f"{stack['caseplan'].url}/v1/support-workers", headers=bearer(admin_key),
            json={"organisation_id": str(own_org), "municipalities": ["Rapla vald"]},
        )  # fmt: skip
        assert worker.status_code == 201, worker.text
    clerk = await create_person(dsn, "municipality", municipality="Rapla vald")
    own = await create_person(dsn, "support_worker", organisation_id=own_org)
    other = await create_person(dsn, "support_worker")
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        registering, mine, theirs = Browser(client), Browser(client), Browser(client)
        await registering.sign_in(clerk.email, clerk.password)
        pid = await _register(registering, "Peeter", "Kuusk", 202)
        await mine.sign_in(own.email, own.password)
        await theirs.sign_in(other.email, other.password)

        async def planned() -> bool:  # caseplan consumed the registration
            return (await mine.get(f"/cases/{pid}")).status_code == 200

        await eventually(planned, "the case plan", within=30)
        refused = await theirs.get(f"/cases/{pid}")
        assert refused.status_code == 404 and pid not in refused.text
        listed = await mine.get("/cases")  # my cases name the person (intake, by receipt)
        assert f'<a href="/cases/{pid}">Peeter Kuusk</a>' in listed.text
        waiting = await theirs.get("/cases")
        assert pid not in waiting.text and "Kuusk" not in waiting.text
        for path, form in ((f"/cases/{pid}/goals", {"title": "x"}),
                           (f"/cases/{pid}/exit", {"outcome": "employed"})):  # fmt: skip
            assert (await theirs.post(path, form)).status_code == 404, path


async def test_an_employer_never_sees_or_answers_another_organisations_proposals_or_openings(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str
) -> None:
    stack = stack_factory().start("intake", "caseplan", "matching")  # type: ignore[call-arg]
    stack.start("web")
    dsn, matching, caseplan = migrated_database_url, stack["matching"].url, stack["caseplan"].url
    support = uuid4()
    async with httpx.AsyncClient(headers=bearer(admin_key)) as api:
        orgs = []
        for name in ("Rapla Rattaühing", "Kehtna Kangakoda"):
            made = await api.post(f"{matching}/v1/organisations", json={
                "name": name, "kind": "association", "municipality": "Rapla vald",
                "location": {"lat": 59.0, "lon": 24.79}})  # fmt: skip
            assert made.status_code == 201, made.text
            orgs.append(made.json()["organisation_id"])
        posted = await api.post(f"{matching}/v1/openings", json={
            "organisation_id": orgs[0], "title": "Rattaremondi koht", "kind": "workshop_place",
            "seats": 1, "location": {"lat": 59.0, "lon": 24.79}, "hours_per_week_max": 20})  # fmt: skip
        assert posted.status_code == 201, posted.text
        opening_id = posted.json()["opening_id"]
        for path, body in (("/v1/service-agreements", {"municipality": "Rapla vald"}),
                           ("/v1/support-workers", {"municipalities": ["Rapla vald"]})):  # fmt: skip
            made = await api.post(caseplan + path, json={"organisation_id": str(support), **body})
            assert made.status_code == 201, made.text
    clerk = await create_person(dsn, "municipality", municipality="Rapla vald")
    own = await create_person(dsn, "employer", organisation_id=UUID(orgs[0]))
    other = await create_person(dsn, "employer", organisation_id=UUID(orgs[1]))
    worker = await create_person(dsn, "support_worker", organisation_id=support)
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        registering, mine, theirs, case_worker = (Browser(client) for _ in range(4))
        await registering.sign_in(clerk.email, clerk.password)
        pid = await _register(registering, "Peeter", "Kuusk", 303, ("case_management", "matching"))
        for browser, person in ((mine, own), (theirs, other), (case_worker, worker)):
            await browser.sign_in(person.email, person.password)

        async def assigned() -> bool:
            return (await case_worker.get(f"/cases/{pid}")).status_code == 200

        await eventually(assigned, "the case with its worker", within=30)
        await case_worker.post(f"/cases/{pid}/ready", {"kinds": ["workshop_place"]})

        async def proposed() -> str | None:
            found = re.search(r'data-match="([0-9a-f-]{36})"', (await mine.get("/proposals")).text)
            return found.group(1) if found else None

        match_id = await eventually(proposed, "the proposal in the inbox", within=60)
        inbox = (await mine.get("/proposals")).text
        assert "Rattaremondi koht" in inbox
        for secret in ("Peeter", "Kuusk", _national_id(303), pid):  # no name, identity number or id
            assert secret not in inbox, secret
        seen = (await theirs.get("/proposals")).text
        assert match_id not in seen and "Rattaremondi koht" not in seen and 'id="no-live"' in seen
        listed = (await theirs.get("/openings")).text
        assert opening_id not in listed and 'id="no-openings"' in listed
        assert opening_id in (await mine.get("/openings")).text
        assert (await theirs.get(f"/openings/{opening_id}")).status_code == 404
        for path, form in ((f"/openings/{opening_id}", {"title": "Minu", "seats": "5",
                                                        "hours_per_week_min": "0",
                                                        "hours_per_week_max": "20"}),
                           (f"/proposals/{match_id}/accept", {}),
                           (f"/proposals/{match_id}/decline", {"code": "position_filled"})):  # fmt: skip
            refused = await theirs.post(path, form)
            assert refused.status_code == 404 and "Rattaremondi" not in refused.text, path
        assert (
            f'data-match="{match_id}" data-status="proposed"' in (await mine.get("/proposals")).text
        )
        assert (await case_worker.get("/proposals")).status_code == 403
        assert (await case_worker.get("/openings")).status_code == 403
        accepted = await mine.post(f"/proposals/{match_id}/accept", {})
        assert accepted.status_code == 303, accepted.text[-2000:]
        inbox = (await mine.get("/proposals")).text
        assert f'data-match="{match_id}" data-status="accepted"' in inbox
        # no consent to employer contact: even the accepting organisation gets no name
        for secret in ("Peeter", "Kuusk", _national_id(303), pid):
            assert secret not in inbox, secret
        assert match_id not in (await theirs.get("/proposals")).text


async def test_the_waiting_list_names_who_waits_where_the_organisation_serves_a_page_at_a_time(
    stack_factory: type[Stack], migrated_database_url: str, admin_key: str, redis_url: str
) -> None:
    stack = stack_factory().start("intake", "caseplan")  # type: ignore[call-arg]
    stack.start("web")
    dsn, own_org = migrated_database_url, uuid4()
    async with httpx.AsyncClient() as api:  # an agreement and no worker: everyone waits
        agreed = await api.post(
            f"{stack['caseplan'].url}/v1/service-agreements", headers=bearer(admin_key),
            json={"organisation_id": str(own_org), "municipality": "Rapla vald"},
        )  # fmt: skip
        assert agreed.status_code == 201, agreed.text
    clerk = await create_person(dsn, "municipality", municipality="Rapla vald")
    own = await create_person(dsn, "support_worker", organisation_id=own_org)
    other = await create_person(dsn, "support_worker")
    async with httpx.AsyncClient(base_url=stack["web"].url) as client:
        registering, mine, theirs = Browser(client), Browser(client), Browser(client)
        await registering.sign_in(clerk.email, clerk.password)
        first = await _register(registering, "Peeter", "Kuusk", 303)
        second = await _register(registering, "Anu", "Tamm", 304)
        await mine.sign_in(own.email, own.password)
        await theirs.sign_in(other.email, other.password)

        async def both_wait() -> bool:
            return second in (await mine.get("/cases")).text

        await eventually(both_wait, "both on the waiting list", within=30)
        redis = aioredis.from_url(redis_url)  # 51 more wait, known to caseplan only
        try:
            for _ in range(51):
                event = new_event(ParticipantRegistered(
                    participant_id=uuid4(), municipality="Rapla vald",
                    registered_on=date.today()), producer="test")  # fmt: skip
                await redis.xadd(event.stream, {"__data__": event.model_dump_json()})
        finally:
            await redis.aclose()

        async def all_wait() -> bool:
            r = await client.get(f"{stack['caseplan'].url}/v1/waiting-list",
                                 params={"limit": 200}, headers=bearer(admin_key))  # fmt: skip
            return len(r.json()["items"]) == 53

        await eventually(all_wait, "53 on the waiting list", within=30)
        page = (await mine.get("/cases")).text
        waiting = page.split('id="waiting"')[1].split("</ol>")[0]
        assert waiting.count("<li ") == 50
        assert (
            f'<li value="1" data-participant="{first}"><a href="/cases/{first}">Peeter Kuusk</a>'
            in waiting
        )
        assert f'<a href="/cases/{second}">Anu Tamm</a>' in waiting
        assert 'id="waiting-prev"' not in page
        later = re.search(r'href="([^"]+)" id="waiting-next"', page)
        assert later
        rest = (await mine.get(later.group(1).replace("&amp;", "&"))).text
        tail = rest.split('id="waiting"')[1].split("</ol>")[0]
        assert tail.count("<li ") == 3 and '<li value="51"' in tail and "Kuusk" not in tail
        assert 'id="waiting-prev"' in rest and 'id="waiting-next"' not in rest
        earlier = re.search(r'href="([^"]+)" id="waiting-prev"', rest)
        assert earlier
        back = (await mine.get(earlier.group(1).replace("&amp;", "&"))).text
        assert back.split('id="waiting"')[1].split("</ol>")[0] == waiting
        stranger = (await theirs.get("/cases")).text  # no agreement: nobody, no name
        assert first not in stranger and "Kuusk" not in stranger and "Tamm" not in stranger
        assert 'id="nobody-waiting"' in stranger
    conn = await asyncpg.connect(dsn)
    try:
        audited = await conn.fetch(
            "SELECT action FROM intake.audit_log WHERE participant_id = $1"
            " AND organisation_id = $2",
            UUID(first),
            own_org,
        )
    finally:
        await conn.close()
    assert "participant.names.waiting" in {a["action"] for a in audited}
