"""storage-usage: per bucket, the files of the candidates the admin's organization sees (objects,
bytes, and what arrived in the last 30 days)."""

from shared.auth import Admin
from shared.http import Envelope, create_app, make_handler, ok
from shared.models.media import StorageUsage
from shared.services import recordings

app = create_app()


@app.get("/")
def storage_usage(caller: Admin) -> Envelope[StorageUsage]:
    """Storage usage per bucket for the caller's organization (admins)."""
    return ok(recordings.usage(caller))


handler = make_handler(app)
