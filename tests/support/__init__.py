"""Testing helpers: real-server fixtures (see plugin.py), service processes, waiting."""

import os

from tests.support.keys import bearer, create_api_key, create_api_key_sync, keyed_client
from tests.support.polling import eventually, wait_until
from tests.support.servers import (
    RedisServer,
    ServiceProcess,
    Stack,
    create_database,
    drop_database,
    free_port,
)

# Tests and benchmarks are development: their processes (and the services they start, which
# inherit the environment) may use the development secrets (shared/settings.py).
os.environ.setdefault("POLKU_ENV", "development")

__all__ = [
    "RedisServer",
    "ServiceProcess",
    "Stack",
    "bearer",
    "create_api_key",
    "create_api_key_sync",
    "create_database",
    "drop_database",
    "eventually",
    "free_port",
    "keyed_client",
    "wait_until",
]
