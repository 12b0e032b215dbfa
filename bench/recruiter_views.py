"""Latency of the recruiter portal's views (issue 17) at 20,000 candidates: the dashboard, the
candidate list with three filter and sort combinations, a candidate's whole file and an interview
reviewed answer by answer (a text one, and a spoken one whose seven answers get signed audio links).

    .venv/bin/python bench/recruiter_views.py            # 20,000 candidates, 40,000 interviews, 600,000 messages
    .venv/bin/python bench/recruiter_views.py --quick    # 2,000 candidates, 30 runs per view

Runs against a scratch database in the local cluster (started if needed), dropped afterwards unless
--keep, and a Storage stand-in on a free port pointed at it (the candidate file and the spoken
interview's review sign their links through Storage, as the recruiter). The data: five
organizations with forty postings each; candidates registered through one of them, each with a
resume (some two, a few failed parsing, feedback for most, some awaiting approval) and two
interviews of 15 messages (8 questions, 7 evaluated answers; 15% spoken, with recordings), one
taken for an application to a posting of their organization, the other for a posting of another
organization (a fifth of the candidates, who are then seen by both) or as practice; every
completed interview scored (some rescored, the low-integrity ones with flags citing answers), most
assessments marked reviewed. Loaded set-based with triggers off, as the triggers and the engine
would have left the rows; every table is analysed, the pipeline rows (public.organization_candidates)
are computed by the refresh function the triggers call, and the tables analysed again.

Each view is the product's own call, the service function behind functions/recruiter.py
(`shared.services.recruiter`), through the pool of `shared.db` as an authenticated recruiter of the
first organization (request.jwt.claims from a signed token, checked in the database once, as the
handler does), so row-level security is in every plan. The latency is the whole call (BEGIN, role
and claims, the queries, COMMIT, the models, the Storage requests) on loopback. The statements each
call ran are then run again under EXPLAIN (ANALYZE, BUFFERS) in the same transaction state (the
recruiter's role, or the service role where the review reads evaluations), and the plan of the
slowest one is printed in full.

Prints JSON: the machine (with its load average before and after), the data, and per view p50/p95
(ms) over --runs calls, whether p95 meets the 50 ms target, and per statement its execution time and
the indexes it read; then the slowest statement's plan as text.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local import config, migrate, postgres  # noqa: E402

TARGET_P95_MS = 50.0
ORGANIZATIONS = [
    ("00000000-0000-0000-0000-00000000a001", "Teamified"),  # the benchmarked recruiter's organization
    ("00000000-0000-0000-0000-0000000b0002", "Harbour Bridge Talent"),
    ("00000000-0000-0000-0000-0000000b0003", "Crème de la Code Recruitment"),
    ("00000000-0000-0000-0000-0000000b0004", "Müller & Partner Staffing"),
    ("00000000-0000-0000-0000-0000000b0005", "São Paulo Tech Hires"),
]
POSTINGS_PER_ORGANIZATION = 40
# title, role category, tech stack
ROLES = [
    ("Python Developer", "engineering", "python,django,postgresql"),
    ("Backend Engineer", "engineering", "python,fastapi,aws"),
    ("Frontend Engineer", "engineering", "react,typescript,css"),
    ("React Native Developer", "engineering", "react,typescript"),
    ("Full Stack Developer", "engineering", "react,node.js,postgresql"),
    ("Node.js Developer", "engineering", "javascript,node.js,aws"),
    ("JavaScript Engineer", "engineering", "javascript,vue,css"),
    ("Data Engineer", "data", "python,spark,airflow"),
]
SKILLS = [
    "python", "django", "fastapi", "flask", "postgresql", "sql", "aws", "docker", "kubernetes", "terraform", "react", "typescript",
    "javascript", "node.js", "vue", "css", "graphql", "redis", "kafka", "spark", "airflow", "pandas", "java", "go", "c#", "git",
    "ci/cd", "linux", "testing", "rest",
]  # fmt: skip
TOPICS = ["data structures", "testing", "async io", "state management", "sql joins", "caching", "api design", "debugging", "deployment", "security"]
FIRST_NAMES = [
    "José", "Zoë", "Renée", "Chloé", "Björn", "Łukasz", "María", "François", "Ana", "Liam", "Olivia", "Noah", "Mia", "Jack",
    "Isla", "Aarav", "Priya", "Wei", "Mei", "Juan", "Gabriel", "Sofía", "Mateo", "Ingrid", "Søren", "Hélène", "Raúl",
    "Andrés", "Jürgen", "Ahmed", "Fatima", "Kenji", "Yuki", "Ravi", "Grace", "Ethan", "Charlotte", "Lucas",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Nguyen", "García", "Müller", "Dubois", "López", "Santos", "Reyes", "Cruz", "Bautista", "Williams", "Brown",
    "Chen", "Wang", "Kim", "Patel", "Singh", "Jones", "Taylor", "O'Brien", "Núñez", "Kowalski", "Søndergaard", "Åberg",
    "Lefèvre", "Fernández", "Rossi", "Schmidt", "Tanaka", "Sato",
]  # fmt: skip
ANSWER = (
    "In my last role I used {topic} every day. For example, we had a service whose p95 latency was 600 ms; I profiled it,"
    " found the hot path, added tests around it and changed the approach, which brought it down to 90 ms. The trade-off was"
    " more code to maintain, so I documented the decision and walked the team through it before we shipped to production."
)

# Each statement runs with triggers off (session_replication_role = replica), on the temp tables
# of the previous ones; %(...)s are the parameters of load().
LOAD_SQL = [
    # candidates, as Auth's trigger would have made them, registered through one of the organizations
    "create temp table bench_people as"
    " select n, gen_random_uuid() as id, (%(organizations)s::uuid[])[1 + n %% 5] as organization_id, 1 + n %% 5 as organization_k,"
    "        f.name || ' ' || l.name as full_name, 'candidate-' || n || '@bench.example' as email,"
    "        now() - (1 + random() * 364) * interval '1 day' as created_at"
    "   from generate_series(1, %(candidates)s) n"
    "   join unnest(%(first)s::text[]) with ordinality f (name, k) on f.k = 1 + n %% cardinality(%(first)s::text[])"
    "   join unnest(%(last)s::text[]) with ordinality l (name, k) on l.k = 1 + (n / 7) %% cardinality(%(last)s::text[])",
    "insert into auth.users (id, email, encrypted_password, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, created_at)"
    " select id, email, 'x', jsonb_build_object('provider', 'email', 'role', 'candidate', 'organization_id', organization_id),"
    "        jsonb_build_object('full_name', full_name), created_at, created_at from bench_people",
    "insert into public.candidates (id, email, full_name, organization_id, created_at, updated_at)"
    " select id, email, full_name, organization_id, created_at, created_at from bench_people",
    # forty postings per organization, most of them open
    "create temp table bench_postings as"
    " select gen_random_uuid() as id, o.id as organization_id, o.k as organization_k, p as k, r.title, r.category,"
    "        string_to_array(r.stack, ',') as stack, now() - (30 + random() * 300) * interval '1 day' as created_at, random() as r"
    "   from unnest(%(organizations)s::uuid[]) with ordinality o (id, k), generate_series(1, %(postings)s) p"
    "   join unnest(%(titles)s::text[], %(categories)s::text[], %(stacks)s::text[]) with ordinality r (title, category, stack, k)"
    "     on r.k = 1 + p %% cardinality(%(titles)s::text[])",
    "insert into public.job_postings (id, organization_id, title, company, description, role_category, tech_stack, required_skills,"
    "  employment_type, work_setup, location, status, created_at, updated_at)"
    " select id, organization_id, title || ' ' || k, 'Acme ' || organization_k, 'Build and run our services.', category, stack, stack[1:2],"
    "        'permanent', 'remote', 'Sydney', case when r < 0.75 then 'active' when r < 0.9 then 'paused' else 'closed' end,"
    "        created_at, created_at"
    "   from bench_postings",
    # resumes (a tenth of the candidates have two), their files, and feedback on most
    "create temp table bench_resumes as"
    " select gen_random_uuid() as id, p.id as candidate_id, j, p.created_at + j * interval '1 hour' as uploaded_at, random() as r, random() as r2,"
    "        (select coalesce(jsonb_agg(distinct (%(skills)s::text[])[1 + floor(random() * cardinality(%(skills)s::text[]))::int]), '[]')"
    "           from generate_series(1, 3 + (p.n + j) %% 4)) as skills"
    "   from bench_people p, generate_series(1, case when p.n %% 10 = 0 then 2 else 1 end) j",
    "insert into storage.objects (bucket_id, name, owner, owner_id, metadata, created_at, updated_at)"
    " select 'resumes', candidate_id || '/' || replace(id::text, '-', '') || '/cv.pdf', candidate_id, candidate_id::text,"
    "        jsonb_build_object('size', 120000, 'mimetype', 'application/pdf'), uploaded_at, uploaded_at from bench_resumes",
    "insert into public.resumes (id, candidate_id, storage_path, file_name, file_size, mime_type, is_active, parsing_status, parsing_error,"
    "  parsed_data, parse_model, parsed_at, uploaded_at, updated_at)"
    " select id, candidate_id, candidate_id || '/' || replace(id::text, '-', '') || '/cv.pdf', 'cv.pdf', 120000, 'application/pdf', j = 1,"
    "        case when r < 0.03 then 'failed' when r < 0.05 then 'pending' else 'completed' end,"
    "        case when r < 0.03 then 'No readable text was found in the document.' end,"
    "        case when r >= 0.05 then jsonb_build_object('skills', skills, 'experience_years', 1 + floor(r2 * 12)::int, 'education', '[]'::jsonb,"
    "                                               'previous_roles', '[]'::jsonb, 'technical_domains', '[]'::jsonb) end,"
    "        case when r >= 0.05 then 'gpt-4o-mini' end, case when r >= 0.05 then uploaded_at + interval '1 minute' end, uploaded_at, uploaded_at"
    "   from bench_resumes",
    "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, identified_gaps, status, generated_at, auto_send_at, sent_at)"
    " select id, candidate_id, 'A clear resume. Quantify your outcomes and lead with the projects closest to the role.',"
    "        '[\"testing\"]'::jsonb, case when r2 < 0.1 then 'pending_approval' else 'sent' end, g.at, g.at + interval '4 hours',"
    "        case when r2 >= 0.1 then g.at + interval '4 hours' end"
    "   from bench_resumes,"
    "        lateral (select case when r2 < 0.1 then now() - r2 * 40 * interval '1 hour' else uploaded_at + interval '2 minutes' end as at) g"
    "  where r >= 0.05 and r2 < 0.7",
    # two interviews per candidate: one for an application to their organization's posting, the
    # other for another organization's posting (every fifth candidate) or practice
    "create temp table bench_interviews as"
    " select gen_random_uuid() as id, p.id as candidate_id, p.n, j,"
    "        case when j = 1 then own.id when p.n %% 5 = 0 then other.id end as posting_id,"
    "        case when j = 1 then own.stack when p.n %% 5 = 0 then other.stack end as stack,"
    "        case when j = 1 or p.n %% 5 = 0 then gen_random_uuid() end as application_id,"
    "        case when random() < 0.15 then 'voice' else 'text' end as mode,"
    "        p.created_at + (0.1 + 0.9 * random()) * (now() - p.created_at) - interval '2 hours' as started_at, random() as r, random() as r2"
    "   from bench_people p cross join generate_series(1, 2) j"
    "   join bench_postings own on own.organization_k = p.organization_k and own.k = 1 + (p.n * 7 + j) %% %(postings)s"
    "   join bench_postings other on other.organization_k = 1 + p.organization_k %% 5 and other.k = 1 + (p.n * 3) %% %(postings)s",
    "alter table bench_interviews add column status text, add column role_type text",
    "update bench_interviews set status = case when r < 0.90 then 'completed' when r < 0.95 then 'abandoned' else 'in_progress' end,"
    "  role_type = case when stack is not null then private.role_type_for(stack)"
    "                   else (array['python', 'react', 'javascript', 'fullstack'])[1 + n %% 4] end",
    "insert into public.interviews (id, candidate_id, job_posting_id, application_id, role_type, mode, status, started_at, completed_at,"
    "  duration_seconds, last_activity_at, ai_model_used, total_tokens_used, cost_usd, speech_tokens_used, speech_cost_usd, end_reason,"
    "  created_at, updated_at)"
    " select id, candidate_id, posting_id, application_id, role_type, mode, status, started_at,"
    "        case when status = 'completed' then started_at + interval '35 minutes' end, case when status = 'completed' then 2100 end,"
    "        started_at + interval '35 minutes', 'gpt-4o-mini', 6000 + (r2 * 3000)::int, 0.0123,"
    "        case when mode = 'voice' then 900 else 0 end, case when mode = 'voice' then 0.021 else 0 end,"
    "        case when status = 'completed' then 'plan_complete' when status = 'abandoned' then 'inactive' end,"
    "        started_at - interval '1 day', started_at + interval '35 minutes'"
    "   from bench_interviews",
    "insert into public.applications (id, candidate_id, job_posting_id, interview_id, status, cover_note, status_changed_at, created_at, updated_at)"
    " select application_id, candidate_id, posting_id, id,"
    "        case when status = 'in_progress' then 'interview_scheduled' when status = 'abandoned' then 'withdrawn'"
    "             when r2 < 0.4 then 'interview_completed' when r2 < 0.65 then 'under_review' when r2 < 0.85 then 'rejected'"
    "             when r2 < 0.95 then 'offered' else 'accepted' end,"
    "        'I would love to bring my experience to your team.', started_at + interval '1 day', started_at - interval '1 day',"
    "        started_at + interval '1 day'"
    "   from bench_interviews where application_id is not null",
    "insert into public.application_events (application_id, from_status, to_status, created_at)"
    " select a.id, null, 'interview_scheduled', a.created_at from public.applications a"
    " union all"
    " select a.id, 'interview_scheduled', a.status, a.status_changed_at from public.applications a where a.status <> 'interview_scheduled'",
    # 15 messages each: questions at odd sequence numbers, evaluated answers at even ones
    "insert into public.interview_messages (id, interview_id, sequence_number, message_type, content_text, content_audio_url,"
    "  audio_duration_seconds, audio_metadata, response_time_seconds, metadata, evaluation, created_at)"
    " select md5(i.id::text || '/' || s)::uuid, i.id, s, case when s %% 2 = 1 then 'ai_question' else 'candidate_response' end,"
    "        case when s %% 2 = 1 then 'Can you walk me through how you approach ' || t.topic || ' in a production codebase?'"
    "             else replace(%(answer)s, '{topic}', t.topic) end,"
    "        case when s %% 2 = 0 and i.mode = 'voice' then i.candidate_id || '/' || i.id || '/answer-' || s || '.wav' end,"
    "        case when s %% 2 = 0 and i.mode = 'voice' then 30 + s end,"
    "        case when s %% 2 = 0 and i.mode = 'voice'"
    "             then jsonb_build_object('confidence', round((0.6 + random() * 0.4)::numeric, 2), 'format', 'wav') end,"
    "        case when s %% 2 = 0 then 20 + floor(random() * 100) end,"
    "        jsonb_build_object('question_id', replace(t.topic, ' ', '_') || '.' || s, 'topic', t.topic,"
    "                           'phase', case when s <= 4 then 'warmup' when s <= 10 then 'standard' else 'advanced' end,"
    "                           'source', case when s %% 2 = 0 then i.mode end),"
    "        case when s %% 2 = 0 then jsonb_build_object('score', 40 + floor(random() * 60)::int, 'skill', t.topic, 'quality', 'solid',"
    "             'proficiency', 'intermediate', 'rationale', 'Concrete example with measured results; trade-offs named.',"
    "             'follow_up_needed', false, 'hedging', false, 'technical_terms', jsonb_build_array('p95', 'profiling', 'tests')) end,"
    "        i.started_at + s * interval '2 minutes'"
    "   from bench_interviews i cross join generate_series(1, 15) s"
    "   join unnest(%(topics)s::text[]) with ordinality t (topic, k) on t.k = 1 + (i.n + s / 2) %% cardinality(%(topics)s::text[])",
    "insert into storage.objects (bucket_id, name, owner, owner_id, metadata, created_at, updated_at)"
    " select 'audio', m.content_audio_url, i.candidate_id, i.candidate_id::text, jsonb_build_object('size', 480000, 'mimetype', 'audio/wav'),"
    "        m.created_at, m.created_at"
    "   from public.interview_messages m join bench_interviews i on i.id = m.interview_id where m.content_audio_url is not null",
    # every completed interview scored; 5% rescored (the earlier scoring kept); low integrity flagged with answers cited
    "create temp table bench_assessments as"
    " select gen_random_uuid() as id, i.id as interview_id, i.candidate_id, p.organization_id, i.role_type,"
    "        i.started_at + interval '40 minutes' as at,"
    "        case when i.r2 < 0.03 then 'failed' when i.r2 < 0.10 then 'partial' else 'completed' end as status,"
    "        least(100, greatest(0, round(65 + 30 * (random() + random() + random() - 1.5))))::int as overall,"
    "        case when random() < 0.12 then 25 + floor(random() * 35)::int else 60 + floor(random() * 41)::int end as integrity,"
    "        random() as r"
    "   from bench_interviews i join bench_people p on p.id = i.candidate_id where i.status = 'completed'",
    "insert into public.assessment_results (interview_id, is_current, status, overall_score, integrity_score, generated_at, model)"
    " select interview_id, false, 'completed', greatest(0, overall - 10), integrity, at - interval '1 day', 'gpt-4o-mini'"
    "   from bench_assessments where r < 0.05",
    "insert into public.assessment_results (id, interview_id, is_current, status, overall_score, skill_scores, skill_boundary_map, strengths,"
    "  weaknesses, integrity_score, integrity_flags, ai_reasoning, recommended_actions, model, prompt_version, cost_usd, generated_at)"
    " select a.id, a.interview_id, true, a.status, case when a.status <> 'failed' then a.overall end,"
    "        case when a.status = 'failed' then '{}'::jsonb else jsonb_build_object("
    "          a.role_type, jsonb_build_object('score', a.overall,"
    "            'evidence_message_ids', jsonb_build_array(md5(a.interview_id || '/4')::uuid, md5(a.interview_id || '/8')::uuid),"
    "                                          'reasoning', 'Explained the approach with a concrete example.', 'confidence', 0.8),"
    "          'problem_solving', jsonb_build_object('score', least(100, a.overall + 5),"
    "                                                'evidence_message_ids', jsonb_build_array(md5(a.interview_id || '/6')::uuid),"
    "                                                'reasoning', 'Worked from measurement to change.', 'confidence', 0.7)) end,"
    "        case when a.status = 'failed' then '{}'::jsonb else jsonb_build_object(a.role_type, 'standard') end,"
    "        case when a.status = 'failed' then '[]'::jsonb else '[\"clear explanations\", \"measures before optimising\"]'::jsonb end,"
    "        case when a.status = 'failed' then '[]'::jsonb else '[\"advanced topics\"]'::jsonb end,"
    "        case when a.status <> 'failed' then a.integrity end,"
    "        case when a.status <> 'failed' and a.integrity < 60 then jsonb_build_array("
    "          jsonb_build_object('type', 'long_pause', 'severity', 'medium', 'confidence', 0.7, 'source', 'rules',"
    "                             'evidence', jsonb_build_object('message_ids', jsonb_build_array(md5(a.interview_id || '/10')::uuid),"
    "                                                            'response_time_seconds', 118)),"
    "          jsonb_build_object('type', 'scripted_answer', 'severity', 'high', 'confidence', 0.6, 'source', 'ai',"
    "                             'evidence', jsonb_build_object('message_ids',"
    "            jsonb_build_array(md5(a.interview_id || '/12')::uuid, md5(a.interview_id || '/14')::uuid),"
    "                                                            'explanation', 'Answers read as prepared text.')))"
    "             else '[]'::jsonb end,"
    "        jsonb_build_object('summary', 'Solid fundamentals; probe the advanced topics at the panel.'),"
    "        '[\"Ask about testing strategy\"]'::jsonb, 'gpt-4o-mini', 'scoring-v3', 0.004, a.at"
    "   from bench_assessments a",
    "create temp table bench_recruiters as select r.organization_id, min(r.id::text)::uuid as id from public.recruiters r group by r.organization_id",
    "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by, reviewed_at)"
    " select a.organization_id, a.id, r.id, least(now(), a.at + interval '1 day')"
    "   from bench_assessments a join bench_recruiters r on r.organization_id = a.organization_id"
    "  where a.status <> 'failed' and a.r < 0.6",
]


@dataclass(frozen=True)
class View:
    name: str
    run: Callable[[int], object]  # the service call, for the i-th run
    explain: Callable[[Any, int], object]  # the same repository calls the service makes, on a given connection


def load(conn: Any, candidates: int) -> dict[str, Any]:
    """Organizations and their recruiters (through Auth's trigger), then everything else
    set-based with triggers off; returns the benchmarked recruiter's id."""
    from tests.rls import create_user

    conn.execute("select setseed(0.17)")
    for organization_id, name in ORGANIZATIONS:
        conn.execute("insert into public.organizations (id, name) values (%s, %s) on conflict (id) do nothing", [organization_id, name])
    recruiters = [create_user(conn, "recruiter", organization_id, name=f"Recruiter of {name}") for organization_id, name in ORGANIZATIONS]
    params = {
        "organizations": [organization_id for organization_id, _ in ORGANIZATIONS],
        "candidates": candidates,
        "postings": POSTINGS_PER_ORGANIZATION,
        "first": FIRST_NAMES,
        "last": LAST_NAMES,
        "titles": [title for title, _, _ in ROLES],
        "categories": [category for _, category, _ in ROLES],
        "stacks": [stack for _, _, stack in ROLES],
        "skills": SKILLS,
        "topics": TOPICS,
        "answer": ANSWER,
    }
    conn.execute("set session_replication_role = replica")
    for statement in LOAD_SQL:
        placeholders = {key: value for key, value in params.items() if f"%({key})s" in statement}
        conn.execute(statement, placeholders)
    conn.execute("set session_replication_role = origin")
    for table in ("bench_people", "bench_postings", "bench_resumes", "bench_interviews", "bench_assessments", "bench_recruiters"):
        conn.execute(f"drop table {table}")
    return {"recruiter": recruiters[0]}


def refresh_pipeline(conn: Any, batch: int = 2_000) -> None:
    """The pipeline rows the triggers would have written: private.refresh_organization_candidates()
    for every candidate, a batch per statement."""
    if conn.execute("select to_regprocedure('private.refresh_organization_candidates(uuid)')").fetchone()[0] is None:
        raise SystemExit("private.refresh_organization_candidates(uuid) is missing: the recruiter migrations are not applied")
    conn.execute("create temp table bench_refresh as select row_number() over (order by id) as k, id from public.candidates")
    total = conn.execute("select count(*) from bench_refresh").fetchone()[0]
    for start in range(0, total, batch):
        conn.execute("select private.refresh_organization_candidates(id) from bench_refresh where k > %s and k <= %s", [start, start + batch])
    conn.execute("drop table bench_refresh")


def analyze(conn: Any) -> None:
    tables = [
        "auth.users", "storage.objects", "public.organizations", "public.recruiters", "public.candidates", "public.job_postings",
        "public.resumes", "public.resume_feedback", "public.applications", "public.application_events", "public.interviews",
        "public.interview_messages", "public.assessment_results", "public.assessment_reviews", "public.organization_candidates",
    ]  # fmt: skip
    for table in tables:
        conn.execute(f"vacuum analyze {table}")


def counts(conn: Any, organization_id: str) -> dict[str, Any]:
    def one(sql: str, *params: Any) -> Any:
        return conn.execute(sql, list(params)).fetchone()[0]

    return {
        "organizations": one("select count(*) from public.organizations"),
        "candidates": one("select count(*) from public.candidates"),
        "resumes": one("select count(*) from public.resumes"),
        "resume_feedback_awaiting_approval": one("select count(*) from public.resume_feedback where status = 'pending_approval'"),
        "job_postings": one("select count(*) from public.job_postings"),
        "applications": one("select count(*) from public.applications"),
        "interviews": one("select count(*) from public.interviews"),
        "interview_messages": one("select count(*) from public.interview_messages"),
        "assessment_results": one("select count(*) from public.assessment_results"),
        "assessment_reviews": one("select count(*) from public.assessment_reviews"),
        "pipeline_rows": one("select count(*) from public.organization_candidates"),
        "benchmarked_organization_candidates": one("select count(*) from public.organization_candidates where organization_id = %s", organization_id),
    }


def samples(conn: Any, organization_id: str, size: int) -> dict[str, list[str]]:
    """Candidates and interviews the benchmarked organization sees, to open one after another: the
    candidate files of scored candidates with a stored resume, completed text and voice interviews."""

    def ids(sql: str) -> list[str]:
        return [str(row[0]) for row in conn.execute(sql, {"organization": organization_id, "size": size}).fetchall()]

    return {
        "candidates": ids(
            "select o.candidate_id from public.organization_candidates o where o.organization_id = %(organization)s"
            " and o.assessment_id is not null and exists (select 1 from public.resumes r where r.candidate_id = o.candidate_id)"
            " order by md5(o.candidate_id::text) limit %(size)s"
        ),
        "text_interviews": ids(
            "select i.id from public.interviews i join public.organization_candidates o on o.candidate_id = i.candidate_id"
            " where o.organization_id = %(organization)s and i.status = 'completed' and i.mode = 'text' order by md5(i.id::text) limit %(size)s"
        ),
        "voice_interviews": ids(
            "select i.id from public.interviews i join public.organization_candidates o on o.candidate_id = i.candidate_id"
            " where o.organization_id = %(organization)s and i.status = 'completed' and i.mode = 'voice' order by md5(i.id::text) limit %(size)s"
        ),
    }


class Recorder:
    """A connection that runs each statement under EXPLAIN (ANALYZE, BUFFERS) just before running
    it, in the transaction's state at that moment (the caller's role, or service_role after
    become_service), and keeps the plans."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.as_service = False
        self.plans: list[dict[str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        if sql.startswith("select set_config('role'"):
            self.as_service = "service_role" in json.dumps(params)
            return self.conn.execute(sql, params)
        [row] = self.conn.execute("explain (analyze, buffers, format json) " + sql, params).fetchall()
        result = row["QUERY PLAN"][0]
        self.plans.append({"sql": sql, "params": params, "as_service": self.as_service, "result": result})
        return self.conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def scans(plan: dict[str, Any]) -> list[str]:
    """How each plan node reads a table or index, e.g. 'Index Only Scan organization_candidates_pkey'."""
    found = []
    if "Relation Name" in plan or "Index Name" in plan:
        found.append(f"{plan['Node Type']} {plan.get('Index Name') or plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found.extend(scans(child))
    return found


def explain(view: View, caller: Any) -> list[dict[str, Any]]:
    """The plans of each statement the view's repository calls ran (its first sample)."""
    from shared import db

    with db.user_transaction(caller.claims) as conn:
        recorder = Recorder(conn)
        view.explain(recorder, 0)
    found = []
    for item in recorder.plans:
        result, read_by = item["result"], scans(item["result"]["Plan"])
        found.append(
            {
                "sql": " ".join(item["sql"].split())[:160],
                "role": "service_role" if item["as_service"] else "authenticated",
                "execution_ms": round(result["Execution Time"], 2),
                "planning_ms": round(result["Planning Time"], 2),
                "shared_buffers": {"hit": result["Plan"].get("Shared Hit Blocks", 0), "read": result["Plan"].get("Shared Read Blocks", 0)},
                "read_by": sorted(set(read_by)),
                "sequential_scans": sorted({scan.split(" ", 2)[2] for scan in read_by if scan.startswith("Seq Scan")}),
                "_statement": item,
            }
        )
    return found


def text_plan(item: dict[str, Any], caller: Any) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one recorded statement as text, as the role it ran as."""
    from shared import db

    with db.user_transaction(caller.claims) as conn:
        if item["as_service"]:
            db.become_service(conn)
        rows = conn.execute("explain (analyze, buffers) " + item["sql"], item["params"]).fetchall()
    return "\n".join(row["QUERY PLAN"] for row in rows)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(view: View, runs: int, warmup: int) -> dict[str, float]:
    for i in range(warmup):
        view.run(i)
    took = []
    for i in range(runs):
        started = time.perf_counter()
        view.run(i)
        took.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(took), 2), "p95": round(percentile(took, 0.95), 2), "max": round(max(took), 2)}


def views(caller: Any, sampled: dict[str, list[str]]) -> list[View]:
    """The six views of the issue, and the review of a spoken interview."""
    from shared.db import become_service
    from shared.models.recruiter import PipelineQuery
    from shared.repositories import accounts as account_rows
    from shared.repositories import applications as application_rows
    from shared.repositories import assessments as assessment_rows
    from shared.repositories import feedback as feedback_rows
    from shared.repositories import interviews as interview_rows
    from shared.repositories import pipeline as pipeline_rows
    from shared.repositories import resumes as resume_rows
    from shared.services import recruiter

    organization = caller.organization_id

    def pick(kind: str, i: int) -> str:
        return sampled[kind][i % len(sampled[kind])]

    def dashboard_rows(conn: Any, _: int) -> None:
        feedback_rows.queue(conn, organization, 10)
        resume_rows.failed(conn, organization, 10)
        interview_rows.completed_since(conn, organization, recruiter.COMPLETED_WITHIN_DAYS, 10)
        assessment_rows.waiting_review(conn, organization, 10)
        application_rows.open_posting_counts(conn, organization, recruiter.MAX_OPEN_POSTINGS)
        pipeline_rows.top(conn, organization, 80, 10)

    def list_view(name: str, query: PipelineQuery) -> View:
        def rows(conn: Any, _: int) -> None:
            pipeline_rows.page(conn, organization, query, None, 26)
            pipeline_rows.count(conn, organization, query)

        return View(name, lambda _: recruiter.candidates(caller, query, None, 25), rows)

    def candidate_rows(conn: Any, i: int) -> None:
        candidate_id = pick("candidates", i)
        account_rows.candidate_profile(conn, candidate_id)
        pipeline_rows.find(conn, organization, candidate_id)
        resume_rows.stored_of_candidate(conn, candidate_id)
        feedback_rows.of_candidate(conn, candidate_id)
        application_rows.history_of_candidate(conn, organization, candidate_id)
        found = interview_rows.of_candidate(conn, candidate_id)
        assessment_rows.records(conn, organization, [str(interview.id) for interview in found])

    def review_rows(kind: str) -> Callable[[Any, int], None]:
        def rows(conn: Any, i: int) -> None:
            interview_id = pick(kind, i)
            interview = interview_rows.find(conn, interview_id)
            assert interview is not None
            account_rows.candidate_profile(conn, str(interview.candidate_id))
            assessment_rows.records(conn, organization, [interview_id])
            become_service(conn)
            interview_rows.review_messages(conn, interview_id)

        return rows

    return [
        View("dashboard (score threshold 80, 10 per list)", lambda _: recruiter.dashboard(caller, 80, 10), dashboard_rows),
        list_view("candidates: skill python, by score, page 1 of 25", PipelineQuery(skill="python", sort="score", order="desc")),
        list_view("candidates: integrity below 60, by date, page 1 of 25", PipelineQuery(integrity_below=60, sort="date", order="desc")),
        list_view("candidates: free text 'garcía', by date, page 1 of 25", PipelineQuery(q="garcía", sort="date", order="desc")),
        View("candidate file (resume link signed through Storage)", lambda i: recruiter.candidate(caller, pick("candidates", i)), candidate_rows),
        View(
            "interview review (text, 15 messages)",
            lambda i: recruiter.interview_review(caller, pick("text_interviews", i)),
            review_rows("text_interviews"),
        ),
        View(
            "interview review (voice, 7 answers' audio links signed through Storage)",
            lambda i: recruiter.interview_review(caller, pick("voice_interviews", i)),
            review_rows("voice_interviews"),
        ),
    ]


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    memory = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "")
    return {"vcpus": os.cpu_count(), "cpu": model or platform.processor(), "memory": memory, "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=20_000, help="two interviews of 15 messages each per candidate")
    parser.add_argument("--runs", type=int, default=200, help="measured calls per view")
    parser.add_argument("--quick", action="store_true", help="2,000 candidates, 30 runs")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed) instead of dropping it")
    args = parser.parse_args()
    if args.quick:
        args.candidates, args.runs = 2_000, 30
    postgres.start()
    name = f"bench_recruiter_{uuid.uuid4().hex[:8]}"
    load_before = os.getloadavg()
    try:
        migrate.prepare_database(name)
        from tests.e2e.conftest import free_port, serve_standin

        env = config.local_env(database=name, supabase_port=free_port())
        os.environ.update(env)
        from shared.auth import caller_from_token, checked_in_database
        from tests.support import access_token

        with postgres.connect(name) as conn:
            started = time.perf_counter()
            ids = load(conn, args.candidates)
            load_seconds = round(time.perf_counter() - started, 1)
            analyze(conn)  # before the refresh too: its statements are planned once per session, on these statistics
            started = time.perf_counter()
            refresh_pipeline(conn)
            pipeline_seconds = round(time.perf_counter() - started, 1)
            analyze(conn)
            organization = ORGANIZATIONS[0][0]
            data = counts(conn, organization)
            sampled = samples(conn, organization, 50)
            server = conn.execute("show server_version").fetchone()[0]
        with serve_standin(env):
            caller = checked_in_database(caller_from_token(access_token(ids["recruiter"], "recruiter")))
            results: dict[str, Any] = {}
            statements: list[tuple[str, dict[str, Any]]] = []
            for view in views(caller, sampled):
                latency = measure(view, args.runs, warmup=max(3, args.runs // 20))
                planned = explain(view, caller)
                statements.extend((view.name, item) for item in planned)
                results[view.name] = {
                    "latency_ms": latency,
                    "meets_target": latency["p95"] < TARGET_P95_MS,
                    "statements": [{key: value for key, value in item.items() if not key.startswith("_")} for item in planned],
                }
            slowest_view, slowest = max(statements, key=lambda pair: pair[1]["execution_ms"])
            slowest_plan = text_plan(slowest["_statement"], caller)
        print(
            json.dumps(
                {
                    "machine": {**machine(), "postgres": server, "load_average_before": load_before, "load_average_after": os.getloadavg()},
                    "data": data,
                    "load_seconds": load_seconds,
                    "pipeline_rows_seconds": pipeline_seconds,
                    "runs_per_view": args.runs,
                    "target_p95_ms": TARGET_P95_MS,
                    "views": results,
                    "slowest_statement": {"view": slowest_view, "sql": slowest["sql"], "execution_ms": slowest["execution_ms"]},
                    **({"kept_database": name} if args.keep else {}),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the slowest statement ({slowest_view}):\n{slowest_plan}")
    finally:
        from shared import db

        db.close_pool()
        if not args.keep:
            postgres.drop_database(name)


if __name__ == "__main__":
    main()
