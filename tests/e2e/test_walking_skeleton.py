"""One participant through all four services, as real processes on real servers."""

import asyncio

import asyncpg
import httpx

from tests.support import Stack, bearer, wait_until


def test_one_intake_reaches_all_four_services(
    stack: Stack, migrated_database_url: str, admin_key: str
) -> None:
    key = bearer(admin_key)
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
        headers=key,
    )
    assert r.status_code == 201, r.text
    pid = r.json()["participant_id"]

    wait_until(
        lambda: (
            httpx.get(
                f"{stack['caseplan'].url}/v1/participants/{pid}/case-plan", headers=key
            ).status_code
            == 200
        ),
        what="case plan opened",
    )
    wait_until(
        lambda: (
            httpx.get(f"{stack['matching'].url}/v1/candidates/{pid}", headers=key).status_code
            == 200
        ),
        what="candidate in matching's pool",
    )
    wait_until(
        lambda: (
            httpx.get(f"{stack['reporting'].url}/v1/reports/summary", headers=key).json()[
                "participants_registered"
            ]
            == 1
        ),
        what="counted in reporting",
    )

    async def registrations_seen() -> dict[str, int]:
        """How many times each consumer recorded a participant.registered in its inbox."""
        conn = await asyncpg.connect(migrated_database_url)
        try:
            event_id = await conn.fetchval(
                "SELECT event_id FROM intake.outbox WHERE type = 'participant.registered'"
            )
            return {
                s: await conn.fetchval(
                    f"SELECT count(*) FROM {s}.inbox WHERE event_id = $1", event_id
                )
                for s in ("caseplan", "matching", "reporting")
            }
        finally:
            await conn.close()

    assert asyncio.run(registrations_seen()) == {"caseplan": 1, "matching": 1, "reporting": 1}
