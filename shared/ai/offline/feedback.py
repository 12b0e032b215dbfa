"""Template feedback that uses the parsed resume: what stands out, what is missing for the role
the resume points at, and where to learn it."""

from __future__ import annotations

from shared.ai.models import FeedbackDraft, Resource, ResumeExtraction

EXPECTATIONS: dict[str, list[str]] = {
    "frontend": ["JavaScript", "TypeScript", "React", "CSS", "Jest"],
    "backend": ["Python", "SQL", "REST", "Docker", "Pytest"],
    "fullstack": ["JavaScript", "TypeScript", "React", "Python", "SQL", "Docker"],
    "data": ["Python", "SQL", "Pandas", "Spark", "Airflow"],
    "devops": ["Linux", "Docker", "Kubernetes", "Terraform", "CI/CD", "AWS"],
}
RESOURCES: dict[str, Resource] = {
    "TypeScript": Resource(
        title="TypeScript Handbook",
        url="https://www.typescriptlang.org/docs/handbook/intro.html",
        reason="Typed JavaScript is expected in most frontend roles.",
    ),
    "React": Resource(title="React documentation: Learn React", url="https://react.dev/learn", reason="The official, hooks-first guide."),
    "JavaScript": Resource(
        title="MDN JavaScript Guide",
        url="https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide",
        reason="A complete reference for the language fundamentals.",
    ),
    "CSS": Resource(title="MDN: Learn CSS", url="https://developer.mozilla.org/en-US/docs/Learn/CSS", reason="Layout and styling fundamentals."),
    "Jest": Resource(title="Jest: Getting Started", url="https://jestjs.io/docs/getting-started", reason="Automated testing is a core expectation."),
    "Python": Resource(title="The Python Tutorial", url="https://docs.python.org/3/tutorial/", reason="The official introduction to Python."),
    "SQL": Resource(
        title="PostgreSQL Tutorial",
        url="https://www.postgresql.org/docs/current/tutorial.html",
        reason="Relational data and SQL appear in almost every backend role.",
    ),
    "REST": Resource(
        title="MDN: HTTP overview", url="https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview", reason="HTTP semantics underpin API design."
    ),
    "Docker": Resource(
        title="Docker: Get started", url="https://docs.docker.com/get-started/", reason="Containers are the default way to ship services."
    ),
    "Pytest": Resource(
        title="pytest documentation",
        url="https://docs.pytest.org/en/stable/getting-started.html",
        reason="Testing discipline is assessed in interviews.",
    ),
    "Pandas": Resource(title="pandas: Getting started", url="https://pandas.pydata.org/docs/getting_started/index.html", reason="Core data tooling."),
    "Spark": Resource(title="Spark Quick Start", url="https://spark.apache.org/docs/latest/quick-start.html", reason="Distributed data processing."),
    "Airflow": Resource(
        title="Airflow tutorial",
        url="https://airflow.apache.org/docs/apache-airflow/stable/tutorial/index.html",
        reason="Workflow orchestration for data pipelines.",
    ),
    "Linux": Resource(title="Linux Journey", url="https://linuxjourney.com/", reason="Operating-system fundamentals for operations work."),
    "Kubernetes": Resource(
        title="Kubernetes Basics", url="https://kubernetes.io/docs/tutorials/kubernetes-basics/", reason="Container orchestration."
    ),
    "Terraform": Resource(title="Terraform tutorials", url="https://developer.hashicorp.com/terraform/tutorials", reason="Infrastructure as code."),
    "CI/CD": Resource(title="GitHub Actions documentation", url="https://docs.github.com/en/actions", reason="Automated build and deploy pipelines."),
    "AWS": Resource(
        title="AWS Skill Builder: Cloud Practitioner Essentials",
        url="https://explore.skillbuilder.aws/",
        reason="Cloud fundamentals most employers use.",
    ),
}


def target_role(parsed: ResumeExtraction) -> str:
    domains = {d.domain for d in parsed.technical_domains}
    if {"frontend", "backend"} <= domains:
        return "fullstack"
    for domain in ("frontend", "backend", "data", "devops"):
        if domain in domains:
            return domain
    return "fullstack"


def draft(parsed: ResumeExtraction, role: str | None = None) -> FeedbackDraft:
    role = role if role in EXPECTATIONS else target_role(parsed)
    have = set(parsed.skills)
    gaps = [skill for skill in EXPECTATIONS[role] if skill not in have]
    strengths = ", ".join(parsed.skills[:6]) or "your experience"
    years = f"{parsed.experience_years:g} years of experience" if parsed.experience_years else "your experience so far"
    lines = [
        "Hi,",
        "",
        f"Thank you for sharing your resume with Teamified. We reviewed it with {role} roles in mind.",
        "",
        f"What stands out: {strengths}, with {years}.",
    ]
    if parsed.previous_roles:
        lines.append(
            f"Your most recent role as {parsed.previous_roles[0].title} gives recruiters useful context; "
            "add one or two measurable results for each role (numbers, scale, impact)."
        )
    if gaps:
        lines += [
            "",
            f"To be more competitive for {role} roles, consider building and showing experience with: {', '.join(gaps)}.",
            "We have listed a few resources below.",
        ]
    else:
        lines += ["", f"Your skills cover what {role} roles usually ask for. Make sure each is backed by a concrete project."]
    if not parsed.education:
        lines.append("If you have formal education or certifications, list them with the year.")
    lines += ["", "Best of luck with your applications,", "The Teamified recruitment team"]
    resources = [RESOURCES[gap] for gap in gaps if gap in RESOURCES][:5]
    return FeedbackDraft(feedback_content="\n".join(lines), identified_gaps=gaps, recommended_resources=resources)
