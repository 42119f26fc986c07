"""Reporting: every ESF indicator and network figure over a large read model, per query.

A fresh database gets reporting's tables (its migrations), filled set-based in SQL
(`generate_series`): participants with their cases, activities and hours, placements and
hours, exits, follow-ups, openings and matches. Then every report `/v1/reports/{name}` (and the
summary) is timed through reporting's own use cases (`service.build_report`,
`service.key_figures`, exactly what the HTTP handlers call), without filters and with each
filter. Reporting keeps no aggregates: every query loads the whole read model
(`load_snapshot`) and computes in Python; the bench times that load apart, and shows
EXPLAIN ANALYZE of its heaviest statement.

Run: `python -m bench.reporting [--participants 1000000] [--repeat 1]`
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import time
from datetime import date
from uuid import UUID

import asyncpg

from bench.common import Report
from services.reporting import service
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.snapshot import Snapshot
from services.reporting.repository import queries
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_snapshot
from shared.migrate import migrate
from shared.testing.servers import create_database, drop_database

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


async def fill(dsn: str, participants: int) -> dict[str, int]:
    """Reporting's tables, set-based; returns the row counts."""
    await migrate(dsn, ["reporting"])
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


def filters() -> dict[str, ReportFilter]:
    """No filter, and each filter the API takes."""
    return {
        "none": ReportFilter(),
        "period": ReportFilter(start=date(2025, 1, 1), end=date(2025, 12, 31)),
        "municipality": ReportFilter(municipality=MUNICIPALITIES[0]),
        "organisation": ReportFilter(organisation_id=UUID("00000000-0000-4000-a000-000000000007")),
        "risk_group": ReportFilter(risk_group="disability"),
    }


PROPOSED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS activity_fact_participant ON activity_fact (participant_id)",
    "CREATE INDEX IF NOT EXISTS placement_hours_placement ON placement_hours (placement_id)",
    "CREATE INDEX IF NOT EXISTS placement_fact_opening ON placement_fact (opening_id)",
]
"""What the snapshot's correlated sub-queries need (without them each is a scan per row)."""


def _participants_sql() -> str:
    source = inspect.getsource(queries.participants)
    return source.split('"""', 3)[3].rsplit('"""', 1)[0]


async def explain(conn: asyncpg.Connection, analyze: bool) -> list[str]:
    """The plan of the snapshot's participant query (its heaviest statement)."""
    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    rows = await conn.fetch(f"EXPLAIN ({options}) {_participants_sql()}")
    return [r[0] for r in rows]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def load_timed(pool: asyncpg.Pool, timeout_s: float) -> tuple[float, Snapshot | None]:
    """How long `load_snapshot` takes (None: not within the timeout)."""
    async with pool.acquire() as conn:
        await conn.execute(f"SET statement_timeout = {int(timeout_s * 1000)}")
        started = time.perf_counter()
        try:
            snap = await load_snapshot(conn)
        except asyncpg.QueryCanceledError:
            return _ms(started), None
        finally:
            await conn.execute("RESET statement_timeout")
        return _ms(started), snap


def build_times(snap: Snapshot, settings: ReportingSettings, names: list[str]) -> dict[str, float]:
    """Milliseconds to compute each report from a loaded snapshot, under each named filter."""
    out: dict[str, float] = {}
    day = service.today()
    for fname, f in filters().items():
        if fname not in names:
            continue
        for name, rep in sorted(service.REPORTS.items()):
            started = time.perf_counter()
            rep.build(snap, f, settings, day)
            out[f"{name} [{fname}]"] = _ms(started)
    return out


async def end_to_end(pool: asyncpg.Pool, settings: ReportingSettings) -> dict[str, float]:
    """A report the way the HTTP handler makes it (load + build), to check the sum."""
    out = {}
    for name, fname in (("indicators", "municipality"),):
        started = time.perf_counter()
        await service.build_report(pool, name, filters()[fname], settings)
        out[f"{name} [{fname}]"] = _ms(started)
    return out


async def _time_variant(
    report: Report, pool: asyncpg.Pool, label: str, timeout_s: float, names: list[str]
) -> None:
    settings = ReportingSettings()
    load_ms, snap = await load_timed(pool, timeout_s)
    async with pool.acquire() as conn:
        plan = await explain(conn, analyze=snap is not None)
    report.context[f"explain_participants ({label})"] = plan
    if snap is None:
        report.add(
            f"load_snapshot ({label})", load_ms, "ms", "< 200", f"cancelled after {timeout_s:.0f} s"
        )
        return
    report.add(f"load_snapshot ({label})", load_ms, "ms", note="every query starts with it")
    builds = build_times(snap, settings, names)
    del snap
    report.context[f"build_ms ({label})"] = builds
    for name in sorted(service.REPORTS):
        mine = {k: v for k, v in builds.items() if k.startswith(f"{name} [")}
        worst = max(mine, key=mine.__getitem__)
        report.add(
            f"{name} ({label})",
            load_ms + mine[worst],
            "ms/query",
            "< 200",
            f"load + build; build {min(mine.values()):.0f}-{mine[worst]:.0f} ms, worst {worst}",
        )
    for key, ms in (await end_to_end(pool, settings)).items():  # load + build, as served
        report.add(f"via service.build_report: {key} ({label})", ms, "ms/query", "< 200")


async def measure(
    participants: int,
    indexes: bool = True,
    timeout_s: float = 300,
    filter_names: list[str] | None = None,
) -> Report:
    """Fill a fresh database, then time the reports as migrated and with the proposed indexes."""
    report = Report("reporting", context={"participants": participants})
    names = filter_names or list(filters())
    report.context["filters"] = names
    dsn = await create_database()
    try:
        started = time.perf_counter()
        report.context["rows"] = await fill(dsn, participants)
        report.add(
            "fill read model (set-based SQL)",
            _ms(started) / 1000,
            "s",
            note=str(report.context["rows"]),
        )
        pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=2, server_settings={"search_path": "reporting"}
        )
        try:
            await _time_variant(report, pool, "as migrated", timeout_s, names)
            if indexes:
                async with pool.acquire() as conn:
                    for sql in PROPOSED_INDEXES:
                        await conn.execute(sql)
                    await conn.execute("ANALYZE")
                await _time_variant(report, pool, "with proposed indexes", timeout_s, names)
        finally:
            await pool.close()
    finally:
        await drop_database(dsn)
    return report


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per snapshot load")
    parser.add_argument("--no-indexes", action="store_true", help="skip the indexed variant")
    parser.add_argument("--filters", nargs="+", choices=list(filters()), default=list(filters()))
    args = parser.parse_args()
    report = asyncio.run(
        measure(args.participants, not args.no_indexes, args.timeout, args.filters)
    )
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
