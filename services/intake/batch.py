"""Batch registration from CSV or JSON lines: every row created, updated or rejected."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, ValidationError

from services.intake.crypto import PersonalDataVault
from services.intake.errors import IntakeError, field_errors
from services.intake.registration import CHUNK, register_many
from services.intake.repository import store_response
from services.intake.schemas import IntakeIn
from services.intake.service import claim_or_replay

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
    raw_rows = _csv_rows(text) if kind == "csv" else _jsonl_rows(text)
    parsed = []
    for number, raw in enumerate(raw_rows, start=1):
        if number > MAX_ROWS:
            raise IntakeError(413, "too_many_rows", f"at most {MAX_ROWS} rows per upload")
        parsed.append((number, _validate(raw, municipality)))
    return parsed


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


def _jsonl_rows(text: str) -> Iterator[dict[str, Any] | str]:
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            yield "the line is not valid JSON"
            continue
        yield value if isinstance(value, dict) else "the line is not a JSON object"


def _validate(raw: dict[str, Any] | str, municipality: str) -> IntakeIn | list[dict[str, str]]:
    if isinstance(raw, str):
        return [{"field": "row", "reason": raw, "type": "malformed"}]
    given = raw.setdefault("municipality", municipality)
    if given != municipality:
        reason = f"differs from the upload's municipality {municipality!r}"
        return [{"field": "municipality", "reason": reason, "type": "value_error"}]
    try:
        return IntakeIn.model_validate(raw)
    except ValidationError as exc:
        return field_errors(exc.errors(), skip=())


async def register_rows(
    pool: asyncpg.Pool,
    rows: list[ParsedRow],
    *,
    vault: PersonalDataVault,
    progress: Callable[[int], None] | None = None,
    idempotency_key: str | None = None,
) -> BatchOut:
    """Register the valid rows in one transaction (chunked statements); report every row.

    With an idempotency key (scoped by the caller), a retried upload gets the first answer.
    """
    results = {
        n: RowResult(row=n, status="rejected", errors=e) for n, e in rows if isinstance(e, list)
    }
    valid = [(n, i) for n, i in rows if isinstance(i, IntakeIn)]
    if progress:
        progress(len(results))
    today = datetime.now(UTC).date()
    async with pool.acquire() as conn, conn.transaction():
        if idempotency_key and (
            earlier := await claim_or_replay(conn, idempotency_key, _hash(rows))
        ):
            return BatchOut.model_validate(earlier.body)
        for start in range(0, len(valid), CHUNK):
            chunk = valid[start : start + CHUNK]
            regs = await register_many(conn, [i for _, i in chunk], vault=vault, today=today)
            for (n, _), reg in zip(chunk, regs, strict=True):
                results[n] = RowResult(row=n, status=reg.status, participant_id=reg.participant_id)  # type: ignore[arg-type]
            if progress:
                progress(len(chunk))
        ordered = [results[n] for n, _ in rows]
        counts = {
            s: sum(r.status == s for r in ordered) for s in ("created", "updated", "rejected")
        }
        answer = BatchOut(**counts, results=ordered)
        if idempotency_key:
            await store_response(conn, idempotency_key, 200, answer.model_dump(mode="json"))
    return answer


def _hash(rows: list[ParsedRow]) -> str:
    digest = hashlib.sha256()
    for n, row in rows:
        part = row.model_dump_json() if isinstance(row, IntakeIn) else json.dumps(row)
        digest.update(f"{n}:{part}\n".encode())
    return digest.hexdigest()
