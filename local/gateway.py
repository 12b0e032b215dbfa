"""Function-URL gateway: serves every function of serverless.yml that has a URL at
`http://127.0.0.1:8000/<function-name>/<path>`, converting each request into the Lambda
function URL payload 2.0 event, and runs scheduled functions at their rate/cron. It also serves
Swagger UI for the whole API at `/docs` and the reference clients of `examples/` at `/examples/`
(local only: the deployed functions have no such pages). uvicorn serves it (`GatewayServer`);
each invocation runs in a worker process, as on its own Lambda instance.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import uvicorn
import yaml

from local import schedule
from local.paths import EXAMPLES_DIR, OPENAPI_JSON, SERVERLESS_YML
from shared import cold_start

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # Lambda's synchronous invocation payload limit
FUNCTION_URL_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})  # what a function URL forwards
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-www-form-urlencoded",
    "application/problem+json",
)


DEFAULT_TIMEOUT_S = 6  # the Serverless Framework's default when neither function nor provider sets one


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: str
    url: bool = False
    schedules: tuple[str, ...] = field(default_factory=tuple)
    timeout_s: int = DEFAULT_TIMEOUT_S  # the Lambda timeout; handlers see it as the context's remaining time

    def load(self) -> Callable[[dict, Any], Any]:
        module_path, _, attr = self.handler.rpartition(".")
        try:
            module = importlib.import_module(module_path.replace("/", "."))
        except BaseException:
            cold_start.imported()  # the failed import paused garbage collection; this worker carries on
            raise
        return getattr(module, attr)


def load_specs(path: Path = SERVERLESS_YML) -> dict[str, FunctionSpec]:
    """Functions declared in serverless.yml, keyed by name."""
    document = yaml.safe_load(path.read_text())
    default_timeout = int((document.get("provider") or {}).get("timeout") or DEFAULT_TIMEOUT_S)
    specs = {}
    for name, body in (document.get("functions") or {}).items():
        schedules = []
        for event in body.get("events") or []:
            if "schedule" not in event:
                continue
            value = event["schedule"]
            if isinstance(value, dict):
                if value.get("enabled", True) is False:
                    continue
                rates = value.get("rate")
                schedules.extend(rates if isinstance(rates, list) else [rates])
            else:
                schedules.append(value)
        specs[name] = FunctionSpec(
            name=name,
            handler=body["handler"],
            url=bool(body.get("url")),
            schedules=tuple(schedules),
            timeout_s=int(body.get("timeout") or default_timeout),
        )
    return specs


class LambdaContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_s: float = 29.0):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def is_text(content_type: str) -> bool:
    content_type = content_type.lower()
    return any(content_type.startswith(prefix) for prefix in TEXT_TYPES) or content_type.endswith("+json")


def build_event(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
) -> dict[str, Any]:
    """A Lambda function URL (payload format 2.0) event, as AWS builds it."""
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    now = datetime.now(UTC)
    request_id = request_id or str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path or "/",
        "rawQueryString": raw_query,
        "headers": merged,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": merged.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": raw_path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if body:
        if is_text(merged.get("content-type", "")):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def from_result(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes for a handler's return value (function URL rules)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        body = json.dumps(result).encode()
        return 200, [("Content-Type", "application/json")], body
    headers = [(key, str(value)) for key, value in (result.get("headers") or {}).items()]
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((key, str(value)) for value in values)
    headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or [])
    raw = result.get("body") or ""
    if result.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    else:
        body = raw.encode() if isinstance(raw, str) else json.dumps(raw).encode()
    return int(result["statusCode"]), headers, body


def _envelope(status: int, code: str, message: str, request_id: str) -> bytes:
    return json.dumps({"success": False, "error": {"code": code, "message": message, "request_id": request_id}}).encode()


DOCS = "docs"  # the first path segment the gateway answers itself; no function may be named so
SWAGGER_UI = resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
DOCS_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    # Everything comes from this origin; Swagger UI's stylesheet embeds data: SVGs and React sets inline styles.
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
]
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>API docs (local gateway)</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-initializer.js"></script>
</body>
</html>
"""
# A separate file rather than an inline script, so the page's CSP can refuse inline scripts.
DOCS_INITIALIZER = """window.ui = SwaggerUIBundle({
  url: "/docs/openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  filter: true,
  displayRequestDuration: true,
  persistAuthorization: true,
  validatorUrl: null,
});
"""


@dataclass(frozen=True)
class Asset:
    content_type: str
    body: bytes

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@lru_cache(maxsize=1)
def docs_assets() -> dict[str, Asset]:
    """Swagger UI's files as bundled with the installed Powertools, plus our initializer, by URL path."""
    javascript, css = "application/javascript; charset=utf-8", "text/css; charset=utf-8"
    return {
        "/docs/swagger-ui-bundle.js": Asset(javascript, SWAGGER_UI.joinpath("swagger-ui-bundle.min.js").read_bytes()),
        "/docs/swagger-ui.css": Asset(css, SWAGGER_UI.joinpath("swagger-ui.min.css").read_bytes()),
        "/docs/swagger-initializer.js": Asset(javascript, DOCS_INITIALIZER.encode()),
    }


def openapi_document(origin: str, path: Path = OPENAPI_JSON) -> dict[str, Any] | None:
    """The committed OpenAPI document with its servers replaced by `origin` (and any per-path or
    per-operation servers dropped), so "Try it out" calls the local functions on the page's own
    origin; None when the document was not generated yet."""
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    document["servers"] = [{"url": origin, "description": "local gateway"}]
    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        item.pop("servers", None)
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("servers", None)
    return document


def serve_docs(
    method: str, path: str, headers: list[tuple[str, str]], request_id: str, openapi_path: Path = OPENAPI_JSON
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for a request under /docs: the Swagger UI page, its assets and the
    OpenAPI document read at request time (so a regenerated file shows on reload)."""
    base = [("X-Request-Id", request_id), *DOCS_HEADERS]
    as_json = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), *base]
    if method not in ("GET", "HEAD"):
        return 405, [*as_json, ("Allow", "GET, HEAD")], _envelope(405, "METHOD_NOT_ALLOWED", "The docs are read-only.", request_id)
    request_headers = {name.lower(): value for name, value in headers}
    if path in ("/docs", "/docs/"):
        return 200, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"), *base], DOCS_PAGE.encode()
    if path == "/docs/openapi.json":
        origin = "http://" + request_headers.get("host", "127.0.0.1")
        try:
            document = openapi_document(origin, openapi_path)
        except json.JSONDecodeError:
            return 500, as_json, _envelope(500, "INTERNAL_ERROR", "docs/openapi.json is not valid JSON: run `make openapi`.", request_id)
        if document is None:
            return 404, as_json, _envelope(404, "NOT_FOUND", "docs/openapi.json does not exist yet: run `make openapi`.", request_id)
        return 200, as_json, json.dumps(document).encode()
    asset = docs_assets().get(path)
    if asset is None:
        return 404, as_json, _envelope(404, "NOT_FOUND", "No such docs file.", request_id)
    # Revalidated on every load (cheap on loopback) so a Powertools upgrade never leaves a stale bundle.
    cache = [("ETag", asset.etag), ("Cache-Control", "no-cache"), *base]
    if request_headers.get("if-none-match") == asset.etag:
        return 304, cache, b""
    return 200, [("Content-Type", asset.content_type), *cache], asset.body


EXAMPLES = "examples"  # the other first path segment the gateway answers itself
EXAMPLE_TYPES = {".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def example_policy(body: bytes) -> str:
    """The Content-Security-Policy of an example page: its own inline scripts (by hash) and this
    origin; fetches also to https and to local ports (a realtime client posts its WebRTC offer to
    OpenAI, or to a local fake of it); media from the microphone and the remote peer."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in INLINE_SCRIPT.findall(body))
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
        " media-src 'self' blob: mediastream:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*;"
        " object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def serve_example(method: str, path: str, request_id: str, examples_dir: Path = EXAMPLES_DIR) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for a request under /examples: a page, script or stylesheet of
    examples/ by its plain file name, read at request time."""
    base = [("X-Request-Id", request_id), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-cache")]
    as_json = [("Content-Type", "application/json"), *base]
    if method not in ("GET", "HEAD"):
        return 405, [*as_json, ("Allow", "GET, HEAD")], _envelope(405, "METHOD_NOT_ALLOWED", "The examples are read-only.", request_id)
    name = path.removeprefix(f"/{EXAMPLES}/")
    content_type = EXAMPLE_TYPES.get(Path(name).suffix)
    file = examples_dir / name
    if not name or "/" in name or name.startswith(".") or content_type is None or not file.is_file():
        return 404, as_json, _envelope(404, "NOT_FOUND", "No such example.", request_id)
    body = file.read_bytes()
    headers = [("Content-Type", content_type), *base]
    if name.endswith(".html"):
        headers += [("Content-Security-Policy", example_policy(body)), ("X-Frame-Options", "DENY")]
    return 200, headers, body


def log_line(**fields: Any) -> None:
    fields["timestamp"] = datetime.now(UTC).isoformat()
    sys.stderr.write(json.dumps({"service": "gateway", **fields}) + "\n")


DEFAULT_WORKERS = 8
_worker_handlers: dict[str, Callable[[dict, Any], Any]] = {}


def _run_in_worker(spec: FunctionSpec, event: dict, timeout_s: int) -> Any:
    handler = _worker_handlers.get(spec.name)
    if handler is None:
        handler = _worker_handlers[spec.name] = spec.load()
    return handler(event, LambdaContext(spec.name, timeout_s=timeout_s))


class Gateway:
    """Routes HTTP requests to handlers and fires schedules."""

    def __init__(self, specs: dict[str, FunctionSpec], workers: int | None = None):
        for reserved in (DOCS, EXAMPLES):
            if reserved in specs:
                raise ValueError(f"serverless.yml declares a function named {reserved!r}: the local gateway serves /{reserved} itself")
        self.specs = specs
        self.workers = workers or int(os.environ.get("TEAMIFIED_GATEWAY_WORKERS") or DEFAULT_WORKERS)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def _invoke(self, name: str, event: dict) -> Any:
        """Run the function in a worker process that serves one invocation at a time, like a Lambda
        instance: Powertools keeps the current event in class attributes, so two requests must
        never share a process at the same moment. The context counts down from the function's
        timeout in serverless.yml."""
        spec = self.specs[name]
        return self._executor().submit(_run_in_worker, spec, event, spec.timeout_s).result()

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def invoke_http(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str):
        """Returns (status, headers, body) for one HTTP request."""
        parts = urlsplit(target)
        function_name, _, rest = parts.path.lstrip("/").partition("/")
        request_id = str(uuid.uuid4())
        if method.upper() not in FUNCTION_URL_METHODS:
            return (
                405,
                [("Content-Type", "application/json"), ("X-Request-Id", request_id), ("Allow", ", ".join(sorted(FUNCTION_URL_METHODS)))],
                _envelope(405, "METHOD_NOT_ALLOWED", "The method is not supported.", request_id),
            )
        if function_name == DOCS:
            return serve_docs(method, parts.path, headers, request_id)
        if function_name == EXAMPLES:
            return serve_example(method, parts.path, request_id)
        spec = self.specs.get(function_name)
        if spec is None or not spec.url:
            return (
                404,
                [("Content-Type", "application/json"), ("X-Request-Id", request_id)],
                _envelope(404, "NOT_FOUND", "No such function.", request_id),
            )
        if len(body) > MAX_PAYLOAD_BYTES:
            return (
                413,
                [("Content-Type", "application/json"), ("X-Request-Id", request_id)],
                _envelope(413, "PAYLOAD_TOO_LARGE", "The request body exceeds the function payload limit.", request_id),
            )
        event = build_event(method, "/" + rest, parts.query, headers, body, source_ip, request_id)
        result = self._invoke(function_name, event)
        return from_result(result)

    def invoke_scheduled(self, name: str) -> Any:
        now = datetime.now(UTC)
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "000000000000",
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "local",
            "resources": [f"arn:aws:events:local:000000000000:rule/{name}"],
            "detail": {},
        }
        return self._invoke(name, event)


BACKLOG = 2048  # connections the kernel queues before the server accepts them (capped by net.core.somaxconn)
KEEP_ALIVE_S = 60  # an idle keep-alive connection is closed after this long
SKIPPED_HEADERS = frozenset({"content-length", "connection", "transfer-encoding"})  # the server frames the response itself


def asgi_app(gateway: Gateway, threads: ThreadPoolExecutor) -> Callable[..., Any]:
    """The ASGI application uvicorn serves: each request's body is read whole, then
    `Gateway.invoke_http` runs in a thread (it waits for a worker process, so a request that finds
    every worker busy queues rather than failing) and its answer goes back with a Content-Length."""

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not a function URL's
            return
        started = time.perf_counter()
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method = scope["method"]
        target = scope["raw_path"].decode("latin-1") + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        source_ip = scope["client"][0] if scope.get("client") else "127.0.0.1"
        try:
            status, reply_headers, payload = await asyncio.get_running_loop().run_in_executor(
                threads, gateway.invoke_http, method, target, headers, bytes(body), source_ip
            )
        except Exception as exc:  # noqa: BLE001 - the gateway stands in for Lambda's own 502
            log_line(level="ERROR", message="function crashed", error=type(exc).__name__)
            status, reply_headers = 502, [("Content-Type", "application/json")]
            payload = _envelope(502, "FUNCTION_ERROR", "The function failed.", "")
        framed = [(key.encode("latin-1"), value.encode("latin-1")) for key, value in reply_headers if key.lower() not in SKIPPED_HEADERS]
        framed += [(b"server", b"teamified-gateway"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": framed})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else payload})
        path = urlsplit(target).path
        log_line(
            level="INFO",
            function=path.lstrip("/").split("/", 1)[0],
            method=method,
            route=path,
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    return app


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening with the gateway's backlog. Made with protocol IPPROTO_TCP (not 0, as
    socket.create_server does) so that asyncio sets TCP_NODELAY on every accepted connection:
    without it a keep-alive client waits 40 ms for each response (Nagle's algorithm holding the
    body behind the headers until the client's delayed ACK)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


class GatewayServer:
    """uvicorn serving the gateway from a background thread, on a socket bound here (so port 0
    picks a free port and the listen backlog is ours). HTTP/1.1 keep-alive; no concurrency limit:
    what the worker processes cannot take yet waits in their queue."""

    def __init__(self, gateway: Gateway, host: str, port: int):
        self.gateway = gateway
        self._threads = ThreadPoolExecutor(4 * gateway.workers, thread_name_prefix="gateway")  # each waits for a worker process
        self._socket = listening_socket(host, port)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            asgi_app(gateway, self._threads),
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            backlog=BACKLOG,
            timeout_keep_alive=KEEP_ALIVE_S,
            timeout_graceful_shutdown=5,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True, name="gateway")

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._server.started:
            raise RuntimeError("the gateway did not start")

    def shutdown(self) -> None:
        """Stop accepting, finish the requests in flight (up to 5 s), then return."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._socket.close()


class Scheduler(threading.Thread):
    """Fires every scheduled function at its rate/cron, each run in its own thread."""

    def __init__(self, gateway: Gateway, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        super().__init__(daemon=True, name="scheduler")
        self.gateway = gateway
        self.clock = clock
        self.stopped = threading.Event()
        self.plan = [(name, schedule.parse(expr)) for name, spec in gateway.specs.items() for expr in spec.schedules]

    def run(self) -> None:
        now = self.clock()
        due = {index: rule.next_after(now) for index, (_, rule) in enumerate(self.plan)}
        while not self.stopped.is_set():
            now = self.clock()
            for index, (name, rule) in enumerate(self.plan):
                if due[index] <= now:
                    due[index] = rule.next_after(now)
                    threading.Thread(target=self._run_one, args=(name,), daemon=True).start()
            self.stopped.wait(1.0)

    def _run_one(self, name: str) -> None:
        started = time.perf_counter()
        try:
            self.gateway.invoke_scheduled(name)
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - a failed run is logged; the next one still fires
            outcome = type(exc).__name__
        log_line(level="INFO", function=name, trigger="schedule", outcome=outcome, duration_ms=round((time.perf_counter() - started) * 1000, 1))

    def stop(self) -> None:
        self.stopped.set()


def serve(host: str = "127.0.0.1", port: int = 8000, with_scheduler: bool = True) -> tuple[GatewayServer, Scheduler | None]:
    """Start the gateway (and scheduler) in background threads; returns them for shutdown."""
    gateway = Gateway(load_specs())
    server = GatewayServer(gateway, host, port)  # the caller closes server.gateway after shutdown
    server.start()
    scheduler = None
    if with_scheduler:
        scheduler = Scheduler(gateway)
        scheduler.start()
    return server, scheduler
