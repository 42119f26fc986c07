"""One participant through all four services, as real processes on real servers."""

import asyncio

import asyncpg
import httpx

from shared.testing import Stack, wait_until


def test_one_intake_reaches_all_four_services(stack: Stack, migrated_database_url: str) -> None:
    r = httpx.post(
        f"{stack['intake'].url}/v1/intakes",
        json={
            "municipality": "Rapla vald",
            "national_id": "38001085718",
            "given_name": "Jaan",
            "family_name": "Tamm",
            "languages": ["et"],
            "risk_groups": ["long_term_unemployed"],
            "labour_market_status": "long_term_unemployed",
            "months_unemployed": 14,
            "consent": {
                "purposes": ["case_management", "matching", "reporting"],
                "given_at": "2026-01-05T10:00:00+02:00",
                "recorded_by": "Rapla social worker",
            },
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["participant_id"]

    wait_until(
        lambda: (
            httpx.get(f"{stack['caseplan'].url}/v1/participants/{pid}/case-plan").status_code == 200
        ),
        what="case plan opened",
    )
    wait_until(
        lambda: httpx.get(f"{stack['matching'].url}/v1/candidates/{pid}").status_code == 200,
        what="candidate in matching's pool",
    )
    wait_until(
        lambda: (
            httpx.get(f"{stack['reporting'].url}/v1/reports/summary").json()[
                "participants_registered"
            ]
            == 1
        ),
        what="counted in reporting",
    )

    async def inbox_rows() -> dict[str, int]:
        conn = await asyncpg.connect(migrated_database_url)
        try:
            return {
                s: await conn.fetchval(f"SELECT count(*) FROM {s}.inbox")
                for s in ("caseplan", "matching", "reporting")
            }
        finally:
            await conn.close()

    # reporting also consumes caseplan.opened? not in the skeleton: one inbox row each.
    counts = asyncio.run(inbox_rows())
    assert counts["caseplan"] == 1 and counts["matching"] == 1 and counts["reporting"] == 1
