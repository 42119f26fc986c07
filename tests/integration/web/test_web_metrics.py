"""The web front has /metrics like every service: page times by route template, service errors."""

from __future__ import annotations

import re

import httpx

from services.web.demo import DEMO_PASSWORD
from services.web.main import create_app
from services.web.settings import WebSettings
from shared.migrate import migrate
from shared.settings import Settings
from tests.support import free_port


async def test_pages_are_timed_by_route_and_service_failures_counted(settings: Settings) -> None:
    await migrate(settings.database_url, ("web",))
    nobody = f"http://127.0.0.1:{free_port()}"  # intake is not running: its calls fail
    web_settings = WebSettings(
        demo_people=True, cookie_secure=False, service_urls={"intake": nobody}
    )
    app = create_app(settings, web_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as web:
            for _ in range(3):
                assert (await web.get("/sign-in")).status_code == 200
            form = await web.get("/sign-in")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf
            signed = await web.post(
                "/sign-in",
                data={
                    "csrf": csrf.group(1),
                    "email": "clerk@demo.polku",
                    "password": DEMO_PASSWORD,
                },
            )
            assert signed.status_code == 303
            token = re.search(r'name="csrf" value="([^"]+)"', (await web.get("/participants")).text)
            assert token
            down = await web.post(
                "/participants/search", data={"csrf": token.group(1), "name": "Tamm"}
            )
            assert down.status_code == 503
            text = (await web.get("/metrics")).text
    count = re.search(
        r'polku_web_page_seconds_count\{method="GET",route="/sign-in",status="2xx"\} (\S+)', text
    )
    assert count and float(count.group(1)) == 4.0
    assert 'polku_web_service_errors_total{service="intake",status="503"} 1.0' in text
    assert "/metrics" not in re.findall(r'route="([^"]+)"', text)
    assert "process_resident_memory_bytes" in text
