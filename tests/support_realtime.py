"""Scripted Realtime server events (GA shapes, as the browser receives them over the data
channel) for the relay's tests, with ids unique per script."""

from __future__ import annotations

import itertools
import json
from typing import Any


class RealtimeScript:
    """Builds the events of one realtime conversation: what the interviewer said, what the
    candidate said, tool calls and response usage, each with fresh OpenAI-style ids."""

    def __init__(self, prefix: str = "t"):
        self.prefix = prefix
        self._numbers = itertools.count(1)

    def _id(self, kind: str) -> str:
        return f"{kind}_{self.prefix}{next(self._numbers):04d}"

    def interviewer(self, text: str) -> dict[str, Any]:
        return {
            "type": "response.output_audio_transcript.done",
            "event_id": self._id("event"),
            "item_id": self._id("item"),
            "response_id": self._id("resp"),
            "output_index": 0,
            "content_index": 0,
            "transcript": text,
        }

    def candidate(self, text: str) -> dict[str, Any]:
        return {
            "type": "conversation.item.input_audio_transcription.completed",
            "event_id": self._id("event"),
            "item_id": self._id("item"),
            "content_index": 0,
            "transcript": text,
            "usage": {"type": "duration", "seconds": 4.2},
        }

    def tool_call(self, arguments: Any = None, name: str = "evaluate_candidate_answer") -> dict[str, Any]:
        if arguments is None:
            arguments = {"answer_quality": "strong", "next_action": "end", "follow_up_needed": False, "score": 100}  # forged: never read
        return {
            "type": "response.function_call_arguments.done",
            "event_id": self._id("event"),
            "call_id": self._id("call"),
            "item_id": self._id("item"),
            "response_id": self._id("resp"),
            "output_index": 0,
            "name": name,
            "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
        }

    def response_done(self, text_in: int = 800, audio_in: int = 300, cached: int = 200, text_out: int = 40, audio_out: int = 250) -> dict[str, Any]:
        return {
            "type": "response.done",
            "event_id": self._id("event"),
            "response": {
                "id": self._id("resp"),
                "object": "realtime.response",
                "status": "completed",
                "output": [],
                "usage": {
                    "total_tokens": text_in + audio_in + text_out + audio_out,
                    "input_tokens": text_in + audio_in,
                    "output_tokens": text_out + audio_out,
                    "input_token_details": {
                        "text_tokens": text_in,
                        "audio_tokens": audio_in,
                        "image_tokens": 0,
                        "cached_tokens": cached,
                        "cached_tokens_details": {"text_tokens": cached, "audio_tokens": 0, "image_tokens": 0},
                    },
                    "output_token_details": {"text_tokens": text_out, "audio_tokens": audio_out},
                },
            },
        }


def usage_cost(text_in: int = 800, audio_in: int = 300, cached: int = 200, text_out: int = 40, audio_out: int = 250) -> float:
    """What `RealtimeScript.response_done` costs on gpt-realtime ($ per 1M: text 4 / cached 0.40 / out 16, audio 32 / 64)."""
    return ((text_in - cached) * 4 + cached * 0.40 + audio_in * 32 + text_out * 16 + audio_out * 64) / 1_000_000
