"""A running service serves its streams' contract: /asyncapi.json and the offline /asyncapi page."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jsonschema
import pytest

import shared
from services.intake.main import create_app
from shared.events import EVENT_TYPES
from shared.settings import Settings

SCHEMA = json.loads(
    (Path(shared.__file__).with_name("contracts") / "asyncapi-3.0.0.json").read_text("utf-8")
)


@pytest.fixture
async def anonymous(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client without an API key, talking to a running intake app."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield http


async def test_asyncapi_json_is_served_without_a_key_and_valid(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/asyncapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    jsonschema.Draft7Validator(SCHEMA).validate(document)
    assert len(document["components"]["messages"]) == len(EVENT_TYPES)
    assert set(document["operations"]) == {
        "intake.send.polku_intake",
        "intake.receive.polku_intake_requests",
    }


async def test_the_asyncapi_page_renders_the_document_offline(
    anonymous: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    response = await anonymous.get("/asyncapi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'fetch("asyncapi.json")' in page
    assert "<style>" in page and "<script>" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", page), "no CDN"
    keyed = await client.get("/asyncapi")  # with a key, the same page
    assert keyed.status_code == 200 and keyed.text == page
