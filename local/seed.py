"""Development seed: the four accounts through the Auth stand-in's admin API (real bcrypt hashes,
role in app_metadata) and about twenty job postings. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import json
import uuid

from supabase_auth.errors import AuthApiError

from local import postgres
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
            posting_id = uuid.uuid5(uuid.NAMESPACE_URL, f"teamified-seed/{title}")
            description = f"{company} is hiring a {title}. You will work with {', '.join(stack)} in a {setup} team based in {location}."
            cursor = conn.execute(
                "insert into public.job_postings (id, organization_id, created_by, title, company, description, role_category,"
                " tech_stack, required_skills, employment_type, work_setup, location, salary_min, salary_max, experience_level)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) on conflict (id) do nothing",
                [
                    posting_id,
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


def seed(database: str, supabase_url: str, service_key: str) -> dict[str, object]:
    return {"accounts_created": seed_accounts(supabase_url, service_key), "postings_created": seed_postings(database)}
