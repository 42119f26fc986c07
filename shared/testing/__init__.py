"""Testing helpers: real-server fixtures (see plugin.py), service processes, waiting."""

from shared.testing.keys import bearer, create_api_key, create_api_key_sync, keyed_client
from shared.testing.servers import (
    RedisServer,
    ServiceProcess,
    Stack,
    create_database,
    drop_database,
    free_port,
    wait_until,
)

__all__ = [
    "RedisServer",
    "ServiceProcess",
    "Stack",
    "bearer",
    "create_api_key",
    "create_api_key_sync",
    "create_database",
    "drop_database",
    "free_port",
    "keyed_client",
    "wait_until",
]
