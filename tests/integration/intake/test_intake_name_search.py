"""Finding a municipality's participants by name, through the keyed name index."""

from __future__ import annotations

import asyncpg
import httpx
from intake_helpers import intake_body

from services.intake import service
from shared.settings import Settings
from tests.support import bearer, create_api_key


async def _register(client: httpx.AsyncClient, given: str, family: str, **extra: object) -> str:
    r = await client.post(
        "/v1/intakes", json=intake_body(given_name=given, family_name=family, **extra)
    )
    assert r.status_code in (200, 201), r.text
    return str(r.json()["participant_id"])


async def _found(
    client: httpx.AsyncClient, name: str, municipality: str = "Rapla vald"
) -> set[str]:
    r = await client.post(
        "/v1/participants/search", json={"municipality": municipality, "name": name}
    )
    assert r.status_code == 200, r.text
    return {p["participant_id"] for p in r.json()["items"]}


async def test_names_are_found_by_the_starts_of_their_words(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    tonu = await _register(client, "Tõnu", "Tamm-Kask")
    mari = await _register(client, "Mari", "Tamm")
    tamara = await _register(client, "Tamara", "Ivanova")
    elsewhere = await _register(client, "Tõnu", "Tamm", municipality="Tartu linn")

    assert await _found(client, "tam") == {tonu, mari, tamara}
    assert await _found(client, "Tamm") == {tonu, mari}
    assert await _found(client, "tonu TAMM") == {tonu}  # every word, any order, no accents
    assert await _found(client, "kask") == {tonu}
    assert await _found(client, "amm") == set()  # the inside of a word is not a start
    assert await _found(client, "Tõnu", "Tartu linn") == {elsewhere}

    # No name in the clear: the index holds keyed hashes only.
    tokens = await db.fetch("SELECT token FROM participant_name_token")
    assert tokens and all(b"tamm" not in bytes(r["token"]).lower() for r in tokens)
    audit = await db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'participant.searched'"
    )
    assert audit >= 6


async def test_corrections_and_re_registrations_move_the_index(client: httpx.AsyncClient) -> None:
    body = intake_body(given_name="Liisa", family_name="Mets")
    pid = (await client.post("/v1/intakes", json=body)).json()["participant_id"]
    assert (
        await client.patch(f"/v1/participants/{pid}", json={"family_name": "Saar"})
    ).status_code == 200
    assert await _found(client, "mets") == set()
    assert await _found(client, "liisa saar") == {pid}

    again = await client.post("/v1/intakes", json={**body, "family_name": "Kuusk"})
    assert again.json() == {**again.json(), "participant_id": pid, "status": "updated"}
    assert await _found(client, "saar") == set()
    assert await _found(client, "kuusk") == {pid}

    assert (await client.post(f"/v1/participants/{pid}/erasure")).status_code in (200, 202, 204)
    assert await _found(client, "liisa") == set()


async def test_bad_searches_are_refused_with_a_reason(
    client: httpx.AsyncClient, settings: Settings, migrated_database_url: str
) -> None:
    short = await client.post(
        "/v1/participants/search", json={"municipality": "Rapla vald", "name": "Tamm K"}
    )
    assert (short.status_code, short.json()["detail"]["reason"]) == (422, "query_too_short")
    key = await create_api_key(
        migrated_database_url, role="municipality", municipality="Rapla vald"
    )
    other = await client.post(
        "/v1/participants/search",
        json={"municipality": "Tartu linn", "name": "Tamm"},
        headers=bearer(key),
    )
    assert (other.status_code, other.json()["detail"]["reason"]) == (403, "other_municipality")


async def test_people_registered_before_name_search_are_indexed_at_start(
    client: httpx.AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    pids = {await _register(client, "Anneli", f"Rebane{n}") for n in range(3)}
    await db.execute("DELETE FROM participant_name_token")  # as before migration 0006
    assert await _found(client, "anneli") == set()

    app_pool = await asyncpg.create_pool(
        settings.database_url, server_settings={"search_path": "intake"}, min_size=1, max_size=2
    )
    try:
        assert await service.index_names(app_pool, service.vault_of(settings), chunk=2) == 3
        assert await service.index_names(app_pool, service.vault_of(settings)) == 0
    finally:
        await app_pool.close()
    assert await _found(client, "anneli") == pids
