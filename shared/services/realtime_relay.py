"""The realtime relay (issue 18): the browser forwards, in batches, the Realtime events it received
from OpenAI; this service records them and judges for itself. Nothing relayed is trusted as a
judgement: a transcript is what the candidate or the interviewer said (it can be forged, like a
typed answer), a tool call only says "the answer is finished" and the stored transcript is then
evaluated by the same progressive engine as process-turn (its own score, skill, follow-up and
phase moves; scores in the call's arguments are never read), and usage is priced from the price
table. Every event is recorded once by its OpenAI id, so a replayed batch changes nothing.
Events are applied in the order relayed, a batch's tool calls after its other events: the
candidate's transcripts wait until a tool call turns them into one answer, and transcription
runs beside the response, so an answer's transcript often arrives just after the call that
ends it (a client flushes at the call; a next call cannot come before this one is answered).
Past the time cap or the cost budget the interview is completed (scoring is queued by the
completion trigger, as for any interview) and the answer says end."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.ai import costs
from shared.auth import Caller
from shared.db import Connection, service_transaction, user_transaction
from shared.errors import Forbidden, NotFound, RealtimeSessionNotActive
from shared.logs import logger
from shared.models.realtime import (
    RELAYED_TYPES,
    CandidateTranscribed,
    EndInstruction,
    EventProblem,
    EventsRequest,
    InterviewerSpoke,
    InterviewerWrote,
    RelayedEvent,
    RelayResult,
    ResponseDone,
    ToolCalled,
    ToolOutput,
)
from shared.repositories import interviews as interview_rows
from shared.repositories import realtime as rows
from shared.services.interview_state import SessionState
from shared.services.realtime import TIME_LIMIT, TOOL_NAME, cap_ends_at
from shared.services.turns import evaluate_and_plan, step_rows, write_step
from shared.settings import get_settings

BUDGET_REACHED = "realtime_budget_reached"
EVENT = TypeAdapter[RelayedEvent](RelayedEvent)
LISTEN = {
    "action": "listen",
    "instruction": "No answer has been heard yet. Invite the candidate to answer the current question (repeat it if asked), then call"
    " evaluate_candidate_answer when they finish.",
}
GOODBYE = "The interview is over. Thank the candidate for their time, tell them their results will follow, and say goodbye. Do not ask anything more."


@dataclass
class Tally:
    recorded: int = 0
    duplicates: int = 0
    foreign: int = 0
    ignored: int = 0
    problems: list[EventProblem] = field(default_factory=list)
    outputs: list[ToolOutput] = field(default_factory=list)

    def count(self, outcome: rows.Recorded) -> None:
        if outcome == "new":
            self.recorded += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        else:
            self.foreign += 1


def relay(caller: Caller, interview_id: str, request: EventsRequest) -> RelayResult:
    """Record a batch of relayed events in order, answer its tool calls with the engine's next
    step, account usage, and end the interview past its time cap or cost budget. The session's
    lease moves on with every batch (an empty one too)."""
    _check_owner(caller, interview_id)
    settings = get_settings()
    with service_transaction() as conn:
        lease = rows.renew_live(conn, interview_id, settings.realtime_lease_seconds)
        if lease is None:
            raise RealtimeSessionNotActive()
        interview_rows.touch(conn, interview_id)
    tally = Tally()
    calls: list[tuple[int, ToolCalled]] = []
    for index, raw in enumerate(request.events):
        event = _parse(index, raw, tally)
        if isinstance(event, CandidateTranscribed):
            _candidate_said(interview_id, event, tally)
        elif isinstance(event, InterviewerSpoke | InterviewerWrote):
            _interviewer_said(interview_id, event, tally)
        elif isinstance(event, ToolCalled):
            calls.append((index, event))
        elif isinstance(event, ResponseDone):
            _response_done(interview_id, lease.model, event, tally)
    for index, call in calls:
        _tool_called(interview_id, index, call, tally)
    return _result(interview_id, tally)


def _check_owner(caller: Caller, interview_id: str) -> None:
    with user_transaction(caller.claims) as conn:
        interview = rows.interview(conn, interview_id)
    if interview is None:
        raise NotFound("The interview was not found.")
    if str(interview.candidate_id) != caller.user_id:
        raise Forbidden("Only the candidate relays their interview's events.")


def _parse(index: int, raw: dict[str, Any], tally: Tally) -> RelayedEvent | None:
    """The event as one of the GA types the relay uses; None (counted) for others and for events
    of those types whose shape is wrong (listed with the field)."""
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in RELAYED_TYPES:
        tally.ignored += 1
        return None
    try:
        return EVENT.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or None  # drop the union tag
        tally.problems.append(EventProblem(index=index, type=kind, field=where, message=first["msg"]))
        return None


def _candidate_said(interview_id: str, event: CandidateTranscribed, tally: Tally) -> None:
    """The candidate's words wait in the ledger until a tool call makes them an answer."""
    with service_transaction() as conn:
        outcome, _ = rows.record_event(
            conn, interview_id, "candidate_transcript", f"{event.item_id}:{event.content_index}", transcript=event.transcript
        )
    tally.count(outcome)


def _interviewer_said(interview_id: str, event: InterviewerSpoke | InterviewerWrote, tally: Tally) -> None:
    """What the interviewer said becomes the text of the question awaiting an answer (the
    engine's wording stays in the question's metadata); said after the end, it is only kept."""
    text = event.transcript if isinstance(event, InterviewerSpoke) else event.text
    with service_transaction() as conn:
        session = interview_rows.session_of(conn, interview_id)
        interview_rows.lock_session(conn, session.id if session else None)
        outcome, event_id = rows.record_event(conn, interview_id, "interviewer_transcript", f"{event.item_id}:{event.content_index}", transcript=text)
        last = interview_rows.newest_message(conn, interview_id)
        if (
            event_id is not None
            and last is not None
            and last.message_type == "ai_question"
            and interview_rows.lock_status(conn, interview_id) == "in_progress"
        ):
            rows.attach_to_question(conn, event_id, last.id)
    tally.count(outcome)


def _tool_called(interview_id: str, index: int, event: ToolCalled, tally: Tally) -> None:
    """The answer is finished: evaluate the candidate's pending transcript with the engine and
    answer with the next step. A call answered before gets its first answer again."""
    with service_transaction() as conn:
        known = rows.entry(conn, "tool_call", event.call_id)
    if known is not None:
        if known.interview_id != interview_id:
            tally.foreign += 1
            return
        tally.duplicates += 1
        tally.outputs.append(ToolOutput(call_id=event.call_id, output=json.dumps(known.output), replayed=True))
        return
    if event.name != TOOL_NAME:
        tally.problems.append(EventProblem(index=index, type=event.type, field="name", message=f"Unknown function; only {TOOL_NAME} is offered."))
        _answer(interview_id, event.call_id, {"action": "error", "instruction": f"There is no such function; use {TOOL_NAME}."}, tally)
        return
    if not _is_json_object(event.arguments):
        tally.problems.append(
            EventProblem(index=index, type=event.type, field="arguments", message="Not a JSON object; ignored (arguments are never read).")
        )
    _answer(interview_id, event.call_id, _next_step(interview_id), tally)


def _is_json_object(arguments: str) -> bool:
    try:
        return isinstance(json.loads(arguments), dict)
    except ValueError:
        return False


def _answer(interview_id: str, call_id: str, output: dict[str, Any], tally: Tally) -> None:
    """Record a tool call's answer (the first one recorded wins) and return it."""
    with service_transaction() as conn:
        if not rows.record_tool_call(conn, interview_id, call_id, output):
            known = rows.entry(conn, "tool_call", call_id)
            output = known.output if known is not None and known.output is not None else output
    tally.recorded += 1
    tally.outputs.append(ToolOutput(call_id=call_id, output=json.dumps(output)))


@dataclass(frozen=True)
class _Turn:
    interview: rows.RealtimeInterview
    session: interview_rows.Session
    question: interview_rows.RecentMessage
    pending: list[rows.PendingTranscript]
    tokens_used: int
    token_budget: int


def _next_step(interview_id: str) -> dict[str, Any]:
    """The engine's step for the pending answer, written with the answer; the tool's output."""
    settings = get_settings()
    with service_transaction() as conn:
        turn = _load_turn(conn, interview_id)
    if turn is None:
        return {"action": "end", "reason": None, "instruction": GOODBYE}
    if not turn.pending:
        return LISTEN
    state = SessionState.load(turn.session.progression_state)
    if state.current_question is None:
        return LISTEN
    answer_text = " ".join(item.transcript.strip() for item in turn.pending if item.transcript.strip())
    stop_reason = _cap_reason(turn.interview, settings.realtime_budget_usd)
    step = evaluate_and_plan(
        state, turn.interview.role_type, answer_text, tokens_used=turn.tokens_used, token_budget=turn.token_budget, stop_reason=stop_reason
    )
    with service_transaction() as conn:
        interview_rows.lock_session(conn, turn.session.id)
        if (
            interview_rows.last_sequence(conn, interview_id) != turn.question.sequence_number
            or interview_rows.lock_status(conn, interview_id) != "in_progress"
        ):
            return LISTEN  # another batch moved the interview on meanwhile: nothing is written
        answered_at = turn.pending[-1].created_at
        spoken_at = rows.question_spoken_at(conn, turn.question.id) or turn.question.created_at
        written = step_rows(
            step,
            turn.session,
            question_sequence=turn.question.sequence_number,
            answer_text=answer_text,
            source="realtime",
            response_time_seconds=max(0.0, (answered_at - spoken_at).total_seconds()),
            metadata={"realtime_item_ids": [item.key for item in turn.pending]},
        )
        answer, next_message = write_step(conn, interview_id, written)
        # Under the session lock with the last message unchanged, no other answer took these.
        rows.claim_transcripts(conn, [item.id for item in turn.pending], answer.id)
    if step.decision.done:
        logger.info("realtime interview completed", extra={"interview_id": interview_id, "end_reason": step.decision.end_reason})
        return {"action": "end", "reason": step.decision.end_reason, "instruction": GOODBYE}
    question = step.next_state.current_question
    assert question is not None and next_message is not None  # the plan goes on
    return {
        "action": "ask",
        "question": {"text": question.text, "topic": question.topic, "phase": question.phase, "difficulty": question.difficulty},
        "follow_up": question.is_follow_up,
        "instruction": "Ask this question now (you may shorten it for speech but keep its meaning): " + question.text,
    }


def _load_turn(conn: Connection, interview_id: str) -> _Turn | None:
    interview = rows.interview(conn, interview_id)
    if interview is None or interview.status != "in_progress":
        return None
    session = interview_rows.session_of(conn, interview_id) or interview_rows.NO_SESSION
    newest = interview_rows.newest_two(conn, interview_id)
    if not newest or newest[0].message_type != "ai_question":
        return None
    usage = interview_rows.for_turn(conn, interview_id)
    assert usage is not None  # read in the same transaction
    return _Turn(
        interview=interview,
        session=session,
        question=newest[0],
        pending=rows.pending_transcripts(conn, interview_id),
        tokens_used=usage.total_tokens_used,
        token_budget=usage.token_budget,
    )


def _cap_reason(interview: rows.RealtimeInterview, budget_usd: float) -> str | None:
    """Why the interview must end now: its time cap passed, or its realtime cost reached the budget."""
    if interview.now >= cap_ends_at(interview, get_settings()):
        return TIME_LIMIT
    if interview.realtime_cost_usd >= budget_usd:
        return BUDGET_REACHED
    return None


def _response_done(interview_id: str, model: str, event: ResponseDone, tally: Tally) -> None:
    """A response's token usage, priced once (by response id), added to the interview's realtime
    cost; passing the warning threshold is logged once per interview."""
    usage = event.response.usage
    if usage is None:
        tally.ignored += 1
        return
    priced = usage.model_dump()
    cost = costs.realtime_cost(model, priced)
    details_in = usage.input_token_details
    details_out = usage.output_token_details
    tokens = rows.TokenUsage(
        input_text=details_in.text_tokens if details_in else 0,
        input_audio=details_in.audio_tokens if details_in else 0,
        cached_input=details_in.cached_tokens if details_in else 0,
        output_text=details_out.text_tokens if details_out else 0,
        output_audio=details_out.audio_tokens if details_out else 0,
    )
    threshold = get_settings().realtime_cost_warning_usd
    with service_transaction() as conn:
        outcome, event_id = rows.record_event(conn, interview_id, "usage", event.response.id, cost_usd=cost)
        warned = None
        if event_id is not None:
            rows.add_usage(conn, interview_id, tokens, cost)
            warned = rows.mark_warned(conn, interview_id, threshold)
    tally.count(outcome)
    if warned is not None:
        logger.warning(
            "realtime cost passed the warning threshold",
            extra={"interview_id": interview_id, "realtime_cost_usd": warned, "threshold_usd": threshold},
        )


def _result(interview_id: str, tally: Tally) -> RelayResult:
    """The batch's answer, after ending the interview if its time cap or cost budget is reached."""
    settings = get_settings()
    with service_transaction() as conn:
        interview = rows.interview(conn, interview_id)
        assert interview is not None  # seen at the start of the batch
        reason = _cap_reason(interview, settings.realtime_budget_usd) if interview.status == "in_progress" else None
        if reason is not None and interview_rows.finish(conn, interview_id, reason) is not None:
            logger.info("realtime interview ended", extra={"interview_id": interview_id, "end_reason": reason})
        end_reason = reason or _end_reason(conn, interview_id)
        status = "completed" if reason else interview.status
    end = None if status == "in_progress" else EndInstruction(reason=end_reason, instructions=GOODBYE)
    return RelayResult(
        tool_outputs=tally.outputs,
        recorded=tally.recorded,
        duplicates=tally.duplicates,
        foreign=tally.foreign,
        ignored=tally.ignored,
        problems=tally.problems,
        end=end,
        interview_status=status,
        realtime_cost_usd=round(interview.realtime_cost_usd, 6),
    )


def _end_reason(conn: Connection, interview_id: str) -> str | None:
    found = interview_rows.find(conn, interview_id)
    return found.end_reason if found else None
