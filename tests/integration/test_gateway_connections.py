"""The local gateway under load: connections arriving together are all accepted (a listen backlog
far above 200, no concurrency limit), kept alive, and a request that finds every worker process
busy waits for one rather than failing. A stand-in function (tests/slow_function.py) holds each
worker for a moment; two workers serve 200 connections."""

import http.client
import json
import socket
import threading

import pytest

from local.gateway import FunctionSpec, Gateway, GatewayServer, listening_socket

CONNECTIONS = 200


@pytest.fixture
def slow_gateway():
    gateway = Gateway({"slow": FunctionSpec(name="slow", handler="tests/slow_function.handler", url=True, timeout_s=60)}, workers=2)
    server = GatewayServer(gateway, "127.0.0.1", 0)
    server.start()
    yield server.server_address[1]
    server.shutdown()
    gateway.close()


def test_two_hundred_simultaneous_connections_are_all_answered_while_every_worker_is_busy(slow_gateway):
    barrier = threading.Barrier(CONNECTIONS, timeout=60)
    answers: dict[int, list[tuple[int, dict]]] = {}
    failures: list[str] = []

    def client(number: int) -> None:
        try:
            barrier.wait()  # every client connects and sends at the same moment
            connection = http.client.HTTPConnection("127.0.0.1", slow_gateway, timeout=120)
            replies = []
            for turn in range(2):  # the second request reuses the kept-alive connection
                connection.request("GET", f"/slow/{number}/{turn}?sleep=0.01")
                response = connection.getresponse()
                replies.append((response.status, json.loads(response.read())))
            answers[number] = replies
            connection.close()
        except Exception as exc:
            failures.append(f"{number}: {exc!r}")

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert failures == []
    assert len(answers) == CONNECTIONS
    for number, replies in answers.items():
        assert replies == [(200, {"path": f"/{number}/0"}), (200, {"path": f"/{number}/1"})]


def test_accepted_connections_are_tcp_so_responses_are_not_held_by_nagle():
    # asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP (socket.create_server
    # leaves it 0): without it each keep-alive response waited 40 ms for the client's delayed ACK.
    with listening_socket("127.0.0.1", 0) as listener, socket.create_connection(listener.getsockname()):
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.proto == socket.IPPROTO_TCP
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
