"""What a municipality is told of its refused rows and requests: numbers, never data."""

from __future__ import annotations

import json

from services.intake.batch import refused_rows
from services.intake.inbound import refused_request


def _row(n: int, status: str, sheet_row: int | None = None) -> dict[str, object]:
    errors = [{"field": "national_id", "reason": "checksum does not match"}]
    return {"row": n, "sheet_row": sheet_row, "status": status, "participant_id": None,
            "errors": errors if status == "rejected" else []}  # fmt: skip


def test_an_upload_tells_its_refused_rows_as_the_answer_numbers_them() -> None:
    assert refused_rows("Rapla vald", [_row(1, "created"), _row(2, "updated")]) is None
    lines = [_row(1, "created"), _row(2, "rejected"), _row(3, "rejected")]
    told = refused_rows("Rapla vald", lines)
    assert told is not None
    assert (told.source, told.refused, told.total, told.rows) == ("upload", 2, 3, [2, 3])
    sheet = refused_rows("Rapla vald", [_row(1, "rejected", sheet_row=2), _row(2, "created", 3)])
    assert sheet is not None and sheet.rows == [2]  # the spreadsheet's own row
    assert "checksum" not in told.model_dump_json()  # no reasons, no data


def test_a_refused_request_tells_its_municipality_its_request_id_only() -> None:
    body = {"municipality": "Jõhvi vald", "request_id": "j-1", "national_id": "39001010000",
            "given_name": "Mari"}  # fmt: skip
    told = refused_request({b"data": json.dumps(body).encode()})
    assert told is not None
    assert (told.municipality, told.source, told.request_ids) == ("Jõhvi vald", "stream", ["j-1"])
    assert "Mari" not in told.model_dump_json() and "39001010000" not in told.model_dump_json()
    without_id = refused_request({b"data": json.dumps({"municipality": "Narva linn"}).encode()})
    assert without_id is not None and without_id.request_ids == []
    for nobody in (b"{broken", b"[]", json.dumps({"municipality": 7}).encode(), b"{}"):
        assert refused_request({b"data": nobody}) is None
