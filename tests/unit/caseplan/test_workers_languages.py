"""A case goes to a worker who shares a language with the participant, then by capacity."""

from dataclasses import replace
from datetime import date
from uuid import uuid4

from services.caseplan.domain.case_plan import open_case_plan
from services.caseplan.domain.workers import (
    SupportWorker,
    WaitingEntry,
    assign_or_waitlist,
    choose_worker,
    drain,
    shares_language,
)
from shared.events.caseplan import CaseplanWorkerAssigned

TARTU = "Tartu"
TODAY = date(2026, 2, 2)
ORG = uuid4()
AGREED = frozenset({(ORG, TARTU)})


def worker(languages: tuple[str, ...], caseload: int = 0, limit: int = 8) -> SupportWorker:
    return SupportWorker(uuid4(), ORG, (TARTU,), languages, caseload_limit=limit, caseload=caseload)


def test_a_russian_speaker_goes_to_the_russian_speaking_worker_with_less_room() -> None:
    estonian = worker(("et",), caseload=0, limit=20)
    russian = worker(("et", "ru"), caseload=5, limit=6)
    assert choose_worker([estonian, russian], TARTU, agreed=AGREED, languages=("ru",)) is russian
    assert choose_worker([estonian, russian], TARTU, agreed=AGREED, languages=("et",)) is estonian


def test_among_those_who_share_a_language_capacity_decides_and_ties_keep_order() -> None:
    a, b, c = worker(("ru",), 3), worker(("ru", "uk"), 1), worker(("uk",), 1)
    assert choose_worker([a, b, c], TARTU, agreed=AGREED, languages=("uk", "ru")) is b
    assert choose_worker([a, b, c], TARTU, agreed=AGREED, languages=("uk",)) is b


def test_a_full_worker_who_shares_a_language_does_not_count() -> None:
    full = worker(("ru",), caseload=8)
    other = worker(("et",), caseload=4)
    assert choose_worker([full, other], TARTU, agreed=AGREED, languages=("ru",)) is other


def test_with_no_shared_language_capacity_decides_and_the_event_says_so() -> None:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(),
        participant_id=uuid4(),
        municipality=TARTU,
        opened_on=TODAY,
        languages=("fi",),
    )
    busy, free = worker(("et",), 5), worker(("ru",), 1)
    assigned, _, events = assign_or_waitlist(plan, [busy, free], TODAY, agreed=AGREED)
    assert assigned.support_worker_id == free.support_worker_id
    assert isinstance(events[0], CaseplanWorkerAssigned) and events[0].shares_language is False
    plan_ru = replace(plan, languages=("ru",))
    _, _, events = assign_or_waitlist(plan_ru, [busy, free], TODAY, agreed=AGREED)
    assert isinstance(events[0], CaseplanWorkerAssigned) and events[0].shares_language is True


def test_a_participant_who_named_no_language_is_assigned_by_capacity_alone() -> None:
    a, b = worker(("et",), 3), worker((), 1)
    assert choose_worker([a, b], TARTU, agreed=AGREED) is b
    assert shares_language(a, ()) is None and shares_language(b, ("et",)) is False


def test_the_waiting_list_drains_by_language_with_each_workers_own_limit() -> None:
    estonian = worker(("et",), limit=3)
    russian = worker(("ru",), limit=1)
    entries = [
        WaitingEntry(uuid4(), uuid4(), TARTU, seq, languages=langs)
        for seq, langs in enumerate([("ru",), ("ru",), ("et",)])
    ]
    updated, assignments, events = drain([estonian, russian], entries, TODAY, agreed=AGREED)
    chosen = [a.support_worker_id for a in assignments]
    # the first Russian speaker takes the Russian speaker's one place; the second has to go
    # to the Estonian speaker (no Russian speaker has room), flagged
    assert chosen == [russian.support_worker_id, *[estonian.support_worker_id] * 2]
    assert [e.shares_language for e in events if isinstance(e, CaseplanWorkerAssigned)] == [
        True,
        False,
        True,
    ]
    assert {e.caseload_limit for e in events if isinstance(e, CaseplanWorkerAssigned)} == {1, 3}
    assert [w.caseload for w in updated] == [2, 1]


def test_languages_compare_by_their_primary_subtag_in_any_case() -> None:
    assert shares_language(worker(("RU",)), ("ru",)) is True
    assert shares_language(worker(("ru-RU", "et")), ("ru",)) is True
    assert shares_language(worker(("uk",)), ("ru",)) is False
