"""Recording notices (in the caller's transaction) and sending what is due."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Protocol

import asyncpg

from services.web.domain import DEFAULT_LANGUAGE
from services.web.i18n import N_, translations
from services.web.notify import repository, rules
from services.web.notify.rules import MESSAGES, Notice
from services.web.settings import WebSettings

if TYPE_CHECKING:
    from shared.runtime import Runtime

log = logging.getLogger("polku.web.mail")
DIGEST_SUBJECT = N_("Your Polku notifications")
SEND_BATCH = 20
REMINDER_HOURS = 24.0
"""A meeting is reminded of once it is less than this far away."""


async def record(conn: asyncpg.Connection, notice: Notice | None) -> int:
    """Record one notice for each person of its audience, in their language and by their
    choice (at once, the daily digest, or only on their page); how many were recorded."""
    if notice is None:
        return 0
    people = await repository.audience(
        conn,
        organisation_id=notice.organisation_id,
        roles=sorted(notice.roles),
        person_id=notice.person_id,
        municipality=notice.municipality,
    )
    message = MESSAGES[notice.kind]
    rows = []
    for person in people:
        gettext = translations(person["language"] or DEFAULT_LANGUAGE).gettext
        values = {k: gettext(v) if k in notice.translated else v for k, v in notice.values.items()}
        rows.append({
            "person_id": person["person_id"],
            "kind": notice.kind,
            "subject": rules.words(message.subject, gettext, values),
            "body": rules.words(message.body, gettext, values),
            "link": message.link % notice.values,
            "status": rules.first_status(person["notify_email"]),
            "cause_id": notice.cause_id,
        })  # fmt: skip
    return await repository.insert(conn, rows)


class Transport(Protocol):
    name: str

    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass
class SmtpTransport:
    """Mail through an SMTP server (STARTTLS and login when configured)."""

    ws: WebSettings
    name: str = "smtp"

    def send(self, to: str, subject: str, body: str) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.ws.smtp_from, to, subject
        mail.set_content(body)
        with smtplib.SMTP(
            self.ws.smtp_host, self.ws.smtp_port, timeout=self.ws.smtp_timeout_s
        ) as smtp:
            if self.ws.smtp_starttls:
                smtp.starttls()
            if self.ws.smtp_user:
                smtp.login(self.ws.smtp_user, self.ws.smtp_password or "")
            smtp.send_message(mail)


class MailboxTransport:
    """Development: mail stays in the database, shown on the web front's /mailbox page."""

    name = "mailbox"

    def send(self, to: str, subject: str, body: str) -> None:
        return None


def transport_for(ws: WebSettings, env: str) -> Transport | None:
    """SMTP when a server is configured; the local mailbox in development; else none."""
    if ws.smtp_host:
        return SmtpTransport(ws)
    return MailboxTransport() if env == "development" else None


def _text(body: str, link: str | None, ws: WebSettings) -> str:
    return f"{body}\n\n{ws.public_url.rstrip('/')}{link}" if link and ws.public_url else body


async def send_due(
    pool: asyncpg.Pool, transport: Transport, ws: WebSettings, now: datetime | None = None
) -> int:
    """Send what is due (each at most once per attempt, across replicas); how many were sent."""
    now = now or datetime.now(UTC)
    sent = 0
    async with pool.acquire() as conn, conn.transaction():
        for row in await repository.claim_due(conn, now, SEND_BATCH):
            text = _text(row["body"], row["link"], ws)
            try:
                await asyncio.to_thread(transport.send, row["email"], row["subject"], text)
            except Exception as exc:  # the server refused or is away: retried with back-off
                status, retry_at = rules.after_failure(
                    row["attempts"] + 1, ws.mail_max_attempts, now, ws.mail_retry_s
                )
                log.warning("mail %s not sent (%s): %r", row["notification_id"], status, exc)
                await repository.mark_failed(
                    conn, row["notification_id"], status=status, retry_at=retry_at, error=repr(exc)
                )
                continue
            await repository.mark_sent(
                conn, [row["notification_id"]], transport=transport.name, now=now
            )
            sent += 1
        for person in await repository.digests_due(
            conn, now - timedelta(hours=ws.digest_hours), SEND_BATCH
        ):
            gettext = translations(person["language"] or DEFAULT_LANGUAGE).gettext
            parts = [f"{s}\n{b}" for s, b in zip(person["subjects"], person["bodies"], strict=True)]
            subject = f"{gettext(DIGEST_SUBJECT)} ({len(parts)})"
            try:
                await asyncio.to_thread(
                    transport.send, person["email"], subject, "\n\n".join(parts)
                )
            except Exception as exc:  # kept held: the next round tries again
                log.warning("digest for %s not sent: %r", person["person_id"], exc)
                continue
            await repository.mark_sent(conn, person["ids"], transport=transport.name, now=now)
            sent += len(parts)
    return sent


async def remind_meetings(pool: asyncpg.Pool, now: datetime | None = None) -> int:
    """Tell the support workers of meetings less than a day away, once each (across
    replicas); how many notices were recorded."""
    now = now or datetime.now(UTC)
    told = 0
    async with pool.acquire() as conn, conn.transaction():
        for row in await repository.claim_reminders(
            conn, now, now + timedelta(hours=REMINDER_HOURS), SEND_BATCH
        ):
            told += await record(conn, rules.meeting(
                kind=row["kind"], organisation_id=row["organisation_id"],
                starts_at=row["starts_at"], cause_id=row["meeting_id"], reminder=True,
            ))  # fmt: skip
            await repository.mark_reminded(conn, row["meeting_id"], now)
    return told


def make_mail_loop(ws: WebSettings):  # type: ignore[no-untyped-def]
    """The background job that records meeting reminders and sends notices while the web
    front runs (without a transport, notices are only shown on people's pages)."""

    async def mail_loop(runtime: Runtime) -> None:
        transport = transport_for(ws, runtime.settings.env)
        if transport is None:
            log.warning("no POLKU_WEB_SMTP_HOST: notices are recorded and shown, not mailed")
        while True:
            try:
                await remind_meetings(runtime.db)
                if transport is not None:
                    await send_due(runtime.db, transport, ws)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("mail round failed: %r", exc)
            await asyncio.sleep(ws.mail_interval_s)

    return mail_loop
