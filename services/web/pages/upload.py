"""The clerk's spreadsheet upload: choose a file, see a preview with its problems, confirm."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response

from services.web import repository, upload
from services.web.pages.common import page, pool_of, services_of
from services.web.sessions import signed_in

router = APIRouter()
Clerk = Annotated[asyncpg.Record, signed_in("municipality")]


@router.get("/participants/upload")
async def upload_form(request: Request, person: Clerk) -> Response:
    """Choose a CSV or .xlsx file (or download the template)."""
    return page(request, "upload.html", step="choose", error=None)


@router.get("/participants/upload/template.{kind}")
async def template(request: Request, person: Clerk, kind: Literal["csv", "xlsx"]) -> Response:
    """Intake's template of the columns: the header row and one example row."""
    got = await services_of(request).download(person, "intake", f"/v1/intakes/template.{kind}")
    disposition = f'attachment; filename="polku-participants-template.{kind}"'
    return Response(got.content, media_type=got.headers.get("content-type"),
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.post("/participants/upload")
async def preview(request: Request, person: Clerk, file: UploadFile) -> Response:
    """The preview: header, first rows, count, and every problem by row and column."""
    data = await file.read(upload.MAX_BYTES + 1)
    kind = upload.kind_of(file.filename, data)
    sheet = upload.read(data, kind) if len(data) <= upload.MAX_BYTES else None
    if not data or sheet is None:
        code = "file_too_large" if len(data) > upload.MAX_BYTES else "file_unreadable"
        return page(request, "upload.html", 422, step="choose", error=code)
    found = upload.preview(sheet)
    upload_id = uuid4()
    async with pool_of(request).acquire() as conn:
        await repository.insert_upload(
            conn, upload_id, person["person_id"], (file.filename or "upload.csv")[:200], data
        )
    return page(request, "upload.html", step="preview", error=None, preview=found,
                upload_id=upload_id, filename=file.filename or "")  # fmt: skip


def _rejections(results: list[dict[str, Any]]) -> list[upload.Problem]:
    """Intake's refusals by the sheet's row and column (intake names both for a sheet)."""
    problems = []
    for r in results:
        row = r.get("sheet_row") or upload.sheet_row(r["row"])
        for e in r.get("errors", []):
            code = "national_id" if e.get("field") == "national_id" else e.get("type") or "error"
            column = e.get("column")
            problems.append(
                upload.Problem(
                    row, upload.column_of(e["field"]) if column is None else column, code
                )
            )
    return problems


@router.post("/participants/upload/{upload_id}/confirm")
async def confirm(request: Request, person: Clerk, upload_id: UUID) -> Response:
    """Send the file to intake (once: the upload id is the idempotency key); show each row."""
    async with pool_of(request).acquire() as conn:
        kept = await repository.take_upload(conn, upload_id, person["person_id"])
    if kept is None:
        return page(request, "upload.html", 410, step="choose", error="link_not_valid")
    answer = await services_of(request).call(
        person, "intake", "POST", "/v1/intakes/batch",
        params={"municipality": person["municipality"]},
        headers={"Idempotency-Key": f"web-upload-{upload_id}"},
        files={"file": (kept["filename"], kept["data"],
                        upload.content_type(upload.kind_of(kept["filename"], kept["data"])))},
    )  # fmt: skip
    rejected = [r for r in answer["results"] if r["status"] == "rejected"]
    return page(request, "upload.html", step="done", error=None, answer=answer,
                problems=_rejections(rejected))  # fmt: skip
