"""The OpenAPI documents: every request body has an example that its model accepts, every
error response lists its machine-readable reasons, and `/metrics` says it is text."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from shared.settings import SERVICES, Settings

METHODS = {"get", "post", "put", "patch", "delete"}


def app_of(service: str) -> FastAPI:
    """The service's app, built (not started): its OpenAPI document needs no servers. The
    OpenAPI document describes the API under `/v1`; `/readyz`'s 503 is a readiness answer."""
    app: FastAPI = importlib.import_module(f"services.{service}.main").create_app(Settings())
    return app


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation in the document."""
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema, or the schemas an `anyOf` of references names (the null left out)."""
    choices = schema.get("anyOf", [schema])
    found = []
    for choice in choices:
        if "$ref" in choice:
            found.append(document["components"]["schemas"][choice["$ref"].rsplit("/", 1)[1]])
        elif choice.get("type") != "null":
            found.append(choice)
    return found


def body_examples(document: dict[str, Any], body: dict[str, Any]) -> list[Any]:
    """Every example a request body offers, on its media types or on its schemas."""
    examples: list[Any] = []
    for media in body["content"].values():
        if "example" in media:
            examples.append(media["example"])
        for schema in resolve(document, media["schema"]):
            examples += schema.get("examples", [])
    return examples


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_has_an_example(service: str) -> None:
    document = app_of(service).openapi()
    bodies = [(m, p, o["requestBody"]) for m, p, o in operations(document) if "requestBody" in o]
    missing = [f"{m.upper()} {p}" for m, p, body in bodies if not body_examples(document, body)]
    assert not missing, f"request bodies without an example: {missing}"


def models_by_name() -> dict[str, type[BaseModel]]:
    """Every pydantic model class loaded, by its name (the OpenAPI component's name)."""
    found: dict[str, type[BaseModel]] = {}
    todo = [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.setdefault(sub.__name__, sub)
            todo.append(sub)
    return found


@pytest.mark.parametrize("service", ["intake", "caseplan", "matching"])
def test_every_example_is_accepted_by_its_model(service: str) -> None:
    document = app_of(service).openapi()
    models = models_by_name()
    for method, path, operation in operations(document):
        if "application/json" not in operation.get("requestBody", {}).get("content", {}):
            continue
        media = operation["requestBody"]["content"]["application/json"]
        checked = 0
        for choice in media["schema"].get("anyOf", [media["schema"]]):
            if "$ref" not in choice:
                continue
            name = choice["$ref"].rsplit("/", 1)[1]
            for body in document["components"]["schemas"][name].get("examples", []):
                models[name].model_validate(body)  # raises when the example is refused
                checked += 1
        assert checked, f"{method.upper()} {path}: no example checked"


@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_error_lists_its_reasons(service: str) -> None:
    document = app_of(service).openapi()
    unlisted = []
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if not (path.startswith("/v1") and status.isdigit() and int(status) >= 400):
                continue
            reasons = response.get("x-reasons") or []
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            enums = [
                choice["properties"]["detail"]["properties"]["reason"]["enum"]
                for choice in schema.get("anyOf", [schema])
                if "properties" in choice.get("properties", {}).get("detail", {})
            ]
            if not reasons or not enums or not set(reasons) <= set(enums[0]):
                unlisted.append(f"{method.upper()} {path} {status}")
            elif f"`{reasons[0]}`" not in response["description"]:
                unlisted.append(f"{method.upper()} {path} {status}: reasons not described")
    assert not unlisted, f"error responses without their reasons: {unlisted}"


@pytest.mark.parametrize("service", SERVICES)
def test_protected_routes_document_the_key_refusals(service: str) -> None:
    document = app_of(service).openapi()
    for _method, path, operation in operations(document):
        if path.startswith("/v1"):
            assert "missing_api_key" in operation["responses"]["401"]["x-reasons"], path
            assert "unavailable" in operation["responses"]["503"]["x-reasons"], path
            if "requestBody" in operation:
                assert "body_too_large" in operation["responses"]["413"]["x-reasons"], path
                assert "malformed_body" in operation["responses"]["400"]["x-reasons"], path


def test_metrics_are_documented_as_text() -> None:
    document = app_of("intake").openapi()
    assert set(document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == {
        "text/plain"
    }


def test_the_meeting_routes_document_their_refusals_and_examples() -> None:
    document = app_of("caseplan").openapi()
    paths = document["paths"]
    attendance = paths["/v1/meetings/{meeting_id}/attendance"]["post"]["responses"]
    assert {"meeting_in_future", "meeting_cancelled", "attendance_already_recorded"} <= set(
        attendance["409"]["x-reasons"]
    )
    assert "no_show_only_for_participants" in attendance["422"]["x-reasons"]
    assert "meeting_not_found" in attendance["404"]["x-reasons"]
    scheduled = paths["/v1/meetings"]["post"]["responses"]
    assert {"participant_required", "meeting_too_far"} <= set(scheduled["422"]["x-reasons"])
    assert "other_organisation" in scheduled["403"]["x-reasons"]
    models = models_by_name()
    for name in ("MeetingIn", "AttendanceRecordIn"):
        [body] = document["components"]["schemas"][name]["examples"]
        models[name].model_validate(body)
