"""The `polku` command: run Polku's services and look after them (dead letters, keys, status)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.roles import default_role, with_user
from shared.settings import PROCESSES, SERVICES, Settings, settings_at_start

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
EXTRA_COMMANDS: list[str] = [
    # Modules that add their own sub-commands with `add_commands(subparsers)`.
    "services.intake.cli",
    "services.reporting.cli",
    "demo.cli",
    "polku.keys_cli",
]


def command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[..., int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
        COMMANDS[name] = fn
        return fn

    return register


def _settings() -> Settings:
    return settings_at_start()


@command("migrate")
def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply missing migrations of every service (or the ones named)."""
    from shared.migrate import migrate_configured

    services = tuple(args.service) if args.service else PROCESSES
    unknown = set(services) - set(PROCESSES)
    if unknown:
        print(f"polku migrate: unknown service {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    applied = asyncio.run(migrate_configured(_settings(), services))
    for service, versions in applied.items():
        print(f"{service}: {', '.join(versions) if versions else 'up to date'}")
    return 0


@command("run")
def cmd_run(args: argparse.Namespace) -> int:
    """Run one service in this process (what a container runs)."""
    import uvicorn

    from shared.gc_tuning import tune_for_service
    from shared.logs import setup_logging

    settings = _settings()
    setup_logging(args.service, level=settings.log_level, json_lines=settings.log_json)
    if args.migrate:
        from shared.migrate import migrate_configured

        asyncio.run(migrate_configured(settings, (args.service,)))
    module = importlib.import_module(f"services.{args.service}.main")
    app = module.create_app(settings)
    tune_for_service()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port_of(args.service),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )
    return 0


@command("up")
def cmd_up(args: argparse.Namespace) -> int:
    """Migrate, then run the four services and the web front as processes until Ctrl-C."""
    env = dict(os.environ)
    embedded = None
    if not (env.get("POLKU_DATABASE_URL") and env.get("POLKU_REDIS_URL")):
        from polku.embedded import start_embedded

        root = Path(args.data_dir).resolve()
        print(f"polku: no POLKU_DATABASE_URL/POLKU_REDIS_URL set; embedded servers in {root}")
        embedded = start_embedded(root)
        env.setdefault("POLKU_ENV", "development")  # a laptop: the development secrets do
        env.setdefault("POLKU_DATABASE_URL", embedded.database_url)
        env.setdefault("POLKU_REDIS_URL", embedded.redis_url)
    for service in PROCESSES:  # each process logs in as its own role (trust auth: no password)
        env.setdefault(
            f"POLKU_{service.upper()}_DATABASE_URL",
            with_user(env["POLKU_DATABASE_URL"], default_role(service)),
        )
    os.environ.update(env)
    try:
        cmd_migrate(argparse.Namespace(service=None))
        if embedded is not None:
            print(
                "polku: to use `polku keys`, `polku status`, ... on this system, in another shell:"
            )
            print(
                f"  export POLKU_DATABASE_URL='{embedded.database_url}'"
                f" POLKU_REDIS_URL='{embedded.redis_url}' POLKU_ENV={env['POLKU_ENV']}"
            )
        return supervise(
            env, wait_for=args.wait_for, before_stop=getattr(args, "before_stop", None)
        )
    finally:
        if embedded is not None:
            print("polku: stopping the embedded Redis and PostgreSQL")
            embedded.stop()


def supervise(
    env: dict[str, str],
    *,
    wait_for: Callable[[], Any] | None = None,
    before_stop: Callable[[], Any] | None = None,
) -> int:
    """Run the four services and the web front with prefixed logs, restarting a crashed one with a back-off;
    stop them all on Ctrl-C or SIGTERM (after `before_stop`, e.g. the demo finishing)."""
    from polku.supervisor import Supervisor

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    child_env = {**env, "POLKU_LOG_JSON": env.get("POLKU_LOG_JSON", "false")}
    commands = {s: [sys.executable, "-m", "polku.cli", "run", s] for s in PROCESSES}
    supervisor = Supervisor(commands, env=child_env)
    supervisor.start_all()
    for service in SERVICES:
        print(f"polku: {service:<9} http://{settings.host}:{settings.port_of(service)}/docs")
    print(f"polku: dashboard  http://{settings.host}:{settings.reporting_port}/")
    print(f"polku: sign in    http://{settings.host}:{settings.web_port}/  (the web front)")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if wait_for is not None:
        threading.Thread(target=lambda: _then(wait_for, stop.set), daemon=True).start()
    try:
        supervisor.run(stop)
        if before_stop is not None:
            before_stop()
    finally:
        supervisor.say("stopping the services")
        supervisor.stop_all()
    return 0


def _then(first: Callable[[], Any], second: Callable[[], Any]) -> None:
    first()
    second()


@command("dlq")
def cmd_dlq(args: argparse.Namespace) -> int:
    """List dead-lettered entries, or replay one."""
    import redis.asyncio as aioredis

    from polku.cli_errors import is_stream_id
    from polku.ops import dead_letters, replay_dead_letter
    from shared.sealing import Sealer

    settings = _settings()

    async def go() -> int:
        client = aioredis.from_url(settings.redis_url)
        try:
            if args.action == "list":
                print_rows(await dead_letters(client, limit=args.limit), DLQ_COLUMNS, args.json)
                return 0
            if not args.id or not is_stream_id(args.id):
                what = f"{args.id!r} is not" if args.id else "needs"
                print(
                    f"polku dlq replay: {what} an entry ID like {DLQ_ID_EXAMPLE}", file=sys.stderr
                )
                return 2
            try:
                sealer = Sealer(settings.encryption_key)
                replayed = await replay_dead_letter(client, settings.database_url, args.id, sealer)
                print(json.dumps(replayed))
            except LookupError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            return 0
        finally:
            await client.aclose()

    return asyncio.run(go())


DLQ_COLUMNS = ("id", "stream", "consumer", "event_type", "reason", "attempts", "dead_lettered_at")
DLQ_ID_EXAMPLE = "1733221234567-0 (see `polku dlq list`)"


def print_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool) -> None:
    """Rows as an aligned table of `columns`, or (`--json`) every field, one object a line."""
    from polku.tables import format_table

    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(format_table(rows, columns) if rows else "(none)")


@command("status")
def cmd_status(args: argparse.Namespace) -> int:
    """Each stream and group: length, lag, pending; dead letters; outbox backlogs."""
    import redis.asyncio as aioredis

    from polku.ops import format_status, pipeline_status

    settings = _settings()

    async def go() -> int:
        client = aioredis.from_url(settings.redis_url)
        try:
            print(format_status(await pipeline_status(client, settings.database_url)))
        finally:
            await client.aclose()
        return 0

    return asyncio.run(go())


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[..., int]]]:
    parser = argparse.ArgumentParser(prog="polku", description=__doc__)
    parser.add_argument("--version", action="version", version=f"polku {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("up", help=cmd_up.__doc__)
    p.add_argument("--data-dir", default=".polku", help="where embedded servers keep data")
    p.set_defaults(wait_for=None)
    p = sub.add_parser("run", help=cmd_run.__doc__)
    p.add_argument("service", choices=PROCESSES)
    p.add_argument("--migrate", action="store_true", help="apply this service's migrations first")
    p = sub.add_parser("migrate", help=cmd_migrate.__doc__)
    p.add_argument("service", nargs="*", help=f"any of {', '.join(PROCESSES)} (default: all)")
    p = sub.add_parser("dlq", help=cmd_dlq.__doc__)
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("id", nargs="?")
    p.add_argument("--limit", type=positive_int, default=50, help="newest entries shown (list)")
    p.add_argument("--json", action="store_true", help="one JSON object a line, every field")
    sub.add_parser("status", help=cmd_status.__doc__)
    handlers: dict[str, Callable[..., int]] = dict(COMMANDS)
    for name in EXTRA_COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        handlers.update(module.add_commands(sub))
    return parser, handlers


def package_version() -> str:
    """The installed polku package's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("polku")
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; a server down or an unmigrated database
    is one line on stderr and exit code 1, not a traceback."""
    from polku.cli_errors import FAILED, explain

    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        return handlers[args.command](args)
    except Exception as exc:
        reason = explain(exc)
        if reason is None:
            raise
        print(f"polku {args.command}: {reason}", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
