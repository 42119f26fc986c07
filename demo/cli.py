"""`polku demo`: start Polku (or use a running one), create the demo region, drive it."""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
from collections.abc import Callable
from pathlib import Path

from demo.driver import DEMO_ENV, SERVICES, DemoConfig, run_demo


def add_commands(subparsers: argparse._SubParsersAction) -> dict[str, Callable[..., int]]:  # type: ignore[type-arg]
    """Register `polku demo`."""
    p = subparsers.add_parser("demo", help=cmd_demo.__doc__)
    p.add_argument("--seed", type=int, default=7, help="same seed, same region and year")
    p.add_argument("--participants", type=int, default=200, help="people arriving in the year")
    p.add_argument("--duration", type=float, default=120.0, help="seconds to play the year in")
    p.add_argument("--rate", type=float, default=0.0, help="at most this many actions a second")
    p.add_argument("--no-services", action="store_true", help="drive an already running Polku")
    p.add_argument("--exit", action="store_true", help="stop the services when the demo ends")
    p.add_argument("--verbose", action="store_true", help="show the services' INFO logs")
    p.add_argument("--report", type=Path, help="also write what was sent as JSON to this file")
    p.add_argument("--data-dir", default=".polku", help="where embedded servers keep data")
    p.add_argument(
        "--live", action=argparse.BooleanOptionalAction, default=None,
        help="after the year, live on slowly until Ctrl-C (default: when it starts services)",
    )  # fmt: skip
    p.add_argument("--live-for", type=float, help="live on for only this many seconds")
    p.add_argument("--live-every", type=float, default=3.0, help="seconds per live day")
    p.add_argument(
        "--region-file", type=Path,
        help="ids of what the demo created, for the next run (default: DATA_DIR/demo-region.json "
        "when it starts the services, none with --no-services)",
    )  # fmt: skip
    p.add_argument("--api-key", default=os.environ.get("POLKU_DEMO_API_KEY"))
    for service in SERVICES:
        p.add_argument(f"--{service}-url", help=f"base URL of {service} (default from settings)")
    return {"demo": cmd_demo}


def service_urls(args: argparse.Namespace) -> dict[str, str]:
    """Each service's base URL: the option if given, else host and port from settings."""
    from shared.settings import Settings

    settings = Settings()
    return {
        s: getattr(args, f"{s}_url", None) or f"http://{settings.host}:{settings.port_of(s)}"
        for s in SERVICES
    }


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the living demo region: a year of a regional network, through the public APIs."""
    for name, value in DEMO_ENV.items():
        os.environ.setdefault(name, value)
    resolve_defaults(args)
    if args.no_services:
        return play(args)
    return _with_services(args)


def resolve_defaults(args: argparse.Namespace) -> None:
    """Live on and remember the region when the demo starts the services itself."""
    if args.live is None:
        args.live = args.live_for is not None or not (args.no_services or args.exit)
    if args.region_file is None and not args.no_services:
        args.region_file = Path(args.data_dir) / "demo-region.json"


def _with_services(args: argparse.Namespace) -> int:
    """`polku up` with the demo as its first client; on Ctrl-C the demo stops first (its
    answers awaited, its webhooks off), then the services."""
    from polku.cli import cmd_up

    if not args.verbose:
        os.environ.setdefault("POLKU_LOG_LEVEL", "WARNING")  # the demo's summary stays readable
    outcome: list[int] = []
    halt, finished = threading.Event(), threading.Event()

    def then() -> None:
        try:
            outcome.append(play(args, halt))
        finally:
            finished.set()
        if not args.exit and not halt.is_set():
            print("polku demo: done; the services keep running until Ctrl-C")
            threading.Event().wait()

    def before_stop() -> None:
        halt.set()
        finished.wait(timeout=STOP_PATIENCE_S)

    up_args = argparse.Namespace(data_dir=args.data_dir, wait_for=then, before_stop=before_stop)
    code = cmd_up(up_args)
    return outcome[0] if outcome else code


STOP_PATIENCE_S = 60.0
"""How long the services wait on Ctrl-C for the demo to finish its answers."""


def play(args: argparse.Namespace, halt: threading.Event | None = None) -> int:
    """Drive the services at `service_urls(args)`, print and optionally save the report."""
    from shared.settings import Settings

    urls = service_urls(args)
    config = DemoConfig(
        urls=urls, seed=args.seed, participants=args.participants,
        duration=args.duration, rate=args.rate, api_key=args.api_key,
        database_url=None if args.api_key else Settings().database_url,
        live=args.live, live_for=args.live_for, live_every=args.live_every,
        halt=halt or threading.Event(), ledger_path=args.region_file,
    )  # fmt: skip
    dashboard_key = args.api_key or _operator_key(config.database_url)
    print(where_to_look(urls, dashboard_key))
    try:
        report = asyncio.run(run_demo(config))
    except TimeoutError as exc:
        print(f"polku demo: {exc}")
        return 1
    print(report.format())
    if args.report:
        args.report.write_text(report.to_json() + "\n", encoding="utf-8")
        print(f"polku demo: report written to {args.report}")
    print(where_to_look(urls, dashboard_key))
    return 0


def _operator_key(database_url: str | None) -> str | None:
    """An operator key for the dashboard (figures, no personal data); None when keys are off."""
    if database_url is None:
        return None
    import uuid

    import asyncpg

    from shared.key_store import create_key

    org = uuid.uuid5(uuid.NAMESPACE_URL, "polku-demo:operator")
    try:
        _, key = asyncio.run(
            create_key(database_url, organisation_id=org, role="operator", label="demo dashboard")
        )
    except (OSError, asyncpg.PostgresError):
        return None
    return key


def where_to_look(urls: dict[str, str], dashboard_key: str | None = None) -> str:
    """The dashboard (with an operator key when there is one), each service's /docs, status."""
    fragment = f"#key={dashboard_key}" if dashboard_key else ""
    lines = [f"polku demo: dashboard  {urls['reporting']}/{fragment}"]
    lines += [f"polku demo: {s:<9} {u}/docs" for s, u in urls.items()]
    lines.append("polku demo: pipeline   polku status")
    return "\n".join(lines)
