"""Configuration of the stand-in, from the same environment variables the functions use."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class StandinConfig:
    database_url: str
    jwt_secret: str
    public_url: str
    storage_dir: Path
    access_token_ttl: int
    bcrypt_rounds: int

    @property
    def issuer(self) -> str:
        return self.public_url.rstrip("/") + "/auth/v1"


@lru_cache
def get_config() -> StandinConfig:
    return StandinConfig(
        database_url=os.environ["DATABASE_URL"],
        jwt_secret=os.environ["SUPABASE_JWT_SECRET"],
        public_url=os.environ.get("SUPABASE_URL", "http://127.0.0.1:54321"),
        storage_dir=Path(os.environ["STORAGE_DIR"]),
        access_token_ttl=int(os.environ.get("STANDIN_ACCESS_TOKEN_TTL", "3600")),
        bcrypt_rounds=int(os.environ.get("STANDIN_BCRYPT_ROUNDS", "10")),
    )
