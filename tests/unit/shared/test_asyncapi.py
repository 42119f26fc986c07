"""The AsyncAPI document: valid against the shipped AsyncAPI 3.0.0 schema, and true to the event
registry and to the handlers each service registers.

`shared/contracts/polku-asyncapi.json` is the whole network's document (every service's
operations). After changing events or handlers regenerate it with
`POLKU_UPDATE_ASYNCAPI=1 .venv/bin/pytest tests/unit/shared/test_asyncapi.py`.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import shared
from services.caseplan.main import create_app as caseplan_app
from services.intake.main import create_app as intake_app
from services.matching.main import create_app as matching_app
from services.reporting.main import create_app as reporting_app
from shared.asyncapi import build_document, channel_id, message_id, producer_of, role_of
from shared.asyncapi_http import service_document
from shared.events import EVENT_TYPES, streams
from shared.runtime import Runtime
from shared.settings import Settings

SCHEMA_PATH = Path(shared.__file__).with_name("contracts") / "asyncapi-3.0.0.json"
ASYNCAPI_SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(ASYNCAPI_SCHEMA)
SYSTEM_PATH = SCHEMA_PATH.with_name("polku-asyncapi.json")


@pytest.fixture(scope="module")
def runtimes() -> dict[str, Runtime]:
    """Each service's runtime, its handlers registered as the app factory registers them."""
    apps = [f(Settings()) for f in (intake_app, caseplan_app, matching_app, reporting_app)]
    return {app.state.runtime.name: app.state.runtime for app in apps}


@pytest.fixture(scope="module")
def system(runtimes: dict[str, Runtime]) -> dict[str, Any]:
    """The whole network's document: every service's operations together."""
    roles = [role_of(name, rt.consumer.wanted_types) for name, rt in runtimes.items()]
    return build_document(
        roles,
        title="Polku events",
        description="Every event on Polku's Redis Streams, and every service's operations.",
    )


def errors_of(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_the_shipped_schema_is_asyncapi_3_0_0() -> None:
    jsonschema.Draft7Validator.check_schema(ASYNCAPI_SCHEMA)
    assert ASYNCAPI_SCHEMA["properties"]["asyncapi"]["const"] == "3.0.0"


def test_the_system_document_is_valid_asyncapi(system: dict[str, Any]) -> None:
    assert errors_of(system) == []


def test_each_served_document_is_valid_asyncapi(runtimes: dict[str, Runtime]) -> None:
    for name, runtime in runtimes.items():
        assert errors_of(service_document(runtime)) == [], name


def test_the_validation_can_fail(system: dict[str, Any]) -> None:
    broken = copy.deepcopy(system)
    operation = next(iter(broken["operations"].values()))
    operation["action"] = "publish"  # AsyncAPI 2's word: not an action in 3.0.0
    del broken["channels"][channel_id(streams.INTAKE)]["address"]
    broken["channels"][channel_id(streams.INTAKE)]["adress"] = streams.INTAKE
    assert len(errors_of(broken)) >= 2


def test_every_registered_event_is_a_message_of_its_stream(system: dict[str, Any]) -> None:
    messages = system["components"]["messages"]
    assert len(messages) == len(EVENT_TYPES)
    for (type_, version), model in EVENT_TYPES.items():
        key = message_id(model)
        message = messages[key]
        assert (message["x-polku-type"], message["x-polku-version"]) == (type_, version)
        assert message["x-polku-stream"] == model.STREAM
        assert message["summary"] == (model.__doc__ or "").strip().splitlines()[0]
        channel = system["channels"][channel_id(model.STREAM)]
        assert channel["address"] == model.STREAM
        assert channel["messages"][key] == {"$ref": f"#/components/messages/{key}"}
        envelope = schema_of(system, message)
        assert envelope["properties"]["type"]["const"] == type_
        assert envelope["properties"]["version"]["const"] == version
        assert {"event_id", "occurred_at", "producer", "payload"} <= set(envelope["properties"])


def schema_of(document: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    name = message["payload"]["$ref"].rsplit("/", 1)[-1]
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_one_channel_per_stream(system: dict[str, Any]) -> None:
    addresses = [c["address"] for c in system["channels"].values()]
    assert addresses == [streams.INTAKE_REQUESTS, *streams.ALL_EVENT_STREAMS]


def test_producers(system: dict[str, Any]) -> None:
    messages = system["components"]["messages"]
    assert messages["participant.registered.v1"]["x-polku-producer"] == "intake"
    assert messages["participant.exited.v1"]["x-polku-producer"] == "caseplan"
    assert messages["match.accepted.v1"]["x-polku-producer"] == "matching"
    assert messages["intake.requested.v1"]["x-polku-producer"] == "municipality systems"
    for model in EVENT_TYPES.values():
        producer = producer_of(model.STREAM)
        assert messages[message_id(model)]["x-polku-producer"] == producer
        if producer in streams.PRODUCED_BY:
            assert ref_of(model) in operation_messages(system, producer, "send", model.STREAM)


def test_consumers_are_the_handlers_registered(
    system: dict[str, Any], runtimes: dict[str, Runtime]
) -> None:
    messages = system["components"]["messages"]
    for model in EVENT_TYPES.values():
        registered = sorted(
            n for n, rt in runtimes.items() if model.TYPE in rt.consumer.wanted_types
        )
        assert messages[message_id(model)]["x-polku-consumers"] == registered, model.TYPE
        for name in registered:
            assert ref_of(model) in operation_messages(system, name, "receive", model.STREAM)
    assert messages["match.accepted.v1"]["x-polku-consumers"] == [
        "caseplan",
        "matching",
        "reporting",
    ]
    assert messages["intake.requested.v1"]["x-polku-consumers"] == ["intake"]


def test_operations_name_only_what_their_service_does(
    system: dict[str, Any], runtimes: dict[str, Runtime]
) -> None:
    for key, operation in system["operations"].items():
        service = operation["x-polku-service"]
        for ref in operation["messages"]:
            message = system["components"]["messages"][ref["$ref"].rsplit("/", 1)[-1]]
            if operation["action"] == "receive":
                assert message["x-polku-type"] in runtimes[service].consumer.wanted_types, key
            else:
                assert streams.PRODUCED_BY[service] == message["x-polku-stream"], key


def test_a_served_document_holds_every_event_and_only_its_services_operations(
    runtimes: dict[str, Runtime],
) -> None:
    document = service_document(runtimes["caseplan"])
    assert len(document["components"]["messages"]) == len(EVENT_TYPES)
    assert {op["x-polku-service"] for op in document["operations"].values()} == {"caseplan"}
    assert set(document["operations"]) == {
        "caseplan.send.polku_caseplan",
        "caseplan.receive.polku_intake",
        "caseplan.receive.polku_matching",
    }


def ref_of(model: Any) -> dict[str, str]:
    return {"$ref": f"#/channels/{channel_id(model.STREAM)}/messages/{message_id(model)}"}


def operation_messages(
    document: dict[str, Any], service: str, action: str, stream: str
) -> list[dict[str, str]]:
    operation = document["operations"].get(f"{service}.{action}.{channel_id(stream)}", {})
    assert not operation or operation["channel"] == {"$ref": f"#/channels/{channel_id(stream)}"}
    messages: list[dict[str, str]] = operation.get("messages", [])
    return messages


def test_the_committed_system_document_is_the_generated_one(system: dict[str, Any]) -> None:
    text = json.dumps(system, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("POLKU_UPDATE_ASYNCAPI") == "1":
        SYSTEM_PATH.write_text(text, encoding="utf-8")
    committed = SYSTEM_PATH.read_text(encoding="utf-8") if SYSTEM_PATH.exists() else ""
    assert committed == text, f"regenerate {SYSTEM_PATH.name}: see this module's docstring"
