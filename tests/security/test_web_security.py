"""The web front's sign-in: throttling, CSRF, session fixation, cookies, links, TOTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pyotp
import pytest
from fastapi import FastAPI

from services.web.main import create_app
from services.web.settings import WebSettings
from shared.migrate import migrate
from shared.settings import Settings
from tests.support.people import WebPerson, create_person
from tests.support.web_browser import Browser


@pytest.fixture
async def web_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The web front in process (secure cookies, as in production), its lifespan running."""
    await migrate(settings.database_url, ("web",))
    app = create_app(settings, WebSettings(throttle_failures=3, throttle_client_failures=6))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as c:
        yield c


@pytest.fixture
async def operator(settings: Settings) -> WebPerson:
    return await create_person(settings.database_url, "operator")


async def test_the_session_cookie_is_secure_httponly_samesite(client: httpx.AsyncClient) -> None:
    browser = Browser(client)
    await browser.get("/sign-in")
    cookie = (browser.last_set_cookie or "").lower()
    assert cookie.startswith("__host-polku_session=")  # the __Host- prefix, lower-cased here
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    assert "path=/" in cookie


async def test_sign_in_gives_a_new_session_id_and_the_old_one_is_worthless(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    await browser.get("/sign-in")
    planted = browser.cookie
    answer = await browser.post(
        "/sign-in", {"email": operator.email, "password": operator.password}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
    assert browser.cookie and browser.cookie != planted
    attacker = Browser(client)
    attacker.name, attacker.cookie = browser.name, planted
    assert attacker.name == "__Host-polku_session"
    assert (await attacker.get("/account")).headers.get("location") == "/sign-in"
    account = await browser.get("/account")
    assert account.status_code == 200 and operator.email in account.text


async def test_sign_out_ends_the_session_on_the_server(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    await browser.sign_in(operator.email, operator.password)
    signed_in = browser.cookie
    await browser.get("/account")
    assert (await browser.post("/sign-out")).headers["location"] == "/sign-in"
    replay = Browser(client)
    replay.name, replay.cookie = browser.name, signed_in
    assert (await replay.get("/account")).headers.get("location") == "/sign-in"


async def test_every_form_needs_the_sessions_csrf_token(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    await browser.get("/sign-in")
    form = {"email": operator.email, "password": operator.password}
    assert (await browser.post("/sign-in", form, csrf=False)).status_code == 403
    assert (await browser.post("/sign-in", {**form, "csrf": "forged"})).status_code == 403
    other = Browser(client)
    await other.get("/sign-in")
    assert (await browser.post("/sign-in", {**form, "csrf": other.csrf})).status_code == 403
    await browser.get("/sign-in")
    assert (await browser.post("/sign-in", form)).status_code == 303
    await browser.get("/account")
    for path in ("/sign-out", "/language", "/account/totp"):
        refused = await browser.post(path, {"language": "et"}, csrf=False)
        assert refused.status_code == 403, path
        assert 'data-code="csrf_failed"' in refused.text
    assert (await browser.get("/account")).status_code == 200  # still signed in


async def test_a_form_posted_from_another_origin_is_refused(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    await browser.get("/sign-in")
    form = {"email": operator.email, "password": operator.password}
    answer = await browser.post("/sign-in", form, origin="https://evil.example")
    assert answer.status_code == 403 and 'data-code="csrf_origin"' in answer.text


async def test_failed_sign_ins_are_throttled_per_account_even_with_the_right_password(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    for _ in range(3):
        wrong = await browser.sign_in(operator.email, "not the password at all")
        assert wrong.status_code == 401 and 'data-code="sign_in_failed"' in wrong.text
    blocked = await browser.sign_in(operator.email, operator.password)
    assert blocked.status_code == 429 and 'data-code="sign_in_throttled"' in blocked.text
    assert "polku_session" not in str(blocked.headers.get("location"))


async def test_failures_from_one_address_are_throttled_across_accounts(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    browser = Browser(client)
    for i in range(6):
        await browser.sign_in(f"nobody{i}@test.polku", "guess guess guess")
    person = await create_person(settings.database_url, "municipality", municipality="Rapla vald")
    assert (await browser.sign_in(person.email, person.password)).status_code == 429


async def test_unknown_and_known_accounts_fail_alike(
    client: httpx.AsyncClient, operator: WebPerson
) -> None:
    browser = Browser(client)
    unknown = await browser.sign_in("nobody@test.polku", "whatever whatever")
    known = await browser.sign_in(operator.email, "whatever whatever")
    assert unknown.status_code == known.status_code == 401
    assert re.sub(r'value="[^"]+"', "", unknown.text) == re.sub(r'value="[^"]+"', "", known.text)


async def test_totp_is_asked_after_the_password_and_a_wrong_code_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    secret = pyotp.random_base32()
    person = await create_person(settings.database_url, "admin", totp_secret=secret)
    browser = Browser(client)
    answer = await browser.sign_in(person.email, person.password)
    assert answer.headers["location"] == "/sign-in/code"
    half = browser.cookie
    assert (await browser.get("/people")).headers.get("location") == "/sign-in"
    assert (await browser.get("/sign-in/code")).status_code == 200  # the half session is known
    await browser.get("/sign-in/code")
    assert (await browser.post("/sign-in/code", {"code": "000000"})).status_code == 401
    good = await browser.post("/sign-in/code", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 303 and good.headers["location"] == "/people"
    assert browser.cookie != half
    assert (await browser.get("/people")).status_code == 200


async def test_an_invitation_link_leaves_the_url_at_once_and_works_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await create_person(settings.database_url, "admin", manages_people=True)
    browser = Browser(client)
    await browser.sign_in(admin.email, admin.password)
    await browser.get("/people")
    page = await browser.post(
        "/people/invite", {"email": "new.clerk@test.polku", "role": "municipality",
                           "municipality": "Rapla vald"},
    )  # fmt: skip
    link = re.search(r'id="one-time-link">([^<]+)<', page.text)
    assert link, page.text
    path = httpx.URL(link.group(1)).path
    invited = Browser(client)
    opened = await invited.get(path)
    assert opened.status_code == 303 and opened.headers["location"] == "/links/invitation"
    form = await invited.get("/links/invitation")
    assert "new.clerk@test.polku" in form.text
    short = await invited.post("/links/invitation", {"name": "Uus", "password": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.text
    done = await invited.post(
        "/links/invitation", {"name": "Uus Ametnik", "password": "a long enough passphrase"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/participants"
    again = Browser(client)
    await again.get(path)
    assert (await again.get("/links/invitation")).status_code == 410
    fresh = Browser(client)
    signed = await fresh.sign_in("new.clerk@test.polku", "a long enough passphrase")
    assert signed.headers["location"] == "/participants"


async def test_a_clerk_cannot_open_an_operators_page_or_invite_an_admin(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    clerk = await create_person(
        settings.database_url, "municipality", municipality="Rapla vald", manages_people=True
    )
    browser = Browser(client)
    await browser.sign_in(clerk.email, clerk.password)
    assert (await browser.get("/dashboard")).status_code == 403
    await browser.get("/people")
    refused = await browser.post("/people/invite", {"email": "x@test.polku", "role": "admin"})
    assert refused.status_code == 422 and "invite_not_allowed" in refused.text


async def test_a_people_manager_sees_and_resets_only_the_own_organisations_people(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    dsn = settings.database_url
    manager = await create_person(dsn, "municipality", municipality="Rapla vald",
                                  manages_people=True, name="Own Manager")  # fmt: skip
    colleague = await create_person(dsn, "municipality", municipality="Rapla vald",
                                    organisation_id=manager.organisation_id, name="Own Colleague")  # fmt: skip
    stranger = await create_person(dsn, "municipality", municipality="Kehtna vald",
                                   name="Other Stranger")  # fmt: skip
    browser = Browser(client)
    await browser.sign_in(manager.email, manager.password)
    people = await browser.get("/people")
    assert colleague.email in people.text and stranger.email not in people.text
    refused = await browser.post(f"/people/{stranger.person_id}/reset-link")
    assert refused.status_code == 404 and "one-time-link" not in refused.text
    allowed = await browser.post(f"/people/{colleague.person_id}/reset-link")
    assert allowed.status_code == 200 and 'id="one-time-link"' in allowed.text
