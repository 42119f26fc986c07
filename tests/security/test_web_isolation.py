"""Through the web front a person of one organisation never sees another's people, and the
services' audit log names the person who read or changed personal data."""

from __future__ import annotations

import re
from datetime import date
from uuid import uuid4

import httpx

from demo.national_ids import isikukood
from tests.support import Stack, bearer, eventually
from tests.support.people import create_person
from tests.support.web_browser import Browser

UUID_IN_PATH = re.compile(r"/participants/([0-9a-f-]{36})$")


async def _register(browser: Browser, given: str, family: str, serial: int) -> str:
    await browser.get("/participants/new")
    answer = await browser.post(
        "/participants/new",
        {
            "given_name": given, "family_name": family,
            "national_id": isikukood(date(1990, 5, 17), male=False, serial=serial),
            "labour_market_status": "unemployed", "purposes": ["case_management"],
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
