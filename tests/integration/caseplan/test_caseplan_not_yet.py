"""A case plan read just after intake registered the person: "not yet" only for the
municipality holding intake's registration receipt; a plain 404 for everyone else."""

from __future__ import annotations

from uuid import UUID, uuid4

import httpx
from caseplan_helpers import RAPLA, Caseplan, registered

from shared import receipts
from shared.settings import Settings
from tests.support import bearer
from tests.support.keys import create_api_key
from tests.support.polling import eventually


async def _read(
    caseplan: Caseplan, pid: UUID, key: str, receipt: str | None = None
) -> httpx.Response:
    headers = bearer(key) | ({receipts.HEADER: receipt} if receipt else {})
    return await caseplan.client.get(f"/v1/participants/{pid}/case-plan", headers=headers)


def _reason(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["detail"]["reason"]


async def test_the_registering_municipality_hears_not_yet(
    caseplan: Caseplan, settings: Settings
) -> None:
    rapla = await create_api_key(settings.database_url, role="municipality", municipality=RAPLA)
    tapa = await create_api_key(settings.database_url, role="municipality", municipality="Tapa")
    pid = uuid4()
    receipt = receipts.receipt(settings.id_hash_secret, pid, RAPLA)

    assert _reason(await _read(caseplan, pid, rapla, receipt)) == (404, "case_plan_not_yet")
    assert _reason(await _read(caseplan, pid, rapla)) == (404, "case_plan_not_found")
    assert _reason(await _read(caseplan, pid, tapa, receipt)) == (404, "case_plan_not_found")
    forged = receipts.receipt(settings.id_hash_secret, pid, "Tapa")
    assert _reason(await _read(caseplan, pid, rapla, forged)) == (404, "case_plan_not_found")

    await caseplan.worker()
    await caseplan.publish(registered(pid))

    async def opened() -> bool:
        return (await _read(caseplan, pid, rapla, receipt)).status_code == 200

    await eventually(opened, what="the case plan opened")
    assert _reason(await _read(caseplan, pid, tapa, receipt)) == (404, "case_plan_not_found")
