"""`polku import`: the same batch use case from the shell, with a progress bar."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from intake_helpers import broken, numbered_estonian_id
from openpyxl import Workbook

from polku.cli import main
from shared.settings import Settings


def test_import_registers_valid_rows_and_reports_the_bad(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POLKU_DATABASE_URL", settings.database_url)
    lines = [
        "national_id,given_name,family_name,labour_market_status,consent_purposes,consent_given_at,consent_recorded_by"
    ]
    for n in range(1500):
        nid = numbered_estonian_id(n) if n != 10 else broken(numbered_estonian_id(n))
        lines.append(f"{nid},Anu{n},Saar,unemployed,case_management,2026-02-01T09:00:00Z,desk")
    path = tmp_path / "intakes.csv"
    path.write_text("\n".join(lines), encoding="utf-8")

    code = main(["import", str(path), "--municipality", "Tartu linn"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "1500/1500 rows" in err
    result = json.loads(out)
    assert (result["created"], result["rejected"]) == (1499, 1)
    [bad] = [r for r in result["results"] if r["status"] == "rejected"]
    assert bad["row"] == 11 and bad["errors"][0]["reason"] == "checksum does not match"

    async def count() -> int:
        conn = await asyncpg.connect(settings.database_url)
        try:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM intake.participant WHERE municipality = 'Tartu linn'"
                )
            )
        finally:
            await conn.close()

    assert asyncio.run(count()) == 1499


def test_import_of_a_missing_file_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "nope.csv"), "--municipality", "Tartu linn"]) == 2
    assert "polku import:" in capsys.readouterr().err


def test_import_of_a_workbook(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POLKU_DATABASE_URL", settings.database_url)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["national_id", "given_name", "family_name", "labour_market_status",
                  "consent_purposes", "consent_given_at", "consent_recorded_by"])  # fmt: skip
    for n in range(20):
        nid = numbered_estonian_id(n) if n != 4 else broken(numbered_estonian_id(n))
        sheet.append([int(nid), f"Anu{n}", "Saar", "unemployed", "case_management",
                      datetime(2026, 2, 1, 9), "desk"])  # fmt: skip
    book.save(tmp_path / "intakes.xlsx")

    code = main(["import", str(tmp_path / "intakes.xlsx"), "--municipality", "Tartu linn"])

    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (result["created"], result["rejected"]) == (19, 1)
    assert [r["row"] for r in result["results"] if r["status"] == "rejected"] == [5]


def test_import_with_history_registers_rows_on_their_own_day(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POLKU_DATABASE_URL", settings.database_url)
    header = "national_id,given_name,family_name,labour_market_status,consent_purposes,"
    header += "consent_given_at,consent_recorded_by,registered_on"
    rows = [f"{numbered_estonian_id(n)},Anu{n},Saar,unemployed,case_management,"
            f"2007-01-01T09:00:00Z,archive,2007-0{n + 1}-15" for n in range(3)]  # fmt: skip
    path = tmp_path / "past.csv"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")

    assert main(["import", str(path), "--municipality", "Tartu linn"]) == 1  # no --history
    refused = json.loads(capsys.readouterr().out)["results"]
    assert {e["reason"] for r in refused for e in r["errors"]} == {"history_import_not_allowed"}

    assert main(["import", str(path), "--municipality", "Tartu linn", "--history"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 3

    async def stored() -> tuple[list[str], list[bool]]:
        conn = await asyncpg.connect(settings.database_url)
        try:
            days = await conn.fetch(
                "SELECT registered_on FROM intake.participant ORDER BY registered_on"
            )
            marks = await conn.fetch(
                "SELECT imported FROM intake.audit_log WHERE action = 'participant.batch'"
            )
            return [str(d[0]) for d in days], [m[0] for m in marks]
        finally:
            await conn.close()

    assert asyncio.run(stored()) == (["2007-01-15", "2007-02-15", "2007-03-15"], [True] * 3)
