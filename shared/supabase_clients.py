"""Clients for Supabase Auth and Storage, the same code locally (the stand-in) and in production.

`service_client()` is the trusted, service-role client, built once per cold start. Anything that
acts for a user gets a fresh client (`user_client`, `anon_auth_client`), because supabase-py keeps
the signed-in session inside the client object and a warm Lambda serves many users.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import httpx
from storage3 import SyncStorageClient
from supabase_auth import SyncGoTrueClient

from shared.settings import get_settings
from supabase import Client, ClientOptions, create_client

TIMEOUT_SECONDS = 10


def _options() -> ClientOptions:
    return ClientOptions(
        auto_refresh_token=False, persist_session=False, postgrest_client_timeout=TIMEOUT_SECONDS, storage_client_timeout=TIMEOUT_SECONDS
    )


@lru_cache
def service_client() -> Client:
    """Service-role client for system work (admin users, storage as the platform). Never for user requests' reads."""
    settings = get_settings()
    return create_client(settings.supabase_url, settings.supabase_service_role_key.get_secret_value(), options=_options())


def user_client(access_token: str) -> Client:
    """A client acting as the user: Storage and Auth calls carry the user's token, so RLS applies."""
    settings = get_settings()
    options = _options()
    options.headers.update({"Authorization": f"Bearer {access_token}"})
    return create_client(settings.supabase_url, settings.supabase_anon_key.get_secret_value(), options=options)


@dataclass(frozen=True)
class UserStorage:
    """Only the Storage part of a client acting as the user (what shared.storage needs)."""

    storage: SyncStorageClient


@lru_cache
def _storage_http() -> httpx.Client:
    # One connection pool per cold start: building an httpx client (its TLS context) costs ~20 ms.
    # It holds no credentials; each request carries the user's own headers.
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True)


def user_storage(access_token: str) -> UserStorage:
    """Storage as the user (Storage RLS applies), cheap to make per request: for routes that sign
    links for a user and need nothing else of supabase-py's client (which builds several HTTP
    clients, ~20 ms)."""
    settings = get_settings()
    key = settings.supabase_anon_key.get_secret_value()
    url = settings.supabase_url.rstrip("/") + "/storage/v1/"
    return UserStorage(storage=SyncStorageClient(url, {"apiKey": key, "Authorization": f"Bearer {access_token}"}, http_client=_storage_http()))


def anon_auth_client() -> SyncGoTrueClient:
    """A fresh GoTrue client with the anon key, for password and refresh grants."""
    settings = get_settings()
    key = settings.supabase_anon_key.get_secret_value()
    return SyncGoTrueClient(
        url=settings.supabase_url.rstrip("/") + "/auth/v1",
        headers={"apiKey": key, "Authorization": f"Bearer {key}"},
        auto_refresh_token=False,
        persist_session=False,
    )
