"""Workflows 1 and 4 over HTTP: start, text and voice turns, recovery, completion, expiry."""

from __future__ import annotations

import base64
import concurrent.futures
import uuid
from datetime import timedelta

import httpx
import pytest

from local import postgres
from shared.ai.offline import speech
from shared.models.interviews import TurnRequest, TurnResult
from shared.services import interviews as interview_service
from tests.interview_answers import WEAK_ANSWER, bank_question, strong_answer


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Ivy Interviewee")


def start(api, user, **body):
    return api("POST", "/start-interview/", token=user["token"], json={"role_type": "python", **body})


def turn(api, user, interview_id, **body):
    return api("POST", f"/process-turn/{interview_id}", token=user["token"], json=body)


def rows(stack_db, sql, params=()):
    with postgres.connect(stack_db) as conn:
        return conn.execute(sql, params).fetchall()


def test_a_strong_text_interview_runs_all_phases_in_order_and_completion_queues_scoring(api, candidate, stack_db):
    started = start(api, candidate)
    assert started.status_code == 201, started.text
    data = started.json()["data"]
    interview_id = data["interview"]["id"]
    assert data["interview"]["status"] == "in_progress" and data["interview"]["mode"] == "text"
    assert data["question"]["sequence_number"] == 1 and data["question"]["audio_url"] is None
    assert data["progress"] == {"phase": "warmup", "questions_asked": 1, "min_questions": 12, "max_questions": 20, "difficulty": 1}

    question, previous, phases, done = data["question"], None, ["warmup"], False
    for _ in range(25):
        previous = bank_question(question["text"], previous)
        reply = turn(api, candidate, interview_id, text=strong_answer(previous), client_turn_id=str(uuid.uuid4()))
        assert reply.status_code == 200, reply.text
        body = reply.json()["data"]
        if body["done"]:
            done = True
            break
        question = body["question"]
        assert question["sequence_number"] == body["answer"]["sequence_number"] + 1
        phases.append(body["progress"]["phase"])
    assert done
    asked = len(phases)
    assert 12 <= asked <= 20
    order = ["warmup", "standard", "advanced"]
    assert [order.index(p) for p in phases] == sorted(order.index(p) for p in phases)
    assert 2 <= phases.count("warmup") <= 3 and 5 <= phases.count("standard") <= 8 and 3 <= phases.count("advanced") <= 5

    status = api("GET", f"/interview/{interview_id}/status", token=candidate["token"]).json()["data"]
    assert status["status"] == "completed" and status["can_resume"] is False and status["last_question"] is None
    assert status["results"] == f"/assessments/{interview_id}"
    [(state, tokens, duration)] = rows(
        stack_db, "select status, total_tokens_used, duration_seconds from public.interviews where id = %s", [interview_id]
    )
    assert state == "completed" and tokens > 0 and duration is not None
    assert rows(stack_db, "select kind, status from private.jobs where dedupe_key = %s", [f"interview.score:{interview_id}"]) == [
        ("interview.score", "queued")
    ]
    answers = rows(
        stack_db,
        "select response_time_seconds, evaluation->>'score' from public.interview_messages"
        " where interview_id = %s and message_type = 'candidate_response'",
        [interview_id],
    )
    assert len(answers) == asked and all(r[0] is not None and r[0] >= 0 for r in answers)
    assert all(int(r[1]) >= 70 for r in answers)

    late = turn(api, candidate, interview_id, text="one more thing")
    assert late.status_code == 409 and late.json()["error"]["code"] == "INTERVIEW_NOT_ACTIVE"

    transcript = api("GET", f"/interview/{interview_id}/transcript", token=candidate["token"]).json()["data"]
    assert len(transcript["entries"]) == 2 * asked and transcript["text"].startswith("Interviewer: ")
    page = api("GET", f"/interview/{interview_id}/messages?limit=5", token=candidate["token"]).json()["data"]
    assert [m["sequence_number"] for m in page["items"]] == list(range(2 * asked - 4, 2 * asked + 1))
    older = api("GET", f"/interview/{interview_id}/messages?limit=5&before={page['next_before']}", token=candidate["token"]).json()["data"]
    assert [m["sequence_number"] for m in older["items"]] == list(range(2 * asked - 9, 2 * asked - 4))
    latest = api("GET", f"/interview/{interview_id}/messages/latest", token=candidate["token"]).json()["data"]["message"]
    assert latest["sequence_number"] == 2 * asked


def test_weak_answers_stay_out_of_the_advanced_phase_and_end_at_the_limit(api, candidate):
    data = start(api, candidate, role_type="react").json()["data"]
    phases = ["warmup"]
    for _ in range(25):
        body = turn(api, candidate, data["interview"]["id"], text=WEAK_ANSWER, client_turn_id=str(uuid.uuid4())).json()["data"]
        if body["done"]:
            break
        phases.append(body["progress"]["phase"])
    assert "advanced" in phases  # the plan still probes the top phase to find the boundary ...
    assert phases.count("warmup") == 3 and phases.count("standard") == 8  # ... but only after the longest warmup and standard


def test_recovery_mid_interview_returns_the_outstanding_question_and_replays_a_repeated_turn(api, candidate):
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    first = turn(api, candidate, interview_id, text=strong_answer(bank_question(data["question"]["text"])), client_turn_id="turn-1")
    again = turn(api, candidate, interview_id, text="a different answer entirely", client_turn_id="turn-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["data"]["answer"] == first.json()["data"]["answer"]
    assert again.json()["data"]["question"]["id"] == first.json()["data"]["question"]["id"]

    status = api("GET", f"/interview/{interview_id}/status", token=candidate["token"]).json()["data"]
    assert status["status"] == "in_progress" and status["can_resume"] is True
    assert status["last_question"]["id"] == first.json()["data"]["question"]["id"]
    assert status["progress"]["questions_asked"] == 2


def test_two_simultaneous_turns_never_both_apply(api, candidate, stack_db):
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    answer = strong_answer(bank_question(data["question"]["text"]))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda n: turn(api, candidate, interview_id, text=f"{answer} ({n})", question_id=data["question"]["id"]), range(4)))
    statuses = sorted(r.status_code for r in replies)
    assert statuses.count(200) >= 1 and set(statuses) <= {200, 409}
    answered = rows(
        stack_db, "select count(*) from public.interview_messages where interview_id = %s and message_type = 'candidate_response'", [interview_id]
    )
    assert answered == [(1,)]
    assert statuses.count(200) == 1


def test_turns_that_race_past_the_first_check_are_settled_by_the_session_lock(api, candidate, in_stack, stack_db, monkeypatch):
    """All three requests load the same state before any writes (a barrier inside evaluation)."""
    import threading

    from shared.ai.offline.provider import OfflineProvider
    from shared.auth import caller_from_token
    from shared.errors import Conflict
    from shared.services import turns

    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    barrier = threading.Barrier(3, timeout=20)
    evaluate = OfflineProvider.evaluate_answer

    def evaluate_together(self, context, question, answer):
        barrier.wait()
        return evaluate(self, context, question, answer)

    monkeypatch.setattr(OfflineProvider, "evaluate_answer", evaluate_together)
    caller = caller_from_token(candidate["token"])

    def answer(n):
        try:
            return turns.process_turn(caller, interview_id, TurnRequest(text=f"answer number {n} about lists"))
        except Conflict as exc:
            return exc

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(answer, range(3)))
    assert sum(isinstance(o, TurnResult) for o in outcomes) == 1 and sum(isinstance(o, Conflict) for o in outcomes) == 2
    assert rows(stack_db, "select count(*) from public.interview_messages where interview_id = %s", [interview_id]) == [(3,)]


def test_abandonment_after_thirty_minutes_of_inactivity(api, candidate, in_stack, stack_db):
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    [(last_activity,)] = rows(stack_db, "select last_activity_at from public.interviews where id = %s", [interview_id])
    interview_service.expire(now=last_activity + timedelta(minutes=29))
    assert api("GET", f"/interview/{interview_id}/status", token=candidate["token"]).json()["data"]["status"] == "in_progress"
    interview_service.expire(now=last_activity + timedelta(minutes=31))
    status = api("GET", f"/interview/{interview_id}/status", token=candidate["token"]).json()["data"]
    assert status["status"] == "abandoned" and status["can_restart"] is True and status["can_resume"] is False
    reply = turn(api, candidate, interview_id, text="sorry, I was away")
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "INTERVIEW_NOT_ACTIVE"


def test_voice_interview_audio_in_transcript_and_metadata_stored_question_audio_downloads(api, candidate, stack_db, stack_env, supabase_url):
    started = start(api, candidate, mode="voice")
    assert started.status_code == 201, started.text
    data = started.json()["data"]
    interview_id = data["interview"]["id"]
    first_audio = httpx.get(data["question"]["audio_url"])
    assert first_audio.status_code == 200 and first_audio.content.startswith(b"RIFF")

    spoken = speech.synthesize("A list is mutable and a tuple is immutable, so a tuple can be a dictionary key.").audio
    reply = turn(api, candidate, interview_id, audio_base64=base64.b64encode(spoken).decode(), audio_format="wav")
    assert reply.status_code == 200, reply.text
    body = reply.json()["data"]
    assert body["answer"]["text"]
    assert httpx.get(body["question"]["audio_url"]).content.startswith(b"RIFF")
    [(text, duration, metadata)] = rows(
        stack_db,
        "select content_text, audio_duration_seconds, audio_metadata from public.interview_messages"
        " where interview_id = %s and message_type = 'candidate_response'",
        [interview_id],
    )
    assert text == body["answer"]["text"] and float(duration) > 1
    assert metadata["format"] == "wav" and 0 <= metadata["confidence"] <= 1 and metadata["size_bytes"] == len(spoken)
    assert metadata["segments"] and {"start", "end", "text", "confidence"} <= set(metadata["segments"][0])

    # An answer already uploaded to the audio bucket by the candidate (Storage RLS: own folder only).
    from supabase import ClientOptions, create_client

    client = create_client(supabase_url, stack_env["SUPABASE_ANON_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False))
    client.auth.sign_in_with_password({"email": candidate["email"], "password": "Str0ng!Pass"})
    path = f"{candidate['id']}/{interview_id}/answer-4.wav"
    client.storage.from_("audio").upload(path, spoken, {"content-type": "audio/wav"})
    second = turn(api, candidate, interview_id, audio_path=path, client_turn_id="voice-answer-2")
    assert second.status_code == 200, second.text
    [(stored_path,)] = rows(
        stack_db, "select content_audio_url from public.interview_messages where interview_id = %s and sequence_number = 4", [interview_id]
    )
    assert stored_path == path


def test_bad_audio_is_422_and_stores_nothing(api, candidate, stack_db):
    interview_id = start(api, candidate, mode="voice").json()["data"]["interview"]["id"]
    cases = [
        {"audio_base64": base64.b64encode(b"not audio at all").decode(), "audio_format": "wav"},
        {"audio_base64": "%%%not-base64%%%", "audio_format": "wav"},
        {"audio_base64": base64.b64encode(b"\x1aE\xdf\xa3webm").decode(), "audio_format": "webm"},
        {"audio_base64": base64.b64encode(b"x").decode(), "audio_format": "flac"},
        {"audio_path": f"{uuid.uuid4()}/elsewhere.wav"},
    ]
    for body in cases:
        reply = turn(api, candidate, interview_id, **body)
        assert reply.status_code == 422, (body, reply.text)
        assert reply.json()["error"]["code"] in {"AUDIO_INVALID", "TRANSCRIPTION_FAILED", "VALIDATION_ERROR"}
    low_rate = _wav(b"\x10\x20" * 8000, rate=8000)
    short = _wav(b"\x10\x20" * 800)
    for clip in (low_rate, short):
        reply = turn(api, candidate, interview_id, audio_base64=base64.b64encode(clip).decode(), audio_format="wav")
        assert reply.status_code == 422 and reply.json()["error"]["code"] == "AUDIO_INVALID", reply.text
    silence = _wav(b"\x00\x00" * 16000)
    reply = turn(api, candidate, interview_id, audio_base64=base64.b64encode(silence).decode(), audio_format="wav")
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "TRANSCRIPTION_FAILED"
    assert rows(stack_db, "select count(*) from public.interview_messages where interview_id = %s", [interview_id]) == [(1,)]
    assert turn(api, candidate, interview_id, text="x", audio_path="a/b.wav").status_code == 422


def _wav(pcm: bytes, rate: int = 16000) -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return out.getvalue()


def test_another_candidate_gets_404_everywhere_and_staff_cannot_answer(api, candidate, make_user):
    interview_id = start(api, candidate).json()["data"]["interview"]["id"]
    intruder = make_user("candidate")
    for method, path in [
        ("GET", f"/interview/{interview_id}/status"),
        ("GET", f"/interview/{interview_id}/messages"),
        ("GET", f"/interview/{interview_id}/messages/latest"),
        ("GET", f"/interview/{interview_id}/transcript"),
        ("POST", f"/interview/{interview_id}/complete"),
    ]:
        assert api(method, path, token=intruder["token"]).status_code == 404, path
    assert turn(api, intruder, interview_id, text="let me answer for them").status_code == 404
    recruiter = make_user("recruiter")
    assert api("GET", f"/interview/{interview_id}/transcript", token=recruiter["token"]).status_code == 200
    assert turn(api, recruiter, interview_id, text="staff answer").status_code == 403


def test_complete_ends_the_interview_and_the_eleventh_start_in_an_hour_is_429(api, make_user, stack_db):
    candidate = make_user("candidate")
    first = start(api, candidate).json()["data"]["interview"]["id"]
    done = api("POST", f"/interview/{first}/complete", token=candidate["token"])
    assert done.status_code == 200 and done.json()["data"]["status"] == "completed"
    assert rows(stack_db, "select status, end_reason from public.interviews where id = %s", [first]) == [("completed", "candidate_completed")]
    for _ in range(9):
        assert start(api, candidate).status_code == 201
    limited = start(api, candidate)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "RATE_LIMITED" and int(limited.headers["retry-after"]) > 0


def test_token_budget_ends_the_interview_gracefully(api, candidate, stack_db):
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    with postgres.connect(stack_db) as conn:
        conn.execute("update public.interviews set token_budget = total_tokens_used + 10 where id = %s", [interview_id])
    body = turn(api, candidate, interview_id, text=strong_answer(bank_question(data["question"]["text"]))).json()["data"]
    assert body["done"] is True and body["question"] is None and body["end_reason"] == "token_budget_reached"
    assert rows(stack_db, "select status from public.interviews where id = %s", [interview_id]) == [("completed",)]


def test_start_validates_its_input(api, candidate, make_user):
    assert api("POST", "/start-interview/", token=candidate["token"], json={"mode": "voice"}).status_code == 422  # no role, no resume
    assert start(api, candidate, role_type="cobol").status_code == 422
    assert start(api, candidate, mode="video").status_code == 422
    assert start(api, candidate, resume_id=str(uuid.uuid4())).status_code == 404
    assert api("POST", "/start-interview/", json={"role_type": "python"}).status_code == 401
    assert start(api, make_user("recruiter")).status_code == 403


def test_completed_interview_is_scored_and_served_by_assessments(api, candidate, make_user, in_stack):
    import shared.jobs  # noqa: F401 - registers the handlers in this process
    from shared.queue import drain

    data = start(api, candidate).json()["data"]
    interview_id, question, previous = data["interview"]["id"], data["question"], None
    for _ in range(4):
        previous = bank_question(question["text"], previous)
        question = turn(api, candidate, interview_id, text=strong_answer(previous)).json()["data"]["question"]
    assert api("POST", f"/interview/{interview_id}/complete", token=candidate["token"]).status_code == 200
    assert api("GET", f"/assessments/{interview_id}", token=candidate["token"]).status_code == 202
    drain()
    mine = api("GET", f"/assessments/{interview_id}", token=candidate["token"])
    assert mine.status_code == 200 and mine.json()["data"]["overall_score"] >= 70
    assert "integrity_flags" not in mine.json()["data"]
    recruiter = make_user("recruiter")
    full = api("GET", f"/assessments/{interview_id}", token=recruiter["token"]).json()["data"]
    # answers of ~70 words arriving within a second of their question are flagged
    assert {flag["type"] for flag in full["integrity_flags"]} >= {"fast_complex_answer"}
    assert api("GET", f"/assessments/{interview_id}", token=make_user("candidate")["token"]).status_code == 404


def test_an_application_interview_starts_from_its_scheduled_record_with_the_posting_context(api, candidate, stack_db):
    with postgres.connect(stack_db) as conn:
        posting = conn.execute(
            "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack, status)"
            " values ('00000000-0000-0000-0000-00000000a001', 'React Developer', 'Acme', 'engineering', 'permanent', 'remote', %s, 'active')"
            " returning id",
            [["react", "typescript"]],
        ).fetchone()[0]
        application, scheduled = conn.execute(
            "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate["id"], posting]
        ).fetchone()
    started = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": str(application)})
    assert started.status_code == 201, started.text
    interview = started.json()["data"]["interview"]
    assert interview["id"] == str(scheduled) and interview["role_type"] == "react" and interview["status"] == "in_progress"
    again = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": str(application)})
    assert again.status_code == 409
    other = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": str(uuid.uuid4())})
    assert other.status_code == 404


def test_when_speech_synthesis_fails_the_voice_turn_goes_on_as_text(api, candidate, in_stack, monkeypatch):
    from shared.ai.offline.provider import OfflineProvider
    from shared.auth import caller_from_token
    from shared.errors import AIUnavailable
    from shared.services import turns

    data = start(api, candidate, mode="voice").json()["data"]

    def broken(self, text):
        raise AIUnavailable()

    monkeypatch.setattr(OfflineProvider, "synthesize", broken)
    caller = caller_from_token(candidate["token"])
    result = turns.process_turn(caller, data["interview"]["id"], TurnRequest(text=strong_answer(bank_question(data["question"]["text"]))))
    assert result.question is not None and result.question.text and result.question.audio_url is None and result.done is False
