"""Service agreements: workers name only agreed municipalities; ending one is final."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.caseplan.domain.agreements import (
    ServiceAgreement,
    agreed,
    covers,
    end_agreement,
    require_agreed,
)
from services.caseplan.domain.refusal import Refusal

ORG, OTHER = uuid4(), uuid4()


def test_only_live_agreements_count() -> None:
    live = ServiceAgreement(uuid4(), ORG, "Rapla vald")
    ended = end_agreement(ServiceAgreement(uuid4(), ORG, "Kaustinen"), datetime.now(UTC))
    pairs = agreed([live, ended])
    assert pairs == {(ORG, "Rapla vald")}
    assert covers(pairs, ORG, "Rapla vald") and not covers(pairs, ORG, "Kaustinen")
    assert not covers(pairs, OTHER, "Rapla vald") and not covers(pairs, None, "Rapla vald")
    with pytest.raises(Refusal) as refused:
        end_agreement(ended, datetime.now(UTC))
    assert refused.value.reason == "agreement_ended"


def test_a_worker_for_an_unagreed_municipality_is_refused_with_a_reason() -> None:
    pairs = frozenset({(ORG, "Rapla vald")})
    require_agreed(pairs, ORG, ["Rapla vald"])
    require_agreed(pairs, None, [])
    for org, places in ((ORG, ["Rapla vald", "Kaustinen"]), (OTHER, ["Rapla vald"]),
                        (None, ["Rapla vald"])):  # fmt: skip
        with pytest.raises(Refusal) as refused:
            require_agreed(pairs, org, places)
        assert refused.value.reason == "no_service_agreement" and refused.value.status == 409
        assert refused.value.field == "municipalities"
