"""Turn latency under load: N concurrent text interviews against the running local stack
(`make dev`), offline AI provider, strong answers until each interview ends.

    .venv/bin/python bench/interview_load.py --interviews 50 --concurrency 50

Each interview is one client with its own keep-alive connection. A few untimed interviews run
first (--warmup) so that the gateway's worker processes have imported the functions. Prints JSON:
turns, errors (failed requests: refused or reset connections, non-200 answers; an interview stops
at its first), wall time, turns per second, turn latency p50/p95/max (ms), and the machine's CPUs
and load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local import config  # noqa: E402
from tests.interview_answers import bank_question, strong_answer  # noqa: E402

PASSWORD = "Bench!Pass123"


def make_candidate(supabase_url: str, service_key: str, gateway: str) -> str:
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    headers = {"apikey": service_key, "Authorization": f"Bearer {service_key}"}
    created = httpx.post(
        f"{supabase_url}/auth/v1/admin/users",
        headers=headers,
        timeout=30,
        json={
            "email": email,
            "password": PASSWORD,
            "email_confirm": True,
            "app_metadata": {"role": "candidate"},
            "user_metadata": {"full_name": "Bench Candidate"},
        },
    )
    created.raise_for_status()
    login = httpx.post(f"{gateway}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    login.raise_for_status()
    return login.json()["data"]["session"]["access_token"]


def run_interview(gateway: str, token: str, role: str) -> tuple[list[float], str | None]:
    """Turn latencies (ms) of one interview, and its error if a request failed."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    with httpx.Client(base_url=gateway, headers=headers, timeout=60) as client:
        try:
            started = client.post("/start-interview/", json={"role_type": role})
            if started.status_code not in (200, 201):
                return latencies, f"start {started.status_code}: {started.text[:200]}"
            data = started.json()["data"]
            interview_id, question, previous = data["interview"]["id"], data["question"], None
            for _ in range(30):
                previous = bank_question(question["text"], previous)
                began = time.perf_counter()
                reply = client.post(f"/process-turn/{interview_id}", json={"text": strong_answer(previous), "question_id": question["id"]})
                latencies.append((time.perf_counter() - began) * 1000)
                if reply.status_code != 200:
                    return latencies, f"turn {reply.status_code}: {reply.text[:200]}"
                body = reply.json()["data"]
                if body["done"]:
                    break
                question = body["question"]
        except httpx.HTTPError as exc:
            return latencies, f"{type(exc).__name__}: {exc}"
    return latencies, None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=16, help="untimed interviews run first, all at once")
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    env = config.local_env()
    roles = ["python", "react", "javascript", "fullstack"]
    tokens = [make_candidate(env["SUPABASE_URL"], env["SUPABASE_SERVICE_ROLE_KEY"], args.gateway) for _ in range(args.interviews + args.warmup)]
    run = lambda pair: run_interview(args.gateway, pair[1], roles[pair[0] % len(roles)])  # noqa: E731
    if args.warmup:
        with ThreadPoolExecutor(args.warmup) as pool:
            list(pool.map(run, enumerate(tokens[args.interviews :])))
    began = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(run, enumerate(tokens[: args.interviews])))
    wall = time.perf_counter() - began
    latencies = [value for result, _ in results for value in result]
    errors = [error for _, error in results if error]
    print(
        json.dumps(
            {
                "interviews": args.interviews,
                "concurrency": args.concurrency,
                "turns": len(latencies),
                "errors": len(errors),
                "error_samples": errors[:3],
                "wall_seconds": round(wall, 2),
                "turns_per_second": round(len(latencies) / wall, 1),
                "turn_latency_ms": {
                    "p50": round(statistics.median(latencies), 1),
                    "p95": round(percentile(latencies, 0.95), 1),
                    "max": round(max(latencies), 1),
                },
                "machine": {"cpus": os.cpu_count(), "load_average": [round(value, 2) for value in os.getloadavg()]},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
