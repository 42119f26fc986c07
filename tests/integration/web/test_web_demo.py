"""`make up`'s front door: the sign-in page lists a demo person for each role, who can sign in."""

from __future__ import annotations

import re

import httpx

from services.web import demo, domain
from services.web.demo import DEMO_PASSWORD
from services.web.main import create_app
from services.web.settings import WebSettings
from shared.migrate import migrate
from shared.settings import Settings


async def test_the_demo_people_are_listed_and_sign_in_to_their_home_pages(
    settings: Settings,
) -> None:
    await migrate(settings.database_url, ("web",))
    app = create_app(settings, WebSettings(demo_people=True, cookie_secure=False))
    roles = {"admin", "operator", "municipality", "support_worker", "employer", "workshop"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        assert len(await demo.seed(app.state.pool)) == 6  # a second start finds them there
        async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as web:
            first = await web.get("/")
            assert first.status_code == 303 and first.headers["location"] == "/sign-in"
            page = await web.get("/sign-in")
            listed = dict(re.findall(r"<td>([^<]+@demo\.polku)</td><td>([a-z_]+)</td>", page.text))
            assert set(listed.values()) == roles and DEMO_PASSWORD in page.text
            for email, role in listed.items():
                web.cookies.clear()
                form = await web.get("/sign-in")
                csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
                assert csrf
                answer = await web.post(
                    "/sign-in",
                    data={"csrf": csrf.group(1), "email": email, "password": DEMO_PASSWORD},
                )
                assert answer.status_code == 303 and answer.headers["location"] == domain.home_of(
                    role
                )
