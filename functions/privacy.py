"""privacy: the candidate's copy of all their data, and erasure of their account."""

from shared.auth import Candidate
from shared.errors import AccountLocked, NotFound, ReauthenticationFailed
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.privacy import AccountErased, DataExport, ErasureRequest
from shared.services import privacy

app = create_app()


@app.get("/export")
@raises(NotFound)
def export(caller: Candidate) -> Envelope[DataExport]:
    """All of the caller's data as JSON, with signed links to their files."""
    return ok(privacy.export(caller))


@app.delete("/account")
@raises(NotFound, ReauthenticationFailed, AccountLocked)
def erase_account(request: ErasureRequest, caller: Candidate) -> Envelope[AccountErased]:
    """Erase the account: every row and stored file of the caller, and the login itself.

    The current password is required again; wrong passwords count towards the login lockout.
    Organizations keep only counts without personal data.
    """
    return ok(privacy.erase(caller, request))


handler = make_handler(app)
