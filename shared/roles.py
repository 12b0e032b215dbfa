"""Role names and the role sets routes accept: the one place in Python where they are spelled.
Each set matches a SQL helper of the access-helpers migration (`public.is_staff()`,
`public.can_manage()`, `public.is_admin()`), and a test compares them."""

from __future__ import annotations

from typing import Literal

Role = Literal["candidate", "recruiter", "admin", "viewer"]
RecruiterRole = Literal["recruiter", "admin", "viewer"]

CANDIDATE: Role = "candidate"
RECRUITER: RecruiterRole = "recruiter"
CANDIDATES: frozenset[str] = frozenset({CANDIDATE})
STAFF: frozenset[str] = frozenset({"recruiter", "admin", "viewer"})  # public.is_staff()
CAN_MANAGE: frozenset[str] = frozenset({"recruiter", "admin"})  # public.can_manage()
ADMIN: frozenset[str] = frozenset({"admin"})  # public.is_admin()
