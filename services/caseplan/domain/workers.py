"""Support workers' caseloads, the choice of worker and the waiting list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from services.caseplan.domain.agreements import Agreed, covers
from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import CaseplanWaitlisted, CaseplanWorkerAssigned
from shared.events.envelope import Payload

DEFAULT_CASELOAD_LIMIT = 8


@dataclass(frozen=True)
class SupportWorker:
    """A mentor, job coach or support person who keeps case plans."""

    support_worker_id: UUID
    organisation_id: UUID | None = None
    municipalities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    caseload_limit: int = DEFAULT_CASELOAD_LIMIT
    active: bool = True
    caseload: int = 0
    contact: str | None = None

    @property
    def free_capacity(self) -> int:
        """How many more cases the worker can take."""
        return max(self.caseload_limit - self.caseload, 0) if self.active else 0

    def serves(self, municipality: str, organisation_id: UUID | None, agreed: Agreed) -> bool:
        """The worker covers the participant's municipality or organisation, and the worker's
        organisation has a live agreement to serve that municipality."""
        if not covers(agreed, self.organisation_id, municipality):
            return False
        if municipality in self.municipalities:
            return True
        return organisation_id is not None and organisation_id == self.organisation_id


@dataclass(frozen=True)
class WaitingEntry:
    """A participant waiting for a support worker; `seq` is the order of arrival."""

    case_plan_id: UUID
    participant_id: UUID
    municipality: str
    seq: int
    priority: bool = False
    organisation_id: UUID | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """A waiting participant taken by a support worker."""

    entry: WaitingEntry
    support_worker_id: UUID


def check_limit(worker: SupportWorker, new_limit: int) -> None:
    """A caseload limit is at least one and never below the cases already held."""
    if new_limit < 1:
        raise Refusal("caseload_limit_invalid", "the caseload limit is at least 1", status=422)
    if new_limit < worker.caseload:
        raise Refusal(
            "caseload_limit_below_caseload",
            f"the worker already holds {worker.caseload} cases; the limit cannot be lower",
        )


def _language(code: str) -> str:
    """A language as compared: its primary subtag, lower case ('ru-RU' and 'RU' are 'ru')."""
    return code.strip().lower().split("-")[0]


def shares_language(worker: SupportWorker, languages: Iterable[str]) -> bool | None:
    """Whether the worker speaks one of the participant's languages (None: they named none)."""
    spoken = {_language(c) for c in languages}
    return None if not spoken else bool(spoken & {_language(c) for c in worker.languages})


def choose_worker(
    workers: Sequence[SupportWorker],
    municipality: str,
    organisation_id: UUID | None = None,
    *,
    agreed: Agreed,
    languages: Iterable[str] = (),
) -> SupportWorker | None:
    """The serving worker with free capacity who shares a language with the participant,
    the most free capacity first; when none who has room shares one, the serving worker with
    the most free capacity (the assignment says `shares_language` false). Ties go to the
    earliest in `workers`."""
    spoken = tuple(languages)
    serving = [
        w
        for w in workers
        if w.free_capacity > 0 and w.serves(municipality, organisation_id, agreed)
    ]
    speaking = [w for w in serving if shares_language(w, spoken)]
    best: SupportWorker | None = None
    for worker in speaking or serving:
        if best is None or worker.free_capacity > best.free_capacity:
            best = worker
    return best


def waiting_order(entries: Iterable[WaitingEntry]) -> list[WaitingEntry]:
    """Priority entries first, then first in first out."""
    return sorted(entries, key=lambda e: (not e.priority, e.seq))


def assign_or_waitlist(
    plan: CasePlan, workers: list[SupportWorker], today: date, *, agreed: Agreed
) -> tuple[CasePlan, list[SupportWorker], list[Payload]]:
    """Give a new case to the best worker, or put it on the waiting list."""
    worker = choose_worker(
        workers, plan.municipality, plan.organisation_id, agreed=agreed, languages=plan.languages
    )
    if worker is None:
        waitlisted = CaseplanWaitlisted(
            participant_id=plan.participant_id, case_plan_id=plan.case_plan_id, waitlisted_on=today
        )
        return plan, workers, [waitlisted]
    taken = replace(worker, caseload=worker.caseload + 1)
    updated = [taken if w.support_worker_id == worker.support_worker_id else w for w in workers]
    assigned = replace(plan, support_worker_id=worker.support_worker_id)
    event = worker_assigned(plan.participant_id, plan.case_plan_id, worker, today, plan.languages)
    return assigned, updated, [event]


def worker_assigned(
    participant_id: UUID,
    case_plan_id: UUID,
    worker: SupportWorker,
    today: date,
    languages: Iterable[str] = (),
) -> CaseplanWorkerAssigned:
    """The event of a worker taking a case, with the worker's own caseload limit."""
    return CaseplanWorkerAssigned(
        participant_id=participant_id,
        case_plan_id=case_plan_id,
        support_worker_id=worker.support_worker_id,
        organisation_id=worker.organisation_id,
        assigned_on=today,
        caseload_limit=worker.caseload_limit,
        shares_language=shares_language(worker, languages),
    )


def drain(
    workers: list[SupportWorker], waiting: Iterable[WaitingEntry], today: date, *, agreed: Agreed
) -> tuple[list[SupportWorker], list[Assignment], list[Payload]]:
    """Assign waiting participants in order while someone serving them has free capacity.

    An entry nobody can serve yet does not block later entries from other municipalities.
    """
    current = list(workers)
    assignments: list[Assignment] = []
    events: list[Payload] = []
    for entry in waiting_order(waiting):
        worker = choose_worker(
            current,
            entry.municipality,
            entry.organisation_id,
            agreed=agreed,
            languages=entry.languages,
        )
        if worker is None:
            continue
        taken = replace(worker, caseload=worker.caseload + 1)
        current = [taken if w.support_worker_id == taken.support_worker_id else w for w in current]
        assignments.append(Assignment(entry, worker.support_worker_id))
        events.append(
            worker_assigned(
                entry.participant_id, entry.case_plan_id, worker, today, entry.languages
            )
        )
    return current, assignments, events
