"""Testing helpers: real-server fixtures (see plugin.py), service processes, waiting."""

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
    "create_database",
    "drop_database",
    "free_port",
    "wait_until",
]
