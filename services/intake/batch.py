"""Batch registration from CSV or JSON lines: every row created, updated or rejected."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.intake.crypto import PersonalDataVault
from services.intake.errors import IntakeError, field_errors
from services.intake.registration import CHUNK, Registration, register_many
from services.intake.schemas import IntakeIn, Municipality, RegistrationIn, UploadedIntake
from shared import history, idempotency
from shared.json_schema import TEXT_CELLS

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
LIST_SEPARATOR = ";"
_LIST_COLUMNS = {"languages", "risk_groups", "skills", "interests", "accessibility_needs"}
_NESTED = {
    "phone": ("contact", "phone"),
    "email": ("contact", "email"),
    "postal_code": ("home", "postal_code"),
    "lat": ("home", "lat"),
    "lon": ("home", "lon"),
    "consent_purposes": ("consent", "purposes"),
    "consent_given_at": ("consent", "given_at"),
    "consent_recorded_by": ("consent", "recorded_by"),
}
Format = Literal["csv", "jsonl"]
_MUNICIPALITY: TypeAdapter[str] = TypeAdapter(Municipality)


class FieldError(BaseModel):
    """Why one field of a row was refused."""

    field: str
    reason: str
    type: str = ""


class RowResult(BaseModel):
    """The outcome of one row (rows count from 1, the header not included)."""

    row: int
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
    """CSV or JSON lines, from the file name or its content type."""
    name, ctype = (filename or "").lower(), (content_type or "").lower()
    if name.endswith((".jsonl", ".ndjson")) or "ndjson" in ctype or "jsonl" in ctype:
        return "jsonl"
    if name.endswith(".csv") or "csv" in ctype:
        return "csv"
    raise IntakeError(415, "unsupported_format", "upload a .csv or a .jsonl (JSON lines) file")


def parse(data: bytes, *, kind: Format, municipality: str) -> list[ParsedRow]:
    """Each row validated: an IntakeIn, or the reasons it was refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeError(422, "not_utf8", "the file must be UTF-8 text") from None
    if kind == "jsonl":
        check = _fast_check(municipality)
        rows: Iterator[IntakeIn | list[dict[str, str]]] = (
            check(line) for line in text.splitlines() if line.strip()
        )
    else:
        rows = (_validate(raw, municipality) for raw in _csv_rows(text))
    parsed: list[ParsedRow] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise IntakeError(413, "too_many_rows", f"at most {MAX_ROWS} rows per upload")
        parsed.append((number, row))
    return parsed


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


def _csv_rows(text: str) -> Iterator[dict[str, Any] | str]:
    for record in csv.DictReader(io.StringIO(text)):
        if None in record:
            yield "the row has more cells than the header"
            continue
        yield csv_record_to_body(record)


def csv_record_to_body(record: dict[str, str | None]) -> dict[str, Any]:
    """A flat CSV record as an intake body: nested groups, `;`-separated lists, blanks left out."""
    body: dict[str, Any] = {}
    for column, cell in record.items():
        value = (cell or "").strip()
        if not value:
            continue
        parsed: Any = value
        if column in _LIST_COLUMNS or column == "consent_purposes":
            parsed = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        if column in _NESTED:
            group, key = _NESTED[column]
            body.setdefault(group, {})[key] = parsed
        else:
            body[column] = parsed
    return body


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
    importer: bool = False,
) -> BatchResult:
    """Register the valid rows in one transaction (chunked statements); report every row.

    With an idempotency key ((scope, key)), a retried upload gets the first answer. A row's
    `registered_on` (a history import's past day) is taken only from an `importer`.
    """
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
        if idempotency_key:
            await idempotency.store_answer(conn, *idempotency_key, idempotency.Answer(200, answer))
    return BatchResult(answer, ids + imported, imported)


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


def _row(n: int, status: str, participant_id: str | None, errors: Any) -> dict[str, Any]:
    """One row's `RowResult` as JSON (built as a dict: thousands per upload)."""
    return {"row": n, "status": status, "participant_id": participant_id, "errors": errors}


def _ids_of(body: dict[str, Any]) -> list[UUID]:
    return [UUID(r["participant_id"]) for r in body["results"] if r["participant_id"]]


def _hash(rows: list[ParsedRow]) -> str:
    digest = hashlib.sha256()
    for n, row in rows:
        part = row.model_dump_json() if isinstance(row, IntakeIn) else json.dumps(row)
        digest.update(f"{n}:{part}\n".encode())
    return digest.hexdigest()
