"""Health: liveness and database reachability."""

from __future__ import annotations

from typing import Literal

from shared.models.base import Model


class Health(Model):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    version: str
