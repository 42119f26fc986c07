"""One 422 body in every service: `{"detail": [{field, reason, type}]}`, the location left out."""

from __future__ import annotations

import importlib

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from shared import http_errors
from shared.settings import SERVICES, Settings


class Inner(BaseModel):
    postal_code: str = Field(pattern=r"^\d{5}$")


class Body(BaseModel):
    seats: int = Field(ge=1)
    home: Inner


def _client() -> httpx.AsyncClient:
    app = FastAPI()
    http_errors.install_field_errors(app)

    @app.post("/things/{thing_id}")
    async def post(thing_id: int, body: Body, limit: int = 10) -> dict[str, int]:
        return {"thing_id": thing_id}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_invalid_fields_are_named_without_their_location() -> None:
    async with _client() as client:
        r = await client.post(
            "/things/x?limit=many", json={"seats": 0, "home": {"postal_code": "123"}}
        )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert [(d["field"], d["type"]) for d in detail] == [
        ("thing_id", "int_parsing"),
        ("limit", "int_parsing"),
        ("seats", "greater_than_equal"),
        ("home.postal_code", "string_pattern_mismatch"),
    ]
    assert all(set(d) == {"field", "reason", "type"} and d["reason"] for d in detail)


async def test_a_missing_body_is_the_body() -> None:
    async with _client() as client:
        r = await client.post("/things/1")
    assert r.status_code == 422
    assert r.json()["detail"] == [{"field": "body", "reason": "Field required", "type": "missing"}]


def test_a_rule_s_own_words_are_the_reason_and_control_characters_escaped() -> None:
    errors = [
        {"loc": ("body", "nul\x00key"), "msg": "Extra inputs", "type": "extra_forbidden"},
        {"loc": ("age",), "msg": "Value error", "type": "value_error", "ctx": {"error": "too old"}},
    ]
    assert http_errors.field_errors(errors, skip=()) == [
        {"field": "body.nul\\x00key", "reason": "Extra inputs", "type": "extra_forbidden"},
        {"field": "age", "reason": "too old", "type": "value_error"},
    ]


@pytest.mark.parametrize("service", [s for s in SERVICES if s != "web"])
def test_every_service_answers_invalid_input_with_the_shared_body(service: str) -> None:
    app: FastAPI = importlib.import_module(f"services.{service}.main").create_app(Settings())
    handler = app.exception_handlers[RequestValidationError]
    assert handler is http_errors._on_validation_error
