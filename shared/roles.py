"""Role names and the role sets routes accept: the one place in Python where they are spelled.
Each set matches a SQL helper in schema `access` (`access.is_staff()`, `access.can_manage()`,
`access.is_admin()`), and a test compares them."""

from __future__ import annotations

from typing import Literal

Role = Literal["candidate", "recruiter", "admin", "viewer"]
RecruiterRole = Literal["recruiter", "admin", "viewer"]

CANDIDATE: Role = "candidate"
RECRUITER: RecruiterRole = "recruiter"
CANDIDATES: frozenset[str] = frozenset({CANDIDATE})
STAFF: frozenset[str] = frozenset({"recruiter", "admin", "viewer"})  # access.is_staff()
CAN_MANAGE: frozenset[str] = frozenset({"recruiter", "admin"})  # access.can_manage()
ADMIN: frozenset[str] = frozenset({"admin"})  # access.is_admin()
