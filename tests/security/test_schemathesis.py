"""schemathesis against each service's OpenAPI schema, with an admin key, on real processes:
no 5xx and no response that violates the schema (bounded: a few examples per operation)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from shared.testing import Stack, bearer, create_api_key_sync

EXAMPLES = 12
CHECKED = ("intake", "caseplan", "matching", "reporting")
"""Every service: each runs as a real process and gets an admin key."""


@pytest.mark.parametrize("service", CHECKED)
def test_no_server_error_or_schema_violation(
    service: str, stack_factory: type[Stack], migrated_database_url: str
) -> None:
    stack = stack_factory().start(service)  # type: ignore[call-arg]
    url = stack[service].url
    headers = bearer(create_api_key_sync(migrated_database_url))
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=url,
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance],
                timeout=10,
            )

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
