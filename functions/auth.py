"""auth: register, login, refresh, logout, me; admin management of recruiter accounts."""

from uuid import UUID

from shared.auth import Admin, AnyCaller
from shared.errors import (
    AccountDisabled,
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    NotFound,
    OwnAccountChange,
    RateLimited,
)
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.accounts import (
    AuthResult,
    Credentials,
    LogoutResult,
    NewRecruiter,
    RecruiterChange,
    RefreshRequest,
    Registration,
    SessionResult,
    UserResult,
)
from shared.services import accounts

app = create_app()


@app.post("/register", status_code=201)
@raises(EmailTaken, RateLimited)
def register(registration: Registration) -> Envelope[AuthResult]:
    """Create a candidate account and sign it in."""
    source_ip = app.current_event.request_context.http.source_ip
    return ok(accounts.register(registration, source_ip))


@app.post("/login")
@raises(InvalidCredentials, AccountLocked, AccountDisabled)
def login(credentials: Credentials) -> Envelope[AuthResult]:
    """Sign in with email and password (repeated failures lock the account for a while)."""
    return ok(accounts.login(credentials))


@app.post("/refresh")
@raises(InvalidRefreshToken, AccountDisabled)
def refresh(request: RefreshRequest) -> Envelope[SessionResult]:
    """Exchange a refresh token (it rotates) for a new session."""
    return ok(SessionResult(session=accounts.refresh(request)))


@app.post("/logout")
@raises(AccountDisabled)
def logout(caller: AnyCaller) -> Envelope[LogoutResult]:
    """End every session of the caller (their refresh tokens stop working)."""
    accounts.logout(caller.access_token)
    return ok(LogoutResult())


@app.get("/me")
@raises(NotFound)
def me(caller: AnyCaller) -> Envelope[UserResult]:
    """The caller's profile."""
    return ok(UserResult(user=accounts.me(caller)))


@app.post("/recruiters", status_code=201)
@raises(EmailTaken)
def create_recruiter(new: NewRecruiter, caller: Admin) -> Envelope[UserResult]:
    """Create a recruiter, admin or viewer account in the admin's organization (admins only)."""
    return ok(UserResult(user=accounts.create_recruiter(new, caller)))


@app.patch("/recruiters/<recruiter_id>")
@raises(NotFound, OwnAccountChange)
def change_recruiter(recruiter_id: UUID, change: RecruiterChange, caller: Admin) -> Envelope[UserResult]:
    """Change a recruiter's role or (de)activate the account (admins only).

    Only recruiters of the admin's organization (others are 404); not the admin's own account.
    A role change or deactivation ends the recruiter's sessions."""
    return ok(UserResult(user=accounts.change_recruiter(str(recruiter_id), change, caller)))


handler = make_handler(app)
