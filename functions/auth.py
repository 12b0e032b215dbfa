"""auth: register, login, refresh, logout, me; admin management of recruiter accounts."""

from uuid import UUID

from shared.auth import authenticate, bearer_token, require_role
from shared.http import create_app, make_handler, ok
from shared.services import accounts
from shared.services.accounts import Credentials, NewRecruiter, RecruiterChange, RefreshRequest, Registration

app = create_app()


@app.post("/register")
def register(registration: Registration):
    source_ip = app.current_event.request_context.http.source_ip
    return ok(accounts.register(registration, source_ip), 201)


@app.post("/login")
def login(credentials: Credentials):
    return ok(accounts.login(credentials))


@app.post("/refresh")
def refresh(request: RefreshRequest):
    return ok({"session": accounts.refresh(request)})


@app.post("/logout")
def logout():
    authenticate(app.current_event)
    accounts.logout(bearer_token(app.current_event))
    return ok({"logged_out": True})


@app.get("/me")
def me():
    return ok({"user": accounts.me(authenticate(app.current_event))})


@app.post("/recruiters")
def create_recruiter(new: NewRecruiter):
    require_role(authenticate(app.current_event), "admin")
    return ok({"user": accounts.create_recruiter(new)}, 201)


@app.patch("/recruiters/<recruiter_id>")
def change_recruiter(recruiter_id: UUID, change: RecruiterChange):
    require_role(authenticate(app.current_event), "admin")
    return ok({"user": accounts.change_recruiter(str(recruiter_id), change)})


handler = make_handler(app)
