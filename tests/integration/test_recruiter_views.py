"""The recruiter function against a real database: the dashboard's figures, the candidate list's
filters, sorts and keyset pages (stable while candidates arrive), the CSV export (quoting,
formula neutralising, row limit), a candidate's whole file, an interview's answer-by-answer
review, notes and review marks; who sees what (tenancy: another organization gets 404 and empty
lists), who may write (viewers 403, candidates 403), and bad input answered 422 naming the field.

The world: Teamified (home) staff see Alice and Bob (registered through it) and Bob also applied to
Other Firm; Other Firm's recruiter sees Bob and Cara, never Alice."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from functions import recruiter
from shared import storage
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

HOME = "00000000-0000-0000-0000-00000000a001"
OTHER = "00000000-0000-0000-0000-00000000b002"
PARSED = {"experience_years": 4, "education": [], "previous_roles": [], "technical_domains": []}


def one(admin_conn, sql: str, params=()) -> str:
    return str(admin_conn.execute(sql, params).fetchone()["id"])


def add_candidate(admin_conn, name: str, organization: str = HOME, email: str | None = None) -> str:
    candidate = create_user(admin_conn, "candidate", organization if organization != HOME else None, name=name)
    if email:
        admin_conn.execute("update public.candidates set email = %s where id = %s", [email, candidate])
    return candidate


def add_resume(admin_conn, candidate: str, skills: list[str], status: str = "completed", error: str | None = None) -> str:
    path = f"{candidate}/{uuid.uuid4().hex}/cv.pdf"
    admin_conn.execute(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('resumes', %s, %s, %s)",
        [path, candidate, json.dumps({"size": 1000, "mimetype": "application/pdf"})],
    )
    parsed = json.dumps({**PARSED, "skills": skills}) if status == "completed" else None
    return one(
        admin_conn,
        "update public.resumes set parsing_status = %s, parsing_error = %s, parsed_data = %s, parsed_at = now() where storage_path = %s returning id",
        [status, error, parsed, path],
    )


def add_posting(admin_conn, organization: str, title: str, status: str = "active") -> str:
    return one(
        admin_conn,
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, status, tech_stack)"
        " values (%s, %s, 'Acme', 'engineering', 'permanent', 'remote', %s, '{python}') returning id",
        [organization, title, status],
    )


def apply(admin_conn, candidate: str, posting: str, status: str | None = None) -> tuple[str, str]:
    """An application (its trigger schedules an interview), moved to `status` around the move rules; (application, interview)."""
    row = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate, posting]
    ).fetchone()
    if status:
        admin_conn.execute("alter table public.applications disable trigger applications_check_move")
        admin_conn.execute("update public.applications set status = %s where id = %s", [status, row["id"]])
        admin_conn.execute("alter table public.applications enable trigger applications_check_move")
    return str(row["id"]), str(row["interview_id"])


def add_interview(admin_conn, candidate: str, role: str = "python", completed_days_ago: float | None = 1, mode: str = "text") -> str:
    completed = datetime.now(UTC) - timedelta(days=completed_days_ago) if completed_days_ago is not None else None
    return one(
        admin_conn,
        "insert into public.interviews (candidate_id, role_type, mode, status, started_at, completed_at, duration_seconds,"
        " ai_model_used, total_tokens_used, cost_usd, speech_tokens_used, speech_cost_usd, realtime_cost_usd)"
        " values (%s, %s, %s, %s, %s, %s, 600, 'gpt-4o-mini', 1200, 0.0123, 40, 0.002, 0) returning id",
        [candidate, role, mode, "completed" if completed else "in_progress", (completed or datetime.now(UTC)) - timedelta(minutes=10), completed],
    )


def add_message(admin_conn, interview: str, sequence: int, kind: str, text: str, **extra) -> str:
    return one(
        admin_conn,
        "insert into public.interview_messages (interview_id, sequence_number, message_type, content_text, content_audio_url,"
        " audio_duration_seconds, audio_metadata, response_time_seconds, metadata, evaluation)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id",
        [
            interview,
            sequence,
            kind,
            text,
            extra.get("audio_path"),
            extra.get("audio_seconds"),
            json.dumps(extra["audio_metadata"]) if "audio_metadata" in extra else None,
            extra.get("response_time"),
            json.dumps(extra.get("metadata", {})),
            json.dumps(extra["evaluation"]) if "evaluation" in extra else None,
        ],
    )


def add_assessment(admin_conn, interview: str, overall: int | None, integrity: int | None, **extra) -> str:
    return one(
        admin_conn,
        "insert into public.assessment_results (interview_id, status, overall_score, integrity_score, skill_scores, integrity_flags, is_current,"
        " recommended_actions, generated_at) values (%s, %s, %s, %s, %s, %s, %s, %s, now() - %s * interval '1 minute') returning id",
        [
            interview,
            extra.get("status", "completed"),
            overall,
            integrity,
            json.dumps(extra.get("skill_scores", {})),
            json.dumps(extra.get("flags", [])),
            extra.get("is_current", True),
            json.dumps(extra.get("actions", ["Ask about testing"])),
            extra.get("minutes_ago", 0),
        ],
    )


def rescore(admin_conn, interview: str, overall: int, integrity: int, **extra) -> str:
    admin_conn.execute("update public.assessment_results set is_current = false where interview_id = %s and is_current", [interview])
    return add_assessment(admin_conn, interview, overall, integrity, **extra)


@pytest.fixture
def world(app_env, admin_conn):
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict do nothing", [OTHER])
    ids: dict[str, str] = {
        "recruiter": create_user(admin_conn, "recruiter", HOME, name="Rita Recruiter"),
        "viewer": create_user(admin_conn, "viewer", HOME, name="Vic Viewer"),
        "outsider": create_user(admin_conn, "recruiter", OTHER, name="Otto Outsider"),
        "alice": add_candidate(admin_conn, "Alice Anders", email="alice.anders@example.com"),
        "bob": add_candidate(admin_conn, "Bob Brown", email="bob.brown@example.com"),
        "cara": add_candidate(admin_conn, "Cara Cole", OTHER, email="cara.cole@example.com"),
    }
    ids["posting"] = add_posting(admin_conn, HOME, "Python Engineer")
    ids["posting_paused"] = add_posting(admin_conn, HOME, "Paused role", "paused")
    ids["posting_other"] = add_posting(admin_conn, OTHER, "Other role")
    ids["resume_alice"] = add_resume(admin_conn, ids["alice"], ["Python", "Django"])
    ids["resume_alice_failed"] = add_resume(admin_conn, ids["alice"], [], "failed", "No readable text was found in the document.")
    ids["resume_bob"] = add_resume(admin_conn, ids["bob"], ["React", "TypeScript"])
    ids["resume_cara"] = add_resume(admin_conn, ids["cara"], ["Python"])
    ids["resume_cara_failed"] = add_resume(admin_conn, ids["cara"], [], "failed", "The PDF is damaged.")
    for key, due in (("alice", 30), ("bob", 300), ("cara", 10)):
        ids[f"feedback_{key}"] = one(
            admin_conn,
            "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status, generated_at)"
            " values (%s, %s, 'A clear resume; quantify outcomes.', now() + %s * interval '1 minute', 'pending_approval', now() - interval '3 hours')"
            " returning id",
            [ids[f"resume_{key}"], ids[key], due],
        )
    ids["application_alice"], ids["interview_alice"] = apply(admin_conn, ids["alice"], ids["posting"], "interview_completed")
    admin_conn.execute(
        "update public.interviews set status = 'completed', started_at = now() - interval '2 days', completed_at = now() - interval '1 day',"
        " duration_seconds = 900, cost_usd = 0.01, speech_cost_usd = 0.002 where id = %s",
        [ids["interview_alice"]],
    )
    ids["application_bob_other"], ids["interview_bob_other"] = apply(admin_conn, ids["bob"], ids["posting_other"])
    ids["interview_bob"] = add_interview(admin_conn, ids["bob"], "react", completed_days_ago=20)
    ids["interview_cara"] = add_interview(admin_conn, ids["cara"], "python", completed_days_ago=2)
    ids["assessment_alice"] = add_assessment(admin_conn, ids["interview_alice"], 88, 55, skill_scores={"python": skill(90, [])})
    ids["assessment_bob"] = add_assessment(admin_conn, ids["interview_bob"], 64, 95)
    ids["assessment_cara"] = add_assessment(admin_conn, ids["interview_cara"], 91, 90)
    tokens = {
        "recruiter": access_token(ids["recruiter"], "recruiter"),
        "viewer": access_token(ids["viewer"], "viewer"),
        "outsider": access_token(ids["outsider"], "recruiter"),
        "alice": access_token(ids["alice"], "candidate"),
    }
    return ids, tokens


def skill(score: int, evidence: list[str]) -> dict:
    return {"score": score, "evidence_message_ids": evidence, "reasoning": "Explained it well.", "confidence": 0.8}


def get(token: str, path: str, query: str = ""):
    return invoke(recruiter.handler, "GET", path, token=token, query=query)


def names(reply) -> list[str]:
    return [item["candidate"]["full_name"] for item in reply.data["items"]]


# Dashboard


def test_the_dashboard_counts_only_the_organizations_work(world):
    ids, tokens = world
    reply = get(tokens["recruiter"], "/dashboard", "score_threshold=80")
    assert reply.status == 200, reply.body
    data = reply.data
    feedback = data["feedback"]
    assert feedback["awaiting_approval"] == 2  # Alice's and Bob's, never Cara's (Other Firm)
    assert feedback["auto_send_within_hour"] == 1  # Alice's is due in 30 minutes, Bob's in 5 hours
    assert 3 * 3600 - 60 <= feedback["oldest_waiting_seconds"] <= 3 * 3600 + 60
    assert {item["candidate"]["full_name"] for item in feedback["items"]} == {"Alice Anders", "Bob Brown"}
    failed = data["failed_resumes"]
    assert failed["count"] == 1 and failed["items"][0]["resume_id"] == ids["resume_alice_failed"]
    assert failed["items"][0]["parsing_error"] == "No readable text was found in the document."
    assert failed["items"][0]["reparse_path"] == f"/resumes/{ids['resume_alice_failed']}/reparse"
    completed = data["completed_interviews"]
    assert completed["days"] == 7 and completed["count"] == 1  # Alice's; Bob's was 20 days ago, Cara's is Other Firm's
    assert completed["items"][0]["interview_id"] == ids["interview_alice"]
    queue = data["assessments_to_review"]
    assert queue["count"] == 2 and {item["assessment_id"] for item in queue["items"]} == {ids["assessment_alice"], ids["assessment_bob"]}
    postings = {item["posting"]["id"]: item for item in data["open_postings"]}
    assert set(postings) == {ids["posting"]}  # paused postings and other firms' are not open pipelines here
    assert postings[ids["posting"]]["by_status"] == {"interview_completed": 1} and postings[ids["posting"]]["total"] == 1
    top = data["top_candidates"]
    assert top["score_threshold"] == 80 and top["count"] == 1 and names_of(top["items"]) == ["Alice Anders"]


def names_of(items: list[dict]) -> list[str]:
    return [item["candidate"]["full_name"] for item in items]


def test_the_other_organizations_dashboard_shows_its_own(world):
    ids, tokens = world
    data = get(tokens["outsider"], "/dashboard", "score_threshold=60").data
    assert {item["candidate"]["full_name"] for item in data["feedback"]["items"]} == {"Bob Brown", "Cara Cole"}
    assert [item["resume_id"] for item in data["failed_resumes"]["items"]] == [ids["resume_cara_failed"]]
    assert [item["interview_id"] for item in data["completed_interviews"]["items"]] == [ids["interview_cara"]]
    assert names_of(data["top_candidates"]["items"]) == ["Cara Cole", "Bob Brown"]
    postings = {item["posting"]["id"]: item for item in data["open_postings"]}
    assert postings[ids["posting_other"]]["by_status"] == {"interview_scheduled": 1}


def test_marking_an_assessment_reviewed_is_idempotent_and_leaves_the_queue(world):
    ids, tokens = world
    path = f"/assessments/{ids['assessment_alice']}/reviewed"
    first = invoke(recruiter.handler, "POST", path, token=tokens["recruiter"])
    assert first.status == 200, first.body
    assert first.data["already_reviewed"] is False and first.data["review"]["reviewed_by"] == ids["recruiter"]
    assert first.data["review"]["reviewed_by_name"] == "Rita Recruiter"
    again = invoke(recruiter.handler, "POST", path, token=tokens["recruiter"])
    assert again.data["already_reviewed"] is True and again.data["review"]["reviewed_at"] == first.data["review"]["reviewed_at"]
    queue = get(tokens["recruiter"], "/dashboard").data["assessments_to_review"]
    assert queue["count"] == 1 and [item["assessment_id"] for item in queue["items"]] == [ids["assessment_bob"]]
    # Other Firm's queue is its own: its review of Bob is not Teamified's
    assert invoke(recruiter.handler, "POST", f"/assessments/{ids['assessment_bob']}/reviewed", token=tokens["outsider"]).status == 200
    assert get(tokens["recruiter"], "/dashboard").data["assessments_to_review"]["count"] == 1


def test_a_rescore_puts_the_new_assessment_in_the_queue_again(world, admin_conn):
    ids, tokens = world
    invoke(recruiter.handler, "POST", f"/assessments/{ids['assessment_alice']}/reviewed", token=tokens["recruiter"])
    newer = rescore(admin_conn, ids["interview_alice"], 70, 60)
    queue = get(tokens["recruiter"], "/dashboard").data["assessments_to_review"]
    assert {item["assessment_id"] for item in queue["items"]} == {newer, ids["assessment_bob"]}


# The candidate list


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alice Anders", "Bob Brown"]),  # never Cara (Other Firm)
        ("skill=python", ["Alice Anders"]),  # from the resume, case-insensitive
        ("skill=TypeScript", ["Bob Brown"]),
        ("skill=rust", []),
        ("role_type=react", ["Bob Brown"]),
        ("application_status=interview_completed", ["Alice Anders"]),
        ("application_status=interview_scheduled", []),  # Bob's application is Other Firm's
        ("score_min=80", ["Alice Anders"]),
        ("score_min=60&score_max=70", ["Bob Brown"]),
        ("integrity_below=60", ["Alice Anders"]),
        ("q=anders", ["Alice Anders"]),  # part of the name
        ("q=BROWN%40EXAMPLE", ["Bob Brown"]),  # part of the email, any case
        ("q=b_b", []),  # a LIKE wildcard is taken literally (as one, b_b would match "bob brown")
        ("q=b.b", ["Bob Brown"]),
    ],
)
def test_the_list_filters(world, query, expected):
    ids, tokens = world
    reply = get(tokens["recruiter"], "/candidates", query + "&sort=score" if query else "sort=score")
    assert reply.status == 200, reply.body
    assert sorted(names(reply)) == expected and reply.data["total"] == len(expected)


def test_the_list_filters_by_posting_and_completion_day(world, admin_conn):
    ids, tokens = world
    assert names(get(tokens["recruiter"], "/candidates", f"job_posting_id={ids['posting']}")) == ["Alice Anders"]
    assert names(get(tokens["outsider"], "/candidates", f"job_posting_id={ids['posting_other']}")) == ["Bob Brown"]
    assert names(get(tokens["outsider"], "/candidates", f"job_posting_id={ids['posting']}")) == []  # not theirs
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert names(get(tokens["recruiter"], "/candidates", f"completed_from={yesterday}&completed_to={yesterday}")) == ["Alice Anders"]
    long_ago = (datetime.now(UTC) - timedelta(days=25)).date().isoformat()
    week_ago = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    assert names(get(tokens["recruiter"], "/candidates", f"completed_from={long_ago}&completed_to={week_ago}")) == ["Bob Brown"]


def test_each_row_shows_scores_application_and_activity(world):
    ids, tokens = world
    rows = {item["candidate"]["full_name"]: item for item in get(tokens["recruiter"], "/candidates").data["items"]}
    alice = rows["Alice Anders"]
    assert alice["candidate"] == {"id": ids["alice"], "full_name": "Alice Anders", "email": "alice.anders@example.com"}
    assert (alice["overall_score"], alice["integrity_score"], alice["assessment_id"]) == (88, 55, ids["assessment_alice"])
    assert (alice["application_status"], alice["application_id"]) == ("interview_completed", ids["application_alice"])
    assert alice["skills"] == ["django", "python"] and alice["role_types"] == ["python"]
    assert rows["Bob Brown"]["application_status"] is None  # his only application is Other Firm's


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("score", "desc", ["S90", "S70", "S50", "Unscored"]),
        ("score", "asc", ["S50", "S70", "S90", "Unscored"]),  # unscored last either way
        ("integrity", "desc", ["S50", "S70", "S90", "Unscored"]),
        ("integrity", "asc", ["S90", "S70", "S50", "Unscored"]),
        ("date", "desc", ["Unscored", "S50", "S70", "S90"]),
        ("date", "asc", ["S90", "S70", "S50", "Unscored"]),
    ],
)
def test_the_list_sorts(app_env, admin_conn, sort, order, expected):
    recruiter_id = create_user(admin_conn, "recruiter", HOME)
    for name, score in (("S90", 90), ("S70", 70), ("S50", 50), ("Unscored", None)):
        candidate = add_candidate(admin_conn, name)
        if score is not None:
            add_assessment(admin_conn, add_interview(admin_conn, candidate), score, 100 - score)
    reply = get(access_token(recruiter_id, "recruiter"), "/candidates", f"sort={sort}&order={order}")
    assert names(reply) == expected


def test_keyset_pages_stay_stable_while_candidates_arrive(app_env, admin_conn):
    recruiter_id = create_user(admin_conn, "recruiter", HOME)
    token = access_token(recruiter_id, "recruiter")
    for index in range(7):
        candidate = add_candidate(admin_conn, f"Cand {index}")
        add_assessment(admin_conn, add_interview(admin_conn, candidate), 40 + index * 5 if index != 3 else 55, 80)  # two score 55
    seen: list[str] = []
    first = get(token, "/candidates", "sort=score&limit=3")
    assert first.data["total"] == 7 and first.data["next_cursor"]
    seen += [item["candidate"]["id"] for item in first.data["items"]]
    # a better candidate and a worse one arrive between pages: the next page neither repeats nor skips
    for name, score in (("Late Best", 99), ("Late Worst", 1)):
        add_assessment(admin_conn, add_interview(admin_conn, add_candidate(admin_conn, name)), score, 80)
    cursor = first.data["next_cursor"]
    scores = [item["overall_score"] for item in first.data["items"]]
    while cursor:
        page = get(token, "/candidates", f"sort=score&limit=3&cursor={cursor}")
        assert page.status == 200, page.body
        seen += [item["candidate"]["id"] for item in page.data["items"]]
        scores += [item["overall_score"] for item in page.data["items"]]
        cursor = page.data["next_cursor"]
    assert len(seen) == len(set(seen)) == 8  # the seven, and the late worst (after the cursor); the late best was before it
    assert scores == sorted(scores, reverse=True) and 99 not in scores and scores[-1] == 1
    assert page.data["total"] == 9


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("score_min=90&score_max=10", "score_min"),
        ("completed_from=2026-02-01&completed_to=2026-01-01", "completed_from"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=eyJzIjoic2NvcmUifQ", "cursor"),  # base64 JSON of something else
        ("score_min=101", "score_min"),
        ("limit=101", "limit"),
        ("sort=name", "sort"),
        ("q=%3Cscript%3E", "q"),  # characters no name or email holds
        ("skill=" + "x" * 51, "skill"),
        ("job_posting_id=nope", "job_posting_id"),
        ("completed_from=yesterday", "completed_from"),
    ],
)
def test_bad_filters_are_422_naming_the_field(world, query, field):
    ids, tokens = world
    for path in ("/candidates", "/candidates/export.csv"):
        if field in {"cursor", "limit"} and path.endswith(".csv"):
            continue
        reply = get(tokens["recruiter"], path, query)
        assert reply.status == 422, (path, reply.body)
        assert reply.error["code"] == "VALIDATION_ERROR" and field in json.dumps(reply.error["details"]), reply.error


def test_a_cursor_of_another_sort_is_refused(world, app_env, admin_conn):
    ids, tokens = world
    for index in range(3):
        add_candidate(admin_conn, f"Extra {index}")
    cursor = get(tokens["recruiter"], "/candidates", "sort=date&limit=1").data["next_cursor"]
    reply = get(tokens["recruiter"], "/candidates", f"sort=score&limit=1&cursor={cursor}")
    assert reply.status == 422 and "cursor" in json.dumps(reply.error["details"])


# CSV export


def test_the_export_is_csv_with_a_header_proper_quoting_and_no_formulas(app_env, admin_conn):
    recruiter_id = create_user(admin_conn, "recruiter", HOME)
    hostile = ['=HYPERLINK("http://x.example","click")', "+61 400 000", "-2+3", "@SUM(A1)", 'Quote "Q", Comma\nNewline']
    for index, name in enumerate(hostile):
        add_assessment(admin_conn, add_interview(admin_conn, add_candidate(admin_conn, name)), 90 - index, 80)
    reply = invoke(recruiter.handler, "GET", "/candidates/export.csv", token=access_token(recruiter_id, "recruiter"), query="sort=score")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"].startswith('attachment; filename="candidates-')
    assert reply.headers["x-total-count"] == "5" and reply.headers["x-exported-rows"] == "5"
    rows = list(csv.reader(io.StringIO(raw_text(reply))))
    assert rows[0][:3] == ["candidate_id", "full_name", "email"]
    assert [row[1] for row in rows[1:]] == ["'" + hostile[0], "'" + hostile[1], "'" + hostile[2], "'" + hostile[3], hostile[4]]
    assert [row[3] for row in rows[1:]] == ["90", "89", "88", "87", "86"]


def raw_text(reply) -> str:
    assert reply.status == 200 and reply.body is None, reply.text[:300]
    return reply.text


def test_the_export_honours_the_filters_the_row_limit_and_its_cap(world, monkeypatch):
    ids, tokens = world
    text = raw_text(get(tokens["recruiter"], "/candidates/export.csv", "skill=python"))
    assert [row[1] for row in csv.reader(io.StringIO(text))][1:] == ["Alice Anders"]
    limited = get(tokens["recruiter"], "/candidates/export.csv", "limit=1")
    assert limited.headers["x-total-count"] == "2" and limited.headers["x-exported-rows"] == "1"
    monkeypatch.setenv("RECRUITER_EXPORT_MAX_ROWS", "1")
    from shared.settings import get_settings

    get_settings.cache_clear()
    capped = get(tokens["recruiter"], "/candidates/export.csv", "limit=50")
    assert capped.headers["x-exported-rows"] == "1"


def test_the_export_holds_only_the_organizations_candidates(world):
    ids, tokens = world
    exported = {row[0] for row in csv.reader(io.StringIO(raw_text(get(tokens["outsider"], "/candidates/export.csv"))))}
    assert ids["bob"] in exported and ids["cara"] in exported and ids["alice"] not in exported


# One candidate


def test_a_candidates_whole_file(world, admin_conn, monkeypatch):
    ids, tokens = world
    signed: list[tuple[str, list[str], bool]] = []

    def fake_signed_urls(client, bucket, paths, expires_in, *, download=False):
        signed.append((bucket, paths, download))
        return {path: f"https://storage.example/{bucket}/{path}?token=t" for path in paths}

    monkeypatch.setattr(storage, "signed_urls", fake_signed_urls)
    older = ids["assessment_alice"]
    newer = rescore(admin_conn, ids["interview_alice"], 75, 60)
    invoke(recruiter.handler, "POST", f"/assessments/{older}/reviewed", token=tokens["recruiter"])
    reply = get(tokens["viewer"], f"/candidates/{ids['alice']}")
    assert reply.status == 200, reply.body
    data = reply.data
    assert data["candidate"]["email"] == "alice.anders@example.com" and data["candidate"]["registered_here"] is True
    assert data["pipeline"]["overall_score"] == 75
    resumes = {item["id"]: item for item in data["resumes"]}
    assert resumes[ids["resume_alice"]]["parsed_data"]["skills"] == ["Python", "Django"]
    assert resumes[ids["resume_alice_failed"]]["parsing_status"] == "failed"
    assert resumes[ids["resume_alice"]]["download_url"].startswith("https://storage.example/resumes/")
    assert resumes[ids["resume_alice"]]["download_expires_in"] == 300
    [(bucket, paths, download)] = signed  # one Storage request for every resume, as download links
    assert bucket == "resumes" and len(paths) == len(resumes) and download is True
    assert [item["id"] for item in data["feedback"]] == [ids["feedback_alice"]]
    (application,) = data["applications"]
    assert application["application"]["id"] == ids["application_alice"]
    assert [event["to_status"] for event in application["events"]][-1] == "interview_completed"
    (interview,) = data["interviews"]
    assert interview["status"] == "completed" and interview["mode"] == "text" and interview["duration_seconds"] == 900
    assert interview["costs"]["total_cost_usd"] == pytest.approx(0.012)
    assert [item["id"] for item in interview["assessments"]] == [newer, older]
    assert [item["is_current"] for item in interview["assessments"]] == [True, False]
    assert interview["assessments"][1]["review"]["reviewed_by"] == ids["recruiter"] and interview["assessments"][0]["review"] is None
    assert interview["assessments"][1]["skill_scores"]["python"]["score"] == 90
    assert interview["assessments"][0]["recommended_actions"] == ["Ask about testing"]


def test_a_candidate_seen_by_two_organizations_shows_each_only_its_own_applications(world):
    ids, tokens = world
    home = get(tokens["recruiter"], f"/candidates/{ids['bob']}").data
    other = get(tokens["outsider"], f"/candidates/{ids['bob']}").data
    assert home["applications"] == [] and home["candidate"]["registered_here"] is True
    assert [item["application"]["id"] for item in other["applications"]] == [ids["application_bob_other"]]
    assert other["candidate"]["registered_here"] is False


@pytest.mark.parametrize(
    ("method", "path_of"),
    [
        ("GET", lambda ids: f"/candidates/{ids['alice']}"),
        ("GET", lambda ids: f"/candidates/{ids['alice']}/notes"),
        ("POST", lambda ids: f"/candidates/{ids['alice']}/notes"),
        ("GET", lambda ids: f"/interviews/{ids['interview_alice']}/review"),
        ("POST", lambda ids: f"/assessments/{ids['assessment_alice']}/reviewed"),
        ("GET", lambda ids: f"/candidates/{uuid.uuid4()}"),  # nobody's
        ("GET", lambda ids: f"/interviews/{uuid.uuid4()}/review"),
        ("POST", lambda ids: f"/assessments/{uuid.uuid4()}/reviewed"),
    ],
)
def test_another_organizations_candidate_is_not_found(world, method, path_of):
    ids, tokens = world
    body = {"body": "Strong on Python."} if path_of(ids).endswith("/notes") and method == "POST" else None
    reply = invoke(recruiter.handler, method, path_of(ids), token=tokens["outsider"], json_body=body)
    assert reply.status == 404 and reply.error["code"] == "NOT_FOUND", reply.body


def test_another_organization_lists_none_of_its_candidates(world):
    ids, tokens = world
    listed = {item["candidate"]["id"] for item in get(tokens["outsider"], "/candidates").data["items"]}
    assert listed == {ids["bob"], ids["cara"]}
    assert get(tokens["outsider"], "/candidates", "q=alice").data["total"] == 0


# Interview review


def test_an_interview_reviewed_answer_by_answer(world, admin_conn, monkeypatch):
    ids, tokens = world
    signed: list[list[str]] = []

    def fake_signed_urls(client, bucket, paths, expires_in, download=False):
        signed.append(paths)
        return {path: f"https://storage.example/{bucket}/{path}" for path in paths}

    monkeypatch.setattr(storage, "signed_urls", fake_signed_urls)
    interview = add_interview(admin_conn, ids["bob"], "react", mode="voice")
    add_message(admin_conn, interview, 1, "ai_question", "What is a closure?", metadata={"phase": "warmup", "topic": "closures"})
    spoken = add_message(
        admin_conn,
        interview,
        2,
        "candidate_response",
        "A function with its scope.",
        audio_path=f"{ids['bob']}/{interview}/answer-2.wav",
        audio_seconds=6.5,
        audio_metadata={"confidence": 0.82, "format": "wav"},
        response_time=7.25,
        metadata={"phase": "warmup", "topic": "closures", "source": "audio"},
        evaluation={"score": 72, "skill": "javascript", "quality": "adequate", "rationale": "Correct but brief.", "future_field": 1},
    )
    add_message(admin_conn, interview, 3, "ai_question", "Explain useEffect.", metadata={"phase": "standard"})
    typed = add_message(
        admin_conn,
        interview,
        4,
        "candidate_response",
        "It runs after render.",
        response_time=3.0,
        metadata={"phase": "standard", "source": "text"},
        evaluation={"score": 40, "skill": "react"},
    )
    flag = {"type": "fast_answer", "severity": "medium", "evidence": {"message_ids": [typed], "seconds": 3.0}, "confidence": 0.7, "source": "rules"}
    loose = {"type": "inconsistency", "severity": "low", "evidence": {"explanation": "overall"}, "confidence": 0.4, "source": "ai"}
    assessment = add_assessment(
        admin_conn, interview, 60, 70, skill_scores={"react": skill(45, [typed]), "javascript": skill(72, [spoken, typed])}, flags=[flag, loose]
    )
    reply = get(tokens["viewer"], f"/interviews/{interview}/review")
    assert reply.status == 200, reply.body
    data = reply.data
    assert data["interview"]["mode"] == "voice" and data["candidate"]["id"] == ids["bob"]
    assert data["assessment"]["id"] == assessment
    question, answer, _, second = data["entries"]
    assert question["speaker"] == "interviewer" and question["phase"] == "warmup" and question["evaluation"] is None
    assert answer["speaker"] == "candidate" and answer["spoken"] is True
    assert answer["audio_url"] == f"https://storage.example/audio/{ids['bob']}/{interview}/answer-2.wav"
    assert (answer["transcription_confidence"], answer["response_time_seconds"], answer["phase"]) == (0.82, 7.25, "warmup")
    assert answer["evaluation"]["score"] == 72 and answer["evaluation"]["skill"] == "javascript"
    assert answer["integrity_flags"] == [] and answer["cited_by_skills"] == ["javascript"]
    assert second["spoken"] is False and second["audio_url"] is None
    assert signed == [[f"{ids['bob']}/{interview}/answer-2.wav"]]  # the spoken answers' links in one Storage request
    assert [item["type"] for item in second["integrity_flags"]] == ["fast_answer"] and second["cited_by_skills"] == ["javascript", "react"]
    assert [item["type"] for item in data["other_flags"]] == ["inconsistency"]


def test_a_review_keeps_working_when_storage_cannot_sign(world, admin_conn, monkeypatch):
    ids, tokens = world

    def unavailable(*args, **kwargs):
        raise storage.ServiceUnavailable("File storage is temporarily unavailable.")

    monkeypatch.setattr(storage, "signed_urls", unavailable)
    interview = add_interview(admin_conn, ids["alice"], mode="voice")
    add_message(admin_conn, interview, 1, "ai_question", "Q?")
    add_message(admin_conn, interview, 2, "candidate_response", "A.", audio_path=f"{ids['alice']}/x/a.wav", audio_seconds=2.0)
    reply = get(tokens["recruiter"], f"/interviews/{interview}/review")
    assert reply.status == 200 and reply.data["entries"][1]["audio_url"] is None and reply.data["assessment"] is None
    assert get(tokens["recruiter"], f"/candidates/{ids['alice']}").data["resumes"][0]["download_url"] is None


# Notes


def test_notes_are_the_organizations_own(world, database):
    ids, tokens = world
    path = f"/candidates/{ids['bob']}/notes"
    first = invoke(recruiter.handler, "POST", path, token=tokens["recruiter"], json_body={"body": "Strong React; probe testing."})
    assert first.status == 201, first.body
    assert first.data["note"]["author"] == {"id": ids["recruiter"], "full_name": "Rita Recruiter"}
    second = invoke(recruiter.handler, "POST", path, token=tokens["recruiter"], json_body={"body": "=cmd|' /C calc'!A0"})
    assert second.status == 201
    listed = get(tokens["viewer"], path).data["items"]
    assert [item["id"] for item in listed] == [second.data["note"]["id"], first.data["note"]["id"]]  # newest first
    assert get(tokens["outsider"], path).data["items"] == []  # Other Firm sees Bob but not Teamified's notes
    with acting_as(database, Actor("bob", ids["bob"], "candidate")) as conn:
        assert conn.execute("select id from public.candidate_notes").fetchall() == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"body": ""}, 422),
        ({"body": "   "}, 422),
        ({"body": "x" * 5001}, 422),
        ({"body": "x" * 5000}, 201),
        ({"body": "ok", "author_id": "someone"}, 422),  # the author is the caller, never the body's
        ({}, 422),
    ],
)
def test_note_bodies_are_validated(world, body, status):
    ids, tokens = world
    reply = invoke(recruiter.handler, "POST", f"/candidates/{ids['alice']}/notes", token=tokens["recruiter"], json_body=body)
    assert reply.status == status, reply.body
    if status == 422:
        assert reply.error["code"] == "VALIDATION_ERROR"


# Who may do what


def test_viewers_read_everything_but_write_nothing(world, database):
    ids, tokens = world
    for path in ("/dashboard", "/candidates", f"/candidates/{ids['alice']}", f"/candidates/{ids['alice']}/notes"):
        assert get(tokens["viewer"], path).status == 200, path
    assert get(tokens["viewer"], "/candidates/export.csv").status == 200
    note = invoke(recruiter.handler, "POST", f"/candidates/{ids['alice']}/notes", token=tokens["viewer"], json_body={"body": "Hello"})
    mark = invoke(recruiter.handler, "POST", f"/assessments/{ids['assessment_alice']}/reviewed", token=tokens["viewer"])
    assert (note.status, mark.status) == (403, 403) and note.error["code"] == mark.error["code"] == "FORBIDDEN"
    viewer = Actor("viewer", ids["viewer"], "viewer")
    for sql, params in (
        (
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [HOME, ids["alice"], ids["viewer"]],
        ),
        (
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [HOME, ids["assessment_alice"], ids["viewer"]],
        ),
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(database, viewer) as conn:
            conn.execute(sql, params)


def test_candidates_get_403_on_every_route(world):
    ids, tokens = world
    for method, path in (
        ("GET", "/dashboard"),
        ("GET", "/candidates"),
        ("GET", "/candidates/export.csv"),
        ("GET", f"/candidates/{ids['alice']}"),
        ("GET", f"/candidates/{ids['alice']}/notes"),
        ("POST", f"/assessments/{ids['assessment_alice']}/reviewed"),
        ("GET", f"/interviews/{ids['interview_alice']}/review"),
    ):
        reply = invoke(recruiter.handler, method, path, token=tokens["alice"])
        assert reply.status == 403, (method, path, reply.body)
    assert invoke(recruiter.handler, "GET", "/dashboard").status == 401


# The pipeline rows follow their sources


def test_pipeline_rows_follow_applications_moves_and_deletions(world, admin_conn, database):
    ids, tokens = world
    rows = lambda: {  # noqa: E731
        (str(r["organization_id"]), str(r["candidate_id"])): r for r in admin_conn.execute("select * from public.organization_candidates")
    }
    assert (OTHER, ids["alice"]) not in rows()
    application, _ = apply(admin_conn, ids["alice"], ids["posting_other"])
    assert rows()[(OTHER, ids["alice"])]["application_status"] == "interview_scheduled"
    assert rows()[(OTHER, ids["alice"])]["registered"] is False
    admin_conn.execute("update public.applications set status = 'withdrawn' where id = %s", [application])
    assert rows()[(OTHER, ids["alice"])]["application_statuses"] == ["withdrawn"]
    admin_conn.execute("delete from public.applications where id = %s", [application])
    assert (OTHER, ids["alice"]) not in rows()  # no longer applied: Other Firm loses sight of her
    admin_conn.execute("update public.candidates set full_name = 'Alice Renamed' where id = %s", [ids["alice"]])
    assert rows()[(HOME, ids["alice"])]["full_name"] == "Alice Renamed"
    admin_conn.execute("delete from auth.users where id = %s", [ids["alice"]])
    assert not [key for key in rows() if key[1] == ids["alice"]]
