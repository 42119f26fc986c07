"""Notifications: the web front hears the services' events on real Redis, records a notice
with each event's inbox entry, and mails it through a real SMTP server with retries."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI

from services.web.main import create_app
from services.web.settings import WebSettings
from shared.events import new_event
from shared.events.caseplan import CaseplanWorkerAssigned
from shared.events.intake import ParticipantErased
from shared.events.matching import MatchDeclined, MatchProposed, OpeningPosted
from shared.events.vocabulary import OpeningKind, OrganisationKind
from shared.migrate import migrate
from shared.settings import Settings
from tests.support import polling
from tests.support.people import WebPerson, create_person
from tests.support.smtp import SmtpServer

EMPLOYER, SUPPORT = uuid4(), uuid4()


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 60.0) -> Any:
    """The one polling helper, with a longer wait: the web front's consumer starts first."""
    return await polling.eventually(check, "a notification", within=within)


@asynccontextmanager
async def web_front(settings: Settings, **mail: Any) -> AsyncIterator[FastAPI]:
    ws = WebSettings(cookie_secure=False, mail_interval_s=0.05, **mail)
    app = create_app(settings, ws)
    async with app.router.lifespan_context(app):
        yield app


async def publish(redis_url: str, *payloads: Any, twice: bool = False) -> list[UUID]:
    client = aioredis.from_url(redis_url)
    ids = []
    try:
        for payload in payloads:
            event = new_event(payload, producer="test")
            for _ in range(2 if twice else 1):
                await client.xadd(payload.STREAM, {"__data__": event.model_dump_json()})
            ids.append(event.event_id)
    finally:
        await client.aclose()
    return ids


def opening(opening_id: UUID) -> OpeningPosted:
    return OpeningPosted(
        opening_id=opening_id, organisation_id=EMPLOYER, organisation_kind=OrganisationKind.ASSOCIATION,
        municipality="Kaustinen", title="Puutyöpaja", kind=OpeningKind.WORKSHOP_PLACE, seats=2,
    )  # fmt: skip


async def people(dsn: str) -> tuple[WebPerson, WebPerson]:
    employer = await create_person(dsn, "employer", organisation_id=EMPLOYER)
    worker = await create_person(dsn, "support_worker", organisation_id=SUPPORT)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "UPDATE web.person SET language = 'fi' WHERE person_id = $1", employer.person_id
        )
        await conn.execute(
            "UPDATE web.person SET language = 'et' WHERE person_id = $1", worker.person_id
        )
    finally:
        await conn.close()
    return employer, worker


async def test_proposals_and_answers_are_mailed_once_in_each_readers_language(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    employer, worker = await people(migrated_database_url)
    participant, opening_id = uuid4(), uuid4()
    match = {"match_id": uuid4(), "participant_id": participant, "opening_id": opening_id,
             "organisation_id": EMPLOYER}  # fmt: skip
    with SmtpServer() as smtp:
        async with web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port):
            await publish(settings.redis_url, opening(opening_id))
            await publish(
                settings.redis_url,
                CaseplanWorkerAssigned(participant_id=participant, case_plan_id=uuid4(),
                                       support_worker_id=uuid4(), organisation_id=SUPPORT,
                                       assigned_on=date.today()),
                MatchProposed(**match, score=0.8),
                twice=True,  # a redelivered event tells nobody twice
            )  # fmt: skip
            await eventually(lambda: _count(smtp, worker.email, 1))  # the case is known
            await publish(settings.redis_url, MatchDeclined(**match, reason="position_filled"))
            await eventually(lambda: _count(smtp, worker.email, 2))
            await eventually(lambda: _count(smtp, employer.email, 1))
            await asyncio.sleep(0.5)  # a duplicate would arrive within the mailer's rounds
    (proposal,) = smtp.to(employer.email)
    assert proposal.subject == "Uusi ehdotus: Puutyöpaja"  # Finnish, the employer's language
    declined, new_case = sorted(smtp.to(worker.email), key=lambda r: r.subject)
    assert new_case.subject == "Teie organisatsioonile uus juhtum"  # Estonian
    assert declined.subject == "Ettepanekust keelduti: Puutyöpaja"
    assert "position_filled" in declined.body and str(participant)[:8] in declined.body
    for mail in smtp.received:  # no special-category data, no national id, no name
        assert not re.search(r"risk|\d{11}|long_term", mail.body)
    assert len(smtp.received) == 3


async def _count(smtp: SmtpServer, address: str, n: int) -> bool:
    return len(smtp.to(address)) >= n


async def test_a_refused_mail_is_retried_with_back_off_then_given_up(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    employer, _ = await people(migrated_database_url)
    conn = await asyncpg.connect(migrated_database_url, server_settings={"search_path": "web"})
    try:
        with SmtpServer() as smtp:
            smtp.refuse = 2
            mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "mail_retry_s": 0.2}
            async with web_front(settings, mail_max_attempts=3, **mail):
                await publish(settings.redis_url, opening(uuid4()))
                await publish(settings.redis_url, MatchProposed(
                    match_id=uuid4(), participant_id=uuid4(), opening_id=uuid4(),
                    organisation_id=EMPLOYER, score=0.5))  # fmt: skip
                await eventually(lambda: _count(smtp, employer.email, 1))
            row = await conn.fetchrow("SELECT status, attempts, last_error FROM notification")
            assert (row["status"], row["attempts"], smtp.refused) == ("sent", 3, 2)
            assert row["last_error"] is None

            smtp.refuse = 10  # the server keeps refusing: two attempts, then given up
            await conn.execute("DELETE FROM notification")
            async with web_front(settings, mail_max_attempts=2, **mail):
                await publish(settings.redis_url, MatchProposed(
                    match_id=uuid4(), participant_id=uuid4(), opening_id=uuid4(),
                    organisation_id=EMPLOYER, score=0.5))  # fmt: skip
                given_up = await eventually(lambda: conn.fetchrow(
                    "SELECT attempts, last_error FROM notification WHERE status = 'given_up'"))  # fmt: skip
            assert given_up["attempts"] == 2 and "451" in given_up["last_error"]
            first = await conn.fetchval("SELECT created_at FROM notification")
            assert smtp.refused == 4 and first is not None
    finally:
        await conn.close()


async def test_daily_digest_off_and_the_persons_page(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    employer, worker = await people(migrated_database_url)
    conn = await asyncpg.connect(migrated_database_url, server_settings={"search_path": "web"})
    try:
        await conn.execute(
            "UPDATE person SET notify_email = 'daily' WHERE person_id = $1", employer.person_id
        )
        await conn.execute(
            "UPDATE person SET notify_email = 'off' WHERE person_id = $1", worker.person_id
        )
        participant = uuid4()
        with SmtpServer() as smtp:
            mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "digest_hours": 0.0003}
            async with web_front(settings, **mail) as app:
                await publish(settings.redis_url, opening(uuid4()))
                proposals = [MatchProposed(match_id=uuid4(), participant_id=uuid4(), opening_id=uuid4(),
                                           organisation_id=EMPLOYER, score=0.5) for _ in range(2)]  # fmt: skip
                await publish(settings.redis_url, *proposals, CaseplanWorkerAssigned(
                    participant_id=participant, case_plan_id=uuid4(), support_worker_id=uuid4(),
                    organisation_id=SUPPORT, assigned_on=date.today()))  # fmt: skip
                (digest,) = await eventually(lambda: _mails(smtp, employer.email))
                assert digest.subject == "Polku-ilmoituksesi (2)"  # one mail for both
                assert digest.body.count("Uusi ehdotus") == 2
                shown = await _page(app, worker, "/notifications")
                assert "Teie organisatsioonile uus juhtum" in shown  # on the page, not mailed
                assert 'data-status="not_mailed"' in shown and not smtp.to(worker.email)

                await publish(settings.redis_url, ParticipantErased(participant_id=participant))
                await eventually(lambda: _none_left(conn, worker.person_id))
    finally:
        await conn.close()


async def _mails(smtp: SmtpServer, address: str) -> list[Any]:
    return smtp.to(address)


async def _none_left(conn: asyncpg.Connection, person_id: UUID) -> bool:
    left = await conn.fetchval("SELECT count(*) FROM notification WHERE person_id = $1", person_id)
    return left == 0


async def _page(app: FastAPI, person: WebPerson, path: str) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as web:
        form = await web.get("/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf
        signed = await web.post(
            "/sign-in",
            data={"csrf": csrf.group(1), "email": person.email, "password": person.password},
        )
        assert signed.status_code == 303, signed.text
        return (await web.get(path)).text


async def test_old_events_tell_nobody_and_development_mail_stays_in_the_mailbox(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    employer, _ = await people(migrated_database_url)
    admin = await create_person(migrated_database_url, "admin")
    old = new_event(
        MatchProposed(match_id=uuid4(), participant_id=uuid4(), opening_id=uuid4(),
                      organisation_id=EMPLOYER, score=0.5),
        producer="test", occurred_at=datetime.now(UTC) - timedelta(days=30),
    )  # fmt: skip
    client = aioredis.from_url(settings.redis_url)
    await client.xadd(old.payload.STREAM, {"__data__": old.model_dump_json()})
    await client.aclose()
    development = settings.model_copy(update={"env": "development"})
    async with web_front(development) as app:  # no SMTP server: the development mailbox
        await publish(settings.redis_url, opening(uuid4()), MatchProposed(
            match_id=uuid4(), participant_id=uuid4(), opening_id=uuid4(),
            organisation_id=EMPLOYER, score=0.5))  # fmt: skip
        conn = await asyncpg.connect(migrated_database_url, server_settings={"search_path": "web"})
        try:
            sent = await eventually(lambda: conn.fetch(
                "SELECT transport FROM notification WHERE status = 'sent'"))  # fmt: skip
        finally:
            await conn.close()
        assert [r["transport"] for r in sent] == ["mailbox"]  # the 30-day-old one told nobody
        shown = await _page(app, admin, "/mailbox")
        assert employer.email in shown and "Uusi ehdotus" in shown
