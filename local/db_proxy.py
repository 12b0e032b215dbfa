"""A TCP proxy in front of Postgres that counts what crosses the wire, for benchmarks and tests
of the database's share of a request (bench/turn_cost.py, tests/integration/test_turn_round_trips.py).

It counts, per connection and in total:
- round trips: the times the client had to wait for the server before it could go on. It reads
  the protocol both ways: a send starts a round trip when the client had asked for an answer
  (Sync, Flush, Query, a startup or authentication message), has received some since, and no
  Sync or Query of its own is still unanswered (no ReadyForQuery pending), or when the server
  asked for the next authentication step. So a pipeline is one round trip however psycopg splits
  its writes, whatever the server sends before the Sync (its output buffer filled), and with the
  Flush psycopg may send while it collects the results; a flush-and-wait inside a pipeline is one
  more;
- statements: Execute messages of the extended protocol and simple Query messages;
- bytes each way, and the client's messages by type.

With `one_way_delay_s` each direction's bytes are held that long before being passed on, in
order, as the network between Lambda and Supabase's pooler would (a 2 ms round trip is 1 ms each
way). On an encrypted connection (the server accepted SSLRequest) the messages cannot be read
and a round trip is any send after something was received. Never part of the deployed functions.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
AUTHENTICATION_OK = 0


@dataclass
class Counts:
    """What crossed the proxy; subtract two snapshots to get a request's share."""

    round_trips: int = 0
    statements: int = 0
    bytes_to_server: int = 0
    bytes_to_client: int = 0
    connections: int = 0
    messages: dict[str, int] = field(default_factory=dict)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            round_trips=self.round_trips - other.round_trips,
            statements=self.statements - other.statements,
            bytes_to_server=self.bytes_to_server - other.bytes_to_server,
            bytes_to_client=self.bytes_to_client - other.bytes_to_client,
            connections=self.connections - other.connections,
            messages={kind: n - other.messages.get(kind, 0) for kind, n in self.messages.items() if n - other.messages.get(kind, 0)},
        )


class _Messages:
    """Splits one direction's byte stream into protocol messages: (type, first four body bytes).
    The client's first messages are untyped (startup, SSL/GSS/cancel requests), as is the
    server's one-byte answer to an SSL or GSS request."""

    def __init__(self, client: bool) -> None:
        self.buffer = b""
        self.untyped = client  # the client starts with its untyped startup packet
        self.answer_bytes = 0  # one-byte answers the server owes (SSL, GSS)

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        self.buffer += data
        found: list[tuple[str, bytes]] = []
        while True:
            if self.answer_bytes:
                if not self.buffer:
                    return found
                found.append(("answer:" + chr(self.buffer[0]), b""))
                self.buffer, self.answer_bytes = self.buffer[1:], self.answer_bytes - 1
                continue
            if self.untyped:
                if len(self.buffer) < 8:
                    return found
                length, code = struct.unpack("!ii", self.buffer[:8])
                if len(self.buffer) < length:
                    return found
                self.buffer = self.buffer[length:]
                kind = {SSL_REQUEST: "ssl", GSSENC_REQUEST: "gss", CANCEL_REQUEST: "cancel"}.get(code, "startup")
                self.untyped = kind in ("ssl", "gss")  # a startup packet follows those
                found.append((kind, b""))
                continue
            if len(self.buffer) < 5:
                return found
            (length,) = struct.unpack("!i", self.buffer[1:5])
            if len(self.buffer) < 1 + length:
                return found
            found.append((chr(self.buffer[0]), self.buffer[5:9]))
            self.buffer = self.buffer[1 + length :]


class _Exchange:
    """One connection's conversation state, for counting round trips (under the proxy's lock)."""

    ASKING = frozenset({"ssl", "gss", "startup", "p", "S", "H", "Q"})  # messages the server must answer
    ANSWERED_BY_READY = frozenset({"startup", "S", "Q"})  # ... with a ReadyForQuery
    EXTENDED = frozenset({"P", "B", "D", "E", "C"})  # extended-protocol messages a Sync or Flush sends the answers of

    def __init__(self) -> None:
        self.client = _Messages(client=True)
        self.server = _Messages(client=False)
        self.asked = True  # the client's first bytes start a round trip
        self.heard = True  # the server answered since the client asked
        self.unanswered = 0  # startup packets, Syncs and Queries awaiting ReadyForQuery, SSL/GSS requests their byte
        self.auth_turn = False  # the server asked for the next authentication step
        self.opaque = False  # encrypted: the messages cannot be read
        self.unflushed = False  # extended-protocol messages sent since the last Sync or Flush

    def client_sent(self, data: bytes) -> tuple[bool, list[str]]:
        """Whether this send starts a round trip, and the client's complete messages in it. It does
        when the client had asked for an answer, got one, and owes no Sync an answer: output the
        server sent before it was asked (a full send buffer mid-pipeline) is not waited for, and
        neither is a Flush with nothing to flush (psycopg sends one after its Sync when it has not
        read the answer yet)."""
        if self.opaque:
            starts, self.heard = self.heard, False
            return starts, []
        kinds = [kind for kind, _ in self.client.feed(data)]
        new_request = any(kind not in ("H", "X") for kind in kinds) or ("H" in kinds and self.unflushed)  # X: Terminate
        starts = new_request and self.heard and (self.unanswered == 0 or self.auth_turn)
        if starts:
            self.asked = self.heard = False
        for kind in kinds:
            self.auth_turn = False
            if kind in ("ssl", "gss"):
                self.server.answer_bytes += 1
            self.unanswered += kind in self.ANSWERED_BY_READY or kind in ("ssl", "gss")
            self.asked = self.asked or kind in self.ASKING
            self.unflushed = kind not in ("S", "H", "Q") and (self.unflushed or kind in self.EXTENDED)
        return starts, kinds

    def server_sent(self, data: bytes) -> None:
        self.heard = self.heard or self.asked
        if self.opaque:
            return
        for kind, head in self.server.feed(data):
            if kind in ("Z", "answer:N"):
                self.unanswered = max(0, self.unanswered - 1)
            elif kind.startswith("answer:"):  # SSL or GSS accepted: the rest is encrypted
                self.opaque, self.heard = True, True
                return
            elif kind == "R" and struct.unpack("!i", head)[0] != AUTHENTICATION_OK:
                self.auth_turn = True


class DbProxy:
    """Listen on 127.0.0.1 (a free port) and forward every connection to `target`."""

    def __init__(self, target_host: str, target_port: int, *, one_way_delay_s: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay = one_way_delay_s
        self._lock = threading.Lock()
        self._counts = Counts()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port: int = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, name="db-proxy-accept", daemon=True).start()

    def __enter__(self) -> DbProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def dsn(self, user: str, password: str, dbname: str) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    def counts(self) -> Counts:
        with self._lock:
            return Counts(**{**self._counts.__dict__, "messages": dict(self._counts.messages)})

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets += [client, server]
                self._counts.connections += 1
            _Connection(self, client, server).start()

    def _client_sent(self, exchange: _Exchange, data: bytes) -> None:
        with self._lock:
            starts, kinds = exchange.client_sent(data)
            self._counts.round_trips += starts
            self._counts.bytes_to_server += len(data)
            for kind in kinds:
                self._counts.messages[kind] = self._counts.messages.get(kind, 0) + 1
                self._counts.statements += kind in ("E", "Q")

    def _server_sent(self, exchange: _Exchange, data: bytes) -> None:
        with self._lock:
            exchange.server_sent(data)
            self._counts.bytes_to_client += len(data)


class _Connection:
    """One proxied connection: a pump per direction, each delaying its chunks when asked."""

    def __init__(self, proxy: DbProxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy, self.client, self.server = proxy, client, server
        self.exchange = _Exchange()

    def start(self) -> None:
        threading.Thread(target=self._pump, args=(self.client, self.server, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.server, self.client, False), daemon=True).start()

    def _deliver(self, destination: socket.socket, data: bytes, to_server: bool) -> None:
        # Counted before passing on: the other side may answer (and be counted) before sendall returns.
        if to_server:
            self.proxy._client_sent(self.exchange, data)
        else:
            self.proxy._server_sent(self.exchange, data)
        destination.sendall(data)

    def _pump(self, source: socket.socket, destination: socket.socket, to_server: bool) -> None:
        delayed: queue.Queue[tuple[float, bytes] | None] | None = None
        if self.proxy.delay > 0:
            delayed = queue.Queue()
            threading.Thread(target=self._release, args=(delayed, destination, to_server), daemon=True).start()
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if delayed is not None:
                    delayed.put((time.perf_counter() + self.proxy.delay, data))
                else:
                    self._deliver(destination, data, to_server)
        except OSError:
            pass
        finally:
            if delayed is not None:
                delayed.put(None)
            else:
                _half_close(destination)

    def _release(self, delayed: queue.Queue[tuple[float, bytes] | None], destination: socket.socket, to_server: bool) -> None:
        try:
            while (item := delayed.get()) is not None:
                due, data = item
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                self._deliver(destination, data, to_server)
        except OSError:
            pass
        finally:
            _half_close(destination)


def _half_close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
