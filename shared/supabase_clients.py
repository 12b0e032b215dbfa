"""Clients for Supabase Auth and Storage, the same code locally (the stand-in) and in production.

supabase-py's own packages for the two services, `supabase_auth` (GoTrue) and `storage3`, not its
umbrella client: that one also builds PostgREST, Realtime (websockets) and Edge Functions clients
we never call, and importing it costs a function about 50 ms more at cold start. Both are imported
on first use, so a function whose operation touches neither (health, a text turn) never loads
them or httpx.

`service_client()` is the trusted, service-role client, built once per cold start. Anything that
acts for a user gets a fresh client (`user_storage`, `anon_auth_client`), because the Auth client
keeps the signed-in session inside the client object and a warm Lambda serves many users.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from shared.settings import get_settings

if TYPE_CHECKING:
    import httpx
    from storage3 import SyncStorageClient
    from supabase_auth import SyncGoTrueClient

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ServiceClient:
    """The service role's Auth (its admin API: `auth.admin`) and Storage, for system work."""

    auth: SyncGoTrueClient
    storage: SyncStorageClient


@dataclass(frozen=True)
class UserStorage:
    """Storage as a user: every request carries the user's token, so Storage RLS applies."""

    storage: SyncStorageClient


@lru_cache
def _storage_http() -> httpx.Client:
    # One connection pool per cold start: building an httpx client (its TLS context) costs ~20 ms.
    # It holds no credentials; each request carries its client's own headers.
    import httpx

    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True)


def _storage(key: str, bearer: str) -> SyncStorageClient:
    from storage3 import SyncStorageClient

    url = get_settings().supabase_url.rstrip("/") + "/storage/v1/"
    return SyncStorageClient(url, {"apiKey": key, "Authorization": f"Bearer {bearer}"}, http_client=_storage_http())


def _auth(key: str) -> SyncGoTrueClient:
    from supabase_auth import SyncGoTrueClient

    return SyncGoTrueClient(
        url=get_settings().supabase_url.rstrip("/") + "/auth/v1",
        headers={"apiKey": key, "Authorization": f"Bearer {key}"},
        auto_refresh_token=False,
        persist_session=False,
    )


@lru_cache
def service_client() -> ServiceClient:
    """Service-role client for system work (admin users, storage as the platform). Never for user requests' reads."""
    key = get_settings().supabase_service_role_key.get_secret_value()
    return ServiceClient(auth=_auth(key), storage=_storage(key, key))


def user_storage(access_token: str) -> UserStorage:
    """Storage as the user (Storage RLS applies), cheap to make per request."""
    return UserStorage(storage=_storage(get_settings().supabase_anon_key.get_secret_value(), access_token))


def anon_auth_client() -> SyncGoTrueClient:
    """A fresh GoTrue client with the anon key, for password and refresh grants."""
    return _auth(get_settings().supabase_anon_key.get_secret_value())
