"""A local stand-in for OpenAI's Realtime WebRTC endpoint, for the browser client's test:
`POST /v1/realtime/calls` with a minted client secret as bearer answers the browser's SDP offer
with an aiortc peer (audio both ways), accepts the `oai-events` data channel and plays a
scripted interview over it in the GA event protocol. The interviewer asks the current question
of the minted session's instructions, then each question the backend's tool outputs name; the
candidate answers from a list, and the model calls `evaluate_candidate_answer` before the
answer's transcript arrives (transcription runs beside the response in the real API, so the
client must hold the call until it comes)."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack

CURRENT_QUESTION = re.compile(r"Current question, to ask now: (.+)")
USAGE = {
    "total_tokens": 700,
    "input_tokens": 400,
    "output_tokens": 300,
    "input_token_details": {"text_tokens": 300, "audio_tokens": 100, "cached_tokens": 100, "cached_tokens_details": {"text_tokens": 100}},
    "output_token_details": {"text_tokens": 50, "audio_tokens": 250},
}
GOODBYE = "Thank you for your time; your results will follow. Goodbye."


class ScriptedInterview:
    """One call's conversation: what the model and the candidate say, driven by the client's events."""

    def __init__(self, send: Callable[[dict[str, Any]], None], first_question: str, answers: list[str], call: int):
        self.send, self.question, self.answers = send, first_question, list(answers)
        self.call, self._numbers = call, itertools.count(1)
        self.outputs: list[dict[str, Any]] = []  # the backend's answers, as the client sent them back
        self.pending: dict[str, Any] | None = None
        self.spoken: list[str] = []

    def _id(self, kind: str) -> str:
        return f"{kind}_{self.call}_{next(self._numbers)}"

    async def on_client_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "conversation.item.create" and (event.get("item") or {}).get("type") == "function_call_output":
            self.pending = json.loads(event["item"]["output"])
            self.outputs.append(self.pending)
        elif event.get("type") == "response.create":
            await self._respond(event)

    async def _respond(self, event: dict[str, Any]) -> None:
        told = (event.get("response") or {}).get("instructions")
        step, self.pending = self.pending, None
        if told or (step and step.get("action") == "end"):
            await self._speak(GOODBYE)
        elif step and step.get("action") == "ask":
            self.question = step["question"]["text"]
            await self._speak(self.question)
            await self._candidate_answers()
        elif step and step.get("action") == "listen":
            await self._speak("Take your time; please answer the question.")
            await self._candidate_answers()
        else:  # the client's first response.create: greet and ask the session's current question
            await self._speak(self.question)
            await self._candidate_answers()

    async def _speak(self, text: str) -> None:
        response, item = self._id("resp"), self._id("item")
        self.spoken.append(text)
        await self._emit({"type": "response.created", "response": {"id": response, "object": "realtime.response", "status": "in_progress"}})
        half = len(text) // 2
        for delta in (text[:half], text[half:]):
            await self._emit({"type": "response.output_audio_transcript.delta", "response_id": response, "item_id": item, "delta": delta})
        await self._emit(
            {
                "type": "response.output_audio_transcript.done",
                "response_id": response,
                "item_id": item,
                "output_index": 0,
                "content_index": 0,
                "transcript": text,
            }
        )
        await self._emit(self._done(response))

    async def _candidate_answers(self) -> None:
        if not self.answers:
            return
        answer, item, response = self.answers.pop(0), self._id("item"), self._id("resp")
        await asyncio.sleep(0.05)
        await self._emit({"type": "input_audio_buffer.speech_started", "item_id": item, "audio_start_ms": 0})
        await self._emit({"type": "input_audio_buffer.speech_stopped", "item_id": item, "audio_end_ms": 4000})
        await self._emit({"type": "input_audio_buffer.committed", "item_id": item, "previous_item_id": None})
        await self._emit({"type": "response.created", "response": {"id": response, "object": "realtime.response", "status": "in_progress"}})
        arguments = json.dumps({"answer_quality": "strong", "next_action": "end", "follow_up_needed": False, "score": 100})  # never read
        await self._emit(
            {
                "type": "response.function_call_arguments.done",
                "response_id": response,
                "item_id": self._id("item"),
                "output_index": 0,
                "call_id": self._id("call"),
                "name": "evaluate_candidate_answer",
                "arguments": arguments,
            }
        )
        await self._emit(self._done(response))
        await asyncio.sleep(0.3)  # the transcript comes after the tool call
        await self._emit(
            {
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": item,
                "content_index": 0,
                "transcript": answer,
                "usage": {"type": "duration", "seconds": 4.0},
            }
        )

    @staticmethod
    def _done(response: str) -> dict[str, Any]:
        return {"type": "response.done", "response": {"id": response, "object": "realtime.response", "status": "completed", "usage": USAGE}}

    async def _emit(self, event: dict[str, Any]) -> None:
        self.send({"event_id": self._id("event"), **event})
        await asyncio.sleep(0.005)


class FakeRealtimePeer:
    """The WebRTC side of a fake OpenAI: `minted(secret)` gives the session a client secret was
    minted for (the fake OpenAI's record), or None for a secret it never minted (401)."""

    def __init__(self, minted: Callable[[str], dict[str, Any] | None], answers: list[str]):
        self.minted, self.answers = minted, answers
        self.interviews: list[ScriptedInterview] = []
        self.client_events: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self._peers: list[RTCPeerConnection] = []
        self._calls = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "POST")
                self.send_header("Access-Control-Allow-Headers", "authorization, content-type")
                self.send_header("Access-Control-Expose-Headers", "Location")

            def do_OPTIONS(self) -> None:  # noqa: N802 - stdlib naming
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                offer = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
                secret = (self.headers.get("authorization") or "").removeprefix("Bearer ").strip()
                session = peer.minted(secret)
                if self.path != "/v1/realtime/calls" or session is None or self.headers.get("content-type") != "application/sdp":
                    peer.refused.append(secret)
                    self.send_response(401)
                    self._cors()
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                answer, call_id = asyncio.run_coroutine_threadsafe(peer._answer(offer, session), peer.loop).result(30)
                body = answer.encode()
                self.send_response(201)
                self._cors()
                self.send_header("Content-Type", "application/sdp")
                self.send_header("Location", f"/v1/realtime/calls/{call_id}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/realtime/calls"

    async def _answer(self, offer: str, session: dict[str, Any]) -> tuple[str, str]:
        number = next(self._calls)
        connection = RTCPeerConnection()
        self._peers.append(connection)
        found = CURRENT_QUESTION.search(session.get("instructions") or "")
        first_question = found.group(1).strip() if found else "Tell me about yourself."

        @connection.on("datachannel")
        def on_channel(channel: Any) -> None:
            interview = ScriptedInterview(lambda event: channel.send(json.dumps(event)), first_question, self.answers, number)
            self.interviews.append(interview)

            @channel.on("message")
            def on_message(message: str) -> None:
                event = json.loads(message)
                self.client_events.append(event)
                asyncio.ensure_future(interview.on_client_event(event))

        await connection.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        for transceiver in connection.getTransceivers():
            if transceiver.kind == "audio":
                connection.addTrack(AudioStreamTrack())  # the interviewer's voice (silence)
        await connection.setLocalDescription(await connection.createAnswer())
        return connection.localDescription.sdp, f"rtc_fake_{number}"

    def close(self) -> None:
        async def close_all() -> None:
            for connection in self._peers:
                await connection.close()

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.server.shutdown()
        self.server.server_close()
