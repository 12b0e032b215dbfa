"""Turn latency under load: N concurrent text interviews against the running local stack
(`make dev`), offline AI provider, strong answers until each interview ends.

    .venv/bin/python bench/interview_load.py --interviews 20 --concurrency 10

Prints JSON: turns, wall time, turns per second and turn latency p50/p95/max (ms).
"""

from __future__ import annotations

import argparse
import json
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


def run_interview(gateway: str, token: str, role: str) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    with httpx.Client(base_url=gateway, headers=headers, timeout=60) as client:
        started = client.post("/start-interview/", json={"role_type": role})
        started.raise_for_status()
        data = started.json()["data"]
        interview_id, question, previous = data["interview"]["id"], data["question"], None
        for _ in range(30):
            previous = bank_question(question["text"], previous)
            began = time.perf_counter()
            reply = client.post(f"/process-turn/{interview_id}", json={"text": strong_answer(previous), "question_id": question["id"]})
            latencies.append((time.perf_counter() - began) * 1000)
            if reply.status_code != 200:
                raise RuntimeError(f"turn failed: {reply.status_code} {reply.text}")
            body = reply.json()["data"]
            if body["done"]:
                break
            question = body["question"]
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    env = config.local_env()
    roles = ["python", "react", "javascript", "fullstack"]
    tokens = [make_candidate(env["SUPABASE_URL"], env["SUPABASE_SERVICE_ROLE_KEY"], args.gateway) for _ in range(args.interviews)]
    began = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(lambda pair: run_interview(args.gateway, pair[1], roles[pair[0] % len(roles)]), enumerate(tokens)))
    wall = time.perf_counter() - began
    latencies = [value for result in results for value in result]
    print(
        json.dumps(
            {
                "interviews": args.interviews,
                "concurrency": args.concurrency,
                "turns": len(latencies),
                "wall_seconds": round(wall, 2),
                "turns_per_second": round(len(latencies) / wall, 1),
                "turn_latency_ms": {
                    "p50": round(statistics.median(latencies), 1),
                    "p95": round(percentile(latencies, 0.95), 1),
                    "max": round(max(latencies), 1),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
