"""Batch registration from CSV or JSON lines: every row created, updated or rejected."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from services.intake.crypto import PersonalDataVault
from services.intake.errors import IntakeError
from services.intake.records import PRODUCER
from services.intake.registration import CHUNK, Registration, register_many
from services.intake.schemas import IntakeIn, Municipality, RegistrationIn, UploadedIntake
from services.intake.sheets import column_of, records
from shared import history, idempotency, outbox, spreadsheet
from shared.events import new_event
from shared.events.intake import IntakeRowsRefused
from shared.http_errors import field_errors
from shared.json_schema import TEXT_CELLS

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
Format = Literal["csv", "jsonl", "xlsx"]
_MUNICIPALITY: TypeAdapter[str] = TypeAdapter(Municipality)


class FieldError(BaseModel):
    """Why one field of a row was refused."""

    field: str
    reason: str
    type: str = ""
    column: str | None = Field(None, description="a sheet's column holding the field (sheets)")


class RowResult(BaseModel):
    """The outcome of one row (rows count from 1, the header not included)."""

    row: int
    sheet_row: int | None = Field(
        None, description="the row as the spreadsheet numbers it, the header being row 1 (sheets)"
    )
    status: Literal["created", "updated", "rejected"]
    participant_id: UUID | None = None
    errors: list[FieldError] = []


class BatchOut(BaseModel):
    """Counts and the per-row results of a batch registration."""

    created: int
    updated: int
    rejected: int
    results: list[RowResult]


ParsedRow = tuple[int, IntakeIn | list[dict[str, str]]]


def detect_format(filename: str | None, content_type: str | None) -> Format:
    """CSV, .xlsx or JSON lines, from the file name or its content type."""
    name, ctype = (filename or "").lower(), (content_type or "").lower()
    if name.endswith(".xlsx") or ctype.startswith(spreadsheet.XLSX_TYPE):
        return "xlsx"
    if name.endswith((".jsonl", ".ndjson")) or "ndjson" in ctype or "jsonl" in ctype:
        return "jsonl"
    if name.endswith(".csv") or "csv" in ctype:
        return "csv"
    raise IntakeError(
        415, "unsupported_format", "upload a .csv, an .xlsx or a .jsonl (JSON lines) file"
    )


def parse(data: bytes, *, kind: Format, municipality: str) -> list[ParsedRow]:
    """Each row validated: an IntakeIn, or the reasons it was refused.

    A sheet (CSV or .xlsx) numbers its data rows from 1 as they stand under the header,
    blank rows skipped but counted; JSON lines count the lines that are not blank.
    """
    numbered: Iterator[tuple[int, IntakeIn | list[dict[str, str]]]]
    if kind == "jsonl":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise IntakeError(422, "not_utf8", "JSON lines must be UTF-8 text") from None
        check = _fast_check(municipality)
        lines = (line for line in text.splitlines() if line.strip())
        numbered = enumerate((check(line) for line in lines), start=1)
    else:
        if kind == "csv" and spreadsheet.is_xlsx(data):
            kind = "xlsx"  # a workbook named .csv: read what it is
        try:
            sheet = spreadsheet.read(data, kind, max_rows=MAX_ROWS)
        except spreadsheet.UnreadableSheet as exc:
            raise IntakeError(422, exc.reason, str(exc)) from None
        numbered = ((n, _in_columns(_validate(raw, municipality))) for n, raw in records(sheet))
    parsed: list[ParsedRow] = []
    for number, row in numbered:
        if len(parsed) >= MAX_ROWS:
            raise IntakeError(413, "too_many_rows", f"at most {MAX_ROWS} rows per upload")
        parsed.append((number, row))
    return parsed


def _in_columns(row: IntakeIn | list[dict[str, str]]) -> IntakeIn | list[dict[str, str]]:
    """A sheet's refused row: each error also names the column that holds its field."""
    if isinstance(row, list):
        for error in row:
            error["column"] = column_of(error["field"])
    return row


def _fast_check(municipality: str) -> Callable[[str], IntakeIn | list[dict[str, str]]]:
    """Validate a JSON line straight from its text; a line refused there (or naming another
    municipality) is validated again the exact way, which names the reasons."""
    try:
        clean: str | None = _MUNICIPALITY.validate_python(municipality)
    except ValidationError:
        clean = None  # every row is refused below, each with the reason

    def check(line: str) -> IntakeIn | list[dict[str, str]]:
        if clean is not None:
            try:
                row = UploadedIntake.model_validate_json(line)
            except ValidationError:
                pass
            else:
                given = row.municipality if "municipality" in row.model_fields_set else municipality
                if given == municipality:
                    row.municipality = clean
                    return row
        return _validate(_json_row(line), municipality)

    return check


def _json_row(line: str) -> dict[str, Any] | str:
    try:
        value = json.loads(line)
    except ValueError:
        return "the line is not valid JSON"
    return value if isinstance(value, dict) else "the line is not a JSON object"


def _validate(raw: dict[str, Any] | str, municipality: str) -> IntakeIn | list[dict[str, str]]:
    if isinstance(raw, str):
        return [{"field": "row", "reason": raw, "type": "malformed"}]
    given = raw.setdefault("municipality", municipality)
    if given != municipality:
        reason = f"differs from the upload's municipality {municipality!r}"
        return [{"field": "municipality", "reason": reason, "type": "value_error"}]
    try:
        return RegistrationIn.model_validate(raw, context=TEXT_CELLS)  # CSV cells are text
    except ValidationError as exc:
        return field_errors(exc.errors(), skip=())


@dataclass(frozen=True)
class BatchResult:
    """A batch registration's answer (`BatchOut` as JSON) and the participants it touched."""

    body: dict[str, Any]
    participant_ids: list[UUID]
    imported_ids: list[UUID] = field(default_factory=list)
    """Of them, those a history import registered on their own past day."""


async def register_rows(
    pool: asyncpg.Pool,
    rows: list[ParsedRow],
    *,
    vault: PersonalDataVault,
    progress: Callable[[int], None] | None = None,
    idempotency_key: tuple[str, str] | None = None,
    sheet: bool = False,
    importer: bool = False,
    municipality: str | None = None,
) -> BatchResult:
    """Register the valid rows in one transaction (chunked statements); report every row
    (a `sheet`'s with its row as the spreadsheet numbers it).

    With an idempotency key ((scope, key)), a retried upload gets the first answer. A row's
    `registered_on` (a history import's past day) is taken only from an `importer`. With a
    `municipality`, refused rows are told to it (`intake.rows_refused`, in the transaction).
    """
    _row = partial(_row_of, 1 if sheet else None)
    today = datetime.now(UTC).date()
    results = {n: _row(n, "rejected", None, e) for n, e in rows if isinstance(e, list)}
    for n, i in rows:
        if isinstance(i, IntakeIn) and (errors := _dating_refused(i, importer, today)):
            results[n] = _row(n, "rejected", None, errors)
    valid = [(n, i) for n, i in rows if isinstance(i, IntakeIn) and n not in results]
    if progress:
        progress(len(results))
    ids: list[UUID] = []
    imported: list[UUID] = []
    async with pool.acquire() as conn, conn.transaction():
        if idempotency_key and (
            earlier := await idempotency.claim_or_replay(conn, *idempotency_key, _hash(rows))
        ):
            return BatchResult(earlier.body, _ids_of(earlier.body))
        for start in range(0, len(valid), CHUNK):
            chunk = valid[start : start + CHUNK]
            regs = await _register_dated(conn, [i for _, i in chunk], vault, today)
            for (n, i), reg in zip(chunk, regs, strict=True):
                if isinstance(reg, list):
                    results[n] = _row(n, "rejected", None, reg)
                    continue
                results[n] = _row(n, reg.status, str(reg.participant_id), [])
                if not reg.transfer_requested:  # audited as transfer.requested already
                    dated = getattr(i, "registered_on", None) is not None
                    (imported if dated else ids).append(reg.participant_id)
            if progress:
                progress(len(chunk))
        ordered = [results[n] for n, _ in rows]
        counts = Counter(r["status"] for r in ordered)
        answer = {s: counts[s] for s in ("created", "updated", "rejected")} | {"results": ordered}
        if municipality and (told := refused_rows(municipality, ordered)):
            await outbox.record(conn, [new_event(told, producer=PRODUCER)])
        if idempotency_key:
            await idempotency.store_answer(conn, *idempotency_key, idempotency.Answer(200, answer))
    return BatchResult(answer, ids + imported, imported)


def refused_rows(municipality: str, results: list[dict[str, Any]]) -> IntakeRowsRefused | None:
    """What the municipality is told of an upload's refused rows: their numbers, no data."""
    rows = [r["sheet_row"] or r["row"] for r in results if r["status"] == "rejected"]
    if not rows:
        return None
    return IntakeRowsRefused(municipality=municipality, source="upload", refused=len(rows),
                             total=len(results), rows=rows)  # fmt: skip


def _dating_refused(intake: IntakeIn, importer: bool, today: date) -> list[dict[str, str]]:
    """Why a row's own registration day is refused (nothing when it has none or may)."""
    day: date | None = getattr(intake, "registered_on", None)
    if day is None:
        return []
    if not importer:
        reason = "history_import_not_allowed"
        return [{"field": "registered_on", "reason": reason, "type": "not_allowed"}]
    refusal = history.past_day_refusal(day, today=today, what="registered")
    if refusal is None:
        return []
    return [{"field": "registered_on", "reason": refusal.reason, "type": "value_error"}]


async def _register_dated(
    conn: asyncpg.Connection, intakes: list[IntakeIn], vault: PersonalDataVault, today: date
) -> list[Registration | list[dict[str, str]]]:
    """The rows registered on their own day (a history import's) or today, in their order."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for k, intake in enumerate(intakes):
        by_day[getattr(intake, "registered_on", None) or today].append(k)
    outcomes: dict[int, Registration | list[dict[str, str]]] = {}
    for day, ks in by_day.items():
        regs = await _register_apart(conn, [intakes[k] for k in ks], vault, day)
        outcomes.update(zip(ks, regs, strict=True))
    return [outcomes[k] for k in range(len(intakes))]


async def _register_apart(
    conn: asyncpg.Connection, intakes: list[IntakeIn], vault: PersonalDataVault, today: date
) -> list[Registration | list[dict[str, str]]]:
    """A chunk in one savepoint; should the database refuse a value validation let through,
    row by row, so that row alone is rejected (with the reason) and the others registered."""
    try:
        async with conn.transaction():
            return list(await register_many(conn, intakes, vault=vault, today=today))
    except asyncpg.DataError:
        pass
    outcomes: list[Registration | list[dict[str, str]]] = []
    for intake in intakes:
        try:
            async with conn.transaction():
                outcomes += await register_many(conn, [intake], vault=vault, today=today)
        except asyncpg.DataError as exc:
            reason = f"the database cannot store a value of this row ({exc.sqlstate})"
            outcomes.append([{"field": "row", "reason": reason, "type": "unstorable"}])
    return outcomes


def _row_of(
    header: int | None, n: int, status: str, participant_id: str | None, errors: Any
) -> dict[str, Any]:
    """One row's `RowResult` as JSON (built as a dict: thousands per upload)."""
    sheet_row = None if header is None else n + header
    return {"row": n, "sheet_row": sheet_row, "status": status,
            "participant_id": participant_id, "errors": errors}  # fmt: skip


def _ids_of(body: dict[str, Any]) -> list[UUID]:
    return [UUID(r["participant_id"]) for r in body["results"] if r["participant_id"]]


def _hash(rows: list[ParsedRow]) -> str:
    digest = hashlib.sha256()
    for n, row in rows:
        part = row.model_dump_json() if isinstance(row, IntakeIn) else json.dumps(row)
        digest.update(f"{n}:{part}\n".encode())
    return digest.hexdigest()
