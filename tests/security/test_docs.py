"""`/docs` works without internet: the page names no external URL, its assets answer locally."""

from __future__ import annotations

import importlib
import re

import httpx
import pytest

from shared.settings import SERVICES, Settings

ASSET = re.compile(r"""(?:src|href)="([^"]+)\"""")


@pytest.mark.parametrize("service", SERVICES)
async def test_docs_page_and_its_assets_are_served_locally(service: str) -> None:
    app = importlib.import_module(f"services.{service}.main").create_app(Settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://polku") as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert not re.search(r"https?://", page.text), "the page must name no external URL"
        assets = ASSET.findall(page.text)
        assert {a.rsplit("/", 1)[1] for a in assets} == {
            "swagger-ui-bundle.js",
            "swagger-ui.css",
            "favicon-32x32.png",
        }
        for asset in assets:
            answer = await client.get(asset)
            assert answer.status_code == 200, asset
            assert len(answer.content) > 500, asset
        assert "url: '/openapi.json'" in page.text
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/redoc")).status_code == 404  # it would load a CDN script
