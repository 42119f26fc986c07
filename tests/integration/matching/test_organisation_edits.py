"""Organisations listed, read and edited; satellites under a central workshop; the webhook
URL edited (its secret kept) and the secret rotated explicitly."""

from __future__ import annotations

from uuid import uuid4

import redis.asyncio as aioredis
from matching_helpers import (
    KAUSTINEN,
    ClientFactory,
    organisation,
    post_opening,
    publish,
    ready,
    registered,
    stream_events,
)
from network_helpers import central_and_satellite, every_page, workshop_key
from webhook_receiver import Receiver, verify

from shared.events import streams
from shared.settings import Settings
from tests.support.polling import eventually

FAST = {"allow_private_webhooks": True, "webhook_backoff_s": 0.2, "webhook_interval_s": 0.05}


async def test_organisations_listed_and_read_by_whom_they_concern(
    matching_client: ClientFactory, settings: Settings
) -> None:
    async with matching_client() as http:
        central, satellite = await central_and_satellite(http)
        other = (await organisation(http, name="Toinen paja", kind="employer"))["organisation_id"]
        dsn = settings.database_url
        central_key = await workshop_key(dsn, central)
        satellite_key = await workshop_key(dsn, satellite)
        as_admin = await every_page(http, "/v1/organisations", limit=1)
        as_central = await every_page(http, "/v1/organisations", central_key)
        as_satellite = await every_page(http, "/v1/organisations", satellite_key)
        read = await http.get(f"/v1/organisations/{satellite}", headers=central_key)
        upward = await http.get(f"/v1/organisations/{central}", headers=satellite_key)
        sideways = await http.get(f"/v1/organisations/{other}", headers=central_key)
        unknown = await http.get(f"/v1/organisations/{uuid4()}")

    assert sorted(o["organisation_id"] for o in as_admin) == sorted([central, satellite, other])
    assert sorted(o["organisation_id"] for o in as_central) == sorted([central, satellite])
    assert [o["organisation_id"] for o in as_satellite] == [satellite]
    assert read.status_code == 200, read.text
    assert read.json() | {"webhook_secret": None} == read.json()  # never the secret
    assert read.json()["central_workshop_id"] == central
    assert read.json()["kind"] == "satellite_workshop"
    assert upward.status_code == sideways.status_code == unknown.status_code == 404
    assert unknown.json()["detail"]["reason"] == "organisation_not_found"


async def test_organisation_edited_and_its_central_workshop_validated(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    async with matching_client() as http:
        central, satellite = await central_and_satellite(http)
        lone = (await organisation(http, name="Toinen satelliitti", kind="satellite_workshop"))[
            "organisation_id"
        ]
        employer = (await organisation(http, kind="employer"))["organisation_id"]
        own_key = await workshop_key(settings.database_url, satellite)
        path = f"/v1/organisations/{satellite}"
        edited = await http.patch(
            path,
            json={"name": "Veteli Satellite", "location": KAUSTINEN, "municipality": "Veteli"},
            headers=own_key,
        )
        read = (await http.get(path, headers=own_key)).json()
        not_theirs = await http.patch(path, json={"central_workshop_id": None}, headers=own_key)
        refusals = {
            what: await http.patch(f"/v1/organisations/{org}", json={"central_workshop_id": to})
            for what, org, to in [
                ("not_a_satellite", employer, central),
                ("not_a_central_workshop", lone, satellite),
                ("central_cycle", lone, lone),
                ("central_workshop_not_found", lone, str(uuid4())),
            ]
        }
        moved = await http.patch(f"/v1/organisations/{lone}", json={"central_workshop_id": central})
        detached = await http.patch(path, json={"central_workshop_id": None})
        nameless = await http.patch(path, json={"name": None})
        bad_create = await http.post(
            "/v1/organisations",
            json={"name": "X", "kind": "satellite_workshop", "municipality": "Veteli",
                  "central_workshop_id": lone},
        )  # fmt: skip
        unknown = await http.patch(f"/v1/organisations/{uuid4()}", json={"name": "Kukaan"})

        async def three_updates() -> list[dict[str, object]]:
            found = await stream_events(redis, streams.MATCHING, "organisation.updated")
            return found if len(found) == 3 else []

        updates = await eventually(three_updates, what="organisation.updated events")
        registrations = await stream_events(redis, streams.MATCHING, "organisation.registered")

    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "Veteli Satellite" and edited.json()["location"] == KAUSTINEN
    assert read["name"] == "Veteli Satellite" and read["municipality"] == "Veteli"
    assert read["central_workshop_id"] == central  # untouched by an edit that did not name it
    assert not_theirs.status_code == 403
    assert not_theirs.json()["detail"]["reason"] == "admin_only"
    for reason, answer in refusals.items():
        assert answer.json()["detail"]["reason"] == reason, answer.text
        assert answer.status_code == (404 if reason.endswith("not_found") else 422)
    assert moved.status_code == 200 and moved.json()["central_workshop_id"] == central
    assert detached.status_code == 200 and detached.json()["central_workshop_id"] is None
    assert nameless.status_code == 422
    assert nameless.json()["detail"]["reason"] == "field_required"
    assert bad_create.status_code == 422
    assert bad_create.json()["detail"]["reason"] == "not_a_central_workshop"
    assert unknown.status_code == 404
    payloads = {
        (u["payload"]["organisation_id"], u["payload"]["central_workshop_id"]) for u in updates
    }
    assert payloads == {(satellite, central), (lone, central), (satellite, None)}
    registered_as = {r["payload"]["organisation_id"]: r["payload"] for r in registrations}
    assert registered_as[satellite]["central_workshop_id"] == central
    assert registered_as[central]["central_workshop_id"] is None
    assert len(registrations) == 4  # the refused creation recorded nothing


async def test_webhook_url_edited_keeps_its_secret_and_rotation_replaces_it(
    matching_client: ClientFactory, redis: aioredis.Redis, settings: Settings
) -> None:
    with Receiver(statuses=[200]) as receiver:
        async with matching_client(**FAST) as http:
            org = await organisation(http)
            oid = org["organisation_id"]
            await post_opening(http, oid, seats=3)
            first = registered()
            await publish(redis, first, ready(first.participant_id))
            await eventually(lambda: _proposed(http, oid, 1), what="a proposal, no webhook")
            edited = await http.patch(
                f"/v1/organisations/{oid}", json={"webhook_url": receiver.url}
            )
            second = registered()
            await publish(redis, second, ready(second.participant_id))
            await eventually(lambda: _received(receiver, 1), what="the first notification")
            rotated = await http.post(f"/v1/organisations/{oid}/webhook/rotate")
            third = registered()
            await publish(redis, third, ready(third.participant_id))
            await eventually(lambda: _received(receiver, 2), what="the second notification")
            read = (await http.get(f"/v1/organisations/{oid}")).json()
            unknown = await http.post(f"/v1/organisations/{uuid4()}/webhook/rotate")

    assert edited.status_code == 200 and edited.json()["webhook_url"] == receiver.url
    assert edited.json()["webhook_secret"] is None  # an edit shows no secret: it kept it
    before, after = receiver.requests
    assert verify(org["webhook_secret"], before.body, before.headers["Polku-Signature"])
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["webhook_secret"]
    assert secret.startswith("whsec_") and secret != org["webhook_secret"]
    assert verify(secret, after.body, after.headers["Polku-Signature"])
    assert not verify(org["webhook_secret"], after.body, after.headers["Polku-Signature"])
    assert read["webhook_url"] == receiver.url and read["webhook_secret"] is None
    assert unknown.status_code == 404


async def _proposed(http: object, oid: str, n: int) -> bool:
    r = await http.get(f"/v1/organisations/{oid}/matches")  # type: ignore[attr-defined]
    return len(r.json()) == n


async def _received(receiver: Receiver, n: int) -> bool:
    return len(receiver.requests) == n
