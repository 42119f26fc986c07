"""Body size limits per path: 1 MiB by default, more only where a path is named (batch upload)."""

from __future__ import annotations

from services.intake.batch import MAX_BYTES
from services.intake.main import create_app
from shared.body_limit import DEFAULT_BODY_LIMIT, BodySizeLimit
from shared.settings import Settings


def test_the_longest_named_prefix_sets_the_limit() -> None:
    limit = BodySizeLimit(app=None, limits={"/v1/intakes/batch": 5, "/v1": 3})  # type: ignore[arg-type]
    assert limit.limit_for("/v1/intakes/batch") == 5
    assert limit.limit_for("/v1/intakes") == 3
    assert limit.limit_for("/healthz") == DEFAULT_BODY_LIMIT == 1024 * 1024


def test_intake_allows_a_full_batch_file_and_nothing_else_that_large() -> None:
    app = create_app(Settings())
    limits = app.state.body_limits
    assert limits["/v1/intakes/batch"] > MAX_BYTES
    assert BodySizeLimit(app=None, limits=limits).limit_for("/v1/intakes") == DEFAULT_BODY_LIMIT  # type: ignore[arg-type]
