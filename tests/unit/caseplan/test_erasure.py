"""Erasure is for good in caseplan: no late registration opens a plan, nothing waits for one."""

from uuid import uuid4

from services.caseplan.domain.erasure import awaits_registration, to_open


def test_a_late_registration_of_an_erased_participant_opens_nothing() -> None:
    kept, erased, again = uuid4(), uuid4(), uuid4()
    assert to_open([kept, erased, again, erased], {erased}) == [True, False, True, False]
    assert to_open([], {erased}) == []


def test_only_someone_not_erased_is_waited_for() -> None:
    assert awaits_registration(erased=False)
    assert not awaits_registration(erased=True)
