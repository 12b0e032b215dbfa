"""Realtime voice interviews: the minted session, the relayed events batch and its answer, and the
GA Realtime server events the relay reads (pydantic models of the fields it uses; the installed
`openai` SDK's own event types are the reference, and a unit test checks that what they
serialise is accepted here)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from shared.models.base import Model
from shared.models.interviews import InterviewStatus
from shared.validation import Text

MAX_EVENTS = 1000  # per batch: a browser relays every second or so, a few events at a time
MAX_TRANSCRIPT_CHARS = 20_000
MAX_ARGUMENTS_CHARS = 10_000
MAX_TOKENS = 100_000_000  # per response: far above any real one, low enough that totals cannot overflow

OpenAIId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]
TokenCount = Annotated[int, Field(ge=0, le=MAX_TOKENS)]


class RealtimeSession(Model):
    """What the browser needs to open the call: it posts its SDP offer to `call_url` with the
    client secret as bearer token, then relays the events it receives to `/events`."""

    session_id: UUID = Field(description="This session (its lease); at most one is live per interview.")
    client_secret: str = Field(description="An ephemeral OpenAI key (ek_...) that opens one call; the backend never stores it.")
    expires_at: datetime = Field(description="The client secret opens a call until then.")
    model: str = Field(description="The realtime model the session is configured for.")
    call_url: str = Field(description="POST the SDP offer here with `Authorization: Bearer <client_secret>` (WebRTC).")
    ends_at: datetime = Field(description="When the interview's time cap ends it.")
    lease_seconds: int = Field(description="Relay a batch (an empty one will do) at least this often, or the session ends.")


class SessionEnded(Model):
    ended: bool = Field(description="False when no session was live.")


class EventsRequest(Model):
    """A batch of Realtime server events as the browser received them, in order."""

    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(
        max_length=MAX_EVENTS,
        description=(
            "Server events, unchanged and in the order received. Used: "
            "`conversation.item.input_audio_transcription.completed` (the candidate), "
            "`response.output_audio_transcript.done` and `response.output_text.done` (the interviewer), "
            "`response.function_call_arguments.done` (tool calls) and `response.done` (usage). "
            "Other types are ignored and counted. An empty batch renews the session's lease."
        ),
    )


class ToolOutput(Model):
    call_id: str
    output: str = Field(description="Send back as a `function_call_output` item with this call_id, then `response.create`.")
    replayed: bool = Field(default=False, description="The call was answered before (a replayed event): this is the first answer again.")


class EventProblem(Model):
    index: int = Field(description="The event's position in the batch.")
    type: str | None
    field: str | None = Field(description="The offending field, dotted.")
    message: str


class EndInstruction(Model):
    """The interview is over: say goodbye (send `response.create` with these instructions) and hang up."""

    action: Literal["end"] = "end"
    reason: str | None = Field(description="Why it ended: plan_complete, time_limit, realtime_budget_reached, ...")
    instructions: str


class RelayResult(Model):
    tool_outputs: list[ToolOutput]
    recorded: int = Field(description="Events that were new and recorded.")
    duplicates: int = Field(description="Events already recorded (a replay): nothing changed.")
    foreign: int = Field(description="Events whose id was recorded for another interview: ignored.")
    ignored: int = Field(description="Events of types the relay does not use.")
    problems: list[EventProblem] = Field(description="Events refused (and ignored) for their shape, and tool calls whose arguments were not JSON.")
    end: EndInstruction | None = Field(description="Set once the interview is over.")
    interview_status: InterviewStatus
    realtime_cost_usd: float


# GA Realtime server events (the fields used; others are ignored)


class ServerEvent(Model):
    model_config = ConfigDict(extra="ignore")

    event_id: OpenAIId | None = None


class CandidateTranscribed(ServerEvent):
    """The candidate's speech of one user item, transcribed (asynchronously: before or after the response)."""

    type: Literal["conversation.item.input_audio_transcription.completed"]
    item_id: OpenAIId
    content_index: int = Field(default=0, ge=0, le=1000)
    transcript: Text = Field(max_length=MAX_TRANSCRIPT_CHARS)


class InterviewerSpoke(ServerEvent):
    """The transcript of what the interviewer said in one output item."""

    type: Literal["response.output_audio_transcript.done"]
    item_id: OpenAIId
    content_index: int = Field(default=0, ge=0, le=1000)
    response_id: OpenAIId | None = None
    transcript: Text = Field(max_length=MAX_TRANSCRIPT_CHARS)


class InterviewerWrote(ServerEvent):
    """Text output (a session configured for text output): the interviewer's words."""

    type: Literal["response.output_text.done"]
    item_id: OpenAIId
    content_index: int = Field(default=0, ge=0, le=1000)
    response_id: OpenAIId | None = None
    text: Text = Field(max_length=MAX_TRANSCRIPT_CHARS)


class ToolCalled(ServerEvent):
    """The model called a function. For evaluate_candidate_answer this only means "the answer is
    finished": the arguments are never read as a judgement."""

    type: Literal["response.function_call_arguments.done"]
    call_id: OpenAIId
    name: str = Field(min_length=1, max_length=64)
    arguments: Text = Field(default="{}", max_length=MAX_ARGUMENTS_CHARS)
    item_id: OpenAIId | None = None
    response_id: OpenAIId | None = None


class CachedTokens(Model):
    model_config = ConfigDict(extra="ignore")

    text_tokens: TokenCount = 0
    audio_tokens: TokenCount = 0
    image_tokens: TokenCount = 0


class InputTokens(Model):
    model_config = ConfigDict(extra="ignore")

    text_tokens: TokenCount = 0
    audio_tokens: TokenCount = 0
    image_tokens: TokenCount = 0
    cached_tokens: TokenCount = 0
    cached_tokens_details: CachedTokens | None = None


class OutputTokens(Model):
    model_config = ConfigDict(extra="ignore")

    text_tokens: TokenCount = 0
    audio_tokens: TokenCount = 0


class ResponseUsage(Model):
    model_config = ConfigDict(extra="ignore")

    input_tokens: TokenCount = 0
    output_tokens: TokenCount = 0
    total_tokens: TokenCount = 0
    input_token_details: InputTokens | None = None
    output_token_details: OutputTokens | None = None


class RelayedResponse(Model):
    model_config = ConfigDict(extra="ignore")

    id: OpenAIId
    status: str | None = Field(default=None, max_length=40)
    usage: ResponseUsage | None = None


class ResponseDone(ServerEvent):
    """A response ended (completed, cancelled, failed or incomplete) with its token usage."""

    type: Literal["response.done"]
    response: RelayedResponse


RelayedEvent = Annotated[CandidateTranscribed | InterviewerSpoke | InterviewerWrote | ToolCalled | ResponseDone, Field(discriminator="type")]
RELAYED_TYPES = frozenset(
    {
        "conversation.item.input_audio_transcription.completed",
        "response.output_audio_transcript.done",
        "response.output_text.done",
        "response.function_call_arguments.done",
        "response.done",
    }
)
