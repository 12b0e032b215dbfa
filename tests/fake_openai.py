"""A local fake OpenAI HTTP server for the provider, e2e and fault tests: it records every request
and answers with scripted replies (status, body, delay) in order, per path. With `auto=True`,
chat completions without a scripted reply get a valid structured answer for the requested
schema (a question, an answer evaluation, a scoring), so whole interviews can run through it.
Realtime client secrets (`/v1/realtime/client_secrets`) without a scripted reply are always
minted, echoing the requested session. The SDK is
built on httpx2, so httpx mocks cannot stand in for this."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT = "/v1/chat/completions"
CLIENT_SECRETS = "/v1/realtime/client_secrets"


def chat_completion(content: dict) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {"index": 0, "finish_reason": "stop", "logprobs": None, "message": {"role": "assistant", "content": json.dumps(content), "refusal": None}}
        ],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500},
    }


def error_body(status: int) -> dict:
    kind = {429: "rate_limit_exceeded", 400: "invalid_request_error"}.get(status, "server_error")
    return {"error": {"message": f"fake error {status}", "type": kind, "param": None, "code": None}}


class FakeOpenAI:
    def __init__(self, auto: bool = False, port: int = 0):
        self.requests: list[dict] = []
        self.replies: dict[str, deque] = defaultdict(deque)
        self.delay = 0.0
        self.auto = auto
        self._numbers = itertools.count(1)
        self._secrets = itertools.count(1)
        self.minted: dict[str, dict] = {}  # client secret -> the session it was minted for
        self._released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                fake.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "at": time.monotonic()}
                )
                status, payload, content_type, delay = fake._next_reply(self.path, body)
                if delay:
                    # A hang ends early when the test is done with the server.
                    fake._released.wait(delay)
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type or "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): what a hung upstream sees too

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    # -- scripting --------------------------------------------------------------------------------

    def reply(self, path: str, status: int, payload: Any = None, content_type: str = "application/json", delay: float = 0.0):
        """Queue one reply for `path` (an error body by default for statuses >= 400)."""
        if payload is None:
            payload = error_body(status) if status >= 400 else {}
        self.replies[path].append((status, payload, content_type, delay))

    def fail(self, status: int, times: int = 1, path: str = CHAT):
        for _ in range(times):
            self.reply(path, status)

    def answer(self, times: int = 1, path: str = CHAT):
        """The next `times` requests get the automatic answer (to script a fault after them)."""
        for _ in range(times):
            self.replies[path].append((None, None, "", 0.0))

    def hang(self, seconds: float, times: int = 1, path: str = CHAT):
        """The next `times` requests get no answer for `seconds` (then an ordinary one, if anyone still listens)."""
        for _ in range(times):
            self.replies[path].append((None, None, "", seconds))

    def close(self):
        self._released.set()
        self.server.shutdown()
        self.server.server_close()

    # -- what was asked ---------------------------------------------------------------------------

    def json_bodies(self, path: str) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if r["path"] == path]

    def schemas(self) -> list[str]:
        """The structured-output schema name of each chat request, in order."""
        return [body["response_format"]["json_schema"]["name"] for body in self.json_bodies(CHAT)]

    # -- answering --------------------------------------------------------------------------------

    def _next_reply(self, path: str, body: bytes) -> tuple[int, Any, str, float]:
        scripted = self.replies[path].popleft() if self.replies[path] else None
        if scripted is not None and scripted[0] is not None:
            status, payload, content_type, delay = scripted
            return status, payload, content_type, delay + self.delay
        delay = (scripted[3] if scripted else 0.0) + self.delay
        if path == CLIENT_SECRETS:
            return 200, self._client_secret(json.loads(body)), "application/json", delay
        answer = self._structured_answer(json.loads(body)) if self.auto and path == CHAT else None
        if answer is None:
            return 500, error_body(500), "", delay
        return 200, chat_completion(answer), "application/json", delay

    def _client_secret(self, request: dict) -> dict:
        """A minted client secret as the GA API answers: `ek_...`, its expiry from the request's
        `expires_after`, and the session as configured (with an id)."""
        number = next(self._secrets)
        seconds = int((request.get("expires_after") or {}).get("seconds") or 600)
        session = {**request.get("session", {}), "id": f"sess_fake_{number}", "object": "realtime.session"}
        self.minted[f"ek_fake_{number}"] = session
        return {"value": f"ek_fake_{number}", "expires_at": int(time.time()) + seconds, "session": session}

    def _structured_answer(self, request: dict) -> dict | None:
        schema = request["response_format"]["json_schema"]["name"]
        payload = json.loads(request["messages"][-1]["content"])
        number = next(self._numbers)
        if schema == "GeneratedQuestion":
            return {
                "question_id": f"fake-{number}",
                "topic": f"topic {number}",
                "text": f"Fake question {number}: how would you structure a {payload.get('role_type', 'python')} service?",
                "phase": payload.get("phase", "warmup"),
                "difficulty": payload.get("difficulty", 1),
                "is_follow_up": bool(payload.get("follow_up")),
            }
        if schema == "AnswerEvaluation":
            return {
                "score": 70,
                "skill": "python",
                "quality": "adequate",
                "technical_terms": ["service"],
                "hedging": False,
                "follow_up_needed": False,
                "proficiency": "intermediate",
                "rationale": "A fake evaluation.",
            }
        if schema == "ScoringResult":
            return {
                "skill_scores": [{"skill": "python", "score": 70, "evidence_message_ids": [], "reasoning": "A fake assessment.", "confidence": 0.5}],
                "overall_score": 70,
                "overall_reasoning": "A fake assessment.",
                "strengths": ["structure"],
                "weaknesses": ["depth"],
                "integrity_observations": [],
                "recommended_actions": ["A fake follow-up."],
            }
        return None  # no automatic answer for this schema: a 500


def main() -> None:
    """Serve an automatic fake on a port, to run the local stack against it by hand:
    `python -m tests.fake_openai --port 4010`, then
    `AI_PROVIDER=openai OPENAI_BASE_URL=http://127.0.0.1:4010/v1 OPENAI_API_KEY=x make dev`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.fake_openai", description=main.__doc__)
    parser.add_argument("--port", type=int, default=4010)
    fake = FakeOpenAI(auto=True, port=parser.parse_args().port)
    print(f"fake OpenAI at {fake.base_url} (interview questions and answer evaluations); Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.close()


if __name__ == "__main__":
    main()
