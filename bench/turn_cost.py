"""What one text turn costs the database (issue 20): network round trips, statements, Postgres
time, WAL, and the turn's latency when every round trip to Postgres costs what it costs between
Lambda and Supabase's pooler.

    .venv/bin/python bench/turn_cost.py --interviews 10 --db-rtt-ms 2

Runs in a scratch Postgres cluster of its own (a free port, removed afterwards), because
pg_stat_statements must be preloaded at server start (the local stack's cluster does not load it
and is shared with tests and `make dev`). The cluster is configured like a hosted database where
it matters here: full_page_writes and synchronous_commit on, pg_stat_statements tracking
top-level statements with planning; fsync stays off (a scratch disk; commits are not slower for
the WAL they write) and autovacuum off (its WAL is not the turn's).

The functions (start-interview, process-turn, interview) are called in-process with the offline
AI provider, through a TCP proxy (local/db_proxy.py) between their connection pool and Postgres
that counts round trips and statements and holds each direction's bytes for half of
--db-rtt-ms. One client answers N interviews one turn at a time (strong answers, so each runs to
its end), after one interview that warms the pool and the server's caches. Before the measured
turns the cluster takes a checkpoint, so the WAL includes the full-page images of every page the
turns touch first, as right after a checkpoint in production.

Prints JSON: the machine (with its load average before and after: other work on it shows in the
latency and the server times), per turn the round trips, statements, Postgres execution and
planning time (ms, from pg_stat_statements), WAL bytes (pg_current_wal_insert_lsn before and after
each turn) and latency p50/p95, the same for starts and the interview reads, whether each target
is met; the cluster's CPU over the measured phase (/proc, all its processes) charged to the
turns, the phase's WAL records and full-page images, the heaviest statements, and the bytes per
interview of the interview tables (rows and indexes), for docs/scaling.md.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local import config, migrate, postgres  # noqa: E402
from local.db_proxy import Counts, DbProxy  # noqa: E402

DATABASE = "turn_cost"
MONITOR = "/* turn_cost monitor */"
KINDS = ("start", "turn", "status", "messages", "transcript")
TARGETS = {"round_trips": 2, "postgres_ms": 1.0, "wal_bytes": 8192, "p50_ms_at_2ms_rtt": 15.0}
BENCH_SETTINGS = {
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track": "top",
    "pg_stat_statements.track_planning": "on",
    "full_page_writes": "on",
    "synchronous_commit": "on",
    "autovacuum": "off",
}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), platform.processor())
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(total_kb / 1024 / 1024, 1), "python": platform.python_version()}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_cluster() -> postgres.Cluster:
    cluster = postgres.throwaway_cluster(f"turncost-{os.getpid()}", free_port())
    cluster.initialize()
    with (cluster.data / "postgresql.auto.conf").open("a") as conf:
        for key, value in BENCH_SETTINGS.items():
            conf.write(f"{key} = {value}\n")
    cluster.start()
    with cluster.connect() as conn:
        conn.execute(f"create database {DATABASE}")
    with cluster.connect(DATABASE) as conn:
        migrate.apply_shim(conn)
        migrate.apply_migrations(conn)
        conn.execute("create extension if not exists pg_stat_statements")
    return cluster


@dataclass(frozen=True)
class Sample:
    """One call: what crossed the proxy, its latency, and the server's work for it."""

    counts: Counts
    ms: float
    exec_ms: float = 0.0
    plan_ms: float = 0.0
    pg_statements: int = 0
    wal_bytes: int = 0


class Monitor:
    """A direct connection (not through the proxy) reading the server's counters around each call;
    its own statements are marked and left out."""

    def __init__(self, cluster: postgres.Cluster) -> None:
        self.conn = cluster.connect(DATABASE)
        self.postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        self.own_pid = int(self.conn.execute(f"{MONITOR} select pg_backend_pid()").fetchone()[0])  # type: ignore[index]

    def cpu_seconds(self) -> float:
        """User and system CPU of the cluster's processes (server, backends, WAL writer, checkpointer
        ...) so far, this monitor's backend left out; /proc counts in clock ticks (10 ms)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            if pid != self.own_pid and (pid == self.postmaster or int(fields[1]) == self.postmaster):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def table_bytes(self) -> dict[str, int]:
        rows = self.conn.execute(
            f"{MONITOR} select c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relname in ('interviews', 'interview_sessions', 'interview_messages')"
        ).fetchall()
        return {str(name): int(size) for name, size in rows}

    def reset(self) -> None:
        self.conn.execute(f"{MONITOR} select pg_stat_statements_reset()")
        self.conn.execute(f"{MONITOR} select pg_stat_reset_shared('wal')")

    def snapshot(self) -> tuple[float, float, int, str]:
        """(execution ms, planning ms, statements) of the functions so far, and the WAL insert position."""
        row = self.conn.execute(
            f"{MONITOR} select coalesce(sum(total_exec_time), 0), coalesce(sum(total_plan_time), 0), coalesce(sum(calls), 0),"
            " pg_current_wal_insert_lsn()::text from pg_stat_statements"
            " where dbid = (select oid from pg_database where datname = current_database()) and query not like '%turn_cost monitor%'"
        ).fetchone()
        assert row is not None
        return float(row[0]), float(row[1]), int(row[2]), str(row[3])

    def wal_between(self, start: str, end: str) -> int:
        row = self.conn.execute(f"{MONITOR} select %s::pg_lsn - %s::pg_lsn", [end, start]).fetchone()
        assert row is not None
        return int(row[0])

    def wal_totals(self) -> dict[str, int]:
        row = self.conn.execute(f"{MONITOR} select wal_records, wal_fpi, wal_bytes from pg_stat_wal").fetchone()
        assert row is not None
        return {"records": int(row[0]), "full_page_images": int(row[1]), "bytes": int(row[2])}

    def heaviest(self, limit: int = 8) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"{MONITOR} select calls, total_exec_time / nullif(calls, 0), total_plan_time / nullif(plans, 0), wal_bytes / nullif(calls, 0),"
            " left(regexp_replace(query, '\\s+', ' ', 'g'), 100)"
            " from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())"
            " and query not like '%%turn_cost monitor%%' and calls > 0 order by total_exec_time + total_plan_time desc limit %s",
            [limit],
        ).fetchall()
        return [
            {"calls": r[0], "exec_ms": round(float(r[1]), 4), "plan_ms": round(float(r[2] or 0), 4), "wal_bytes": round(float(r[3])), "query": r[4]}
            for r in rows
        ]


class Client:
    """One candidate driving the functions in-process, each call measured at the proxy (and, when
    a monitor is given, at the server)."""

    def __init__(self, proxy: DbProxy, token: str, monitor: Monitor | None = None) -> None:
        self.proxy, self.token, self.monitor = proxy, token, monitor

    def call(self, handler: Any, method: str, path: str, body: Any = None, name: str = "bench") -> tuple[Any, Sample]:
        from tests.support import invoke

        before_server = self.monitor.snapshot() if self.monitor else None
        before = self.proxy.counts()
        began = time.perf_counter()
        reply = invoke(handler, method, path, token=self.token, json_body=body, function_name=name, timeout_s=60)
        elapsed = (time.perf_counter() - began) * 1000
        counts = self.proxy.counts() - before
        if reply.status >= 400:
            raise RuntimeError(f"{method} {name}{path}: {reply.status} {reply.text}")
        if self.monitor is None or before_server is None:
            return reply, Sample(counts, elapsed)
        after_server = self.monitor.snapshot()
        return reply, Sample(
            counts,
            elapsed,
            exec_ms=after_server[0] - before_server[0],
            plan_ms=after_server[1] - before_server[1],
            pg_statements=after_server[2] - before_server[2],
            wal_bytes=self.monitor.wal_between(before_server[3], after_server[3]),
        )


def run_interview(client: Client, role: str) -> dict[str, list[Sample]]:
    """One interview from start to end (strong answers), then its status, messages and transcript."""
    from functions import interview, process_turn, start_interview
    from tests.interview_answers import bank_question, strong_answer

    seen: dict[str, list[Sample]] = {kind: [] for kind in KINDS}
    reply, sample = client.call(start_interview.handler, "POST", "/", {"role_type": role}, "start-interview")
    seen["start"].append(sample)
    interview_id, question, previous = reply.data["interview"]["id"], reply.data["question"], None
    for _ in range(30):
        previous = bank_question(question["text"], previous)
        body = {"text": strong_answer(previous), "question_id": question["id"], "client_turn_id": str(uuid.uuid4())}
        reply, sample = client.call(process_turn.handler, "POST", f"/{interview_id}", body, "process-turn")
        seen["turn"].append(sample)
        if reply.data["done"]:
            break
        question = reply.data["question"]
    for view in ("status", "messages", "transcript"):
        _, sample = client.call(interview.handler, "GET", f"/{interview_id}/{view}", name="interview")
        seen[view].append(sample)
    return seen


def summary(samples: list[Sample], server: bool = True) -> dict[str, Any]:
    latencies = [s.ms for s in samples]
    figures: dict[str, Any] = {
        "calls": len(samples),
        "round_trips": {"max": max(s.counts.round_trips for s in samples), "mean": round(statistics.fmean(s.counts.round_trips for s in samples), 2)},
        "statements": max(s.counts.statements for s in samples),
        "new_connections": sum(s.counts.connections for s in samples),
        "latency_ms": {"p50": round(statistics.median(latencies), 2), "p95": round(percentile(latencies, 0.95), 2), "max": round(max(latencies), 2)},
    }
    if server:
        exec_ms = [s.exec_ms for s in samples]
        plan_ms = [s.plan_ms for s in samples]
        wal = [s.wal_bytes for s in samples]
        figures["postgres_exec_ms"] = {
            "mean": round(statistics.fmean(exec_ms), 3),
            "p50": round(statistics.median(exec_ms), 3),
            "p95": round(percentile(exec_ms, 0.95), 3),
        }
        figures["postgres_plan_ms"] = {"mean": round(statistics.fmean(plan_ms), 3), "p50": round(statistics.median(plan_ms), 3)}
        figures["pg_stat_statements_calls"] = max(s.pg_statements for s in samples)
        figures["wal_bytes"] = {
            "mean": round(statistics.fmean(wal)),
            "p50": round(statistics.median(wal)),
            "p95": round(percentile(wal, 0.95)),
            "max": max(wal),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=10, help="measured interviews (one client, one turn at a time)")
    parser.add_argument("--db-rtt-ms", type=float, default=2.0, help="round-trip time injected between the functions and Postgres")
    args = parser.parse_args()

    load_before = os.getloadavg()
    cluster = start_cluster()
    try:
        with DbProxy(postgres.HOST, cluster.port, one_way_delay_s=args.db_rtt_ms / 2000) as proxy:
            os.environ.update(
                {
                    **config.local_env(database=DATABASE),
                    "DATABASE_URL": proxy.dsn(postgres.SUPERUSER, postgres.PASSWORD, DATABASE),
                    "INTERVIEW_STARTS_PER_HOUR": "100000",
                    "AI_PROVIDER": "offline",
                }
            )
            os.environ.pop("OPENAI_API_KEY", None)
            from shared import db
            from shared.settings import get_settings
            from tests.rls import create_user
            from tests.support import access_token

            get_settings.cache_clear()
            secret = config.local_secrets()["jwt_secret"]
            with cluster.connect(DATABASE) as conn:
                users = [create_user(conn, "candidate") for _ in range(args.interviews + 1)]
                version = conn.execute("show server_version").fetchone()[0]  # type: ignore[index]
            tokens = [access_token(user, database_url=cluster.dsn(DATABASE), jwt_secret=secret) for user in users]
            run_interview(Client(proxy, tokens[0]), "python")  # warms the pool's connection, the plans and caches
            monitor = Monitor(cluster)
            monitor.conn.execute("checkpoint")
            monitor.reset()
            roles = ["python", "react", "javascript", "fullstack"]
            cpu_before = monitor.cpu_seconds()
            runs = [run_interview(Client(proxy, token, monitor), roles[i % len(roles)]) for i, token in enumerate(tokens[1:])]
            cpu = monitor.cpu_seconds() - cpu_before
            wal_totals, heaviest, sizes = monitor.wal_totals(), monitor.heaviest(), monitor.table_bytes()
            monitor.conn.close()
            db.close_pool()
    finally:
        postgres.remove_cluster(cluster)

    samples = {kind: [sample for run in runs for sample in run[kind]] for kind in KINDS}
    turn = summary(samples["turn"])
    calls = sum(len(found) for found in samples.values())
    server_cpu = {
        "seconds": round(cpu, 2),
        "calls": calls,
        # Everything the cluster did in the measured phase (starts and reads too, the monitor's own
        # queries left out), charged to the turns: an upper bound of the server CPU a turn costs.
        "ms_per_turn_upper_bound": round(cpu * 1000 / len(samples["turn"]), 2),
    }
    met = {
        "round_trips": turn["round_trips"]["max"] <= TARGETS["round_trips"],
        "postgres_ms": turn["postgres_exec_ms"]["mean"] <= TARGETS["postgres_ms"],
        "wal_bytes": turn["wal_bytes"]["mean"] <= TARGETS["wal_bytes"],
    }
    if args.db_rtt_ms == 2:
        met["p50_ms_at_2ms_rtt"] = turn["latency_ms"]["p50"] <= TARGETS["p50_ms_at_2ms_rtt"]
    print(
        json.dumps(
            {
                "command": f".venv/bin/python bench/turn_cost.py --interviews {args.interviews} --db-rtt-ms {args.db_rtt_ms:g}",
                "machine": {
                    **machine(),
                    "postgres": version,
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                },
                "injected_db_rtt_ms": args.db_rtt_ms,
                "interviews": args.interviews,
                "turn": turn,
                "targets": TARGETS,
                "targets_met": met,
                "start": summary(samples["start"]),
                "reads": {kind: summary(samples[kind]) for kind in ("status", "messages", "transcript")},
                "server_cpu_measured_phase": server_cpu,
                "wal_totals_measured_phase": wal_totals,
                "table_bytes_per_interview": {name: size // (args.interviews + 1) for name, size in sizes.items()},
                "heaviest_statements": heaviest,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
