"""The intake body's rules, the CSV mapping and the inbound decoder, without servers."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import ValidationError

from services.intake.batch import parse
from services.intake.crypto import PersonalDataVault
from services.intake.inbound import decode_request, intake_of
from services.intake.schemas import IntakeIn, ParticipantCorrection
from services.intake.sheets import record_to_body
from shared.events.envelope import InvalidPayload, MalformedEvent, decode
from shared.events.intake import IntakeRequested
from shared.http_errors import field_errors


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality": "Narva linn",
        "national_id": "38001085718",
        "given_name": "Ivan",
        "family_name": "Petrov",
        "labour_market_status": "unemployed",
        "consent": {
            "purposes": ["case_management"],
            "given_at": "2026-01-05T10:00:00+02:00",
            "recorded_by": "Narva team",
        },
    }
    data.update(overrides)
    return data


def reasons(data: dict[str, Any], model: Any = IntakeIn) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {e["field"]: e["reason"] for e in field_errors(caught.value.errors(), skip=())}


def test_minimal_body_is_valid_and_normalised() -> None:
    intake = IntakeIn.model_validate(body(national_id=" 131052-308t ", languages=["RU", "et"]))
    assert intake.national_id == "131052-308T"
    assert intake.languages == ["ru", "et"]


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"national_id": "38001085719"}, "national_id", "checksum does not match"),
        ({"languages": ["xx"]}, "languages.0", "not an ISO 639-1 language code"),
        ({"risk_groups": ["poor"]}, "risk_groups.0", "Input should be"),
        ({"isced_level": 9}, "isced_level", "less than or equal to 8"),
        ({"given_name": "x" * 101}, "given_name", "at most 100 characters"),
        ({"contact": {"email": "nobody"}}, "contact.email", "should match pattern"),
        ({"contact": {"phone": "call me"}}, "contact.phone", "should match pattern"),
        ({"skills": ["https://example.com/skill"]}, "skills.0", "ESCO skill or occupation URI"),
        ({"home": {"postal_code": "ABC"}}, "home.postal_code", "should match pattern"),
        ({"transport": "horse"}, "transport", "Input should be"),
        ({"favourite_colour": "blue"}, "favourite_colour", "Extra inputs are not permitted"),
    ],
)
def test_each_bad_field_gets_its_own_reason(
    overrides: dict[str, Any], field: str, reason: str
) -> None:
    got = reasons(body(**overrides))
    assert field in got and reason in got[field], got


def test_consent_in_the_future_is_refused() -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    consent = {"purposes": ["matching"], "given_at": later, "recorded_by": "x"}
    assert reasons(body(consent=consent)) == {"consent.given_at": "must not be in the future"}


def test_correction_refuses_null_for_required_details() -> None:
    assert "must not be null" in reasons({"given_name": None}, ParticipantCorrection)["given_name"]
    assert ParticipantCorrection.model_validate({"home": None}).home is None


def test_csv_record_becomes_a_nested_body() -> None:
    record = {
        "national_id": "38001085718",
        "languages": "et; ru",
        "email": "a@b.ee",
        "lat": "59.1",
        "consent_purposes": "matching;reporting",
        "isced_level": "",
    }
    assert record_to_body(record) == {
        "national_id": "38001085718",
        "languages": ["et", "ru"],
        "contact": {"email": "a@b.ee"},
        "home": {"lat": "59.1"},
        "consent": {"purposes": ["matching", "reporting"]},
    }


def test_parse_gives_each_row_an_intake_or_reasons() -> None:
    lines = [json.dumps(body()), "[1, 2]", json.dumps(body(national_id="1"))]
    rows = parse("\n".join(lines).encode(), kind="jsonl", municipality="Narva linn")
    assert isinstance(rows[0][1], IntakeIn)
    assert rows[1][1] == [
        {"field": "row", "reason": "the line is not a JSON object", "type": "malformed"}
    ]
    assert [e["field"] for e in rows[2][1]] == ["national_id"]  # type: ignore[union-attr]


def test_inbound_request_becomes_an_envelope_with_a_stable_id() -> None:
    fields = {b"data": json.dumps({**body(), "request_id": "narva-1"}).encode()}
    first, again = decode_request(fields), decode_request(fields)
    assert first.type == "intake.requested"
    assert first.event_id == again.event_id
    assert first.payload.body["national_id"] == "38001085718"


def test_inbound_request_carries_its_validated_intake_and_its_json_gives_the_same() -> None:
    env = decode_request({b"data": json.dumps(body(languages=["ET"])).encode()})
    intake = intake_of(env.payload)
    assert isinstance(intake, IntakeIn) and intake.languages == ["et"]
    assert intake_of(env.payload) is intake  # validated once, by the decoder
    again = decode(env.model_dump_json())
    assert again is not None and type(again.payload) is IntakeRequested
    assert intake_of(again.payload).model_dump() == intake.model_dump()


def test_inbound_bad_requests_are_poison_with_reasons() -> None:
    with pytest.raises(InvalidPayload, match="national_id: checksum does not match"):
        decode_request({b"data": json.dumps(body(national_id="38001085710")).encode()})
    with pytest.raises(MalformedEvent):
        decode_request({b"data": b"{oops"})
    with pytest.raises(MalformedEvent):
        decode_request({b"payload": b"{}"})


def test_vault_hashes_stably_and_seals_bound_to_the_participant() -> None:
    vault = PersonalDataVault(
        id_hash_secret="s3cret", encryption_key=base64.b64encode(b"k" * 32).decode()
    )
    assert (
        vault.id_hash("38001085718") == vault.id_hash("38001085718") != vault.id_hash("38001085729")
    )
    sealed = vault.seal({"given_name": "Ivan"}, bound_to=b"one")
    assert b"Ivan" not in sealed
    assert vault.open(sealed, bound_to=b"one") == {"given_name": "Ivan"}
    with pytest.raises(InvalidTag):  # sealed for another participant's row
        vault.open(sealed, bound_to=b"two")
