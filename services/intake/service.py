"""Intake's use cases: register (idempotently), correct, withdraw consent, look up."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.domain import changed_fields, name_search
from services.intake.errors import IntakeError
from services.intake.records import profile_fields, seal_personal
from services.intake.registration import AuditAs, Registration, register_many, register_new
from services.intake.repository import ParticipantRow
from services.intake.schemas import (
    ConsentWithdrawal,
    IntakeIn,
    ParticipantCorrection,
    ParticipantDetails,
    ParticipantMatches,
    ParticipantOut,
    ParticipantPage,
)
from shared import audit, history, idempotency, outbox
from shared.auth import Principal
from shared.events import new_event
from shared.events.intake import (
    ParticipantConsentWithdrawn,
    ParticipantProfile,
    ParticipantUpdated,
)
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.runtime import Runtime

log = logging.getLogger("polku.intake")
PRODUCER = "intake"
PERSONAL_FIELDS = ["given_name", "family_name", "contact", "home"]
"""The sealed fields a read of a participant opens."""


def vault_of(settings: Settings) -> PersonalDataVault:
    """The vault keyed by the service's settings (made once per pair of secrets)."""
    return _vault(settings.id_hash_secret, settings.encryption_key)


@functools.lru_cache(maxsize=8)
def _vault(id_hash_secret: str, encryption_key: str) -> PersonalDataVault:
    return PersonalDataVault(id_hash_secret=id_hash_secret, encryption_key=encryption_key)


@dataclass(frozen=True)
class Answer:
    """An HTTP status code and JSON body, as first given (replayed for a retried request)."""

    status_code: int
    body: dict[str, Any]


async def register(
    pool: asyncpg.Pool,
    intake: IntakeIn,
    *,
    vault: PersonalDataVault,
    idempotency_key: str | None,
    principal: Principal | None = None,
) -> Answer:
    """Register one intake; with an idempotency key, a retry gets the first answer.

    Keys are scoped by municipality, so two case systems cannot collide. Without a key a
    new person costs one statement; a known one is updated in a transaction. A history
    import (`registered_on` given) registers on that day and is audited as imported.
    """
    check_municipality(principal, intake.municipality)
    today = registration_day(intake, principal, datetime.now(UTC).date())
    audit_as = AuditAs(principal, PERSONAL_FIELDS, imported=registered_on(intake) is not None)
    async with pool.acquire() as conn:
        if not idempotency_key:
            reg = await register_new(conn, intake, vault=vault, today=today, audit_as=audit_as)
            if reg is None:
                async with conn.transaction():
                    [reg] = await register_many(
                        conn, [intake], vault=vault, today=today, audit_as=audit_as
                    )
            return _answer(reg)
        scope = intake.municipality
        request_hash = hashlib.sha256(intake.model_dump_json().encode()).hexdigest()
        async with conn.transaction():
            if earlier := await idempotency.claim_or_replay(
                conn, scope, idempotency_key, request_hash
            ):
                return Answer(earlier.status_code, earlier.body)
            [reg] = await register_many(conn, [intake], vault=vault, today=today, audit_as=audit_as)
            answer = _answer(reg)
            await idempotency.store_answer(
                conn, scope, idempotency_key, idempotency.Answer(answer.status_code, answer.body)
            )
    return answer


def registered_on(intake: IntakeIn) -> date | None:
    """The past day a history import gives its registration (None: an ordinary one)."""
    return getattr(intake, "registered_on", None)


def registration_day(intake: IntakeIn, principal: Principal | None, today: date) -> date:
    """The day a registration is dated: today, or the import's own past day (refused unless
    the caller may import history and the day lies between the floor and today)."""
    day = registered_on(intake)
    if day is None:
        return today
    if not history.may_import(principal):
        raise IntakeError(
            403,
            "history_import_not_allowed",
            "only a key with the history scope dates a registration back",
        )
    if refusal := history.past_day_refusal(day, today=today, what="registered"):
        raise IntakeError(422, refusal.reason, refusal.message)
    return day


def _answer(reg: Registration) -> Answer:
    return Answer(
        201 if reg.status == "created" else 200,
        {"participant_id": str(reg.participant_id), "status": reg.status},
    )


async def get_participant(
    pool: asyncpg.Pool,
    participant_id: UUID,
    *,
    vault: PersonalDataVault,
    principal: Principal | None = None,
) -> ParticipantOut:
    """One participant with their personal data opened; 404 when unknown or not the caller's."""
    async with pool.acquire() as conn, conn.transaction():
        row = visible(await repository.get(conn, participant_id), participant_id, principal)
        await audit.record(conn, principal, "participant.read", [participant_id], PERSONAL_FIELDS)
    return view(row, vault)


def visible(
    row: ParticipantRow | None, participant_id: UUID, principal: Principal | None
) -> ParticipantRow:
    """The row when the caller may see it; 404 otherwise (existence itself would leak)."""
    if row is None or (
        principal is not None
        and not principal.is_admin
        and principal.municipality != row.municipality
    ):
        raise not_found(participant_id)
    return row


def check_municipality(principal: Principal | None, municipality: str) -> None:
    """A municipality key acts only for its own municipality (403 otherwise)."""
    if principal is not None and not principal.is_admin and principal.municipality != municipality:
        raise IntakeError(403, "other_municipality", "a key acts only for its own municipality")


async def list_participants(
    pool: asyncpg.Pool,
    *,
    municipality: str,
    after: UUID | None,
    limit: int,
    vault: PersonalDataVault,
    principal: Principal | None = None,
) -> ParticipantPage:
    """One page of a municipality's participants."""
    check_municipality(principal, municipality)
    async with pool.acquire() as conn, conn.transaction():
        rows = await repository.page(conn, municipality=municipality, after=after, limit=limit)
        ids = [r.participant_id for r in rows]
        await audit.record(conn, principal, "participant.listed", ids, PERSONAL_FIELDS)
    items = [view(r, vault) for r in rows]
    next_after = rows[-1].participant_id if len(rows) == limit else None
    return ParticipantPage(items=items, next_after=next_after)


async def correct(
    pool: asyncpg.Pool,
    participant_id: UUID,
    correction: ParticipantCorrection,
    *,
    vault: PersonalDataVault,
    principal: Principal | None = None,
) -> ParticipantOut:
    """Apply a correction; emits participant.updated naming the changed profile fields."""
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked_with_consent(conn, participant_id, principal)
        fields = sorted(correction.model_dump(exclude_unset=True))
        await audit.record(conn, principal, "participant.corrected", [participant_id], fields)
        personal = vault.open(row.personal, bound_to=participant_id.bytes)
        current = {**row.profile, **personal}
        merged = ParticipantDetails.model_validate(
            {
                **{k: current[k] for k in ParticipantDetails.model_fields if k in current},
                **correction.model_dump(exclude_unset=True),
            }
        )
        profile = {**row.profile, **profile_fields(merged, row.municipality)}
        changed = changed_fields(row.profile, profile)
        row.profile = profile
        row.personal = seal_personal(vault, merged, participant_id)
        await repository.update_many(conn, [row], reregistration=False)
        tokens = vault.name_tokens(merged.given_name, merged.family_name)
        await repository.replace_name_tokens(conn, [(participant_id, tokens)])
        if changed:
            event = ParticipantUpdated(**profile, changed_fields=changed)
            await outbox.record(conn, [new_event(event, producer=PRODUCER)])
    return view(row, vault)


async def withdraw_consent(
    pool: asyncpg.Pool,
    participant_id: UUID,
    withdrawal: ConsentWithdrawal,
    principal: Principal | None = None,
) -> list[str]:
    """Withdraw consent for some or all purposes; returns the purposes still held."""
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked_with_consent(conn, participant_id, principal)
        await audit.record(conn, principal, "consent.withdrawn", [participant_id], ["consent"])
        held = list(row.consent.get("purposes", []))
        named = [p.value for p in withdrawal.purposes] or held
        withdrawn = [p for p in held if p in named]
        remaining = [p for p in held if p not in named]
        consent = {
            **row.consent,
            "purposes": remaining,
            "withdrawn": [*row.consent.get("withdrawn", []), *withdrawn],
            "withdrawal_recorded_by": withdrawal.recorded_by,
        }
        await repository.set_consent(conn, participant_id, consent, withdrawn=not remaining)
        if withdrawn:  # naming only purposes not held withdraws nothing: no event
            event = ParticipantConsentWithdrawn(participant_id=participant_id, purposes=withdrawn)
            await outbox.record(conn, [new_event(event, producer=PRODUCER)])
    return remaining


async def _locked_with_consent(
    conn: asyncpg.Connection, participant_id: UUID, principal: Principal | None
) -> ParticipantRow:
    row = await repository.get(conn, participant_id, lock=True)
    row = visible(row, participant_id, principal)
    if row.consent_withdrawn_at is not None:
        raise IntakeError(409, "consent_withdrawn", "the participant has withdrawn consent")
    return row


def not_found(participant_id: UUID) -> IntakeError:
    return IntakeError(404, "participant_not_found", f"no participant {participant_id}")


def view(row: ParticipantRow, vault: PersonalDataVault) -> ParticipantOut:
    """A participant as the API shows them, personal data opened."""
    personal = vault.open(row.personal, bound_to=row.participant_id.bytes)
    return ParticipantOut(
        participant_id=row.participant_id,
        municipality=row.municipality,
        registered_on=row.registered_on,
        consent=row.consent,
        consent_withdrawn_at=row.consent_withdrawn_at,
        profile=ParticipantProfile.model_validate(row.profile),
        **personal,
    )


SEARCH_LIMIT = 50
"""Participants a name search answers with at most (a clerk refines the words instead)."""


async def find_by_name(
    pool: asyncpg.Pool,
    *,
    municipality: str,
    name: str,
    limit: int,
    vault: PersonalDataVault,
    principal: Principal | None = None,
) -> ParticipantMatches:
    """A municipality's participants whose names start with every word of `name`."""
    check_municipality(principal, municipality)
    try:
        terms = name_search.query_terms(name)
    except name_search.QueryTooShort:
        raise IntakeError(
            422, "query_too_short", "each word of the name needs at least two letters"
        ) from None
    async with pool.acquire() as conn, conn.transaction():
        rows = await repository.find_by_name_tokens(
            conn, municipality=municipality, tokens=vault.query_tokens(terms), limit=limit + 1
        )
        items = [v for v in (view(r, vault) for r in rows) if _named(v, terms)]
        await audit.record(
            conn,
            principal,
            "participant.searched",
            [v.participant_id for v in items],
            PERSONAL_FIELDS,
        )
    return ParticipantMatches(items=items[:limit], more=len(rows) > limit)


def _named(participant: ParticipantOut, terms: list[str]) -> bool:
    """The opened names confirm the index (a truncated keyed hash could collide)."""
    return name_search.name_matches(
        " ".join(terms), participant.given_name, participant.family_name
    )


async def index_names(pool: asyncpg.Pool, vault: PersonalDataVault, *, chunk: int = 500) -> int:
    """Give name tokens to participants registered before name search existed; how many."""
    done = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            rows = await repository.not_name_indexed(conn, chunk)
            entries = []
            for row in rows:
                names = vault.open(row.personal, bound_to=row.participant_id.bytes)
                tokens = vault.name_tokens(names["given_name"], names["family_name"])
                entries.append((row.participant_id, tokens))
            await repository.replace_name_tokens(conn, entries)
        done += len(rows)
        if len(rows) < chunk:
            return done


async def name_index_job(runtime: Runtime) -> None:
    """At start: index the names of participants registered before name search existed
    (retried while the database is away; a no-op once every participant is indexed)."""
    delay = 1.0
    while True:
        try:
            done = await index_names(runtime.db, vault_of(runtime.settings))
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("name index not built yet (%r); retrying in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)
            continue
        if done:
            log.info("indexed the names of %d participants for name search", done)
        return
