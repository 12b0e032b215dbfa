"""Realtime voice interviews (issue 18), through the `realtime` function's handler with the real
`openai` SDK pointed at a fake OpenAI server: the minted session's configuration, the one live
session per interview (a Postgres lease), the fallbacks, and the relay: a scripted event stream
of a whole interview produces the same messages, phase moves and assessment pipeline as the same
interview typed through process-turn, with its realtime cost; replays and forged scores change
nothing; the time cap and the cost budget end the interview; bad input is refused or counted."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from functions import process_turn, start_interview
from functions import realtime as realtime_function
from shared.ai.base import get_provider
from shared.services import realtime as realtime_service
from shared.services import realtime_relay
from shared.settings import get_settings
from tests.fake_openai import CHAT, CLIENT_SECRETS, FakeOpenAI, chat_completion
from tests.rls import create_user
from tests.support import Reply, access_token, invoke
from tests.support_realtime import RealtimeScript, usage_cost

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
ANSWERS = [
    "A list is mutable and a tuple is immutable, so a tuple can be a dictionary key.",
    "A generator yields values lazily, so a large file can be read line by line in constant memory.",
    "I would put the connection in a context manager so it is always closed, even on errors.",
    "Decorators wrap a function; functools.wraps keeps its name and docstring for debugging.",
    "The GIL lets one thread run Python bytecode at a time, so CPU-bound work goes to processes.",
    "I would profile first with cProfile, then fix the hot loop and cache repeated lookups.",
    "asyncio runs many IO-bound tasks on one thread; await yields control at each network call.",
    "Dataclasses generate init and repr; frozen ones are hashable and safe to share.",
    "I test the service layer with fakes for the database and one integration test per query.",
    "Type hints with mypy catch wrong arguments before runtime; protocols describe duck types.",
    "A metaclass customises class creation; I would prefer a class decorator when one suffices.",
    "For a slow endpoint I would add an index, paginate with a keyset and cache the hot reads.",
]


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def configure(app_env, monkeypatch) -> Iterator[Callable[..., None]]:
    """Set settings (KEY=value) and start the functions afresh: settings re-read, a new provider."""

    def apply(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        get_provider.cache_clear()

    yield apply
    get_provider.cache_clear()


@pytest.fixture
def fakes() -> Iterator[Callable[[], FakeOpenAI]]:
    """Fresh automatic fake OpenAI servers (each numbers its questions from 1)."""
    servers: list[FakeOpenAI] = []

    def make() -> FakeOpenAI:
        servers.append(FakeOpenAI(auto=True))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def on_openai(configure, fakes) -> Callable[..., FakeOpenAI]:
    """Point the functions at a new fake with realtime enabled (more settings as keywords); returns the fake."""

    def point(**env: str) -> FakeOpenAI:
        fake = fakes()
        configure(AI_PROVIDER="openai", OPENAI_API_KEY="sk-realtime-tests", OPENAI_BASE_URL=fake.base_url, ENABLE_REALTIME_API="true", **env)
        return fake

    return point


@pytest.fixture
def candidate(admin_conn) -> dict[str, str]:
    user = create_user(admin_conn, "candidate", name="Rae Realtime")
    return {"id": user, "token": access_token(user)}


def start(token: str, mode: str = "realtime", **body: Any) -> Reply:
    return invoke(
        start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python", "mode": mode, **body}, function_name="start-interview"
    )


def open_session(token: str, interview_id: str) -> Reply:
    return invoke(realtime_function.handler, "POST", f"/{interview_id}/session", token=token, function_name="realtime")


def end_session(token: str, interview_id: str) -> Reply:
    return invoke(realtime_function.handler, "DELETE", f"/{interview_id}/session", token=token, function_name="realtime")


def relay(token: str, interview_id: str, events: list[Any]) -> Reply:
    return invoke(
        realtime_function.handler,
        "POST",
        f"/{interview_id}/events",
        token=token,
        json_body={"events": events},
        function_name="realtime",
        timeout_s=60,
    )


def started_realtime(token: str) -> tuple[str, str]:
    """A realtime interview with a live session: (interview id, first question text)."""
    started = start(token)
    assert started.status == 201, started.body
    assert started.data["interview"]["mode"] == "realtime" and started.data["fallback"] is None
    interview_id = started.data["interview"]["id"]
    opened = open_session(token, interview_id)
    assert opened.status == 201, opened.body
    return interview_id, started.data["question"]["text"]


def outputs(reply: Reply) -> list[dict[str, Any]]:
    assert reply.status == 200, reply.body
    return [json.loads(item["output"]) for item in reply.data["tool_outputs"]]


def messages(admin_conn, interview_id: str) -> list[dict[str, Any]]:
    return admin_conn.execute(
        "select sequence_number, message_type, content_text, metadata, evaluation from public.interview_messages"
        " where interview_id = %s order by sequence_number",
        [interview_id],
    ).fetchall()


def snapshot(admin_conn, interview_id: str) -> dict[str, Any]:
    """Everything the relay may change for an interview."""
    interview = admin_conn.execute(
        "select status, end_reason, total_tokens_used, cost_usd, realtime_cost_usd, completed_at from public.interviews where id = %s", [interview_id]
    ).fetchone()
    session = admin_conn.execute(
        "select progression_state, questions_asked_count, current_difficulty_level, skill_boundaries_identified, conversation_memory"
        " from public.interview_sessions where interview_id = %s",
        [interview_id],
    ).fetchone()
    ledger = admin_conn.execute(
        "select kind, key, message_id, output from private.realtime_events where interview_id = %s order by id", [interview_id]
    ).fetchall()
    usage = admin_conn.execute("select * from private.realtime_usage where interview_id = %s", [interview_id]).fetchone()
    jobs = admin_conn.execute("select kind, dedupe_key from private.jobs order by id").fetchall()
    return {
        "interview": interview,
        "session": session,
        "messages": messages(admin_conn, interview_id),
        "ledger": ledger,
        "usage": usage,
        "jobs": jobs,
    }


def run_realtime_interview(token: str, interview_id: str, first_question: str, script: RealtimeScript) -> list[list[dict[str, Any]]]:
    """Speak a whole interview as OpenAI's events would arrive, one relayed batch per answer: the
    interviewer asks what the backend said (verbatim), the candidate answers, the model calls the
    tool with forged scores, each response reports usage. Returns the batches sent."""
    batches = []
    question = first_question
    for answer in ANSWERS:
        batch = [script.interviewer(question), script.response_done(), script.candidate(answer), script.tool_call()]
        reply = relay(token, interview_id, batch)
        batches.append(batch)
        (step,) = outputs(reply)
        if step["action"] == "end":
            break
        assert step["action"] == "ask", step
        question = step["question"]["text"]
    farewell = [script.interviewer("Thank you, that is the end of our interview."), script.response_done()]
    reply = relay(token, interview_id, farewell)
    assert reply.data["end"]["action"] == "end" and reply.data["interview_status"] == "completed"
    batches.append(farewell)
    return batches


def run_text_interview(token: str) -> str:
    started = start(token, mode="text")
    assert started.status == 201, started.body
    interview_id, question_id = started.data["interview"]["id"], started.data["question"]["id"]
    for answer in ANSWERS:
        turn = invoke(process_turn.handler, "POST", f"/{interview_id}", token=token, json_body={"text": answer, "question_id": question_id})
        assert turn.status == 200, turn.body
        if turn.data["done"]:
            break
        question_id = turn.data["question"]["id"]
    return interview_id


def drain_jobs():
    import shared.jobs  # noqa: F401 - registers the job handlers
    from shared.queue import drain

    return drain()


# -- the whole interview ------------------------------------------------------------------------


def test_a_scripted_realtime_interview_leaves_what_the_same_typed_interview_leaves_plus_its_realtime_cost(on_openai, admin_conn, candidate):
    budget = "100000"  # the fake bills 1,500 tokens a call: the default 10,000 would end both after four answers
    on_openai(INTERVIEW_TOKEN_BUDGET=budget)
    typed = run_text_interview(candidate["token"])
    on_openai(INTERVIEW_TOKEN_BUDGET=budget)  # a fresh fake: the same questions in the same order
    spoken, first_question = started_realtime(candidate["token"])
    run_realtime_interview(candidate["token"], spoken, first_question, RealtimeScript("w"))

    def rows(interview_id):
        return [
            (
                m["sequence_number"],
                m["message_type"],
                m["content_text"],
                m["metadata"].get("question_id"),
                m["metadata"].get("phase"),
                m["evaluation"],
            )
            for m in messages(admin_conn, interview_id)
        ]

    assert rows(spoken) == rows(typed)
    assert len(rows(spoken)) == 24 and [r[4] for r in rows(spoken)][::2] == ["warmup"] * 2 + ["standard"] * 5 + ["advanced"] * 5
    answers = [m for m in messages(admin_conn, spoken) if m["message_type"] == "candidate_response"]
    assert all(m["metadata"]["source"] == "realtime" and len(m["metadata"]["realtime_item_ids"]) == 1 for m in answers)
    assert all(m["evaluation"]["score"] == 70 for m in answers)  # the engine's evaluation, never the forged 100

    def state(interview_id):
        found = snapshot(admin_conn, interview_id)
        progression = found["session"]["progression_state"]["progression"]
        return (
            found["interview"]["status"],
            found["interview"]["end_reason"],
            found["interview"]["total_tokens_used"],
            progression,
            found["session"]["skill_boundaries_identified"],
        )

    assert state(spoken) == state(typed)
    assert state(spoken)[0] == "completed"

    after = snapshot(admin_conn, spoken)
    assert after["interview"]["realtime_cost_usd"] == pytest.approx(Decimal(str(round(13 * usage_cost(), 6))), abs=Decimal("0.000002"))
    assert after["usage"]["responses"] == 13 and after["usage"]["output_audio_tokens"] == 13 * 250
    assert snapshot(admin_conn, typed)["interview"]["realtime_cost_usd"] == 0

    score_jobs = [job["dedupe_key"] for job in after["jobs"] if job["kind"] == "interview.score"]
    assert sorted(score_jobs) == sorted([f"interview.score:{typed}", f"interview.score:{spoken}"])
    drain_jobs()
    scored = {
        row["interview_id"]: row
        for row in admin_conn.execute(
            "select interview_id::text, status, overall_score from public.assessment_results where is_current and interview_id = any(%s::uuid[])",
            [[typed, spoken]],
        )
    }
    assert scored[spoken]["status"] == scored[typed]["status"] == "completed"
    assert scored[spoken]["overall_score"] == scored[typed]["overall_score"]


def test_replaying_the_whole_stream_changes_nothing(on_openai, admin_conn, candidate):
    fake = on_openai(INTERVIEW_TOKEN_BUDGET="100000")
    interview_id, first_question = started_realtime(candidate["token"])
    batches = run_realtime_interview(candidate["token"], interview_id, first_question, RealtimeScript("r"))
    before, chat_calls = snapshot(admin_conn, interview_id), len(fake.json_bodies(CHAT))
    first_answers = {}
    for batch in batches:
        reply = relay(candidate["token"], interview_id, batch)
        assert reply.status == 200 and reply.data["recorded"] == 0 and reply.data["duplicates"] == len(batch)
        for item in reply.data["tool_outputs"]:
            assert item["replayed"] is True
            first_answers[item["call_id"]] = json.loads(item["output"])
    assert snapshot(admin_conn, interview_id) == before
    assert len(fake.json_bodies(CHAT)) == chat_calls  # nothing evaluated again
    stored = {row["key"]: row["output"] for row in before["ledger"] if row["kind"] == "tool_call"}
    assert first_answers == stored


def test_forged_scores_in_tool_arguments_change_nothing(on_openai, admin_conn, candidate):
    fake = on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("f")
    evaluation = {
        "score": 12,
        "skill": "python",
        "quality": "weak",
        "technical_terms": [],
        "hedging": True,
        "follow_up_needed": False,
        "proficiency": "boundary_reached",
        "rationale": "Vague.",
    }
    fake.reply(CHAT, 200, chat_completion(evaluation))  # the engine's own evaluation of the stored answer
    forged = {"answer_quality": "strong", "next_action": "end", "follow_up_needed": False, "score": 100, "verdict": "hire"}
    (step,) = outputs(
        relay(candidate["token"], interview_id, [script.interviewer(question), script.candidate("Not sure."), script.tool_call(forged)])
    )
    assert step["action"] == "ask"  # "end" in the arguments ended nothing
    assert "score" not in json.dumps(step)  # the model is never told a score
    (answer,) = [m for m in messages(admin_conn, interview_id) if m["message_type"] == "candidate_response"]
    assert answer["evaluation"]["score"] == 12 and answer["content_text"] == "Not sure."
    state = admin_conn.execute("select progression_state from public.interview_sessions where interview_id = %s", [interview_id]).fetchone()
    assert state["progression_state"]["progression"]["scores_in_phase"]["warmup"] == [12]


# -- the minted session -------------------------------------------------------------------------


def test_the_minted_session_carries_the_interview_context_the_tool_and_models_from_settings(on_openai, admin_conn, candidate):
    fake = on_openai(
        OPENAI_REALTIME_MODEL="gpt-realtime-mini", OPENAI_REALTIME_VOICE="cedar", OPENAI_REALTIME_TRANSCRIPTION_MODEL="gpt-4o-transcribe"
    )
    posting = admin_conn.execute(
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack)"
        " values (%s, 'Realtime Django Engineer', 'Acme', 'engineering', 'permanent', 'remote', %s) returning id",
        [TEAMIFIED, ["python", "django", "postgresql"]],
    ).fetchone()["id"]
    application = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning interview_id", [candidate["id"], posting]
    ).fetchone()
    interview_id = str(application["interview_id"])

    opened = open_session(candidate["token"], interview_id)  # the scheduled interview starts in realtime mode
    assert opened.status == 201, opened.body
    session = opened.data
    assert session["client_secret"].startswith("ek_fake_") and session["model"] == "gpt-realtime-mini"
    assert session["call_url"] == f"{fake.base_url}/realtime/calls" and session["lease_seconds"] == 120
    (minted,) = fake.json_bodies(CLIENT_SECRETS)
    assert fake.requests[-1]["headers"]["authorization"] == "Bearer sk-realtime-tests"
    assert minted["expires_after"] == {"anchor": "created_at", "seconds": 600}
    config = minted["session"]
    assert config["type"] == "realtime" and config["model"] == "gpt-realtime-mini" and config["output_modalities"] == ["audio"]
    assert config["audio"]["output"] == {"voice": "cedar"}
    assert config["audio"]["input"]["transcription"] == {"model": "gpt-4o-transcribe", "language": "en"}
    assert (
        config["audio"]["input"]["turn_detection"]["type"] == "server_vad"
        and config["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 700
    )
    assert config["max_output_tokens"] == 1024 and config["tool_choice"] == "auto"
    (tool,) = config["tools"]
    assert tool["type"] == "function" and tool["name"] == "evaluate_candidate_answer"
    assert set(tool["parameters"]["properties"]) == {"answer_quality", "next_action", "follow_up_needed", "score"}
    first = admin_conn.execute(
        "select content_text from public.interview_messages where interview_id = %s and sequence_number = 1", [interview_id]
    ).fetchone()["content_text"]
    instructions = config["instructions"]
    for expected in ("evaluate_candidate_answer", "Role: python developer", "Realtime Django Engineer", "django, postgresql", "warmup phase", first):
        assert expected in instructions, expected
    interview = admin_conn.execute("select status, mode from public.interviews where id = %s", [interview_id]).fetchone()
    assert interview == {"status": "in_progress", "mode": "realtime"}


def test_a_reconnect_names_the_questions_already_asked_and_the_current_one(on_openai, admin_conn, candidate):
    fake = on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("c")
    (step,) = outputs(relay(candidate["token"], interview_id, [script.interviewer(question), script.candidate(ANSWERS[0]), script.tool_call()]))
    assert end_session(candidate["token"], interview_id).data == {"ended": True}
    assert open_session(candidate["token"], interview_id).status == 201
    instructions = fake.json_bodies(CLIENT_SECRETS)[-1]["session"]["instructions"]
    assert f"1. {question}" in instructions and f"Current question, to ask now: {step['question']['text']}" in instructions


def test_the_secret_lives_no_longer_than_the_time_left_of_the_cap(on_openai, admin_conn, candidate):
    fake = on_openai()
    interview_id = start(candidate["token"]).data["interview"]["id"]
    admin_conn.execute("update public.interviews set started_at = now() - interval '25 minutes' where id = %s", [interview_id])
    opened = open_session(candidate["token"], interview_id)
    assert opened.status == 201, opened.body
    seconds = fake.json_bodies(CLIENT_SECRETS)[0]["expires_after"]["seconds"]
    assert 295 <= seconds <= 300


def test_a_second_session_while_one_is_live_is_a_conflict_until_it_ends_or_expires(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, _ = started_realtime(candidate["token"])
    second = open_session(candidate["token"], interview_id)
    assert (second.status, second.error["code"]) == (409, "REALTIME_SESSION_ACTIVE")
    assert end_session(candidate["token"], interview_id).data == {"ended": True}
    assert end_session(candidate["token"], interview_id).data == {"ended": False}
    assert open_session(candidate["token"], interview_id).status == 201
    live = admin_conn.execute("select count(*) as n from private.realtime_sessions where interview_id = %s and ended_at is null", [interview_id])
    assert live.fetchone()["n"] == 1


def test_expire_interviews_ends_sessions_whose_lease_ran_out_without_events(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, _ = started_realtime(candidate["token"])
    from functions import expire_interviews
    from local.gateway import LambdaContext

    assert expire_interviews.handler({}, LambdaContext("expire-interviews")) == {"abandoned": 0, "realtime_sessions_ended": 0}
    admin_conn.execute(
        "update private.realtime_sessions set expires_at = now() - interval '1 second' where interview_id = %s and ended_at is null", [interview_id]
    )
    assert expire_interviews.handler({}, LambdaContext("expire-interviews")) == {"abandoned": 0, "realtime_sessions_ended": 1}
    ended = admin_conn.execute("select end_reason from private.realtime_sessions where interview_id = %s", [interview_id]).fetchone()
    assert ended["end_reason"] == "expired"
    gone = relay(candidate["token"], interview_id, [])
    assert (gone.status, gone.error["code"]) == (409, "REALTIME_SESSION_NOT_ACTIVE")
    assert open_session(candidate["token"], interview_id).status == 201


def test_relayed_events_keep_the_lease_and_the_interview_alive(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, _ = started_realtime(candidate["token"])
    admin_conn.execute("update private.realtime_sessions set expires_at = now() + interval '5 seconds' where interview_id = %s", [interview_id])
    assert relay(candidate["token"], interview_id, []).status == 200  # a heartbeat
    lease = admin_conn.execute(
        "select expires_at > now() + interval '100 seconds' as renewed, last_event_at is not null as seen from private.realtime_sessions"
        " where interview_id = %s",
        [interview_id],
    ).fetchone()
    assert lease == {"renewed": True, "seen": True}
    # idle for an hour by the clock of the sweep, but the live lease holds the interview
    admin_conn.execute("update public.interviews set last_activity_at = now() - interval '1 hour' where id = %s", [interview_id])
    from shared.services import interviews

    assert interviews.expire() == 0


# -- fallbacks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"AI_PROVIDER": "openai", "OPENAI_API_KEY": "sk-x", "ENABLE_REALTIME_API": "false"}, "disabled"),  # the feature flag is off
        ({"AI_PROVIDER": "offline", "ENABLE_REALTIME_API": "true"}, "offline_provider"),  # no realtime API offline
    ],
)
def test_realtime_off_or_offline_answers_503_with_the_voice_fallback_and_start_falls_back(configure, fakes, admin_conn, candidate, settings, reason):
    configure(**settings, OPENAI_BASE_URL=fakes().base_url)
    started = start(candidate["token"])
    assert started.status == 201, started.body
    assert started.data["interview"]["mode"] == "voice"
    assert started.data["fallback"] == {"requested_mode": "realtime", "mode": "voice", "reason": reason}
    refused = open_session(candidate["token"], started.data["interview"]["id"])
    assert (refused.status, refused.error["code"]) == (503, "REALTIME_UNAVAILABLE")
    assert refused.error["details"] == {"fallback_mode": "voice", "reason": reason}
    assert admin_conn.execute("select count(*) as n from private.realtime_sessions").fetchone()["n"] == 0


def test_an_open_circuit_breaker_answers_503_with_the_fallback(on_openai, admin_conn, candidate):
    on_openai()
    interview_id = start(candidate["token"]).data["interview"]["id"]
    breaker = get_provider().breaker  # type: ignore[attr-defined]
    for _ in range(get_settings().breaker_failure_threshold):
        breaker.record_failure()
    refused = open_session(candidate["token"], interview_id)
    assert (refused.status, refused.error["details"]) == (503, {"fallback_mode": "voice", "reason": "circuit_open"})


def test_an_openai_outage_while_minting_answers_503_and_frees_the_lease(on_openai, admin_conn, candidate):
    fake = on_openai(OPENAI_MAX_ATTEMPTS="1")
    interview_id = start(candidate["token"]).data["interview"]["id"]
    fake.fail(503, path=CLIENT_SECRETS)
    refused = open_session(candidate["token"], interview_id)
    assert (refused.status, refused.error["details"]) == (503, {"fallback_mode": "voice", "reason": "upstream_unavailable"})
    assert open_session(candidate["token"], interview_id).status == 201  # the failed mint's lease was ended


def test_a_realtime_interview_answered_turn_by_turn_hears_its_questions(on_openai, admin_conn, candidate, monkeypatch):
    on_openai()
    interview_id = start(candidate["token"]).data["interview"]["id"]
    spoken = []
    monkeypatch.setattr("shared.services.interview_audio.speak_question", lambda *args: spoken.append(args) or None)
    question_id = admin_conn.execute("select id from public.interview_messages where interview_id = %s", [interview_id]).fetchone()["id"]
    turn = invoke(
        process_turn.handler, "POST", f"/{interview_id}", token=candidate["token"], json_body={"text": ANSWERS[0], "question_id": str(question_id)}
    )
    assert turn.status == 200 and len(spoken) == 1


# -- caps and budget ----------------------------------------------------------------------------


def test_past_the_30_minute_cap_a_batch_completes_the_interview_and_says_end(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    admin_conn.execute("update public.interviews set started_at = now() - interval '31 minutes' where id = %s", [interview_id])
    reply = relay(candidate["token"], interview_id, [RealtimeScript("cap").interviewer(question)])
    assert reply.status == 200
    assert reply.data["end"]["action"] == "end" and reply.data["end"]["reason"] == "time_limit" and reply.data["interview_status"] == "completed"
    row = admin_conn.execute("select status, end_reason from public.interviews where id = %s", [interview_id]).fetchone()
    assert row == {"status": "completed", "end_reason": "time_limit"}
    assert (
        admin_conn.execute("select count(*) as n from private.jobs where dedupe_key = %s", [f"interview.score:{interview_id}"]).fetchone()["n"] == 1
    )
    again = open_session(candidate["token"], interview_id)
    assert (again.status, again.error["code"]) == (409, "INTERVIEW_NOT_ACTIVE")


def test_an_answer_given_past_the_cap_is_still_judged_and_ends_the_plan(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    admin_conn.execute("update public.interviews set started_at = now() - interval '30 minutes 5 seconds' where id = %s", [interview_id])
    script = RealtimeScript("late")
    (step,) = outputs(relay(candidate["token"], interview_id, [script.interviewer(question), script.candidate(ANSWERS[0]), script.tool_call()]))
    assert step["action"] == "end" and step["reason"] == "time_limit"
    found = messages(admin_conn, interview_id)
    assert [m["message_type"] for m in found] == ["ai_question", "candidate_response"] and found[1]["evaluation"]["score"] == 70


def test_a_session_is_refused_with_less_than_ten_seconds_left_and_the_interview_completed(on_openai, admin_conn, candidate):
    on_openai()
    interview_id = start(candidate["token"]).data["interview"]["id"]
    admin_conn.execute("update public.interviews set started_at = now() - interval '29 minutes 55 seconds' where id = %s", [interview_id])
    refused = open_session(candidate["token"], interview_id)
    assert (refused.status, refused.error["code"]) == (409, "INTERVIEW_NOT_ACTIVE")
    row = admin_conn.execute("select status, end_reason from public.interviews where id = %s", [interview_id]).fetchone()
    assert row == {"status": "completed", "end_reason": "time_limit"}


def test_usage_past_the_warning_logs_once_and_past_the_budget_ends_the_interview(on_openai, admin_conn, candidate, monkeypatch):
    on_openai(REALTIME_COST_WARNING_USD="0.01", REALTIME_BUDGET_USD="0.03")
    warnings = []
    monkeypatch.setattr(realtime_relay.logger, "warning", lambda message, **kwargs: warnings.append((message, kwargs.get("extra"))))
    interview_id, _ = started_realtime(candidate["token"])
    script = RealtimeScript("b")
    expensive = {"audio_in": 100, "audio_out": 100, "text_in": 0, "cached": 0, "text_out": 0}  # $0.0096 each
    for expected_status in ("in_progress", "in_progress", "in_progress", "completed"):
        reply = relay(candidate["token"], interview_id, [script.response_done(**expensive)])
        assert reply.data["interview_status"] == expected_status
    assert [message for message, _ in warnings] == ["realtime cost passed the warning threshold"]
    assert warnings[0][1]["interview_id"] == interview_id and "transcript" not in json.dumps(warnings[0][1])
    assert reply.data["end"]["reason"] == "realtime_budget_reached"
    assert reply.data["realtime_cost_usd"] == pytest.approx(4 * 0.0096)
    usage = admin_conn.execute(
        "select responses, input_audio_tokens, output_audio_tokens, warned_at is not null as warned from private.realtime_usage"
    )
    assert usage.fetchone() == {"responses": 4, "input_audio_tokens": 400, "output_audio_tokens": 400, "warned": True}


# -- bad input ----------------------------------------------------------------------------------


def test_a_tool_call_before_any_answer_asks_to_listen_and_changes_nothing(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    before = messages(admin_conn, interview_id)
    (step,) = outputs(relay(candidate["token"], interview_id, [RealtimeScript("l").tool_call()]))
    assert step["action"] == "listen"
    assert [m["sequence_number"] for m in messages(admin_conn, interview_id)] == [m["sequence_number"] for m in before]


def test_an_answers_transcript_relayed_just_after_its_tool_call_is_part_of_the_answer(on_openai, admin_conn, candidate):
    """Transcription runs beside the response: the transcript often arrives after the call."""
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("o")
    batch = [
        script.interviewer(question),
        script.candidate("First part,"),
        script.tool_call(),
        script.response_done(),
        script.candidate("and the rest."),
    ]
    (step,) = outputs(relay(candidate["token"], interview_id, batch))
    assert step["action"] == "ask"
    answer = next(m for m in messages(admin_conn, interview_id) if m["message_type"] == "candidate_response")
    assert answer["content_text"] == "First part, and the rest."


def test_duplicated_item_ids_in_a_batch_are_counted_once(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("d")
    said = script.candidate(ANSWERS[0])
    reply = relay(candidate["token"], interview_id, [said, {**said, "transcript": "A different text under the same item id."}, script.tool_call()])
    assert reply.data["recorded"] == 2 and reply.data["duplicates"] == 1
    answer = next(m for m in messages(admin_conn, interview_id) if m["message_type"] == "candidate_response")
    assert answer["content_text"] == ANSWERS[0]


def test_events_of_another_interview_are_ignored_and_counted(on_openai, admin_conn, candidate):
    on_openai()
    first, question = started_realtime(candidate["token"])
    script = RealtimeScript("x")
    batch = [script.interviewer(question), script.response_done(), script.candidate(ANSWERS[0]), script.tool_call()]
    assert relay(candidate["token"], first, batch).status == 200
    admin_conn.execute("update public.interviews set status = 'completed' where id = %s", [first])
    other = create_user(admin_conn, "candidate")
    second, _ = started_realtime(access_token(other))
    before = snapshot(admin_conn, second)
    reply = relay(access_token(other), second, batch)
    assert (reply.data["foreign"], reply.data["recorded"], reply.data["tool_outputs"]) == (4, 0, [])
    assert snapshot(admin_conn, second) == before
    stolen = relay(access_token(other), first, [])
    assert (stolen.status, stolen.error["code"]) == (404, "NOT_FOUND")  # RLS: another candidate's interview does not exist for them


def test_malformed_events_are_listed_with_their_field_and_change_nothing(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("m")
    negative = script.response_done()
    negative["response"]["usage"]["input_tokens"] = -5
    no_item = script.candidate("text")
    del no_item["item_id"]
    nul = script.candidate("a\x00b")
    reply = relay(
        candidate["token"],
        interview_id,
        [negative, no_item, nul, {"type": "session.updated", "session": {}}, {"no_type": True}, {"type": 5}, script.interviewer(question)],
    )
    assert reply.status == 200, reply.body
    problems = [(p["index"], p["field"]) for p in reply.data["problems"]]
    assert problems == [(0, "response.usage.input_tokens"), (1, "item_id"), (2, "transcript")]
    assert (reply.data["ignored"], reply.data["recorded"]) == (3, 1)
    assert reply.data["realtime_cost_usd"] == 0
    assert admin_conn.execute("select count(*) as n from private.realtime_usage").fetchone()["n"] == 0


def test_malformed_tool_arguments_are_listed_but_the_answer_is_still_judged(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("j")
    reply = relay(
        candidate["token"], interview_id, [script.candidate(ANSWERS[0]), script.tool_call("{not json"), script.tool_call(name="delete_all")]
    )
    assert [(p["index"], p["field"]) for p in reply.data["problems"]] == [(1, "arguments"), (2, "name")]
    steps = outputs(reply)
    assert [s["action"] for s in steps] == ["ask", "error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": [{"type": "response.done"}] * 1001}, ["events"]),  # more than 1,000 events
        ({"events": "not a list"}, ["events"]),
        ({"events": [1, 2]}, ["events", 0]),  # an event that is not an object
        ({}, ["events"]),
        ({"events": [], "interview_id": "x"}, ["interview_id"]),  # unknown fields
    ],
)
def test_malformed_batches_are_422_naming_the_field(on_openai, admin_conn, candidate, body, field):
    on_openai()
    interview_id, _ = started_realtime(candidate["token"])
    reply = invoke(realtime_function.handler, "POST", f"/{interview_id}/events", token=candidate["token"], json_body=body, function_name="realtime")
    assert (reply.status, reply.error["code"]) == (422, "VALIDATION_ERROR")
    assert reply.error["details"][0]["loc"] == field


def test_a_five_megabyte_batch_is_ignored_and_counted_not_a_server_error(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, _ = started_realtime(candidate["token"])
    padding = "x" * 5_000
    reply = relay(candidate["token"], interview_id, [{"type": "response.output_audio.delta", "delta": padding}] * 1000)
    assert reply.status == 200 and reply.data["ignored"] == 1000


def test_sessions_and_events_need_the_candidates_own_interview_in_realtime_mode(on_openai, admin_conn, candidate):
    on_openai()
    typed = start(candidate["token"], mode="text").data["interview"]["id"]
    refused = open_session(candidate["token"], typed)
    assert (refused.status, refused.error["code"], refused.error["details"]) == (409, "CONFLICT", {"mode": "text"})
    interview_id, _ = started_realtime(candidate["token"])
    admin_conn.execute("update public.interviews set status = 'completed' where id = %s", [interview_id])
    completed = open_session(candidate["token"], interview_id)
    assert (completed.status, completed.error["code"]) == (409, "INTERVIEW_NOT_ACTIVE")
    stranger = access_token(create_user(admin_conn, "candidate"))
    assert open_session(stranger, interview_id).status == 404
    assert end_session(stranger, interview_id).status == 404
    recruiter = access_token(create_user(admin_conn, "recruiter", TEAMIFIED), "recruiter")
    assert open_session(recruiter, interview_id).status == 403
    no_session = start(candidate["token"]).data["interview"]["id"]
    refused = relay(candidate["token"], no_session, [])
    assert (refused.status, refused.error["code"]) == (409, "REALTIME_SESSION_NOT_ACTIVE")
    missing = relay(candidate["token"], "00000000-0000-0000-0000-000000000000", [])
    assert missing.status == 404


def test_late_events_after_the_end_are_kept_but_change_no_message(on_openai, admin_conn, candidate):
    on_openai()
    interview_id, question = started_realtime(candidate["token"])
    script = RealtimeScript("e")
    relay(candidate["token"], interview_id, [script.interviewer(question), script.candidate(ANSWERS[0])])
    admin_conn.execute("update public.interviews set status = 'completed', end_reason = 'candidate_completed' where id = %s", [interview_id])
    before = messages(admin_conn, interview_id)
    reply = relay(
        candidate["token"], interview_id, [script.interviewer("Goodbye."), script.candidate("Bye!"), script.tool_call(), script.response_done()]
    )
    assert reply.status == 200 and reply.data["end"]["reason"] == "candidate_completed"
    assert [json.loads(o["output"])["action"] for o in reply.data["tool_outputs"]] == ["end"]
    assert messages(admin_conn, interview_id) == before
    assert reply.data["realtime_cost_usd"] > 0  # the response was billed all the same


def test_the_call_url_defaults_to_openais_and_can_be_set(configure):
    configure(OPENAI_BASE_URL="")
    settings = get_settings().model_copy(update={"openai_base_url": None})
    assert realtime_service.call_url(settings) == "https://api.openai.com/v1/realtime/calls"
    settings = settings.model_copy(update={"openai_realtime_call_url": "https://calls.example/v1/realtime/calls"})
    assert realtime_service.call_url(settings) == "https://calls.example/v1/realtime/calls"
