"""Case receipts: valid for their participant and organisation until they expire."""

from __future__ import annotations

from uuid import uuid4

from shared import case_receipts

SECRET = "a-test-secret-of-enough-length"


def test_a_receipt_opens_only_its_participant_for_its_organisation() -> None:
    pid, org = uuid4(), uuid4()
    token = case_receipts.receipt(SECRET, pid, org, now=1000)
    assert case_receipts.is_valid(SECRET, token, pid, org, now=1000)
    assert not case_receipts.is_valid(SECRET, token, uuid4(), org, now=1000)
    assert not case_receipts.is_valid(SECRET, token, pid, uuid4(), now=1000)
    assert not case_receipts.is_valid("another-secret-entirely", token, pid, org, now=1000)
    assert not case_receipts.is_valid(SECRET, token, pid, None, now=1000)


def test_a_receipt_expires_and_its_expiry_cannot_be_moved() -> None:
    pid, org = uuid4(), uuid4()
    token = case_receipts.receipt(SECRET, pid, org, now=1000)
    assert case_receipts.is_valid(SECRET, token, pid, org, now=1000 + case_receipts.TTL_S)
    assert not case_receipts.is_valid(SECRET, token, pid, org, now=1001 + case_receipts.TTL_S)
    _, _, mac = token.partition(".")
    moved = f"{10**12}.{mac}"
    assert not case_receipts.is_valid(SECRET, moved, pid, org, now=1000)
    for junk in ("", "x", "abc.def", ".", "-5.abc"):
        assert not case_receipts.is_valid(SECRET, junk, pid, org, now=1000)


def test_a_placement_receipt_is_not_a_case_receipt_nor_the_other_way() -> None:
    pid, org = uuid4(), uuid4()
    placed = case_receipts.receipt(SECRET, pid, org, now=1000, purpose=case_receipts.PLACEMENT)
    held = case_receipts.receipt(SECRET, pid, org, now=1000)
    assert case_receipts.is_valid(SECRET, placed, pid, org, now=1000,
                                  purpose=case_receipts.PLACEMENT)  # fmt: skip
    assert not case_receipts.is_valid(SECRET, placed, pid, org, now=1000)
    assert not case_receipts.is_valid(SECRET, held, pid, org, now=1000,
                                      purpose=case_receipts.PLACEMENT)  # fmt: skip
    assert not case_receipts.is_valid(SECRET, placed, pid, uuid4(), now=1000,
                                      purpose=case_receipts.PLACEMENT)  # fmt: skip


def test_a_waiting_receipt_passes_for_no_other_kind_nor_another_kind_for_it() -> None:
    pid, org = uuid4(), uuid4()
    kinds = {"case": b"polku case receipt v1|", "placement": case_receipts.PLACEMENT,
             "waiting": case_receipts.WAITING}  # fmt: skip
    made = {
        k: case_receipts.receipt(SECRET, pid, org, now=1000, purpose=p) for k, p in kinds.items()
    }
    for made_as, token in made.items():
        for read_as, purpose in kinds.items():
            valid = case_receipts.is_valid(SECRET, token, pid, org, now=1000, purpose=purpose)
            assert valid is (made_as == read_as), (made_as, read_as)
    assert not case_receipts.is_valid(
        SECRET, made["waiting"], pid, uuid4(), now=1000, purpose=case_receipts.WAITING
    )
