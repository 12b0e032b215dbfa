"""The development seed, run against the test stack: idempotent (whether or not another test seeded
the stack first), its accounts work, and the seeded candidate's applications show to the candidate
and to the recruiter with their history."""

import uuid

import httpx
import pytest

from local import postgres
from local.seed import ACCOUNTS, APPLICATIONS, POSTINGS, posting_id, seed
from shared.services.interview_state import MEMORY_ENTRIES

# The seeded applications' statuses and their history, by posting title.
HISTORIES = {
    "Senior React Engineer": ["interview_scheduled"],
    "Python Backend Engineer": ["interview_scheduled", "interview_completed"],
    "Data Engineer": ["interview_scheduled", "interview_completed", "under_review"],
    "Full Stack Developer": ["interview_scheduled", "interview_completed", "under_review", "offered"],
    "Junior JavaScript Developer": ["interview_scheduled", "interview_completed", "under_review", "rejected"],
    "DevOps Engineer": ["interview_scheduled", "withdrawn"],
}
INTERVIEW_STATUS = {"interview_scheduled": "scheduled", "withdrawn": "abandoned"}  # every other seeded one was completed


def present(stack_db: str) -> tuple[list[str], int, int]:
    """What of the seed the stack holds: its accounts' emails (in ACCOUNTS order), postings and the
    seeded candidate's applications."""
    with postgres.connect(stack_db) as conn:
        emails = {row[0] for row in conn.execute("select email from auth.users where email = any(%s)", [[email for email, *_ in ACCOUNTS]])}
        postings = conn.execute("select count(*) from public.job_postings where id = any(%s)", [[posting_id(p[0]) for p in POSTINGS]]).fetchone()
        applications = conn.execute(
            "select count(*) from public.applications a join public.candidates c on c.id = a.candidate_id"
            " where c.email = 'candidate@teamified.local' and a.job_posting_id = any(%s)",
            [[posting_id(title) for title, *_ in APPLICATIONS]],
        ).fetchone()
    return [email for email, *_ in ACCOUNTS if email in emails], postings[0], applications[0]


def test_seed_is_idempotent_and_seeded_accounts_log_in_with_their_roles(stack_db, stack_env, gateway_url):
    # Other tests of the session may have seeded the stack already: the first run creates what is missing.
    accounts, postings, applications = present(stack_db)
    first = seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    second = seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    assert first == {
        "accounts_created": [email for email, *_ in ACCOUNTS if email not in accounts],
        "postings_created": len(POSTINGS) - postings,
        "applications_created": len(APPLICATIONS) - applications,
    }
    assert present(stack_db) == ([email for email, *_ in ACCOUNTS], len(POSTINGS), len(APPLICATIONS))
    assert len(ACCOUNTS) == 4 and len(POSTINGS) >= 20 and len(APPLICATIONS) == len(HISTORIES)
    assert second == {"accounts_created": [], "postings_created": 0, "applications_created": 0}
    for email, password, role, _ in ACCOUNTS:
        response = httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, email
        assert response.json()["data"]["user"]["role"] == role


def test_seeded_admin_creates_a_recruiter_who_can_log_in(stack_db, stack_env, gateway_url):
    seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    admin = httpx.post(f"{gateway_url}/auth/login", json={"email": "admin@teamified.local", "password": "Admin123!"}).json()
    token = admin["data"]["session"]["access_token"]
    email = f"new-rec-{uuid.uuid4().hex[:8]}@teamified.local"
    created = httpx.post(
        f"{gateway_url}/auth/recruiters",
        headers={"Authorization": f"Bearer {token}"},
        json={"email": email, "full_name": "Nora New", "role": "recruiter", "password": "Recruit3r!"},
    )
    assert created.status_code == 201
    login = httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": "Recruit3r!"})
    assert login.status_code == 200 and login.json()["data"]["user"]["role"] == "recruiter"


def login(api, email: str, password: str) -> str:
    response = api("POST", "/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["data"]["session"]["access_token"]


@pytest.fixture
def seeded(stack_db, stack_env, api) -> dict[str, str]:
    seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    return {
        "candidate": login(api, "candidate@teamified.local", "Candidate123!"),
        "recruiter": login(api, "recruiter@teamified.local", "Recruiter123!"),
    }


def test_the_seeded_candidate_sees_each_application_once_with_its_interview_result_and_history(api, seeded):
    items = api("GET", "/applications/me", token=seeded["candidate"]).json()["data"]["items"]
    mine = {item["posting"]["title"]: item for item in items}
    assert len(items) == len(mine) == len(HISTORIES)
    for title, history in HISTORIES.items():
        item, status = mine[title], history[-1]
        assert item["application"]["status"] == status, title
        assert item["interview"]["status"] == INTERVIEW_STATUS.get(status, "completed"), title
        assert (item["result"] is not None) == (item["interview"]["status"] == "completed"), title
        detail = api("GET", f"/applications/{item['application']['id']}", token=seeded["candidate"]).json()["data"]
        assert [event["to_status"] for event in detail["events"]] == history, title
        assert all(event["note"] is None and event["changed_by"] is None for event in detail["events"]), title
    scores = {title: mine[title]["result"]["overall_score"] for title in ("Full Stack Developer", "Data Engineer", "Junior JavaScript Developer")}
    assert scores["Full Stack Developer"] > scores["Data Engineer"] > scores["Junior JavaScript Developer"]


def test_the_seeded_recruiter_lists_each_application_on_its_posting_with_score_notes_and_movers(api, seeded):
    recruiter_id = api("GET", "/auth/me", token=seeded["recruiter"]).json()["data"]["user"]["id"]
    for title, history in HISTORIES.items():
        listed = api("GET", "/applications/", token=seeded["recruiter"], params={"job_posting_id": str(posting_id(title))}).json()["data"]
        [item] = [i for i in listed["items"] if i["candidate"]["email"] == "candidate@teamified.local"]
        assert item["application"]["status"] == history[-1], title
        assert (item["overall_score"] is not None) == ("interview_completed" in history), title
        detail = api("GET", f"/applications/{item['application']['id']}", token=seeded["recruiter"]).json()["data"]
        movers = {event["to_status"]: event["changed_by"] for event in detail["events"]}
        assert movers.get("interview_completed") is None and movers.get("under_review", recruiter_id) == recruiter_id, title
    offered = api(
        "GET", "/applications/", token=seeded["recruiter"], params={"status": "offered", "job_posting_id": str(posting_id("Full Stack Developer"))}
    )
    [item] = offered.json()["data"]["items"]
    events = api("GET", f"/applications/{item['application']['id']}", token=seeded["recruiter"]).json()["data"]["events"]
    assert events[-1]["note"].startswith("Strong across the stack") and events[-1]["changed_by"] == recruiter_id


def test_the_seeded_interviews_were_taken_step_by_step_as_the_engine_takes_them(stack_db, stack_env, gateway_url):
    """Each completed interview holds what process-turn's steps write (private.record_turn): an
    evaluated answer per question, the session's memory of the last answers, usage, a duration
    that the answers' times add up to, and a current assessment."""
    seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    with postgres.connect(stack_db) as conn:
        rows = conn.execute(
            "select i.id, i.status, i.end_reason, i.duration_seconds, i.total_tokens_used,"
            " (select count(*) from public.interview_messages m where m.interview_id = i.id and m.message_type = 'ai_question') as questions,"
            " (select count(*) from public.interview_messages m where m.interview_id = i.id and m.message_type = 'candidate_response'"
            "   and m.evaluation is not null) as evaluated_answers,"
            " (select jsonb_array_length(s.conversation_memory) from public.interview_sessions s where s.interview_id = i.id) as remembered,"
            " (select count(*) from public.assessment_results a where a.interview_id = i.id and a.is_current) as assessments"
            " from public.interviews i join public.candidates c on c.id = i.candidate_id"
            " where c.email = 'candidate@teamified.local' and i.status = 'completed'"
        ).fetchall()
    assert len(rows) == 4
    for _, status, end_reason, duration, tokens, questions, answers, remembered, current in rows:
        assert status == "completed" and end_reason
        assert questions == answers >= 5 and remembered == min(answers, MEMORY_ENTRIES) and current == 1
        assert duration >= answers * 40 and tokens > 0
