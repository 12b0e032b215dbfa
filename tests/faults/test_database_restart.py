"""Issue 15.6: Postgres restarted while interviews are under way. A throwaway cluster (its own
port and files, so no other test or `make dev` notices) serves a gateway with several workers;
it is stopped (fast shutdown: every session terminated) and started again during a load of
turns. Requests in the outage fail cleanly with an enveloped 503, the workers' pools recover
without a gateway restart, and no turn is half-applied."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from local import config, migrate, postgres
from local.paths import REPO_ROOT
from tests.e2e.conftest import free_port, wait_for
from tests.rls import create_user
from tests.support import access_token

DATABASE = "faults"
INTERVIEWS = 4
OUTAGE_SECONDS = 2.0  # longer than the pool's wait for a connection (DB_CONNECT_TIMEOUT_S)
TURNS_AFTER_RESTART = 2


@pytest.fixture(scope="module")
def cluster() -> Iterator[postgres.Cluster]:
    throwaway = postgres.throwaway_cluster(f"faults-{os.getpid()}", free_port())
    throwaway.start()
    try:
        with throwaway.connect() as conn:
            conn.execute(f"create database {DATABASE}")
        with throwaway.connect(DATABASE) as conn:
            migrate.apply_shim(conn)
            migrate.apply_migrations(conn)
        yield throwaway
    finally:
        postgres.remove_cluster(throwaway)


@pytest.fixture(scope="module")
def gateway(cluster) -> Iterator[tuple[str, subprocess.Popen]]:
    env = {
        **os.environ,
        **config.local_env(database=DATABASE),
        "DATABASE_URL": cluster.dsn(DATABASE),
        "TEAMIFIED_GATEWAY_WORKERS": str(INTERVIEWS),
        "DB_CONNECT_TIMEOUT_S": "1",
        "INTERVIEW_STARTS_PER_HOUR": "1000",
    }
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "gateway", "--port", str(port), "--no-scheduler"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health/")
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


class Candidate(threading.Thread):
    """Answers interview turns one after another (starting a new interview when one ends). A
    request that gets a 503 is sent again, a turn with the same client_turn_id (as a client
    should), so an answer whose commit was lost is replayed, not doubled."""

    def __init__(self, url: str, token: str, restarted: threading.Event):
        super().__init__(daemon=True)
        self.url, self.headers, self.restarted = url, {"Authorization": f"Bearer {token}"}, restarted
        self.replies: list[tuple[int, dict]] = []
        self.interviews: list[str] = []
        self.applied: set[str] = set()
        self.after_restart = 0
        self.error: BaseException | None = None
        self.stop = threading.Event()

    def _post(self, path: str, body: dict) -> httpx.Response:
        while True:
            reply = httpx.post(f"{self.url}{path}", json=body, headers=self.headers, timeout=30)
            self.replies.append((reply.status_code, reply.json()))
            if reply.status_code != 503 or self.stop.is_set():
                return reply
            time.sleep(0.1)

    def start_interview(self) -> None:
        reply = self._post("/start-interview/", {"role_type": "python"})
        assert reply.status_code == 201, reply.text
        self.interviews.append(reply.json()["data"]["interview"]["id"])
        self.question_id = reply.json()["data"]["question"]["id"]

    def run(self) -> None:
        try:
            self._answer_turns()
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def _answer_turns(self) -> None:
        while not self.stop.is_set() and self.after_restart < TURNS_AFTER_RESTART:
            turn, sent_after_restart = str(uuid.uuid4()), self.restarted.is_set()
            body = {
                "text": "I would profile first, then cache the hot query and add an index.",
                "question_id": self.question_id,
                "client_turn_id": turn,
            }
            reply = self._post(f"/process-turn/{self.interviews[-1]}", body)
            assert reply.status_code == 200, reply.text
            self.applied.add(turn)
            self.after_restart += sent_after_restart
            data = reply.json()["data"]
            if data["done"]:
                self.start_interview()
            else:
                self.question_id = data["question"]["id"]


def test_a_database_restart_during_turns_fails_requests_cleanly_and_the_pools_recover(cluster, gateway):
    url, process = gateway
    secret = config.local_secrets()["jwt_secret"]
    with cluster.connect(DATABASE) as conn:
        users = [create_user(conn, "candidate") for _ in range(INTERVIEWS)]
    restarted = threading.Event()
    candidates = [Candidate(url, access_token(user, database_url=cluster.dsn(DATABASE), jwt_secret=secret), restarted) for user in users]
    for candidate in candidates:
        candidate.start_interview()
        candidate.start()
    deadline = time.monotonic() + 20
    while not all(candidate.applied for candidate in candidates):
        assert time.monotonic() < deadline, "turns did not flow before the restart"
        time.sleep(0.05)

    cluster.stop()
    time.sleep(OUTAGE_SECONDS)
    cluster.start()
    restarted.set()
    for candidate in candidates:
        candidate.join(timeout=30)
        candidate.stop.set()

    assert process.poll() is None  # the same gateway, never restarted
    assert [candidate.error for candidate in candidates] == [None] * INTERVIEWS
    assert all(candidate.after_restart >= TURNS_AFTER_RESTART for candidate in candidates), "the pools did not recover"
    statuses = [status for candidate in candidates for status, _ in candidate.replies]
    assert set(statuses) <= {200, 201, 503}, statuses
    failures = [body for candidate in candidates for status, body in candidate.replies if status == 503]
    assert failures, "no request met the outage"
    assert all(body["success"] is False and body["error"]["code"] == "SERVICE_UNAVAILABLE" and body["error"]["request_id"] for body in failures)

    with cluster.connect(DATABASE) as conn:
        for candidate in candidates:
            answers = []
            for interview_id in candidate.interviews:
                status = conn.execute("select status from public.interviews where id = %s", [interview_id]).fetchone()[0]
                messages = conn.execute(
                    "select sequence_number, message_type, client_turn_id from public.interview_messages where interview_id = %s"
                    " order by sequence_number",
                    [interview_id],
                ).fetchall()
                questions = conn.execute(
                    "select questions_asked_count from public.interview_sessions where interview_id = %s", [interview_id]
                ).fetchone()[0]
                # Whole turns only: question, answer, question ... without gaps (a finished interview
                # ends on its last answer), and the session counts every question asked.
                expected = ["ai_question", "candidate_response"] * (len(messages) // 2) + (["ai_question"] if status == "in_progress" else [])
                assert [kind for _, kind, _ in messages] == expected
                assert [seq for seq, _, _ in messages] == list(range(1, len(messages) + 1))
                assert questions == expected.count("ai_question")
                answers += [turn for _, kind, turn in messages if kind == "candidate_response"]
            # Every answer the client saw applied is stored once, and nothing else is.
            assert sorted(answers) == sorted(candidate.applied)


def test_pooled_connections_the_server_closed_are_replaced_before_any_work(app_env, admin_conn):
    """What a restart leaves in each worker's pool, at the lowest level: idle connections whose
    sessions the server ended. The next transactions take fresh ones instead of failing."""
    from shared.db import get_pool, service_transaction

    with service_transaction() as first, service_transaction() as second, service_transaction() as third:
        pids = {conn.execute("select pg_backend_pid() as pid").fetchone()["pid"] for conn in (first, second, third)}
    assert get_pool().get_stats()["pool_available"] == 3
    admin_conn.execute("select pg_terminate_backend(pid) from unnest(%s::int[]) as pid", [list(pids)])
    for _ in range(4):
        with service_transaction() as conn:
            assert conn.execute("select pg_backend_pid() as pid").fetchone()["pid"] not in pids


def test_a_pipelined_call_on_pooled_connections_the_server_closed_takes_fresh_ones(app_env, admin_conn):
    """The same for the hot paths' one-round-trip calls (db.round_trip): the server's goodbye is
    seen on the idle socket before anything is sent, so no statement goes into a dead connection."""
    from shared.db import get_pool, round_trip, service_transaction

    with service_transaction() as first, service_transaction() as second, service_transaction() as third:
        pids = {conn.execute("select pg_backend_pid() as pid").fetchone()["pid"] for conn in (first, second, third)}
    assert get_pool().get_stats()["pool_available"] == 3
    admin_conn.execute("select pg_terminate_backend(pid, 5000) from unnest(%s::int[]) as pid", [list(pids)])  # waits until they are gone
    for _ in range(4):
        [[row]] = round_trip([("select pg_backend_pid() as pid", [])])
        assert row["pid"] not in pids
