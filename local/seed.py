"""Development seed: the four accounts through the Auth stand-in's admin API (real bcrypt hashes,
role in app_metadata), about twenty job postings, and the seeded candidate's applications in
several statuses. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import json
import uuid

import psycopg
from psycopg.rows import dict_row
from supabase_auth.errors import AuthApiError

from local import postgres
from shared.ai.models import GeneratedQuestion
from shared.ai.offline import question_bank
from shared.ai.offline.provider import OfflineProvider
from shared.db import Connection, become_service
from shared.models.applications import Application
from shared.repositories import applications, assessments, interviews
from shared.services import scoring, turns
from shared.services.interview_state import SessionState
from shared.services.interviews import usage_totals
from shared.services.progression import record_question
from supabase import ClientOptions, create_client

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
ACCOUNTS = [
    ("admin@teamified.local", "Admin123!", "admin", "Ada Admin"),
    ("recruiter@teamified.local", "Recruiter123!", "recruiter", "Rita Recruiter"),
    ("viewer@teamified.local", "Viewer123!", "viewer", "Vic Viewer"),
    ("candidate@teamified.local", "Candidate123!", "candidate", "Casey Candidate"),
]

# title, company, category, stack, employment, setup, location, salary min/max, level
POSTINGS = [
    ("Senior React Engineer", "Canva", "engineering", ["react", "typescript", "graphql"], "permanent", "hybrid", "Sydney", 160000, 190000, "senior"),
    ("Frontend Developer", "Atlassian", "engineering", ["react", "javascript", "css"], "permanent", "remote", "Remote (AU)", 120000, 145000, "mid"),
    (
        "Python Backend Engineer",
        "Airwallex",
        "engineering",
        ["python", "django", "postgresql"],
        "permanent",
        "onsite",
        "Melbourne",
        140000,
        170000,
        "senior",
    ),
    ("Data Engineer", "Xero", "data", ["python", "spark", "airflow", "aws"], "permanent", "hybrid", "Melbourne", 135000, 165000, "mid"),
    (
        "Full Stack Developer",
        "SafetyCulture",
        "engineering",
        ["react", "node.js", "postgresql"],
        "contract",
        "remote",
        "Remote (AU)",
        900,
        1100,
        "mid",
    ),
    (
        "Junior JavaScript Developer",
        "Employment Hero",
        "engineering",
        ["javascript", "vue", "node.js"],
        "permanent",
        "hybrid",
        "Sydney",
        80000,
        95000,
        "junior",
    ),
    ("DevOps Engineer", "Culture Amp", "devops", ["aws", "terraform", "kubernetes"], "permanent", "remote", "Remote (AU)", 150000, 175000, "senior"),
    ("QA Automation Engineer", "Envato", "quality_assurance", ["python", "playwright", "ci"], "contract", "hybrid", "Melbourne", 700, 850, "mid"),
    ("Machine Learning Engineer", "Harrison.ai", "data", ["python", "pytorch", "aws"], "permanent", "onsite", "Sydney", 170000, 210000, "senior"),
    ("Product Designer", "Linktree", "design", ["figma", "design systems"], "permanent", "hybrid", "Melbourne", 120000, 140000, "mid"),
    ("Product Manager, Platform", "Canva", "product", ["api", "platform"], "permanent", "hybrid", "Sydney", 170000, 200000, "senior"),
    ("Technical Support Engineer", "Deputy", "support", ["sql", "javascript"], "part_time", "remote", "Brisbane", 60000, 70000, "junior"),
    ("Engineering Manager", "Atlassian", "management", ["react", "java", "aws"], "permanent", "hybrid", "Sydney", 210000, 250000, "lead"),
    ("React Native Developer", "Afterpay", "engineering", ["react native", "typescript"], "contract", "remote", "Remote (AU)", 850, 1000, "senior"),
    (
        "Python Developer (FastAPI)",
        "Immutable",
        "engineering",
        ["python", "fastapi", "redis"],
        "permanent",
        "remote",
        "Remote (AU)",
        130000,
        155000,
        "mid",
    ),
    ("Solutions Engineer", "Zendesk", "sales", ["javascript", "rest"], "permanent", "onsite", "Melbourne", 140000, 160000, "mid"),
    ("Operations Analyst", "Teamified", "operations", ["sql", "excel"], "permanent", "onsite", "Manila", 50000, 65000, "entry"),
    ("Node.js Backend Engineer", "Tyro", "engineering", ["node.js", "typescript", "aws"], "permanent", "hybrid", "Sydney", 140000, 165000, "senior"),
    ("Graduate Software Engineer", "REA Group", "engineering", ["javascript", "python"], "permanent", "onsite", "Melbourne", 75000, 85000, "entry"),
    (
        "Principal Full Stack Engineer",
        "Judo Bank",
        "engineering",
        ["react", "python", "aws"],
        "permanent",
        "hybrid",
        "Melbourne",
        220000,
        260000,
        "principal",
    ),
]


# The seeded candidate's applications, so the recruiter views have data: the posting, how its
# interview was answered (None: not taken), and the moves after it as (status, internal note).
# Every status is reached by a real move, so the triggers write a true history: applying
# schedules the interview ('applied' never outlasts the insert), completing the interview moves
# the application to interview_completed, the recruiter moves it on, the candidate withdraws.
APPLICATIONS: list[tuple[str, str | None, list[tuple[str, str | None]]]] = [
    ("Senior React Engineer", None, []),
    ("Python Backend Engineer", "strong", []),
    ("Data Engineer", "mixed", [("under_review", "Solid Python; probe Spark and Airflow at the panel.")]),
    ("Full Stack Developer", "strong", [("under_review", None), ("offered", "Strong across the stack; offer at the top of the band.")]),
    ("Junior JavaScript Developer", "weak", [("under_review", None), ("rejected", "Fundamentals not there yet; keep for junior roles.")]),
    ("DevOps Engineer", None, [("withdrawn", None)]),
]
WEAK_ANSWER = "I'm not sure, I haven't really used that. Maybe I would look it up in the documentation."
TOKEN_BUDGET = 10000


def posting_id(title: str) -> uuid.UUID:
    """The fixed id of a seeded posting."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"teamified-seed/{title}")


def seed_accounts(supabase_url: str, service_key: str) -> list[str]:
    """Create the accounts that do not exist yet; returns the emails created."""
    admin = create_client(supabase_url, service_key, options=ClientOptions(auto_refresh_token=False, persist_session=False)).auth.admin
    created = []
    for email, password, role, name in ACCOUNTS:
        try:
            admin.create_user(
                {"email": email, "password": password, "email_confirm": True, "app_metadata": {"role": role}, "user_metadata": {"full_name": name}}
            )
            created.append(email)
        except AuthApiError as exc:
            if exc.code != "email_exists":
                raise
    return created


def seed_postings(database: str) -> int:
    """Insert the postings that are missing (fixed ids derived from the titles); returns how many."""
    with postgres.connect(database) as conn:
        recruiter = conn.execute("select id from public.recruiters where email = 'recruiter@teamified.local'").fetchone()
        inserted = 0
        for title, company, category, stack, employment, setup, location, low, high, level in POSTINGS:
            description = f"{company} is hiring a {title}. You will work with {', '.join(stack)} in a {setup} team based in {location}."
            cursor = conn.execute(
                "insert into public.job_postings (id, organization_id, created_by, title, company, description, role_category,"
                " tech_stack, required_skills, employment_type, work_setup, location, salary_min, salary_max, experience_level)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) on conflict (id) do nothing",
                [
                    posting_id(title),
                    TEAMIFIED,
                    recruiter[0] if recruiter else None,
                    title,
                    company,
                    description,
                    category,
                    stack,
                    json.loads(json.dumps(stack[:2])),
                    employment,
                    setup,
                    location,
                    low,
                    high,
                    level,
                ],
            )
            inserted += cursor.rowcount
    return inserted


def _act_as(conn: Connection, user_id: str, role: str) -> None:
    """Continue the transaction as a signed-in user (role authenticated with their claims, as
    shared.db.user_transaction does), so RLS and the triggers see them."""
    claims = {"sub": user_id, "role": "authenticated", "app_metadata": {"role": role}}
    conn.execute("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])


def _answer(question: GeneratedQuestion, quality: str) -> str:
    """A strong answer uses the asked topic's key terms with a concrete example; a mixed
    candidate falters in the advanced phase."""
    if quality == "weak" or (quality == "mixed" and question.phase == "advanced"):
        return WEAK_ANSWER
    asked = question_bank.find(question.question_id.removesuffix(".followup"))
    terms = list(asked.key_terms) if asked else [question.topic, "tests", "production"]
    return (
        f"It comes down to {', '.join(terms)}. For example, in our project we used {terms[0]} with {terms[-1]} in a production API;"
        f" I built the change with tests and measured it: p95 latency fell from 600 ms to 90 ms. The trade-off is complexity,"
        f" so I profile first and document the decision for the team."
    )


def _ask(state: SessionState, question: GeneratedQuestion) -> None:
    state.current_question = question
    state.asked_question_ids.append(question.question_id)
    state.progression = record_question(state.progression)


def _take_interview(conn: Connection, application: Application, quality: str) -> None:
    """Take the scheduled interview to its end with the engine's own steps (shared/services/turns:
    evaluate_and_plan and private.record_turn, as process-turn takes them), here with the offline
    provider whatever AI_PROVIDER says and no rate limits: the progressive plan picks the
    questions, each answer is evaluated and written with the next question, the session state and
    usage, and the last step completes the interview, whose trigger moves the application. Then
    score it as scoring does."""
    become_service(conn)
    scheduled = interviews.scheduled_of_application(conn, str(application.id), str(application.candidate_id))
    assert scheduled is not None and scheduled.status == "scheduled" and scheduled.role_type is not None
    provider, role, interview_id = OfflineProvider(), scheduled.role_type, scheduled.id
    state = SessionState(job_title=scheduled.job_title, job_stack=scheduled.job_stack)
    generated = provider.next_question(state.context(role))
    _ask(state, generated.value)
    interviews.start_scheduled(conn, interview_id, "text", role, TOKEN_BUDGET)
    session_id = interviews.create_session(conn, interview_id, state.progression.phase, state.model_dump_json())
    interviews.insert_question(conn, interview_id, session_id, 1, generated.value, None)
    interviews.add_usage(conn, interview_id, usage_totals([generated.usage]))
    session, sequence = interviews.Session(id=session_id, progression_state=None, conversation_memory=[]), 1
    while state.current_question is not None:
        text = _answer(state.current_question, quality)
        used = conn.execute("select total_tokens_used from public.interviews where id = %s", [interview_id]).fetchone()
        step = turns.evaluate_and_plan(state, role, text, tokens_used=used["total_tokens_used"], token_budget=TOKEN_BUDGET, provider=provider)
        # The steps run at one instant; the interview lasts as long as its answers take, so its
        # start moves back by each answer's time before the step (the last one completes it).
        response_seconds = 35.0 + 11 * (sequence % 7)
        conn.execute(
            "update public.interviews set started_at = started_at - make_interval(secs => %s) where id = %s", [response_seconds + 5, interview_id]
        )
        written = turns.step_rows(step, session, question_sequence=sequence, answer_text=text, source="text", response_time_seconds=response_seconds)
        turns.write_step(conn, interview_id, written)
        session = session._replace(conversation_memory=written.conversation_memory)
        state, sequence = step.next_state, sequence + 2
    loaded, turns_taken = scoring.load_turns(conn, interview_id)
    scored = provider.score_interview(loaded.role_type, turns_taken)
    assessment = scoring.build_assessment(loaded, turns_taken, scored.value, None)
    assessments.replace_current(conn, interview_id, assessment, scored.usage.model, scored.usage.prompt_version, scored.usage.cost_usd)


def seed_applications(database: str) -> int:
    """Apply the seeded candidate to the postings of APPLICATIONS not applied to yet, each in one
    transaction through the product's data layer: the candidate applies and withdraws under RLS,
    the interview is taken as the service, the recruiter moves the application with notes.
    Returns how many applications were created."""
    with psycopg.connect(postgres.dsn(database), autocommit=True, row_factory=dict_row) as conn:
        candidate = conn.execute("select id from public.candidates where email = 'candidate@teamified.local'").fetchone()
        recruiter = conn.execute("select id from public.recruiters where email = 'recruiter@teamified.local'").fetchone()
        if candidate is None or recruiter is None:
            return 0
        candidate_id, recruiter_id = str(candidate["id"]), str(recruiter["id"])
        created = 0
        for title, quality, moves in APPLICATIONS:
            posting = str(posting_id(title))
            with conn.transaction():
                if conn.execute(
                    "select 1 from public.applications where candidate_id = %s and job_posting_id = %s", [candidate_id, posting]
                ).fetchone():
                    continue
                _act_as(conn, candidate_id, "candidate")
                application = applications.insert(conn, candidate_id, posting, None, f"I would love to join the team as {title}.")
                if quality is not None:
                    _take_interview(conn, application, quality)
                for status, note in moves:
                    _act_as(conn, *((candidate_id, "candidate") if status == "withdrawn" else (recruiter_id, "recruiter")))
                    if applications.move(conn, str(application.id), status, note) is None:
                        raise RuntimeError(f"the seed could not move the application for {title} to {status}")
            created += 1
    return created


def seed(database: str, supabase_url: str, service_key: str) -> dict[str, object]:
    return {
        "accounts_created": seed_accounts(supabase_url, service_key),
        "postings_created": seed_postings(database),
        "applications_created": seed_applications(database),
    }
