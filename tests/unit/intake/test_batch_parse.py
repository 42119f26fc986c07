"""JSON lines validated straight from their text give what the dict path gives, row by row."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.intake.batch import _json_row, _validate, parse
from services.intake.schemas import IntakeIn

UPLOAD = "Narva linn"


def _body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "national_id": "38001085718",
        "given_name": " Ivan ",
        "family_name": "Petrov",
        "languages": ["RU", "et"],
        "labour_market_status": "unemployed",
        "months_unemployed": "13",
        "home": {"lat": 59, "lon": 28.2},
        "consent": {
            "purposes": ["case_management"],
            "given_at": "2026-01-05T10:00:00+02:00",
            "recorded_by": "Narva team",
        },
    }
    data.update(overrides)
    return data


LINES = [
    json.dumps(_body()),
    json.dumps(_body(municipality=UPLOAD)),
    json.dumps(_body(municipality="Tartu linn")),
    json.dumps(_body(municipality="Tartu linn", national_id="38001085710", languages=["zz"])),
    json.dumps(_body(municipality=None)),
    json.dumps(_body(municipality=5)),
    json.dumps(_body(municipality=" Narva linn ")),
    json.dumps(_body(national_id="38001085710", languages=["et", "zz"], unknown=1)),
    json.dumps(_body(contact={"email": "not-an-address"}, family_name="")),
    json.dumps({k: v for k, v in _body().items() if k != "consent"}),
    '{"national_id": "38001085718", "national_id": "38001085710"}',
    "{not json",
    "[1, 2]",
    '"a string"',
    "null",
]


def _exact(line: str, upload: str) -> IntakeIn | list[dict[str, str]]:
    return _validate(_json_row(line), upload)


def _same(a: IntakeIn | list[dict[str, str]], b: IntakeIn | list[dict[str, str]]) -> bool:
    if isinstance(a, IntakeIn) and isinstance(b, IntakeIn):
        return a.model_dump() == b.model_dump() and a.model_dump_json() == b.model_dump_json()
    return a == b


@pytest.mark.parametrize("upload", [UPLOAD, " Narva linn", "N"])
def test_each_json_line_is_validated_as_the_dict_path_does(upload: str) -> None:
    data = "\n".join([*LINES, "", "   "]).encode()
    parsed = parse(data, kind="jsonl", municipality=upload)
    assert [n for n, _ in parsed] == list(range(1, len(LINES) + 1))
    for (_, got), line in zip(parsed, LINES, strict=True):
        assert _same(got, _exact(line, upload)), line


def test_a_valid_line_takes_the_uploads_municipality() -> None:
    [(_, row)] = parse(json.dumps(_body()).encode(), kind="jsonl", municipality=UPLOAD)
    assert isinstance(row, IntakeIn)
    assert (row.municipality, row.given_name, row.languages) == (UPLOAD, "Ivan", ["ru", "et"])
    [(_, other)] = parse(LINES[3].encode(), kind="jsonl", municipality=UPLOAD)
    assert isinstance(other, list) and [e["field"] for e in other] == ["municipality"]
