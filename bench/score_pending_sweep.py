"""Cost of the score-pending sweep's query on a large jobs table (issue 15.3), before and after
the live-jobs dedupe index. Runs against a scratch database in the local cluster (started if
needed): the schema as it stood before issue 15's migrations, loaded with finished jobs, then the
remaining migrations applied to the same data.

    .venv/bin/python bench/score_pending_sweep.py --finished-jobs 1000000

Prints JSON: EXPLAIN ANALYZE execution and planning time (median and max of --runs; the part
spent reading private.jobs separately) of the
sweep's query in three states: before, with F16's jobs_live_kind_idx dropped (the look-up by
payload as first written), before (HEAD: jobs_live_kind_idx), and after (the look-up by dedupe key
through jobs_live_dedupe_key_idx); how private.jobs was read in each plan; and the dedupe index
sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local import migrate, postgres  # noqa: E402

ISSUE_15_FIRST_MIGRATION = "20261126100000"
PARAMS = {"grace_minutes": 5, "max_retries": 5, "limit": 100}

# The sweep's query as it stood before issue 15 (shared/services/assessments.py at 0e4efdd).
BEFORE_SQL = (
    "select i.id, count(a.id) as attempts from public.interviews i"
    " left join public.assessment_results a on a.interview_id = i.id"
    " where i.status = 'completed' and i.completed_at < now() - make_interval(mins => %(grace_minutes)s)"
    "   and not exists (select 1 from public.assessment_results c where c.interview_id = i.id and c.is_current and c.status = 'completed')"
    "   and not exists (select 1 from private.jobs j where j.kind = 'interview.score' and j.payload ->> 'interview_id' = i.id::text"
    "                   and j.status in ('queued', 'running'))"
    " group by i.id having count(a.id) < %(max_retries)s order by min(i.completed_at) limit %(limit)s"
)

KINDS = "array['interview.score', 'interview.score', 'resume.process', 'feedback.generate', 'email.send']"
SUBJECTS = "array['interview_id', 'interview_id', 'resume_id', 'resume_id', 'outbox_id']"


def load(conn: Any, finished: int, interviews: int, pending: int, live: int) -> None:
    """Completed interviews (all but `pending` scored), finished jobs of every kind spread over two
    weeks (scoring jobs for the scored interviews among them) and a live backlog (some of it
    scoring jobs for pending interviews), with the keys the code of the time wrote."""
    from tests.rls import create_user

    candidate = create_user(conn, "candidate")
    conn.execute(
        "insert into public.interviews (candidate_id, role_type, status, started_at, completed_at)"
        " select %s, 'python', 'completed', now() - make_interval(mins => 40 + n), now() - make_interval(mins => 10 + n)"
        " from generate_series(1, %s) n",
        [candidate, interviews],
    )
    conn.execute(
        "insert into public.assessment_results (interview_id, status, overall_score)"
        " select id, 'completed', 80 from public.interviews order by completed_at limit %s",
        [interviews - pending],
    )
    conn.execute(
        "insert into private.jobs (kind, payload, status, attempts, dedupe_key, created_at, updated_at, finished_at)"
        " select 'interview.score', jsonb_build_object('interview_id', a.interview_id), 'succeeded', 1,"
        "        'interview.score:' || a.interview_id, a.generated_at, a.generated_at, a.generated_at"
        "   from public.assessment_results a"
    )
    conn.execute(
        f"insert into private.jobs (kind, payload, status, attempts, dedupe_key, created_at, updated_at, finished_at)"
        f" select k.kind, jsonb_build_object(k.subject_key, k.subject), case when n %% 33 = 0 then 'dead' else 'succeeded' end,"
        f"        1, k.kind || ':' || k.subject, k.at, k.at, k.at"
        f"   from generate_series(1, %s) n,"
        f"        lateral (select ({KINDS})[1 + n %% 5] as kind, ({SUBJECTS})[1 + n %% 5] as subject_key,"
        f"                        gen_random_uuid()::text as subject, now() - make_interval(secs => n %% 1209600) as at) k",
        [finished - (interviews - pending)],
    )
    conn.execute(
        "insert into private.jobs (kind, payload, dedupe_key)"
        " select 'interview.score', jsonb_build_object('interview_id', i.id), 'interview.score:' || i.id"
        "   from public.interviews i where not exists (select 1 from public.assessment_results a where a.interview_id = i.id)"
        "  order by i.completed_at limit %s",
        [live // 5],
    )
    conn.execute(
        f"insert into private.jobs (kind, payload, dedupe_key)"
        f" select k.kind, jsonb_build_object(k.subject_key, k.subject), k.kind || ':' || k.subject"
        f"   from generate_series(1, %s) n,"
        f"        lateral (select ({KINDS})[3 + n %% 3] as kind, ({SUBJECTS})[3 + n %% 3] as subject_key, gen_random_uuid()::text as subject) k",
        [live - live // 5],
    )
    conn.execute("vacuum analyze private.jobs")
    conn.execute("vacuum analyze public.interviews")
    conn.execute("vacuum analyze public.assessment_results")


def jobs_access(plan: dict[str, Any]) -> list[str]:
    """How each plan node touching private.jobs reads it, e.g. 'Bitmap Index Scan jobs_live_dedupe_key_idx'."""
    found = []
    if plan.get("Relation Name") == "jobs" or str(plan.get("Index Name", "")).startswith("jobs_"):
        found.append(" ".join(str(part) for part in (plan["Node Type"], plan.get("Index Name", "")) if part))
    for child in plan.get("Plans", []):
        found.extend(jobs_access(child))
    return found


def jobs_ms(plan: dict[str, Any]) -> float:
    """Time spent reading private.jobs: the outermost nodes on it, times their loops (a parallel
    node's time is already per process, so its loops, one per process, are not multiplied in)."""
    if plan.get("Relation Name") == "jobs" or str(plan.get("Index Name", "")).startswith("jobs_"):
        loops = 1 if plan.get("Parallel Aware") else int(plan["Actual Loops"])
        return float(plan["Actual Total Time"]) * loops
    return sum(jobs_ms(child) for child in plan.get("Plans", []))


def measure(conn: Any, sql: str, runs: int) -> dict[str, Any]:
    conn.execute("explain analyze " + sql, PARAMS)  # warm the cache
    executions, plannings, lookups = [], [], []
    plan: dict[str, Any] = {}
    for _ in range(runs):
        [row] = conn.execute("explain (analyze, buffers, format json) " + sql, PARAMS).fetchall()
        result = row[0][0]
        executions.append(result["Execution Time"])
        plannings.append(result["Planning Time"])
        lookups.append(jobs_ms(result["Plan"]))
        plan = result["Plan"]
    return {
        "execution_ms": {"median": round(statistics.median(executions), 3), "max": round(max(executions), 3)},
        "planning_ms": {"median": round(statistics.median(plannings), 3)},
        "of_which_reading_jobs_ms": {"median": round(statistics.median(lookups), 3)},
        "rows": plan.get("Actual Rows"),
        "jobs_read_by": jobs_access(plan),
    }


def index_size(conn: Any, name: str) -> str | None:
    row = conn.execute("select pg_size_pretty(pg_relation_size(to_regclass(%s))) from (select 1) one", [f"private.{name}"]).fetchone()
    return row[0] if row else None


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "")
    return {"vcpus": os.cpu_count(), "cpu": model or platform.processor(), "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--finished-jobs", type=int, default=1_000_000)
    parser.add_argument("--interviews", type=int, default=20_000, help="completed interviews; all but --pending are scored")
    parser.add_argument("--pending", type=int, default=1_000)
    parser.add_argument("--live-jobs", type=int, default=2_000, help="queued jobs; a fifth are scoring jobs of pending interviews")
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    postgres.start()
    name = f"bench_sweep_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name)
    try:
        with postgres.connect(name) as conn:
            conn.autocommit = True
            migrate.apply_shim(conn)
            migrate.apply_migrations(conn, before=ISSUE_15_FIRST_MIGRATION)
            started = time.perf_counter()
            load(conn, args.finished_jobs, args.interviews, args.pending, args.live_jobs)
            load_seconds = round(time.perf_counter() - started, 1)
            counts = dict(conn.execute("select status, count(*) from private.jobs group by status order by status").fetchall())
            index_before = index_size(conn, "jobs_dedupe_key_key")

            conn.execute("drop index private.jobs_live_kind_idx")
            without_live_index = measure(conn, BEFORE_SQL, args.runs)
            conn.execute("create index jobs_live_kind_idx on private.jobs (kind) where status in ('queued', 'running')")
            conn.execute("analyze private.jobs")
            before = measure(conn, BEFORE_SQL, args.runs)

            started = time.perf_counter()
            applied = migrate.apply_migrations(conn)
            migrate_seconds = round(time.perf_counter() - started, 1)
            conn.execute("analyze private.jobs")
            from shared.repositories.assessments import PENDING_SCORING_SQL

            after = measure(conn, PENDING_SCORING_SQL, args.runs)
            print(
                json.dumps(
                    {
                        "machine": {**machine(), "postgres": conn.execute("show server_version").fetchone()[0]},
                        "jobs": counts,
                        "interviews": {"completed": args.interviews, "pending_scoring": args.pending},
                        "load_seconds": load_seconds,
                        "issue_15_migrations": {"applied": applied, "seconds": migrate_seconds},
                        "dedupe_index_size": {"before_unique_forever": index_before, "after_live_only": index_size(conn, "jobs_live_dedupe_key_idx")},
                        "sweep_query": {
                            "before_without_live_kind_index": without_live_index,
                            "before": before,
                            "after": after,
                        },
                    },
                    indent=2,
                )
            )
    finally:
        postgres.drop_database(name)


if __name__ == "__main__":
    main()
