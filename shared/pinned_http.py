"""The webhook transport behind `shared.safe_http.post`: one POST to the addresses `vet` checked,
never to a fresh DNS answer, with the URL's host name kept for the Host header, TLS SNI and
certificate verification; no redirects, no proxies from the environment, one deadline for the
whole exchange (connect, TLS, send, response headers), the response body never read. Kept apart
from the checks because httpcore and httpx are only needed when something is sent."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Mapping
from typing import Any

import httpcore
import httpx

from shared.safe_http import USER_AGENT, Outcome, Target


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake waits at most until the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the receiver did not answer in time")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the vetted addresses (in order, until one answers) whatever host the URL names."""

    def __init__(self, addresses: Iterable[str], deadline: float) -> None:
        self._addresses = tuple(addresses)
        self._deadline = deadline
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception = httpcore.ConnectError("no address to connect to")
        for address in self._addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("the receiver did not accept a connection in time")
            try:
                stream = self._tcp.connect_tcp(address, port, min(left, timeout or left), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not a webhook destination")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _failure(exc: Exception) -> str:
    if isinstance(exc, httpcore.TimeoutException):
        return "timed out"
    if isinstance(exc, httpcore.ConnectError):
        return "TLS handshake failed" if isinstance(exc.__cause__ or exc.__context__, ssl.SSLError) else "connection failed"
    if isinstance(exc, httpcore.ProtocolError):
        return "the receiver's answer was not valid HTTP"
    return "connection failed"


def post(target: Target, body: bytes, headers: Mapping[str, str], timeout_s: float) -> Outcome:
    """POST `body` to a vetted target; the response status, or why there was none."""
    started = time.monotonic()
    deadline = started + timeout_s
    request_headers = [("User-Agent", USER_AGENT), ("Content-Type", "application/json"), *headers.items()]
    pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=_PinnedBackend(target.addresses, deadline), retries=0)
    timeouts = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    try:
        with pool, pool.stream("POST", target.url, headers=request_headers, content=body, extensions={"timeout": timeouts}) as response:
            status = response.status
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
        return Outcome(status=None, latency_ms=_since(started), error=_failure(exc))
    except (OSError, ssl.SSLError) as exc:
        return Outcome(status=None, latency_ms=_since(started), error=_failure(exc))
    outcome = Outcome(status=status, latency_ms=_since(started))
    if not outcome.ok:
        return Outcome(status=status, latency_ms=outcome.latency_ms, error=f"the receiver answered {status}")
    return outcome


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
