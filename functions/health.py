"""health: liveness and database reachability."""

from shared.db import ping
from shared.http import Envelope, create_app, make_handler, ok
from shared.models.health import Health
from shared.settings import get_settings

app = create_app()


@app.get("/")
def get_health() -> Envelope[Health]:
    """Liveness: answers 503 when the database cannot be reached."""
    ping()
    return ok(Health(version=get_settings().version))


handler = make_handler(app)
