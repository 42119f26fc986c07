"""The worked examples through the real pipeline: every report downloads as a workbook holding
its JSON figures, and the ESF participant-level file (JSON, CSV, XLSX) has exactly the rows
the known population gives, each participant written to the audit log."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import httpx
import redis
from reporting_scenario import publish
from reporting_xlsx import check_report_as_xlsx, sheet_rows
from test_reporting_worked_examples import example_events

from services.reporting.domain.participant_file import COLUMNS
from shared.events import intake as ik
from tests.support import Stack, bearer, wait_until

ENTRY, EXIT = "2025-01-06", "2025-06-30"
# the five worked examples of the reference, in the order example_events registers them
EXPECTED = [
    {"sex": "female", "age_band_at_entry": "18-24",
     "labour_market_status_at_entry": "long_term_unemployed",  # 8 months > 6 under 25
     "in_education_or_training_at_entry": "no", "isced_level": 2, "disability": "no",
     "migrant_or_minority": "no", "other_disadvantaged": "no",
     "result_on_leaving": "employed", "result_six_months_after": "employed"},
    {"sex": "male", "age_band_at_entry": "55+", "labour_market_status_at_entry": "inactive",
     "in_education_or_training_at_entry": "no", "isced_level": 3, "disability": "no",
     "migrant_or_minority": "no", "other_disadvantaged": "no",
     "result_on_leaving": "job_searching", "result_six_months_after": "inactive"},
    {"sex": "unknown", "age_band_at_entry": "30-54",
     "labour_market_status_at_entry": "unemployed",  # 10 months: 25+ needs more than 12
     "in_education_or_training_at_entry": "no", "isced_level": 5, "disability": "no",
     "migrant_or_minority": "no", "other_disadvantaged": "yes",  # released from prison
     "result_on_leaving": "qualification_gained", "result_six_months_after": "employed"},
    {"sex": "unknown", "age_band_at_entry": "30-54", "labour_market_status_at_entry": "employed",
     "in_education_or_training_at_entry": "no", "isced_level": 3, "disability": "no",
     "migrant_or_minority": "no", "other_disadvantaged": "no",
     "result_on_leaving": "employed", "result_six_months_after": "improved_situation"},
    {"sex": "unknown", "age_band_at_entry": "<18", "labour_market_status_at_entry": "inactive",
     "in_education_or_training_at_entry": "yes", "isced_level": 2,
     "disability": "not_reported", "migrant_or_minority": "not_reported",
     "other_disadvantaged": "not_reported",  # refused the special categories
     "result_on_leaving": "education_or_training",
     "result_six_months_after": "education_or_training"},
]  # fmt: skip
REPORTS = ("summary", "indicators", "exits", "unemployment", "timeseries", "waiting-list")


def test_reports_and_the_participant_file_download_as_sheets(
    stack_factory: type[Stack], redis_url: str, admin_key: str
) -> None:
    url = stack_factory().start("reporting")["reporting"].url  # type: ignore[call-arg]
    events = example_events()
    ids = [str(e.payload.participant_id) for e in events if e.type == ik.ParticipantRegistered.TYPE]
    client = redis.Redis.from_url(redis_url)
    publish(client, events)
    client.close()
    with httpx.Client(base_url=url, headers=bearer(admin_key)) as api:
        wait_until(
            lambda: api.get("/v1/pipeline").json()["events_logged"] == len(events),
            what="the worked examples consumed",
        )
        check_reports(api)
        check_participant_file(api, ids)


def check_reports(api: httpx.Client) -> None:
    for name in REPORTS:
        check_report_as_xlsx(api, name)
    assert check_report_as_xlsx(api, "indicators", audience="external") > 20
    assert check_report_as_xlsx(api, "indicators", **{"from": "2026-01-01"}) > 20


def _expected(ids: list[str]) -> list[dict[str, Any]]:
    rows = [{"participant_id": pid, **row, "entry_date": ENTRY, "leaving_date": EXIT}
            for pid, row in zip(ids, EXPECTED, strict=True)]  # fmt: skip
    return sorted(rows, key=lambda r: r["participant_id"])  # one entry date: then by id


def check_participant_file(api: httpx.Client, ids: list[str]) -> None:
    expected = _expected(ids)
    body = api.get("/v1/esf/participants").json()
    assert body["columns"] == list(COLUMNS)
    assert body["rows"] == [{c: r[c] for c in COLUMNS} for r in expected]

    csv_file = api.get("/v1/esf/participants", params={"format": "csv"})
    assert csv_file.headers["content-type"].startswith("text/csv")
    as_text = [{k: str(v) for k, v in r.items()} for r in expected]
    assert list(csv.DictReader(io.StringIO(csv_file.text))) == as_text

    header, cells = sheet_rows(api.get("/v1/esf/participants", params={"format": "xlsx"}))
    assert header == list(COLUMNS)
    day = {ENTRY: datetime(2025, 1, 6), EXIT: datetime(2025, 6, 30)}
    assert cells == [[day.get(r[c], r[c]) for c in COLUMNS] for r in expected]

    assert api.get("/v1/esf/participants", params={"to": "2025-01-05"}).json()["rows"] == []
    assert len(api.get("/v1/esf/participants", params={"from": "2025-06-30"}).json()["rows"]) == 5
    assert api.get("/v1/esf/participants", params={"from": "2025-07-01"}).json()["rows"] == []
    nobody = api.get("/v1/esf/participants", params={"municipality": "Narva linn", "format": "csv"})
    assert nobody.text.strip() == ",".join(COLUMNS)
    audited = api.get("/v1/audit", params={"participant_id": ids[0]}).json()
    # JSON, CSV, XLSX and the file from 30.6.: the files that held them; not the empty ones
    assert [a["action"] for a in audited].count("esf.participant_file") == 4
