"""Resume extraction with a skills taxonomy and patterns for years of experience, education and
previous roles."""

from __future__ import annotations

import re
from datetime import date

from shared.ai.models import DomainLevel, Education, PreviousRole, ResumeExtraction

# canonical skill -> (domain, spellings)
TAXONOMY: dict[str, tuple[str, tuple[str, ...]]] = {
    "Python": ("backend", ("python",)),
    "Django": ("backend", ("django",)),
    "FastAPI": ("backend", ("fastapi",)),
    "Flask": ("backend", ("flask",)),
    "Node.js": ("backend", ("node.js", "nodejs", "node")),
    "Express": ("backend", ("express",)),
    "Java": ("backend", ("java",)),
    "Go": ("backend", ("golang",)),
    "C#": ("backend", ("c#", ".net")),
    "Ruby": ("backend", ("ruby", "rails")),
    "GraphQL": ("backend", ("graphql",)),
    "REST": ("backend", ("rest", "restful")),
    "JavaScript": ("frontend", ("javascript", "js", "es6")),
    "TypeScript": ("frontend", ("typescript", "ts")),
    "React": ("frontend", ("react", "react.js", "reactjs")),
    "React Native": ("mobile", ("react native",)),
    "Next.js": ("frontend", ("next.js", "nextjs")),
    "Vue": ("frontend", ("vue", "vue.js")),
    "Angular": ("frontend", ("angular",)),
    "HTML": ("frontend", ("html", "html5")),
    "CSS": ("frontend", ("css", "css3", "sass", "tailwind")),
    "Redux": ("frontend", ("redux",)),
    "PostgreSQL": ("data", ("postgresql", "postgres")),
    "MySQL": ("data", ("mysql",)),
    "MongoDB": ("data", ("mongodb", "mongo")),
    "Redis": ("data", ("redis",)),
    "SQL": ("data", ("sql",)),
    "Pandas": ("data", ("pandas",)),
    "Spark": ("data", ("spark", "pyspark")),
    "Airflow": ("data", ("airflow",)),
    "PyTorch": ("data", ("pytorch",)),
    "TensorFlow": ("data", ("tensorflow",)),
    "AWS": ("devops", ("aws", "amazon web services", "lambda", "s3")),
    "GCP": ("devops", ("gcp", "google cloud")),
    "Azure": ("devops", ("azure",)),
    "Docker": ("devops", ("docker",)),
    "Kubernetes": ("devops", ("kubernetes", "k8s")),
    "Terraform": ("devops", ("terraform",)),
    "CI/CD": ("devops", ("ci/cd", "github actions", "jenkins", "gitlab ci")),
    "Linux": ("devops", ("linux",)),
    "Git": ("tools", ("git",)),
    "Jest": ("testing", ("jest",)),
    "Pytest": ("testing", ("pytest",)),
    "Playwright": ("testing", ("playwright", "cypress", "selenium")),
}
DEGREE = re.compile(r"\b(Bachelor|Master|PhD|Doctor|Diploma|Associate|Certificate|B\.?Sc|M\.?Sc|BEng|MEng|MBA)\b[^\n,]*", re.I)
YEAR = re.compile(r"\b(19[7-9]\d|20[0-4]\d)\b")
RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|to)\s*((?:19|20)\d{2}|present|current|now)\b", re.I)
YEARS_STATED = re.compile(r"\b(\d{1,2})\+?\s*(?:years|yrs)\b(?:\s+of)?(?:\s+(?:professional|industry|commercial))?\s+experience", re.I)
TITLE_WORDS = re.compile(r"\b(engineer|developer|programmer|architect|lead|manager|analyst|consultant|designer|scientist|intern|tester)\b", re.I)


def _skills(text: str) -> list[str]:
    lowered = text.lower()
    found = []
    for canonical, (_, spellings) in TAXONOMY.items():
        if any(re.search(rf"(?<![\w.#+]){re.escape(s)}(?![\w#+]|\.\w)", lowered) for s in spellings):
            found.append(canonical)
    if {"PostgreSQL", "MySQL"} & set(found) and "SQL" not in found:
        found.append("SQL")  # a relational database implies SQL
    if "React Native" in found and not re.search(r"(?<![\w.])react(?! native)", lowered):
        found.remove("React")
    return found


def _ranges(text: str) -> list[tuple[int, int]]:
    this_year = date.today().year
    spans = []
    for start, end in RANGE.findall(text):
        end_year = this_year if not end[:1].isdigit() else int(end)
        if int(start) <= end_year:
            spans.append((int(start), end_year))
    return spans


def _experience_years(text: str, spans: list[tuple[int, int]]) -> float | None:
    stated = [int(value) for value in YEARS_STATED.findall(text)]
    if stated:
        return float(max(stated))
    if not spans:
        return None
    covered: set[int] = set()
    for start, end in spans:
        covered.update(range(start, max(start + 1, end)))
    return float(len(covered))


def _education(lines: list[str]) -> list[Education]:
    result = []
    for line in lines:
        match = DEGREE.search(line)
        if not match:
            continue
        parts = [part.strip() for part in re.split(r",| - | at ", line) if part.strip()]
        institution = next((p for p in parts[1:] if re.search(r"universit|college|institute|school|academy", p, re.I)), None)
        year = YEAR.findall(line)
        result.append(Education(degree=parts[0], institution=institution, year=int(year[-1]) if year else None))
    return result


def _roles(lines: list[str]) -> list[PreviousRole]:
    roles = []
    for line in lines:
        span = RANGE.search(line)
        if not span or not TITLE_WORDS.search(line) or DEGREE.search(line):
            continue
        before = line[: span.start()].strip(" ,-–|")
        parts = [part.strip() for part in re.split(r",| at | \| ", before) if part.strip()]
        if not parts:
            continue
        ((start, end),) = _ranges(span.group(0)) or [(0, 0)]
        roles.append(PreviousRole(title=parts[0], company=parts[1] if len(parts) > 1 else None, years=float(max(0, end - start)) or None))
    return roles


def _domains(skills: list[str], years: float | None) -> list[DomainLevel]:
    counts: dict[str, int] = {}
    for skill in skills:
        domain = TAXONOMY[skill][0]
        counts[domain] = counts.get(domain, 0) + 1
    seniority = years or 0
    levels = []
    for domain, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        points = count + (2 if seniority >= 7 else 1 if seniority >= 3 else 0)
        level = "expert" if points >= 6 else "advanced" if points >= 4 else "intermediate" if points >= 2 else "beginner"
        levels.append(DomainLevel(domain=domain, level=level))
    return levels


def extract(text: str) -> ResumeExtraction:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    skills = _skills(text)
    spans = _ranges(text)
    years = _experience_years(text, spans)
    return ResumeExtraction(
        skills=skills, experience_years=years, education=_education(lines), previous_roles=_roles(lines), technical_domains=_domains(skills, years)
    )
