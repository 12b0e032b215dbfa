"""The relay's event models against the installed `openai` SDK (the ground truth of the GA
Realtime API): what the SDK's own server event types serialise is accepted, the session
configuration we mint is one the SDK's request type accepts, and usage is priced by token kind."""

from __future__ import annotations

import pytest
from openai.types.realtime import (
    ConversationItemInputAudioTranscriptionCompletedEvent,
    RealtimeSessionCreateRequestParam,
    ResponseAudioTranscriptDoneEvent,
    ResponseDoneEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseTextDoneEvent,
)
from pydantic import TypeAdapter, ValidationError

from shared.ai import costs
from shared.ai.models import GeneratedQuestion
from shared.models.realtime import (
    RELAYED_TYPES,
    CandidateTranscribed,
    InterviewerSpoke,
    InterviewerWrote,
    RelayedEvent,
    ResponseDone,
    ToolCalled,
)
from shared.services import realtime
from shared.services.interview_state import SessionState
from shared.settings import Settings

EVENT = TypeAdapter(RelayedEvent)

SDK_EVENTS = [
    (
        ConversationItemInputAudioTranscriptionCompletedEvent(
            type="conversation.item.input_audio_transcription.completed",
            event_id="event_1",
            item_id="item_1",
            content_index=0,
            transcript="A tuple is immutable.",
            usage={"type": "duration", "seconds": 2.5},
        ),
        CandidateTranscribed,
    ),
    (
        ResponseAudioTranscriptDoneEvent(
            type="response.output_audio_transcript.done",
            event_id="event_2",
            item_id="item_2",
            response_id="resp_2",
            output_index=0,
            content_index=0,
            transcript="What is a closure?",
        ),
        InterviewerSpoke,
    ),
    (
        ResponseTextDoneEvent(
            type="response.output_text.done", event_id="event_3", item_id="item_3", response_id="resp_3", output_index=0, content_index=0, text="Hi."
        ),
        InterviewerWrote,
    ),
    (
        ResponseFunctionCallArgumentsDoneEvent(
            type="response.function_call_arguments.done",
            event_id="event_4",
            call_id="call_4",
            item_id="item_4",
            response_id="resp_4",
            output_index=1,
            name="evaluate_candidate_answer",
            arguments='{"score": 90}',
        ),
        ToolCalled,
    ),
    (
        ResponseDoneEvent(
            type="response.done",
            event_id="event_5",
            response={
                "id": "resp_5",
                "object": "realtime.response",
                "status": "completed",
                "usage": {
                    "total_tokens": 500,
                    "input_tokens": 300,
                    "output_tokens": 200,
                    "input_token_details": {
                        "text_tokens": 100,
                        "audio_tokens": 200,
                        "cached_tokens": 50,
                        "cached_tokens_details": {"text_tokens": 20, "audio_tokens": 30},
                    },
                    "output_token_details": {"text_tokens": 40, "audio_tokens": 160},
                },
            },
        ),
        ResponseDone,
    ),
]


@pytest.mark.parametrize(("sdk_event", "ours"), SDK_EVENTS, ids=[event.type for event, _ in SDK_EVENTS])
def test_what_the_sdks_server_events_serialise_is_read_by_the_relay(sdk_event, ours):
    parsed = EVENT.validate_python(sdk_event.model_dump(mode="json", exclude_none=True))
    assert isinstance(parsed, ours) and parsed.type in RELAYED_TYPES


def test_usage_keeps_every_token_kind_of_the_sdks_response():
    parsed = EVENT.validate_python(SDK_EVENTS[-1][0].model_dump(mode="json", exclude_none=True))
    usage = parsed.response.usage
    assert (usage.input_token_details.audio_tokens, usage.input_token_details.cached_tokens_details.audio_tokens) == (200, 30)
    assert usage.output_token_details.audio_tokens == 160


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e["response"]["usage"].update(input_tokens=-1), ("response", "usage", "input_tokens")),  # negative tokens
        (
            lambda e: e["response"]["usage"]["output_token_details"].update(audio_tokens=10**12),
            ("response", "usage", "output_token_details", "audio_tokens"),
        ),
        (lambda e: e["response"].update(id="resp 5; drop table"), ("response", "id")),  # ids are OpenAI-shaped
        (lambda e: e["response"].pop("id"), ("response", "id")),
    ],
)
def test_usage_with_impossible_counts_or_ids_is_refused(change, field):
    event = SDK_EVENTS[-1][0].model_dump(mode="json", exclude_none=True)
    change(event)
    with pytest.raises(ValidationError) as refused:
        EVENT.validate_python(event)
    assert refused.value.errors()[0]["loc"][1:] == field


def test_transcripts_are_bounded_and_nul_free():
    event = SDK_EVENTS[0][0].model_dump(mode="json", exclude_none=True)
    with pytest.raises(ValidationError):
        EVENT.validate_python({**event, "transcript": "x" * 20_001})
    with pytest.raises(ValidationError):
        EVENT.validate_python({**event, "transcript": "a\x00b"})


def test_the_minted_session_is_a_session_the_sdk_accepts():
    state = SessionState(
        current_question=GeneratedQuestion(
            question_id="py-1", topic="types", text="What is a tuple?", phase="warmup", difficulty=1, is_follow_up=False
        ),
        resume_skills=["python", "django"],
        job_title="Backend Engineer",
        job_stack=["python"],
    )
    configuration = realtime.session_configuration("python", state, ["What is a list?", "What is a tuple?"], Settings())
    TypeAdapter(RealtimeSessionCreateRequestParam).validate_python(configuration)
    text = configuration["instructions"]
    assert "1. What is a list?" in text and "2. What is a tuple?" not in text  # the current question is not "already asked"
    assert "Current question, to ask now: What is a tuple?" in text and "Backend Engineer (stack: python)" in text


def test_cached_audio_is_priced_at_the_cached_audio_rate():
    usage = {
        "input_tokens": 1_000_000,
        "output_tokens": 0,
        "input_token_details": {
            "text_tokens": 0,
            "audio_tokens": 1_000_000,
            "cached_tokens": 500_000,
            "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 500_000},
        },
    }
    # 500K audio at $32 + 500K cached audio at $0.40, per 1M
    assert costs.realtime_cost("gpt-realtime", usage) == pytest.approx(16 + 0.2)
