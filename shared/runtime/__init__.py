"""The composition root every service shares: one FastAPI app per process that also runs
the FastStream broker, the idempotent consumer, its claim loop and the outbox relay.

The parts, one job each: `core` (`Runtime`: start and stop in order), `broker` (the
FastStream subscribers), `redis_recovery` (Redis resets and lost groups), `gauges` (lag,
pending, backlog), `app` (the app's lifespan, operations routes and request counting).
"""

from shared.runtime.app import (
    CountRequests,
    PoolDep,
    RuntimeDep,
    create_service_app,
    get_pool,
    get_runtime,
)
from shared.runtime.core import Runtime, ServiceDefinition

__all__ = [
    "CountRequests",
    "PoolDep",
    "Runtime",
    "RuntimeDep",
    "ServiceDefinition",
    "create_service_app",
    "get_pool",
    "get_runtime",
]
