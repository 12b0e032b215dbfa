"""The score-pending sweep on a large jobs table (issue 15.3): its "is scoring live for this
interview?" look-up probes the live-jobs dedupe index, so finished jobs cost it nothing. The
figures are in bench/score_pending_sweep.py; here the plan is checked."""

from __future__ import annotations

import json

from shared.repositories import assessments as assessment_rows
from shared.services import assessments
from tests.rls import create_user


def plan_nodes(plan: dict) -> list[dict]:
    nodes = [plan]
    for child in plan.get("Plans", []):
        nodes.extend(plan_nodes(child))
    return nodes


def test_the_sweep_finds_live_scoring_jobs_through_the_live_dedupe_index(app_env, admin_conn):
    """Issue 15.3: with 20,000 finished scoring jobs and a few live ones, EXPLAIN shows an index
    scan of jobs_live_dedupe_key_idx and no sequential scan of private.jobs (before: the index did
    not exist and the look-up matched payload ->> 'interview_id')."""
    candidate = create_user(admin_conn, "candidate")
    admin_conn.execute(
        "insert into public.interviews (candidate_id, role_type, status, completed_at)"
        " select %s, 'python', 'completed', now() - interval '1 hour' from generate_series(1, 300)",
        [candidate],
    )
    admin_conn.execute(
        "insert into private.jobs (kind, payload, status, dedupe_key, finished_at)"
        " select 'interview.score', jsonb_build_object('interview_id', gen_random_uuid()), 'succeeded',"
        "        'interview.score:' || gen_random_uuid(), now() - interval '1 day'"
        "   from generate_series(1, 20000)"
    )
    admin_conn.execute(
        "insert into private.jobs (kind, payload, dedupe_key)"
        " select 'interview.score', jsonb_build_object('interview_id', id), 'interview.score:' || id from public.interviews limit 20"
    )
    admin_conn.execute("analyze private.jobs")
    admin_conn.execute("analyze public.interviews")
    params = {"grace_minutes": assessments.SWEEP_GRACE_MINUTES, "max_retries": assessments.MAX_SWEEP_RETRIES, "limit": 100}
    [row] = admin_conn.execute("explain (format json) " + assessment_rows.PENDING_SCORING_SQL, params).fetchall()
    nodes = plan_nodes(row["QUERY PLAN"][0]["Plan"])
    on_jobs = [node for node in nodes if node.get("Relation Name") == "jobs"]
    assert on_jobs and all(node["Node Type"] != "Seq Scan" for node in on_jobs), json.dumps(on_jobs)
    assert "jobs_live_dedupe_key_idx" in {node.get("Index Name") for node in nodes}

    assert assessments.queue_pending() == 100  # 280 without a live job, at most `limit` per sweep
    assert assessments.queue_pending() == 100
    assert assessments.queue_pending() == 80
    assert assessments.queue_pending() == 0
