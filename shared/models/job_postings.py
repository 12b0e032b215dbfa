"""Job postings: what candidates search and read, and what recruiters create, edit and move
between statuses."""

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from shared.models.base import Model
from shared.validation import Text

RoleCategory = Literal[
    "engineering", "quality_assurance", "data", "devops", "design", "product", "sales", "support", "operations", "management", "other"
]
EmploymentType = Literal["permanent", "contract", "part_time"]
WorkSetup = Literal["remote", "hybrid", "onsite"]
ExperienceLevel = Literal["entry", "junior", "mid", "senior", "lead", "principal"]
PostingStatus = Literal["active", "paused", "closed", "cancelled"]
SearchSort = Literal["relevance", "newest", "salary"]

MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
MAX_SALARY = 9_999_999_999  # the salary columns are numeric(12, 2)
SEARCH_TEXT_PATTERN = r"^[\w\s.+#&'\"/(),:-]*$"
"""Letters (any script, accented), digits, spaces and the punctuation of technology and company
names (C++, C#, Node.js, "Ernst & Young", quotes and - for websearch phrases and exclusions)."""


def _lower_tech(value: str) -> str:
    return value.strip().lower()


Tech = Annotated[Text, Field(min_length=1, max_length=50), AfterValidator(_lower_tech)]
Salary = Annotated[float, Field(ge=0, le=MAX_SALARY)]


class JobSearch(Model):
    """The search of `GET /`: optional free text, filters, sort and page."""

    q: str | None = None
    role_category: RoleCategory | None = None
    tech_stack: list[str] = Field(default_factory=list)
    location: str | None = None
    employment_type: EmploymentType | None = None
    work_setup: WorkSetup | None = None
    experience_level: ExperienceLevel | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    sort: SearchSort = "relevance"
    page: int = 1
    page_size: int = 20


class JobPosting(Model):
    id: UUID
    organization_id: UUID
    title: str
    company: str
    description: str
    role_category: RoleCategory
    tech_stack: list[str]
    required_skills: list[str]
    employment_type: EmploymentType
    work_setup: WorkSetup
    location: str
    salary_min: float | None
    salary_max: float | None
    salary_currency: str
    experience_level: ExperienceLevel
    status: PostingStatus = Field(description="`cancelled` when the posting was cancelled, whatever it was before.")
    cancellation_reason: str | None
    created_at: datetime
    updated_at: datetime


class JobPostingPage(Model):
    items: list[JobPosting]
    total: int = Field(description="Postings matching the search, over all pages.")
    page: int
    page_size: int


class JobPostingResult(Model):
    job_posting: JobPosting


def _salary_order(salary_min: float | None, salary_max: float | None) -> None:
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise ValueError("salary_min must not exceed salary_max.")


class JobPostingCreate(Model):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=2, max_length=200)
    company: Text = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=20_000)
    role_category: RoleCategory
    tech_stack: list[Tech] = Field(default_factory=list, max_length=30)
    required_skills: list[Tech] = Field(default_factory=list, max_length=30)
    employment_type: EmploymentType
    work_setup: WorkSetup
    location: Text = Field(default="", max_length=200)
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    salary_currency: str = Field(default="AUD", pattern=r"^[A-Z]{3}$")
    experience_level: ExperienceLevel = "mid"

    @model_validator(mode="after")
    def _salary_band(self) -> Self:
        _salary_order(self.salary_min, self.salary_max)
        return self


class JobPostingEdit(Model):
    """Content changes; the status moves only through pause, close, cancel and reopen."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = Field(default=None, min_length=2, max_length=200)
    company: Text | None = Field(default=None, min_length=1, max_length=200)
    description: Text | None = Field(default=None, max_length=20_000)
    role_category: RoleCategory | None = None
    tech_stack: list[Tech] | None = Field(default=None, max_length=30)
    required_skills: list[Tech] | None = Field(default=None, max_length=30)
    employment_type: EmploymentType | None = None
    work_setup: WorkSetup | None = None
    location: Text | None = Field(default=None, max_length=200)
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    salary_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    experience_level: ExperienceLevel | None = None

    @model_validator(mode="after")
    def _salary_band(self) -> Self:
        _salary_order(self.salary_min, self.salary_max)
        return self


class CancelRequest(Model):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=2000, description="Why the posting is cancelled; kept with it.")
