"""health: liveness and database reachability."""

from pydantic import BaseModel

from shared.db import ping
from shared.http import Envelope, create_app, make_handler, ok
from shared.settings import get_settings

app = create_app()


class Health(BaseModel):
    status: str
    database: str
    version: str


@app.get("/")
def get_health() -> Envelope[Health]:
    """Liveness: answers 503 when the database cannot be reached."""
    ping()
    return ok(Health(status="ok", database="ok", version=get_settings().version))


handler = make_handler(app)
