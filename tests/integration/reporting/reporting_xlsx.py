"""Reports downloaded as workbooks, read back with openpyxl and compared to their JSON."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import httpx
from openpyxl import load_workbook

from shared.spreadsheet import XLSX_TYPE


def sheet_rows(response: httpx.Response) -> tuple[list[str], list[list[Any]]]:
    """A downloaded workbook's header and rows (its first and only sheet)."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == XLSX_TYPE
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    cells = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    if not cells:  # a report without rows: no columns to name either
        return [], []
    return [str(h) for h in cells[0]], cells[1:]


def as_cell(value: Any) -> Any:
    """What a JSON value becomes in a workbook cell (lists joined by `;`, dates as date-times)."""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    if isinstance(value, dict):
        return str(value)
    return value


def check_report_as_xlsx(api: httpx.Client, name: str, **params: str) -> int:
    """`/reports/{name}.xlsx` and `?format=xlsx` hold exactly the JSON table; its row count."""
    table = api.get(f"/v1/reports/{name}", params=params)
    assert table.status_code == 200, table.text
    body = table.json()
    if name == "summary":  # one object: its rows are its figures
        json_rows = [{"figure": k, "value": v} for k, v in body.items()]
    else:
        json_rows = body["rows"]
    for response in (
        api.get(f"/v1/reports/{name}.xlsx", params=params),
        api.get(f"/v1/reports/{name}", params={**params, "format": "xlsx"}),
    ):
        header, rows = sheet_rows(response)
        assert f'filename="polku-{name}.xlsx"' in response.headers["content-disposition"]
        assert header == list(json_rows[0]) if json_rows else header == []
        assert rows == [[as_cell(r[c]) for c in header] for r in json_rows], name
    return len(json_rows)
