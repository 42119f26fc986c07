"""A decline's body: a code from the list, words required with `other`, which is also the
code of a client that sends only words (as every client did before the codes)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.matching.schemas import DeclineIn
from shared.events.vocabulary import DeclineCode


def test_words_alone_are_a_decline_for_another_reason() -> None:
    body = DeclineIn.model_validate({"reason": "no driving licence"})
    assert (body.code, body.reason) == (DeclineCode.OTHER, "no driving licence")


def test_a_listed_reason_needs_no_words() -> None:
    body = DeclineIn.model_validate({"code": "position_filled"})
    assert (body.code, body.reason) == (DeclineCode.POSITION_FILLED, None)


@pytest.mark.parametrize("body", [{}, {"code": "other"}, {"code": "other", "reason": "  "}])
def test_another_reason_needs_its_words(body: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as refused:
        DeclineIn.model_validate(body)
    assert [e["loc"] for e in refused.value.errors()] == [("reason",)]


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValidationError):
        DeclineIn.model_validate({"code": "too_busy", "reason": "x"})
