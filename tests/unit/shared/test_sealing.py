"""Dead letters: personal values redacted for operators, the original sealed for replay."""

from __future__ import annotations

import base64
import json
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag

from shared import dead_letters
from shared.dead_letters import Failure
from shared.events import new_event
from shared.events.intake import ParticipantRegistered
from shared.sealing import SEALED, Sealer, redact_fields

KEY = base64.b64encode(b"k" * 32).decode()


def test_sealed_bytes_open_only_with_the_same_key_and_binding() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(b"Mari Maasikas", bound_to=b"entry-1")
    assert "Maasikas" not in sealed
    assert sealer.open(sealed, bound_to=b"entry-1") == b"Mari Maasikas"
    with pytest.raises(InvalidTag):
        sealer.open(sealed, bound_to=b"entry-2")
    with pytest.raises(InvalidTag):
        Sealer(base64.b64encode(b"x" * 32).decode()).open(sealed, bound_to=b"entry-1")


def test_redaction_reaches_nested_bodies_and_keeps_what_operators_need() -> None:
    request = {
        "municipality": "Rapla vald",
        "national_id": "39001010000",
        "given_name": "Mari",
        "contact": {"email": "mari@example.ee"},
        "months_unemployed": -1,
    }
    envelope = {"event_id": "e1", "type": "intake.requested", "payload": {"body": request}}
    shown = redact_fields({"__data__": json.dumps(envelope), "type": "intake.requested"})
    body = json.loads(shown["__data__"])["payload"]["body"]
    assert body == {
        "municipality": "Rapla vald",
        "national_id": SEALED,
        "given_name": SEALED,
        "contact": SEALED,
        "months_unemployed": -1,
    }
    assert shown["type"] == "intake.requested"
    assert redact_fields({"data": "Mari, 39001010000"}) == {
        "data": f"{SEALED} (not JSON, 17 characters)"
    }


def test_a_dead_letter_names_its_subject_and_opens_to_the_original() -> None:
    sealer = Sealer(KEY)
    pid = uuid4()
    env = new_event(
        ParticipantRegistered(participant_id=pid, municipality="Rapla vald",
                              registered_on="2026-01-05", birth_year=1990),  # type: ignore[arg-type]
        producer="intake",
    )  # fmt: skip
    fields = {b"__data__": env.model_dump_json().encode(), b"type": env.type.encode()}
    failure = Failure("polku.intake", b"1-0", "caseplan", "handler_failed", "boom", 5)
    record = dead_letters.record_of(failure, fields, None, sealer=sealer)
    assert record["subject"] == f"participant:{pid}"
    assert record["event_id"] == str(env.event_id) and record["event_type"] == env.type
    assert "1990" not in record["fields"] and "1990" not in record["sealed"]
    assert dead_letters.original_of(record, sealer) == {
        k.decode(): v.decode() for k, v in fields.items()
    }
    listed = dead_letters.listed("9-0", record)
    assert "sealed" not in listed and listed["personal_data"] == "sealed"
