"""Latency of the job-postings search and the staff applications list (issue 16) on a realistic
volume: 50,000 postings of eight organizations (varied titles, accented words, stacks, locations,
salary bands; 85% open) and 200,000 applications with interviews and assessment scores, one
posting of which has 5,000 applicants. Runs against a scratch database in the local cluster
(started if needed), dropped afterwards unless --keep.

    .venv/bin/python bench/job_search.py            # full size: ~2.5 min to load, ~3 min to measure
    .venv/bin/python bench/job_search.py --quick    # 5,000 postings, 20,000 applications, 50 runs
    .venv/bin/python bench/job_search.py --database bench_search_1a2b3c4d   # measure a --keep database again

Rows are written set-based with triggers off, as the product's triggers would leave them
(candidate profiles, the application's interview and score, the organizations' candidate
pipelines), then vacuumed and analyzed.

Each query is the product's own: the service function (`shared.services.job_postings.search`,
`shared.services.applications.staff_list`) through the pool of `shared.db`, as anon for the public
search and as an authenticated recruiter (request.jwt.claims from a signed token, checked in the
database once) for the recruiter's search and the staff list, so the tables' policies apply. The
latency is the whole call (BEGIN, role and claims, the statements, COMMIT, the models) over
loopback. The statements the repository ran are then captured and run again under EXPLAIN
(ANALYZE, BUFFERS) as the same role, to show the time spent in Postgres and how each table was
read. The machine's load average is printed: other work on it shows in the percentiles.

Prints JSON: the machine, the data, and per query p50/p95/max (ms) over --runs calls, whether p95
meets the 30 ms target, and per statement its execution and planning time, whether JIT ran, the
indexes it read and any table it scanned sequentially.
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

TARGET_P95_MS = 30.0
HOME_ORGANIZATION = "00000000-0000-0000-0000-00000000a001"
ORGANIZATIONS = [
    "Nexus Talent",  # the benchmarked recruiter's organization
    "Crème de la Code Recruitment",
    "Müller & Partner Staffing",
    "Harbour Bridge Talent",
    "São Paulo Tech Hires",
    "Zürich Engineering Search",
    "Pacific Outsourcing Co",
]
# title, role category, tech stack
ROLES = [
    ("Python Developer", "engineering", "python,django,postgresql"),
    ("Backend Engineer", "engineering", "python,fastapi,aws"),
    ("Frontend Engineer", "engineering", "react,typescript,css"),
    ("Full Stack Developer", "engineering", "react,node.js,postgresql"),
    ("React Native Developer", "engineering", "react native,typescript"),
    ("Node.js Developer", "engineering", "node.js,typescript,aws"),
    ("Java Developer", "engineering", "java,spring,kafka"),
    ("Go Engineer", "engineering", "go,kubernetes,grpc"),
    ("Software Engineer", "engineering", "javascript,python,aws"),
    ("Développeur Python", "engineering", "python,flask,postgresql"),
    ("Développeur Full Stack", "engineering", "vue,node.js,mongodb"),
    ("Ingeniero de Software", "engineering", "java,react,aws"),
    ("Desarrollador Backend", "engineering", "node.js,express,mysql"),
    ("Softwareentwickler Java", "engineering", "java,spring,postgresql"),
    ("QA Automation Engineer", "quality_assurance", "python,playwright,ci"),
    ("Test Analyst", "quality_assurance", "selenium,java,jira"),
    ("Data Engineer", "data", "python,spark,airflow,aws"),
    ("Data Scientist", "data", "python,pandas,scikit-learn"),
    ("Analista de Datos", "data", "sql,python,power bi"),
    ("Machine Learning Engineer", "data", "python,pytorch,aws"),
    ("DevOps Engineer", "devops", "aws,terraform,kubernetes"),
    ("Site Reliability Engineer", "devops", "kubernetes,prometheus,go"),
    ("Ingénieur DevOps", "devops", "azure,terraform,docker"),
    ("Cloud Architect", "devops", "aws,azure,terraform"),
    ("Product Designer", "design", "figma,design systems"),
    ("Diseñador UX/UI", "design", "figma,user research"),
    ("Product Manager", "product", "api,platform,analytics"),
    ("Technical Product Owner", "product", "jira,api"),
    ("Sales Development Representative", "sales", "salesforce,hubspot"),
    ("Solutions Engineer", "sales", "javascript,rest"),
    ("Customer Support Specialist", "support", "zendesk,sql"),
    ("Technical Support Engineer", "support", "sql,javascript"),
    ("Operations Analyst", "operations", "sql,excel"),
    ("Engineering Manager", "management", "react,java,aws"),
    ("Gerente de Proyectos", "management", "jira,confluence"),
]
SUFFIXES = ["", "", "", "", " (Contract)", " – Fintech", " – Healthtech", ", Platform", ", Payments", " (Remote)"]
COMPANIES = [
    "Canva", "Atlassian", "Xero", "Airwallex", "SafetyCulture", "Employment Hero", "Culture Amp", "Envato", "Harrison.ai",
    "Linktree", "Deputy", "Afterpay", "Immutable", "Zendesk", "Tyro", "REA Group", "Judo Bank", "Teamified", "Société Générale",
    "Crédit Agricole", "Nestlé Digital", "Café Numérique", "Björk Analytics", "Ångström Robotics", "Müller Logistik",
    "Señor Software", "Bogotá Fintech", "Kraków Data Works", "Ørsted Energy Tech", "Telstra", "Qantas Digital", "Accenture",
    "Thoughtworks", "Globe Telecom", "Jollibee Foods", "Ayala Land Digital", "Zoë & Co", "Crème Analytics", "Łódź Labs",
    "Ernst & Young",
]  # fmt: skip
LOCATIONS = [
    "Sydney", "Melbourne", "Remote (AU)", "Brisbane", "Manila", "Perth", "Makati", "Adelaide", "Cebu", "Auckland", "Singapore",
    "London", "Montréal", "São Paulo", "Zürich", "Bogotá", "Kraków", "Ho Chi Minh City",
]  # fmt: skip
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

POSTINGS_SQL = """
with roles as (select * from unnest(%(titles)s::text[], %(categories)s::text[], %(stacks)s::text[]) with ordinality r (title, category, stack, k)),
     suffixes as (select * from unnest(%(suffixes)s::text[]) with ordinality s (text, k)),
     companies as (select * from unnest(%(companies)s::text[]) with ordinality c (name, k)),
     locations as (select * from unnest(%(locations)s::text[]) with ordinality l (name, k)),
     organizations as (select id, row_number() over (order by created_at, id) as k from public.organizations),
     g as materialized (
       select n, random() as r_role, random() as r_suffix, random() as r_company, random() as r_location, random() as r_level,
              random() as r_status, random() as r_salary, random() as r_band, random() as r_type, random() as r_setup, random() as r_age
         from generate_series(1, %(postings)s) n),
     d as (
       select g.*, o.id as organization_id, r.title, r.category, string_to_array(r.stack, ',') as stack, s.text as suffix,
              c.name as company, l.name as location, v.level, v.prefix, v.base,
              now() - g.r_age * interval '365 days' as created_at
         from g
         join roles r on r.k = 1 + floor(g.r_role * (select count(*) from roles))
         join suffixes s on s.k = 1 + floor(g.r_suffix * (select count(*) from suffixes))
         join companies c on c.k = 1 + floor(power(g.r_company, 1.3) * (select count(*) from companies))
         join locations l on l.k = 1 + floor(power(g.r_location, 1.8) * (select count(*) from locations))
         join organizations o on o.k = 1 + g.n %% (select count(*) from organizations)
         cross join lateral (
           select * from (values ('entry', 'Graduate ', 60000), ('junior', 'Junior ', 80000), ('mid', '', 110000),
                                 ('senior', 'Senior ', 150000), ('lead', 'Lead ', 185000),
                                 ('principal', 'Principal ', 220000)) lv (level, prefix, base)
            where lv.level = case when g.r_level < 0.05 then 'entry' when g.r_level < 0.20 then 'junior' when g.r_level < 0.55 then 'mid'
                                  when g.r_level < 0.85 then 'senior' when g.r_level < 0.96 then 'lead' else 'principal' end) v)
insert into public.job_postings (organization_id, title, company, description, role_category, tech_stack, required_skills,
  employment_type, work_setup, location, salary_min, salary_max, experience_level, status, is_cancelled, cancellation_reason,
  created_at, updated_at)
select organization_id, prefix || title || suffix, company,
       format('%%s is hiring a %%s%%s to join a %%s team in %%s. You will work with %%s every day, ship to production often and help'
              ' shape how we build. Flexible hours, a learning budget and a friendly team.',
              company, prefix, title, case when r_setup < 0.4 then 'remote' when r_setup < 0.8 then 'hybrid' else 'onsite' end,
              location, array_to_string(stack, ', ')),
       category, stack, stack[1:2],
       case when r_type < 0.7 then 'permanent' when r_type < 0.9 then 'contract' else 'part_time' end,
       case when location = 'Remote (AU)' or r_setup < 0.4 then 'remote' when r_setup < 0.8 then 'hybrid' else 'onsite' end,
       location,
       case when r_salary < 0.08 then null else round(base * (0.8 + 0.4 * r_band) / 1000) * 1000 end,
       case when r_salary < 0.12 then null else round(base * (0.8 + 0.4 * r_band) / 1000) * 1000 + 5000 * (2 + floor(r_salary * 9)) end,
       level,
       case when r_status < 0.88 then 'active' when r_status < 0.93 then 'paused' else 'closed' end,
       r_status >= 0.85 and r_status < 0.88,
       case when r_status >= 0.85 and r_status < 0.88 then 'The role was filled internally.' end,
       created_at, created_at + (now() - created_at) * 0.1
  from d
 order by created_at
"""

# Auth users and the candidate rows Auth's trigger (public.handle_new_user) would create for them;
# a fifth registered through an organization.
CANDIDATES_SQL = [
    """
with first_names as (select * from unnest(%(first)s::text[]) with ordinality f (name, k)),
     last_names as (select * from unnest(%(last)s::text[]) with ordinality l (name, k)),
     organizations as (select id, row_number() over (order by created_at, id) as k from public.organizations)
insert into auth.users (id, email, encrypted_password, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, created_at)
select gen_random_uuid(), 'candidate-' || n || '@bench.example', 'x',
       case when n %% 5 = 0 then jsonb_build_object('provider', 'email', 'role', 'candidate', 'organization_id', o.id)
            else '{"provider": "email", "role": "candidate"}'::jsonb end,
       jsonb_build_object('full_name', f.name || ' ' || l.name), now(), now() - n * interval '10 minutes'
  from generate_series(1, %(candidates)s) n
  join first_names f on f.k = 1 + n %% (select count(*) from first_names)
  join last_names l on l.k = 1 + (n / 7) %% (select count(*) from last_names)
  join organizations o on o.k = 1 + (n / 5) %% (select count(*) from organizations)
""",
    "insert into public.candidates (id, email, full_name, organization_id, created_at, updated_at)"
    " select u.id, lower(u.email), u.raw_user_meta_data ->> 'full_name',"
    "        coalesce((u.raw_app_meta_data ->> 'organization_id')::uuid, %(home)s), u.created_at, u.created_at"
    "   from auth.users u where u.email like '%%@bench.example'",
]

# Who applied where: the big posting's applicants, then pairs skewed towards popular postings.
PLAN_SQL = [
    "create temp table bench_postings as"
    " select row_number() over (order by random()) as rk, id, created_at, tech_stack from public.job_postings where id <> %(big)s",
    "create temp table bench_candidates as select row_number() over (order by random()) as rk, id from public.candidates",
    "create index on bench_postings (rk)",
    "create index on bench_candidates (rk)",
    "create temp table bench_plan as"
    " select gen_random_uuid() as id, gen_random_uuid() as interview_id, c.id as candidate_id, p.id as posting_id, p.tech_stack as stack,"
    "        p.created_at + random() * (now() - p.created_at) as created_at, random() as r, random() as r2"
    "   from bench_candidates c, public.job_postings p where p.id = %(big)s and c.rk <= %(applicants)s",
    "insert into bench_plan"
    " select gen_random_uuid(), gen_random_uuid(), candidate_id, posting_id, stack, created_at + random() * (now() - created_at), random(), random()"
    "   from (select distinct c.id as candidate_id, p.id as posting_id, p.tech_stack as stack, p.created_at"
    "           from (select 1 + floor(random() * (select count(*) from bench_candidates)) as crk,"
    "                        1 + floor(power(random(), 2) * (select count(*) from bench_postings)) as prk"
    "                   from generate_series(1, (%(others)s * 1.05)::int)) g"
    "           join bench_candidates c on c.rk = g.crk join bench_postings p on p.rk = g.prk) pairs"
    "  limit %(others)s",
]

APPLICATION_STATUS = (
    "case when p.r < 0.35 then 'interview_scheduled' when p.r < 0.55 then 'interview_completed' when p.r < 0.70 then 'under_review'"
    " when p.r < 0.83 then 'rejected' when p.r < 0.87 then 'offered' when p.r < 0.89 then 'accepted' else 'withdrawn' end"
)
INTERVIEW_STATUS = (
    "case when p.r < 0.35 then (case when p.r2 < 0.3 then 'in_progress' else 'scheduled' end) when p.r < 0.89 then 'completed' else 'abandoned' end"
)
# Triggers are off while loading (session_replication_role = replica): the rows are written as the
# apply trigger, the interview engine and the scoring job would have left them.
WORK_SQL = [
    "insert into public.interviews (id, candidate_id, job_posting_id, application_id, role_type, status, started_at, completed_at,"
    "  duration_seconds, last_activity_at, total_tokens_used, created_at, updated_at)"
    f" select p.interview_id, p.candidate_id, p.posting_id, p.id, private.role_type_for(p.stack), {INTERVIEW_STATUS},"
    "        case when p.r >= 0.35 or p.r2 < 0.3 then p.created_at + interval '1 day' end,"
    "        case when p.r >= 0.35 and p.r < 0.89 then p.created_at + interval '1 day 35 minutes' end,"
    "        case when p.r >= 0.35 and p.r < 0.89 then 2100 end,"
    "        p.created_at + interval '1 day 35 minutes', (p.r2 * 9000)::int, p.created_at, p.created_at"
    "   from bench_plan p order by p.created_at",
    # A rescored interview keeps its earlier result as history.
    "insert into public.assessment_results (interview_id, is_current, status, overall_score, generated_at)"
    " select p.interview_id, false, 'completed', (30 + p.r2 * 60)::int, p.created_at + interval '1 day 40 minutes'"
    "   from bench_plan p where p.r >= 0.35 and p.r < 0.89 and p.r2 < 0.05",
    "insert into public.assessment_results (interview_id, is_current, status, overall_score, skill_scores, strengths, generated_at)"
    " select p.interview_id, true, s.status, case when s.status <> 'failed' then s.score end,"
    "        case when s.status <> 'failed' then jsonb_build_object('problem_solving', jsonb_build_object('score', s.score)) else '{}' end,"
    "        case when s.status <> 'failed' then '[\"clear explanations\"]'::jsonb else '[]' end,"
    "        p.created_at + interval '1 day 50 minutes'"
    "   from bench_plan p,"
    "        lateral (select case when p.r2 < 0.03 then 'failed' when p.r2 < 0.10 then 'partial' else 'completed' end as status,"
    "                        least(100, greatest(0, round(65 + 20 * (random() + random() + random() - 1.5))))::int as score) s"
    "  where p.r >= 0.35 and p.r < 0.89",
    # overall_score as the applications' score trigger keeps it.
    "insert into public.applications (id, candidate_id, job_posting_id, interview_id, status, cover_note, overall_score,"
    "  status_changed_at, created_at, updated_at)"
    f" select p.id, p.candidate_id, p.posting_id, p.interview_id, {APPLICATION_STATUS},"
    "        case when p.r2 < 0.3 then 'I would love to bring my experience to your team.' end,"
    "        (select r.overall_score from public.assessment_results r"
    "          where r.interview_id = p.interview_id and r.is_current and r.status <> 'failed'),"
    "        p.created_at + interval '2 days', p.created_at, p.created_at + interval '2 days'"
    "   from bench_plan p order by p.created_at",
]


TABLES = [
    "public.organizations",
    "public.job_postings",
    "public.candidates",
    "public.recruiters",
    "public.applications",
    "public.interviews",
    "public.assessment_results",
    "public.organization_candidates",
    "auth.users",
]


@dataclass(frozen=True)
class Query:
    name: str
    run: Callable[[], object]  # the product's service call
    explain: Callable[[Any], object]  # the repository call the service makes, on a given connection
    as_staff: bool


def load(conn: Any, postings: int, candidates: int, applications: int, applicants: int) -> dict[str, Any]:
    """Organizations, two recruiters (through Auth's trigger), postings, candidates and applications
    with their interviews and scores; returns the ids the queries need."""
    from tests.rls import create_user

    conn.execute("select setseed(0.16)")
    for name in ORGANIZATIONS:
        conn.execute("insert into public.organizations (name) values (%s)", [name])
    organization = str(conn.execute("select id from public.organizations where name = %s", [ORGANIZATIONS[0]]).fetchone()[0])
    recruiter = create_user(conn, "recruiter", organization_id=organization, name="Renée Lefèvre")
    create_user(conn, "recruiter", organization_id=HOME_ORGANIZATION, name="Home Recruiter")
    conn.execute("set session_replication_role = replica")
    for statement in CANDIDATES_SQL:
        conn.execute(statement, {"first": FIRST_NAMES, "last": LAST_NAMES, "candidates": candidates, "home": HOME_ORGANIZATION})
    conn.execute(
        POSTINGS_SQL,
        {
            "titles": [title for title, _, _ in ROLES],
            "categories": [category for _, category, _ in ROLES],
            "stacks": [stack for _, _, stack in ROLES],
            "suffixes": SUFFIXES,
            "companies": COMPANIES,
            "locations": LOCATIONS,
            "postings": postings,
        },
    )
    big = str(
        conn.execute(
            "select id from public.job_postings where organization_id = %s and status = 'active' and not is_cancelled"
            " and role_category = 'engineering' order by created_at desc offset 5 limit 1",
            [organization],
        ).fetchone()[0]
    )
    for statement in PLAN_SQL:
        conn.execute(statement, {"big": big, "applicants": applicants, "others": applications - applicants})
    for statement in WORK_SQL:
        conn.execute(statement)
    conn.execute("set session_replication_role = origin")
    for table in ("bench_plan", "bench_postings", "bench_candidates"):
        conn.execute(f"drop table {table}")
    for table in existing(conn, TABLES):
        conn.execute(f"analyze {table}")
    return {"organization": organization, "recruiter": recruiter, "big_posting": big}


def loaded(conn: Any) -> dict[str, Any]:
    """The ids load() returned, read back from a kept database."""
    organization, recruiter = conn.execute(
        "select o.id::text, r.id::text from public.organizations o join public.recruiters r on r.organization_id = o.id where o.name = %s",
        [ORGANIZATIONS[0]],
    ).fetchone()
    [big] = conn.execute("select job_posting_id::text from public.applications group by 1 order by count(*) desc limit 1").fetchone()
    return {"organization": organization, "recruiter": recruiter, "big_posting": big}


def existing(conn: Any, tables: list[str]) -> list[str]:
    return [table for table in tables if conn.execute("select to_regclass(%s)", [table]).fetchone()[0] is not None]


def refresh_derived(conn: Any, batch: int = 2_000) -> None:
    """Rows that triggers derive from the loaded ones, written as the triggers would: the
    organizations' candidate pipelines (public.organization_candidates, when that migration is
    present), a batch of candidates per statement so that each holds few advisory locks."""
    if conn.execute("select to_regproc('private.refresh_organization_candidates')").fetchone()[0] is None:
        return
    conn.execute("create temp table bench_refresh as select row_number() over (order by id) as k, id from public.candidates")
    total = conn.execute("select count(*) from bench_refresh").fetchone()[0]
    for start in range(0, total, batch):
        conn.execute(
            "select private.refresh_organization_candidates(id) from bench_refresh where k > %s and k <= %s order by k", [start, start + batch]
        )
    conn.execute("drop table bench_refresh")


def settle(conn: Any, attempts: int = 10) -> None:
    """Vacuum until the visibility maps cover the tables, as autovacuum keeps a database in use (an
    index-only scan of a freshly loaded table visits the heap). A snapshot held by another session
    of the database holds a vacuum back, so it is retried a few times."""
    tables = existing(conn, TABLES)
    for _ in range(attempts):
        for table in tables:
            conn.execute(f"vacuum analyze {table}")
        behind = conn.execute(
            "select count(*) from pg_class where oid = any(%s::regclass[]) and relallvisible < relpages * 0.98", [tables]
        ).fetchone()[0]
        if not behind:
            return
        time.sleep(2)


def counts(conn: Any, big: str) -> dict[str, Any]:
    def one(sql: str, *params: Any) -> Any:
        return conn.execute(sql, list(params)).fetchone()[0]

    return {
        "organizations": one("select count(*) from public.organizations"),
        "job_postings": one("select count(*) from public.job_postings"),
        "open_job_postings": one("select count(*) from public.job_postings where status = 'active' and not is_cancelled"),
        "candidates": one("select count(*) from public.candidates"),
        "applications": one("select count(*) from public.applications"),
        "interviews": one("select count(*) from public.interviews"),
        "assessment_results": one("select count(*) from public.assessment_results"),
        "big_posting_applicants": one("select count(*) from public.applications where job_posting_id = %s", big),
        "big_posting_scored": one(
            "select count(*) from public.applications a join public.assessment_results r on r.interview_id = a.interview_id and r.is_current"
            " where a.job_posting_id = %s and r.overall_score is not null",
            big,
        ),
        "all_visible_pages": {
            name: f"{visible}/{pages}"
            for name, visible, pages in conn.execute(
                "select relname, relallvisible, relpages from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'"
                " and relname in ('job_postings', 'applications', 'candidates', 'interviews', 'assessment_results', 'organization_candidates')"
                " order by relname"
            ).fetchall()
        },
    }


class Recorder:
    """A connection that remembers the statements a repository function ran."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        self.statements.append((sql, params))
        return self.conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def scans(plan: dict[str, Any]) -> list[str]:
    """How each plan node reads a table or index, e.g. 'Index Scan job_postings_open_created_idx'."""
    found = []
    if "Relation Name" in plan or "Index Name" in plan:
        target = plan.get("Index Name") or plan["Relation Name"]
        found.append(f"{plan['Node Type']} {target}")
    for child in plan.get("Plans", []):
        found.extend(scans(child))
    return found


def explain(query: Query, caller: Any) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement the repository ran, as the product's role."""
    from shared import db

    with db.user_transaction(caller.claims) if query.as_staff else db.anon_transaction() as conn:
        recorder = Recorder(conn)
        query.explain(recorder)
        found = []
        for sql, params in recorder.statements:
            [row] = conn.execute("explain (analyze, buffers, format json) " + sql, params).fetchall()
            result = row["QUERY PLAN"][0]
            plan = result["Plan"]
            read_by = scans(plan)
            found.append(
                {
                    "statement": "count" if sql.startswith("select count(*)") else "page",
                    "execution_ms": round(result["Execution Time"], 2),
                    "planning_ms": round(result["Planning Time"], 2),
                    "jit": "JIT" in result,
                    "shared_buffers": {"hit": plan.get("Shared Hit Blocks", 0), "read": plan.get("Shared Read Blocks", 0)},
                    "read_by": sorted(set(read_by)),
                    "sequential_scans": sorted({scan.split(" ", 2)[2] for scan in read_by if scan.startswith("Seq Scan")}),
                }
            )
        return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(query: Query, runs: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        query.run()
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        query.run()
        took.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(took), 2), "p95": round(percentile(took, 0.95), 2), "max": round(max(took), 2)}


def queries(recruiter: Any, big_posting: str) -> list[Query]:
    """The ten public searches, the recruiter's search, and the recruiter's list of the big posting's applicants."""
    from shared.models.job_postings import JobSearch
    from shared.repositories import applications as application_rows
    from shared.repositories import job_postings as posting_rows
    from shared.services import applications, job_postings

    searches = [
        ("browse, no text, newest (default sort), page 1", JobSearch()),
        ("text 'python developer', relevance", JobSearch(q="python developer")),
        ("accent-insensitive text 'developpeur', relevance", JobSearch(q="developpeur")),
        ("frequent word 'engineer', relevance", JobSearch(q="engineer")),
        ("text 'senior engineer', newest", JobSearch(q="senior engineer", sort="newest")),
        (
            "filters engineering + stack python + remote, newest",
            JobSearch(role_category="engineering", tech_stack=["python"], work_setup="remote", sort="newest"),
        ),
        ("location 'sydney' + permanent, newest", JobSearch(location="sydney", employment_type="permanent", sort="newest")),
        ("salary 120k-160k overlap, sort salary", JobSearch(salary_min=120000, salary_max=160000, sort="salary")),
        ("sort salary, page 5", JobSearch(sort="salary", page=5)),
        ("browse newest, page 50 (offset 980)", JobSearch(sort="newest", page=50)),
    ]
    found = [
        Query(
            f"search (anon): {name}",
            lambda search=search: job_postings.search(None, search),
            lambda conn, search=search: posting_rows.search(conn, search, True),
            False,
        )
        for name, search in searches
    ]
    staff_search = JobSearch(sort="newest")
    found.append(
        Query(
            "search (recruiter: their organization's postings of any status and everyone's open ones), newest",
            lambda: job_postings.search(recruiter, staff_search),
            lambda conn: posting_rows.search(conn, staff_search, False),
            True,
        )
    )
    lists = [
        ("by date, page 1 of 50", None, "date", 1),
        ("by score, page 1 of 50", None, "score", 1),
        ("by score, page 20 of 50", None, "score", 20),
        ("status under_review, by score, page 1", "under_review", "score", 1),
    ]
    for name, status, sort, page in lists:
        found.append(
            Query(
                f"applications of the big posting (recruiter): {name}",
                lambda status=status, sort=sort, page=page: applications.staff_list(recruiter, big_posting, status, sort, page, 50),
                lambda conn, status=status, sort=sort, page=page: application_rows.for_staff(
                    conn, posting_id=big_posting, status=status, sort=sort, limit=50, offset=(page - 1) * 50
                ),
                True,
            )
        )
    return found


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "")
    memory = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "")
    return {
        "vcpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "memory": memory,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--applicants", type=int, default=5_000, help="applications of the one posting whose staff list is measured")
    parser.add_argument("--candidates", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=200, help="measured calls per query")
    parser.add_argument("--quick", action="store_true", help="5,000 postings, 20,000 applications (1,000 on the big posting), 50 runs")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed) instead of dropping it")
    parser.add_argument("--database", help="measure again a database a --keep run left (kept too), after migrating it")
    args = parser.parse_args()
    if args.quick:
        args.postings, args.applications, args.applicants, args.candidates, args.runs = 5_000, 20_000, 1_000, 5_000, 50
    host = machine()
    postgres.start()
    name = args.database or f"bench_search_{uuid.uuid4().hex[:8]}"
    args.keep = args.keep or bool(args.database)
    load_seconds = derived_seconds = None
    try:
        migrate.prepare_database(name)
        os.environ.update(config.local_env(database=name))
        from shared.auth import caller_from_token, checked_in_database
        from tests.support import access_token

        with postgres.connect(name) as conn:
            if args.database:
                ids = loaded(conn)
            else:
                started = time.perf_counter()
                ids = load(conn, args.postings, args.candidates, args.applications, args.applicants)
                load_seconds = round(time.perf_counter() - started, 1)
                started = time.perf_counter()
                refresh_derived(conn)
                derived_seconds = round(time.perf_counter() - started, 1)
            settle(conn)
            data = counts(conn, ids["big_posting"])
            server = {setting: conn.execute(f"show {setting}").fetchone()[0] for setting in ("server_version", "shared_buffers", "jit")}
        recruiter = checked_in_database(caller_from_token(access_token(ids["recruiter"], "recruiter")))
        results = {}
        for query in queries(recruiter, ids["big_posting"]):
            try:
                latency = measure(query, args.runs, warmup=max(3, args.runs // 20))
                results[query.name] = {
                    "latency_ms": latency,
                    "meets_target": latency["p95"] < TARGET_P95_MS,
                    "statements": explain(query, recruiter),
                }
            except Exception as exc:  # a statement timeout, say: report it and go on
                results[query.name] = {"error": f"{type(exc).__name__}: {exc}"}
        print(
            json.dumps(
                {
                    "machine": {**host, "postgres": server},
                    "data": data,
                    "load_seconds": load_seconds,
                    "derived_rows_seconds": derived_seconds,
                    "runs_per_query": args.runs,
                    "target_p95_ms": TARGET_P95_MS,
                    "load_average_after": os.getloadavg(),
                    "queries": results,
                    **({"kept_database": name} if args.keep else {}),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    finally:
        from shared import db

        db.close_pool()
        if not args.keep:
            postgres.drop_database(name)


if __name__ == "__main__":
    main()
