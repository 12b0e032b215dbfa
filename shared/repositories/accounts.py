"""Account rows: candidate and recruiter profiles (a candidate's also as staff read it), the
admin's view of their organization's recruiters, login bookkeeping and access changes."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from shared.db import Connection


class Profile(NamedTuple):
    id: str
    email: str
    full_name: str


class CandidateProfile(NamedTuple):
    """A candidate's profile as staff of their organizations read it."""

    id: str
    email: str
    full_name: str
    phone: str | None
    status: str
    created_at: datetime


class AdminScope(NamedTuple):
    """The calling admin's organization, and the target recruiter when it belongs to it."""

    organization_id: str
    target_id: str | None


def profile(conn: Connection, user_id: str, *, staff: bool) -> Profile | None:
    table = "public.recruiters" if staff else "public.candidates"
    row = conn.execute(f"select id, email, full_name from {table} where id = %s", [user_id]).fetchone()
    return Profile(id=str(row["id"]), email=row["email"], full_name=row["full_name"]) if row else None


def candidate_profile(conn: Connection, candidate_id: str) -> CandidateProfile | None:
    """The candidate, if the connection's role may see them (RLS: themselves, or staff of their organizations)."""
    row = conn.execute("select id, email, full_name, phone, status, created_at from public.candidates where id = %s", [candidate_id]).fetchone()
    return CandidateProfile(**{**row, "id": str(row["id"])}) if row else None


def admin_scope(conn: Connection, admin_id: str, target_id: str | None) -> AdminScope | None:
    """The caller's organization from their recruiters row while it is an active admin's
    (access.is_admin(), never the token), and the target recruiter when it is in that
    organization. Run under the caller's RLS; None when the caller is not an active admin."""
    row = conn.execute(
        "select a.organization_id, t.id as target_id from public.recruiters a"
        " left join public.recruiters t on t.id = %(target)s and t.organization_id = a.organization_id"
        " where a.id = %(caller)s and (select access.is_admin())",
        {"caller": admin_id, "target": target_id},
    ).fetchone()
    if row is None:
        return None
    return AdminScope(organization_id=str(row["organization_id"]), target_id=str(row["target_id"]) if row["target_id"] else None)


def record_staff_login(conn: Connection, recruiter_id: str) -> None:
    conn.execute("update public.recruiters set last_login_at = now() where id = %s", [recruiter_id])


def change_access(conn: Connection, recruiter_id: str, role: str | None, is_active: bool | None) -> None:
    """Set the role and/or activation (None keeps the current value); triggers end the sessions."""
    conn.execute(
        "update public.recruiters set role = coalesce(%s, role), is_active = coalesce(%s, is_active) where id = %s",
        [role, is_active, recruiter_id],
    )
