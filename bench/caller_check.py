"""Cost of reading the caller from the database (session still live, staff role and organization
from the recruiters row) on top of verifying the JWT, as staff routes and every state-changing
request now do. Runs against a scratch database in the local cluster (started if needed).

    .venv/bin/python bench/caller_check.py --calls 2000

Prints JSON: per-call latency p50/p95 (ms) of the JWT check alone and of the JWT check plus the
database read, and the database round trips the read costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local import config, migrate, postgres  # noqa: E402

ROUND_TRIPS = 4  # BEGIN, set_config(role, claims), select access.caller_state(), COMMIT


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    postgres.start()
    name = f"bench_caller_{uuid.uuid4().hex[:8]}"
    migrate.prepare_database(name)
    try:
        os.environ.update(config.local_env(database=name))
        from shared.auth import caller_from_token, checked_in_database
        from tests.rls import create_user
        from tests.support import access_token

        with postgres.connect(name) as conn:
            recruiter = create_user(conn, "recruiter", organization_id="00000000-0000-0000-0000-00000000a001")
        token = access_token(recruiter, "recruiter")
        jwt_only, with_database = [], []
        for _ in range(args.calls):
            started = time.perf_counter()
            caller_from_token(token)
            jwt_only.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            checked_in_database(caller_from_token(token))
            with_database.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "calls": args.calls,
                    "jwt_only_ms": {"p50": round(statistics.median(jwt_only), 3), "p95": round(percentile(jwt_only, 0.95), 3)},
                    "jwt_and_database_ms": {"p50": round(statistics.median(with_database), 3), "p95": round(percentile(with_database, 0.95), 3)},
                    "database_round_trips": ROUND_TRIPS,
                },
                indent=2,
            )
        )
    finally:
        from shared import db

        db.close_pool()
        postgres.drop_database(name)


if __name__ == "__main__":
    main()
