"""More notices through real Redis and a real SMTP server: a withdrawn proposal tells the
employer why only when the reason is about the opening; meetings tell the organisation's
support workers when scheduled and the day before; a follow-up due tells them too; refused
rows tell the municipality's people their numbers; the demo people get the demo's notices."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
from test_web_notifications import _count, _page, eventually, publish, web_front

from demo.national_ids import isikukood
from services.intake.main import create_app as create_intake
from services.web.demo import DEMO_PASSWORD
from shared.events.caseplan import (
    CaseplanWorkerAssigned,
    MeetingCancelled,
    MeetingScheduled,
    ParticipantFollowUpDue,
    PlacementStarted,
)
from shared.events.intake import IntakeRowsRefused
from shared.events.matching import MatchProposed, MatchWithdrawn, OpeningPosted
from shared.events.vocabulary import MeetingKind, OpeningKind, OrganisationKind
from shared.migrate import migrate
from shared.settings import Settings
from tests.support import keyed_client
from tests.support.people import WebPerson, create_person
from tests.support.smtp import SmtpServer


async def _language(dsn: str, person_id: object, language: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "UPDATE web.person SET language = $2 WHERE person_id = $1", person_id, language
        )
    finally:
        await conn.close()


async def test_a_withdrawn_proposal_tells_the_employer_and_hides_reasons_about_the_person(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    association, opening_id = uuid4(), uuid4()
    employer = await create_person(migrated_database_url, "employer", organisation_id=association)
    await _language(migrated_database_url, employer.person_id, "fi")
    posted = OpeningPosted(
        opening_id=opening_id, organisation_id=association, title="Kahvila",
        organisation_kind=OrganisationKind.ASSOCIATION, municipality="Kokkola",
        kind=OpeningKind.WORKSHOP_PLACE, seats=1,
    )  # fmt: skip
    withdrawn = [
        MatchWithdrawn(match_id=uuid4(), participant_id=uuid4(), opening_id=opening_id,
                       organisation_id=association, reason=reason)
        for reason in ("placed elsewhere", "seats lowered")
    ]  # fmt: skip
    with SmtpServer() as smtp:
        async with web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port):
            await publish(settings.redis_url, posted)
            await publish(settings.redis_url, *withdrawn, twice=True)
            await eventually(lambda: _count(smtp, employer.email, 2))
            await asyncio.sleep(0.5)  # a duplicate would arrive within the mailer's rounds
    mails = smtp.to(employer.email)
    assert [m.subject for m in mails] == ["Ehdotus peruttu: Kahvila"] * 2
    bodies = sorted(m.body for m in mails)
    assert "osallistuja ei ole enää käytettävissä" in bodies[0]  # placed elsewhere: not told
    assert "paikkamäärää pienennettiin" in bodies[1]
    assert not any("elsewhere" in b or "placed" in b for b in bodies)


async def test_a_meeting_is_told_when_scheduled_and_reminded_of_once_the_day_before(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    support = uuid4()
    worker = await create_person(migrated_database_url, "support_worker", organisation_id=support)
    other = await create_person(migrated_database_url, "support_worker")  # another organisation
    now = datetime.now(UTC)

    def meeting(starts_at: datetime, kind: MeetingKind) -> MeetingScheduled:
        return MeetingScheduled(meeting_id=uuid4(), organisation_id=support,
                                support_worker_id=uuid4(), kind=kind, starts_at=starts_at,
                                participant_id=uuid4(), case_plan_id=uuid4())  # fmt: skip

    soon = meeting(now + timedelta(hours=3), MeetingKind.PARTICIPANT_MEETING)
    later = meeting(now + timedelta(days=3), MeetingKind.TEAM_MEETING)
    called_off = meeting(now + timedelta(hours=5), MeetingKind.TEAM_MEETING)
    conn = await asyncpg.connect(migrated_database_url, server_settings={"search_path": "web"})
    try:
        with SmtpServer() as smtp:
            async with web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port):
                await publish(settings.redis_url, MeetingCancelled(  # heard before it was made
                    **called_off.model_dump(), cancelled_on=now.date()))  # fmt: skip
                await eventually(lambda: _cancelled(conn, called_off.meeting_id))
                ids = await publish(settings.redis_url, soon, later, called_off, twice=True)
                await eventually(lambda: _count(smtp, worker.email, 3))
                await eventually(lambda: _heard(conn, ids[-1]))  # the cancelled one too
                await asyncio.sleep(0.5)  # another reminder would come within these rounds
                await publish(settings.redis_url, MeetingCancelled(
                    **later.model_dump(), cancelled_on=now.date()))  # fmt: skip
                await eventually(lambda: _cancelled(conn, later.meeting_id))
    finally:
        await conn.close()
    subjects = sorted(m.subject for m in smtp.to(worker.email))
    assert [re.sub(r"\d", "9", s) for s in subjects] == [
        "Meeting scheduled for 99.99.9999 99:99", "Meeting scheduled for 99.99.9999 99:99",
        "Reminder: meeting at 99.99.9999 99:99",
    ]  # fmt: skip
    (reminder,) = [m for m in smtp.to(worker.email) if m.subject.startswith("Reminder")]
    assert "meeting with a participant" in reminder.body
    assert str(soon.participant_id)[:8] not in reminder.body  # a meeting names nobody
    assert not smtp.to(other.email)


async def _heard(conn: asyncpg.Connection, event_id: object) -> bool:
    found = await conn.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", event_id)
    return bool(found)


async def _cancelled(conn: asyncpg.Connection, meeting_id: object) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT cancelled FROM meeting_reminder WHERE meeting_id = $1", meeting_id
        )
    )


async def test_a_follow_up_due_tells_the_support_workers_of_the_case_s_organisation(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    support = uuid4()
    worker = await create_person(migrated_database_url, "support_worker", organisation_id=support)
    await _language(migrated_database_url, worker.person_id, "fi")
    employer = await create_person(migrated_database_url, "employer", organisation_id=support)
    pid = uuid4()
    due = ParticipantFollowUpDue(participant_id=pid, case_plan_id=uuid4(),
                                 organisation_id=support, follow_up_due_on=date(2026, 12, 4))  # fmt: skip
    with SmtpServer() as smtp:
        async with web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port):
            await publish(settings.redis_url, due, twice=True)
            await eventually(lambda: _count(smtp, worker.email, 1))
            await asyncio.sleep(0.5)  # a duplicate would arrive within the mailer's rounds
    (mail,) = smtp.to(worker.email)
    assert mail.subject == f"Seuranta erääntyy: asiakkuus {str(pid)[:8]}"
    assert "04.12.2026" in mail.body and str(pid) not in mail.body  # the id's start only
    assert not smtp.to(employer.email)  # only support workers keep follow-ups


async def test_refused_rows_tell_the_municipality_s_people_their_numbers_only(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    dsn = migrated_database_url
    clerk = await create_person(dsn, "municipality", municipality="Kokkola")
    await _language(dsn, clerk.person_id, "fi")
    elsewhere = await create_person(dsn, "municipality", municipality="Kannus")
    worker = await create_person(dsn, "support_worker")
    upload = IntakeRowsRefused(municipality="Kokkola", source="upload", refused=2, total=40,
                               rows=[3, 17])  # fmt: skip
    stream = IntakeRowsRefused(municipality="Kokkola", source="stream", refused=1, total=1,
                               request_ids=["kokkola-2026-118"])  # fmt: skip
    with SmtpServer() as smtp:
        async with web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port):
            await publish(settings.redis_url, upload, stream, twice=True)
            await eventually(lambda: _count(smtp, clerk.email, 2))
            await asyncio.sleep(0.5)  # a duplicate would arrive within the mailer's rounds
    by_subject = {m.subject: m.body for m in smtp.to(clerk.email)}
    assert len(smtp.to(clerk.email)) == 2
    (upload_subject,) = [s for s in by_subject if s.startswith("Latauksesta")]
    assert upload_subject.endswith("hylättiin 2 riviä")
    assert "40 rivistä hylättiin 2: rivit 3, 17." in by_subject[upload_subject]
    assert "kokkola-2026-118" in by_subject["Hylättyjä rekisteröintipyyntöjä: 1"]
    assert not smtp.to(elsewhere.email) and not smtp.to(worker.email)


async def test_the_demo_people_join_the_demo_s_organisations_and_get_its_notices(
    settings: Settings, migrated_database_url: str
) -> None:
    await migrate(migrated_database_url, ("web",))
    support, employer, participant = uuid4(), uuid4(), uuid4()
    development = settings.model_copy(update={"env": "development"})
    assigned = [CaseplanWorkerAssigned(participant_id=pid, case_plan_id=uuid4(),
                                       support_worker_id=uuid4(), organisation_id=org,
                                       assigned_on=date.today())
                for pid, org in ((participant, support), (uuid4(), uuid4()))]  # fmt: skip
    proposed = MatchProposed(match_id=uuid4(), participant_id=participant, opening_id=uuid4(),
                             organisation_id=employer, score=0.7)  # fmt: skip
    workshop = uuid4()
    started = [PlacementStarted(participant_id=uuid4(), placement_id=uuid4(), organisation_id=org,
                                opening_kind=kind, starts_on=date.today())
               for org, kind in ((employer, OpeningKind.WORK_PRACTICE),
                                 (workshop, OpeningKind.WORKSHOP_PLACE),
                                 (uuid4(), OpeningKind.WORKSHOP_PLACE))]  # fmt: skip
    async with web_front(development, demo_people=True) as app:  # no SMTP: the mailbox
        await publish(settings.redis_url, *assigned, proposed, *started)
        admin = WebPerson(uuid4(), "admin@demo.polku", "admin", uuid4(), None, DEMO_PASSWORD)

        async def both_in_the_mailbox() -> str | None:
            shown = await _page(app, admin, "/mailbox")
            return (
                shown if "worker@demo.polku" in shown and "employer@demo.polku" in shown else None
            )

        shown = await eventually(both_in_the_mailbox)

        async def the_workshop_joined() -> dict[str, Any] | None:
            conn = await asyncpg.connect(migrated_database_url,
                                         server_settings={"search_path": "web"})  # fmt: skip
            try:
                found = dict(await conn.fetch(
                    "SELECT email, organisation_id FROM person WHERE email LIKE '%@demo.polku'"))  # fmt: skip
            finally:
                await conn.close()
            return found if found["workshop@demo.polku"] == workshop else None

        joined = await eventually(the_workshop_joined)
    assert "A new case for your organisation" in shown and "New proposal for -" in shown
    assert joined["worker@demo.polku"] == support  # the first support organisation heard of
    assert joined["employer@demo.polku"] == employer
    assert joined["workshop@demo.polku"] == workshop  # the first workshop placing someone


async def test_an_upload_s_refused_rows_reach_the_municipality_s_mail_from_intake(
    settings: Settings, migrated_database_url: str, admin_key: str
) -> None:
    """The whole path: intake's batch answer, its outbox, the relay, Redis, the web front."""
    await migrate(migrated_database_url, ("web",))
    clerk = await create_person(migrated_database_url, "municipality", municipality="Rapla vald")
    body = {"national_id": isikukood(date(1990, 5, 17), True, 42), "given_name": "Mari",
            "family_name": "Tamm-Secretname", "labour_market_status": "unemployed",
            "consent": {"purposes": ["case_management"], "given_at": "2026-01-05T10:00:00+02:00",
                        "recorded_by": "Rapla intake desk"}}  # fmt: skip
    lines = [json.dumps(body), "{not json", json.dumps({**body, "national_id": "39005170000"})]
    files = {"file": ("intakes.jsonl", "\n".join(lines).encode(), "application/x-ndjson")}
    intake = create_intake(settings)
    with SmtpServer() as smtp:
        async with (
            intake.router.lifespan_context(intake),
            keyed_client(intake, admin_key, base_url="http://intake") as http,
            web_front(settings, smtp_host="127.0.0.1", smtp_port=smtp.port),
        ):
            r = await http.post("/v1/intakes/batch", params={"municipality": "Rapla vald"},
                                files=files)  # fmt: skip
            assert r.status_code == 200 and r.json()["rejected"] == 2, r.text
            (mail,) = await eventually(lambda: _mails_to(smtp, clerk.email))
    assert re.fullmatch(r"2 rows refused from upload \d\d\.\d\d\.\d{4} \d\d:\d\d", mail.subject)
    assert "rows 2, 3." in mail.body and "of the 3 rows" in mail.body
    for secret in ("Mari", "Secretname", "39005170000", body["national_id"]):
        assert secret not in mail.body and secret not in mail.subject


async def _mails_to(smtp: SmtpServer, address: str) -> list[Any] | None:
    return smtp.to(address) or None
