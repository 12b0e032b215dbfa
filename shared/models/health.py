"""Health: liveness and database reachability."""

from typing import Literal

from shared.models.base import Model


class Health(Model):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    version: str
