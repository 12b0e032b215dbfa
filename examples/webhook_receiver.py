"""A webhook receiver that verifies the portal's signatures (Standard Webhooks), using only the
Python standard library. Run it next to `make dev` and register it as a webhook:

    python examples/webhook_receiver.py --port 9000 --secret whsec_...   # the secret the webhook's creation returned

    curl -X POST http://127.0.0.1:8000/webhooks/ -H "Authorization: Bearer $ADMIN_TOKEN" \\
         -H "Content-Type: application/json" \\
         -d '{"url": "http://127.0.0.1:9000/hooks", "event_types": ["interview.completed", "assessment.ready"]}'

(Start it with any secret first if you have none yet, then restart it with the one returned.)
Each verified event is printed; a request whose signature does not verify is answered 400.
The end-to-end tests use `Receiver` from this file as their receiver.

What to check, in order (docs/webhooks.md explains why):
1. `webhook-timestamp` is within 5 minutes of now (a replayed message is refused);
2. one of the space-separated `v1,<base64>` entries of `webhook-signature` equals
   base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")), where the key is the
   base64-decoded part of the secret after `whsec_`, compared in constant time;
3. only then parse the body; deduplicate by `webhook-id` (a retried or redelivered message keeps it).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    """The message is not signed with the secret, is too old, or is missing a header."""


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None, tolerance_s: int = TOLERANCE_SECONDS) -> Any:
    """The parsed event when the headers sign `body` with `secret`; InvalidSignature otherwise.
    `headers` must be readable with lower-case names."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise InvalidSignature("webhook-timestamp is not a number") from exc
    if abs((time.time() if now is None else now) - sent_at) > tolerance_s:
        raise InvalidSignature("the message is too old or from the future")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error as exc:
        raise InvalidSignature("the secret is not whsec_ followed by base64") from exc
    expected = base64.b64encode(hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return json.loads(body)
    raise InvalidSignature("no signature matches")


class Receiver:
    """A receiver on 127.0.0.1 in a background thread: it verifies each request against its
    secrets (any one may match, as during a rotation), keeps the verified events in `events` and
    the refused ones in `refused`, and answers `status` (change it to make deliveries fail)."""

    def __init__(self, secrets: list[str] | None = None, port: int = 0, status: int = 204) -> None:
        self.secrets = list(secrets or [])
        self.status = status
        self.events: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received(self, event_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [event for event in self.events if event["body"].get("type") == event_type]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver.requests += 1
                    status = receiver.status
                    try:
                        event = receiver._verified(headers, body)
                    except InvalidSignature as exc:
                        receiver.refused.append(str(exc))
                        status = 400
                    else:
                        if 200 <= status < 300:
                            receiver.events.append({"id": headers["webhook-id"], "headers": headers, "body": event})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                pass

        return Handler

    def _verified(self, headers: Mapping[str, str], body: bytes) -> Any:
        for secret in self.secrets:
            try:
                return verify(secret, headers, body)
            except InvalidSignature:
                continue
        raise InvalidSignature("no secret of this receiver verifies the message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", action="append", required=True, help="whsec_... (repeat while a rotation overlaps)")
    args = parser.parse_args()
    with Receiver(args.secret, port=args.port) as receiver:
        print(f"listening on {receiver.url}", flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                for event in receiver.events[seen:]:
                    print(json.dumps({"webhook-id": event["id"], **event["body"]}), flush=True)
                seen = len(receiver.events)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
