"""Reporting: every ESF indicator and network figure over a large read model, per query.

A fresh database gets reporting's tables (its migrations), the fact tables filled set-based in
SQL (`generate_series`): participants with their cases, activities and hours, placements and
hours, exits, follow-ups, openings and matches. Then the figure store is computed from them by
the service's own code (`aggregator.recompute_all`, what `polku reporting rebuild` runs: the pure
rules per participant, the sums in SQL), and every report `/v1/reports/{name}`, the summary,
the dashboard's figures, the web front's dashboard (`/v1/web-dashboard`: the network, a
municipality, a sub-region of three) and the gauges' figures are timed through reporting's own
use cases (what the HTTP handlers call), without filters and with each filter, internal and external.
At 20,000 participants or fewer (or with --check) every report under every filter is compared
with the reference computation over a whole snapshot. The consumer's cost per event (projection
plus noting whom to recompute) and the aggregator's per participant are measured apart.

Run: `python -m bench.reporting [--participants 1000000] [--repeat 3] [--check]`
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from statistics import median
from typing import Any
from uuid import UUID

import asyncpg
import psutil
import uvloop

from bench.common import Report, progress
from bench.reporting_consumer import consumer_costs, service_process
from services.reporting import aggregator, service
from services.reporting.domain import reference
from services.reporting.domain.filters import ReportFilter
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_snapshot
from shared.migrate import migrate
from tests.support.servers import create_database, drop_database

MUNICIPALITIES = ["Narva linn", "Tartu linn", "Kaustinen", "Veteli", "Rapla vald", "Perho"]
ORGANISATIONS = 200
FILL_SQL = [
    # participants, registered over three years
    """INSERT INTO participant_fact
    SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
           (ARRAY{municipalities})[1 + i % {n_municipalities}],
           DATE '2024-01-01' + (i % 1000),
           16 + i % 50,
           (ARRAY['under_18','18_24','25_29','30_54','55_plus'])[1 + i % 5],
           (ARRAY['female','male','male','non_binary','unknown'])[1 + i % 5],
           (ARRAY['unemployed','long_term_unemployed','inactive','employed'])[1 + i % 4],
           i % 30, i % 7 = 0, i % 9,
           CASE WHEN i % 3 = 0 THEN ARRAY['long_term_unemployed']
                WHEN i % 3 = 1 THEN ARRAY['disability','low_skills']
                ELSE ARRAY[]::text[] END,
           i % 50 = 0, 1
    FROM generate_series(1, {n}) AS i""",
    """INSERT INTO case_fact (participant_id, case_plan_id, opened_on, waitlisted_on, priority,
                              support_worker_id, organisation_id, assigned_on)
    SELECT participant_id, gen_random_uuid(), registered_on,
           CASE WHEN random() < 0.1 THEN registered_on END, false,
           ('00000000-0000-4000-9000-' || lpad(to_hex(1 + abs(hashtext(participant_id::text)) % 2000), 12, '0'))::uuid,
           ('00000000-0000-4000-a000-' || lpad(to_hex(1 + abs(hashtext(participant_id::text)) % {orgs}), 12, '0'))::uuid,
           registered_on + 3
    FROM participant_fact""",
    """INSERT INTO worker_limit
    SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(i), 12, '0'))::uuid, 5 + i % 30,
           DATE '2024-01-01'
    FROM generate_series(1, 2000, 2) AS i""",
    """INSERT INTO activity_fact
    SELECT gen_random_uuid(), participant_id,
           (ARRAY['adaptation_training','work_practice','vocational_training','coaching_session',
                  'support_meeting','job_search'])[1 + (random() * 5)::int],
           (ARRAY['planned','in_progress','completed','dropped'])[1 + (random() * 3)::int],
           ('00000000-0000-4000-a000-' || lpad(to_hex(1 + (random() * ({orgs} - 1))::int), 12, '0'))::uuid,
           registered_on + 10, registered_on + 60, now()
    FROM participant_fact, generate_series(1, 2) AS k WHERE k = 1 OR random() < 0.5""",
    """INSERT INTO activity_hours
    SELECT gen_random_uuid(), activity_id, participant_id, activity_type, 4, starts_on + 1
    FROM activity_fact WHERE random() < 0.5""",
    """INSERT INTO placement_fact
    SELECT gen_random_uuid(), participant_id,
           ('00000000-0000-4000-a000-' || lpad(to_hex(1 + (random() * ({orgs} - 1))::int), 12, '0'))::uuid,
           ('00000000-0000-4000-b000-' || lpad(to_hex(1 + (random() * 4999)::int), 12, '0'))::uuid,
           (ARRAY['work_practice','workshop_place','low_threshold_job','regular_job'])[1 + (random() * 3)::int],
           registered_on + 30,
           CASE WHEN random() < 0.6 THEN registered_on + 120 END,
           CASE WHEN random() < 0.6 THEN (ARRAY['completed','hired','dropped_out'])[1 + (random() * 2)::int] END
    FROM participant_fact WHERE random() < 0.3""",
    """INSERT INTO placement_hours
    SELECT gen_random_uuid(), placement_id, participant_id, organisation_id, 20, starts_on + 7
    FROM placement_fact""",
    """INSERT INTO exit_fact
    SELECT participant_id, gen_random_uuid(),
           (ARRAY['employed','self_employed','education_or_training','qualification_gained',
                  'job_searching','inactive','other'])[1 + (random() * 6)::int],
           registered_on + 200, registered_on + 380
    FROM participant_fact WHERE random() < 0.6""",
    """INSERT INTO follow_up_fact
    SELECT participant_id, (ARRAY['employed','education_or_training','job_searching','not_reached'])[1 + (random() * 3)::int],
           follow_up_due_on
    FROM exit_fact WHERE random() < 0.5""",
    """INSERT INTO opening_fact
    SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(i), 12, '0'))::uuid,
           ('00000000-0000-4000-a000-' || lpad(to_hex(1 + i % {orgs}), 12, '0'))::uuid,
           'employer', (ARRAY{municipalities})[1 + i % {n_municipalities}],
           'work_practice', 1 + i % 5, DATE '2024-01-01' + i % 1000, now()
    FROM generate_series(1, 5000) AS i""",
    """INSERT INTO match_fact
    SELECT gen_random_uuid(), participant_id,
           ('00000000-0000-4000-b000-' || lpad(to_hex(1 + (random() * 4999)::int), 12, '0'))::uuid,
           ('00000000-0000-4000-a000-' || lpad(to_hex(1 + (random() * ({orgs} - 1))::int), 12, '0'))::uuid,
           registered_on + 20, CASE WHEN random() < 0.3 THEN registered_on + 25 END
    FROM participant_fact WHERE random() < 0.5""",
]


STRATEGY = {
    "summary": "cube (entry, exit, follow_up, placements, active, hours: sums by"
    " year/month/day) + waiting-list intervals (GiST) + openings (SQL)",
    "indicators": "cube: per-indicator columns of entry (output) and exit (results)",
    "activities": "cube: first/last day per type + gaps straddling the period (GiST) + hours",
    "placements": "cube: placement_start, placement_end",
    "exits": "cube: exit_outcome",
    "caseloads": "cube: +1/-1 per caseload span per support worker, summed to the day",
    "waiting-list": "per-participant waiting spans, GiST stabbing query on the day",
    "openings": "per-query SQL over openings + opening_filled (kept by the aggregator)",
    "unemployment": "cube: unemployment (age band, ISCED, months) + entry by place, risk",
    "matches": "cube: match (sex, age band) by risk groups",
    "timeseries": "cube: entry, placement_start, exit by month (month and day buckets)",
    "outcomes-by-activity": "cube: activity_outcome (exit day, per activity type taken part in)",
}
"""How each figure is served (organisation filter: the same sums over that organisation's
participants' stored entries, `participant_org` -> `figure_entry`)."""


async def fill(dsn: str, participants: int) -> dict[str, int]:
    """Reporting's fact tables, set-based; returns the row counts."""
    await migrate(dsn)  # every schema: the service process checks API keys
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "reporting"})
    try:
        values = {
            "n": participants,
            "orgs": ORGANISATIONS,
            "municipalities": "[" + ",".join(f"'{m}'" for m in MUNICIPALITIES) + "]",
            "n_municipalities": len(MUNICIPALITIES),
        }
        for sql in FILL_SQL:
            await conn.execute(sql.format(**values))
        await conn.execute("ANALYZE")
        tables = ["participant_fact", "activity_fact", "placement_fact", "exit_fact", "match_fact"]
        return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in tables}
    finally:
        await conn.close()


def _every_tenth() -> Callable[[int, int], None]:
    """A progress callback that reports each further tenth of the participants."""
    shown = [0]

    def report(done: int, total: int) -> None:
        if done * 10 >= (shown[0] + 1) * total or done == total:
            shown[0] = done * 10 // max(total, 1)
            progress(f"figure store: {done:,} of {total:,} participants")

    return report


async def aggregate(pool: asyncpg.Pool, settings: ReportingSettings) -> tuple[float, float, int]:
    """The figure store from the facts as a rebuild computes it: wall s, CPU s, rows stored."""
    wall, cpu = time.perf_counter(), time.process_time()
    async with pool.acquire() as conn:
        async with conn.transaction():
            await aggregator.recompute_all(conn, settings, chunk=5000, progress=_every_tenth())
        await conn.execute("ANALYZE")
        rows = await conn.fetchval(
            "SELECT (SELECT count(*) FROM figure_entry) + (SELECT count(*) FROM figure_cube)"
        )
    return time.perf_counter() - wall, time.process_time() - cpu, int(rows)


def filters() -> dict[str, ReportFilter]:
    """No filter, each filter the API takes, and combinations."""
    year = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    org = UUID("00000000-0000-4000-a000-000000000007")
    return {
        "none": ReportFilter(),
        "period": ReportFilter(**year),
        "from": ReportFilter(start=date(2025, 3, 15)),
        "to": ReportFilter(end=date(2025, 6, 30)),
        "municipality": ReportFilter(municipality=MUNICIPALITIES[0]),
        "organisation": ReportFilter(organisation_id=org),
        "risk_group": ReportFilter(risk_group="disability"),
        "combination": ReportFilter(
            **year, municipality=MUNICIPALITIES[1], risk_group="disability"
        ),
        "combination+org": ReportFilter(
            **year, municipality=MUNICIPALITIES[2], organisation_id=org
        ),
    }


async def _timed(repeat: int, call: Any) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


async def time_queries(
    pool: asyncpg.Pool, settings: ReportingSettings, names: list[str], repeat: int
) -> dict[str, dict[str, float]]:
    """Milliseconds (median of `repeat`) of every figure under each named filter."""
    out: dict[str, dict[str, float]] = {}
    threshold = settings.small_count_threshold
    for fname in names:
        f = filters()[fname]
        for name in sorted(service.REPORTS):

            async def internal(name: str = name, f: ReportFilter = f) -> Any:
                return await service.build_report(pool, name, f, settings)

            async def external(name: str = name, f: ReportFilter = f) -> Any:
                rows = await service.build_report(pool, name, f, settings)
                return service.external(name, rows, threshold)

            out.setdefault(f"{name}", {})[fname] = await _timed(repeat, internal)
            out.setdefault(f"{name} (external)", {})[fname] = await _timed(repeat, external)
        calls = {"GET /v1/reports/summary (key_figures)": service.key_figures,
                 "dashboard figures": service.dashboard_figures}  # fmt: skip
        for label, fn in calls.items():
            out.setdefault(label, {})[fname] = await _timed(
                repeat, lambda fn=fn, f=f: fn(pool, f, settings)
            )
    chosen = {"none": [], "municipality": MUNICIPALITIES[:1], "sub-region": MUNICIPALITIES[:3]}
    out["GET /v1/web-dashboard (the web front's dashboard, one call)"] = {
        label: await _timed(
            repeat, lambda m=m: service.web_dashboard(pool, m, settings, "internal")
        )
        for label, m in chosen.items()
    }
    out["domain gauges (key figures, no filter)"] = {
        "none": await _timed(repeat, lambda: service.key_figures(pool, ReportFilter(), settings))
    }
    return out


async def check_reference(pool: asyncpg.Pool, settings: ReportingSettings) -> int:
    """Every report under every filter, against the whole-snapshot computation; mismatches."""
    day = service.today()
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)
    bad = 0
    for f in filters().values():
        for name in service.REPORTS:
            got = await service.build_report(pool, name, f, settings)
            bad += got != reference.REPORTS[name](snap, f, settings, day)
        bad += await service.dashboard_figures(pool, f, settings) != reference.dashboard(
            snap, f, settings, day
        )
    return bad


def add_query_figures(report: Report, times: dict[str, dict[str, float]]) -> None:
    """One row per figure: its slowest filter against the target."""
    for label, per_filter in times.items():
        worst = max(per_filter, key=per_filter.__getitem__)
        base = label.split(" ")[0]
        how = STRATEGY.get(base, "the reports above")
        note = f"worst [{worst}], best {min(per_filter.values()):.1f} ms; {how}"
        report.add(label, per_filter[worst], "ms/query", "< 200", note)


async def measure(
    participants: int,
    check: bool = False,
    timeout_s: float = 300,
    filter_names: list[str] | None = None,
    repeat: int = 3,
) -> Report:
    """Fill a fresh database, compute the figure store, time every figure (and check them)."""
    report = Report("reporting", context={"participants": participants, "strategy": STRATEGY})
    names = filter_names or list(filters())
    report.context["filters"] = {n: str(filters()[n]) for n in names}
    settings = ReportingSettings()
    dsn = await create_database()
    try:
        started = time.perf_counter()
        progress(f"filling the fact tables with {participants:,} participants")
        rows = report.context["rows"] = await fill(dsn, participants)
        report.add("fill fact tables (set-based SQL)", time.perf_counter() - started, "s",
                   note=str(rows))  # fmt: skip
        pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=2, server_settings={"search_path": "reporting"}
        )
        try:
            wall, cpu, stored = await aggregate(pool, settings)
            report.add("figure store from the facts (recompute_all)", wall, "s",
                       note=f"{cpu:.0f} s CPU in Python; {stored} rows; "
                            f"{wall / participants * 1e6:.0f} us per participant")  # fmt: skip
            progress(f"timing every figure under {len(names)} filters, median of {repeat}")
            rss_before = psutil.Process().memory_info().rss
            times = report.context["ms_per_filter"] = await time_queries(
                pool, settings, names, repeat
            )
            add_query_figures(report, times)
            grown = (psutil.Process().memory_info().rss - rss_before) / 2**20
            report.add("RSS growth while querying", grown, "MB", note="this process")
            progress("the reporting service as a process over the filled model")
            report.figures += await service_process(dsn)
            if check or participants <= 20_000:
                progress("every report against the snapshot reference")
                bad = await check_reference(pool, settings)
                report.add("reports equal to the snapshot reference", float(bad == 0), "bool",
                           "1", f"{bad} mismatches over every report x filter")  # fmt: skip
        finally:
            await pool.close()
    finally:
        await drop_database(dsn)
    progress("the consumer's and the aggregator's costs")
    for fig in await consumer_costs():
        report.figures.append(fig)
    return report


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--check", action="store_true", help="compare with the reference")
    parser.add_argument("--filters", nargs="+", choices=list(filters()), default=list(filters()))
    args = parser.parse_args()
    report = uvloop.run(
        measure(args.participants, args.check, filter_names=args.filters, repeat=args.repeat)
    )
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
