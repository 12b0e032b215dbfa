"""Accounts: registration, login, refresh, the caller's profile, recruiter administration."""

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from shared.models.base import Model
from shared.roles import RECRUITER, RecruiterRole, Role
from shared.services.passwords import broken_rules, describe
from shared.validation import Email, Text


def _check_password(value: str) -> str:
    broken = broken_rules(value)
    if broken:
        raise ValueError(describe(broken))
    return value


class Registration(Model):
    """A candidate's sign-up. Unknown fields (a `role`, say) are ignored, never trusted."""

    model_config = ConfigDict(extra="ignore")

    email: Email
    password: Text = Field(max_length=200, description="At least 8 characters with upper and lower case letters, a digit and a symbol.")
    full_name: Text = Field(min_length=2, max_length=120)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()\-]{7,20}$")

    _password = field_validator("password")(_check_password)

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) < 2:
            raise ValueError("The full name needs at least 2 characters.")
        return value


class Credentials(Model):
    email: Email
    password: Text = Field(min_length=1, max_length=200)


class RefreshRequest(Model):
    refresh_token: Text = Field(min_length=1, max_length=512)


class NewRecruiter(Model):
    model_config = ConfigDict(extra="ignore")

    email: Email
    full_name: Text = Field(min_length=2, max_length=120)
    role: RecruiterRole = RECRUITER
    password: Text | None = Field(default=None, max_length=200, description="Generated when absent.")

    @field_validator("password")
    @classmethod
    def _password(cls, value: str | None) -> str | None:
        return None if value is None else _check_password(value)


class RecruiterChange(Model):
    role: RecruiterRole | None = None
    is_active: bool | None = None


class User(Model):
    id: str
    email: str
    role: Role
    full_name: str | None


class Session(Model):
    access_token: str = Field(description="Send as `Authorization: Bearer <access_token>`.")
    refresh_token: str = Field(description="Single use: exchanging it at /auth/refresh rotates it.")
    expires_at: int | None = Field(description="Expiry of the access token, seconds since the epoch.")
    token_type: str


class AuthResult(Model):
    user: User
    session: Session


class SessionResult(Model):
    session: Session


class UserResult(Model):
    user: User


class LogoutResult(Model):
    logged_out: Literal[True] = True
