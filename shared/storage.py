"""Supabase Storage calls, with the one mapping from storage failures to our errors. Callers pass
the client: `user_storage(token)` when acting for a user (Storage RLS applies), `service_client()`
for system work. storage3 and httpx are loaded by the first call, not by importing this module."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from shared.errors import AppError, NotFound, PayloadTooLarge, ServiceUnavailable, ValidationFailed
from shared.storage_keys import VALID_KEY

if TYPE_CHECKING:
    import httpx
    from storage3 import SyncStorageClient
    from storage3.types import CreateSignedURLsOptions, URLOptions


class HasStorage(Protocol):
    """A Supabase client, or just its Storage part (shared.supabase_clients.user_storage)."""

    @property
    def storage(self) -> SyncStorageClient: ...


P = ParamSpec("P")
T = TypeVar("T")


class InvalidPath(ValidationFailed):
    """The file path is not valid."""


def _translate(exc: Exception) -> AppError:
    status = str(getattr(exc, "status", ""))
    if getattr(exc, "code", None) == "InvalidKey":
        return InvalidPath()
    if status in {"404", "400"} and "not found" in str(getattr(exc, "message", exc)).lower():
        return NotFound("The file was not found.")
    if status == "413":
        return PayloadTooLarge("The file is larger than the storage limit.")
    if status in {"415", "422"}:
        return ValidationFailed("Storage refused the file type.")
    if status in {"401", "403"}:
        return NotFound("The file was not found.")
    return ServiceUnavailable("File storage is temporarily unavailable.")


def _call(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    import httpx
    from storage3.exceptions import StorageApiError
    from storage3.utils import StorageException

    try:
        return func(*args, **kwargs)
    except (StorageApiError, StorageException, httpx.HTTPError) as exc:
        raise _translate(exc) from exc
    except ValueError as exc:
        # storage3 refuses, before any request, an object key that decodes to dot segments
        # (`%2e%2e`) or is not valid percent-encoded UTF-8.
        raise InvalidPath() from exc


def _refuse_invalid_key(path: str) -> None:
    """Keys storage-api would refuse with `InvalidKey` (build keys with shared.storage_keys) are
    refused here, before any request."""
    if not VALID_KEY.match(path):
        raise InvalidPath()


def upload(client: HasStorage, bucket: str, path: str, data: bytes, content_type: str) -> None:
    _refuse_invalid_key(path)
    _call(client.storage.from_(bucket).upload, path, data, {"content-type": content_type, "upsert": "false"})


def download(client: HasStorage, bucket: str, path: str) -> bytes:
    return _call(client.storage.from_(bucket).download, path)


def remove(client: HasStorage, bucket: str, path: str) -> None:
    _call(client.storage.from_(bucket).remove, [path])


REMOVE_BATCH = 1000  # storage-api's limit of keys per DELETE


def remove_many(client: HasStorage, bucket: str, paths: list[str]) -> int:
    """Remove objects in batches Storage accepts; how many it removed (missing keys are skipped)."""
    removed = 0
    for start in range(0, len(paths), REMOVE_BATCH):
        removed += len(_call(client.storage.from_(bucket).remove, paths[start : start + REMOVE_BATCH]))
    return removed


def signed_url(client: HasStorage, bucket: str, path: str, expires_in: int, *, download: bool = False) -> str:
    """A signed link to the object; with `download` Storage serves it as an attachment
    (Content-Disposition: attachment), so a browser saves it rather than rendering it."""
    options: URLOptions = {"download": True} if download else {}
    url = _call(client.storage.from_(bucket).create_signed_url, path, expires_in, options).get("signedURL")
    if not url:
        raise NotFound("The file was not found.")
    return url


def signed_urls(client: HasStorage, bucket: str, paths: list[str], expires_in: int, *, download: bool = False) -> dict[str, str]:
    """Signed links to many objects in one request, by path; paths the client cannot see (or
    that are gone) are left out."""
    if not paths:
        return {}
    options: CreateSignedURLsOptions = {"download": True} if download else {}
    signed = _call(client.storage.from_(bucket).create_signed_urls, paths, expires_in, options)
    return {item["path"]: url for item in signed if (url := item.get("signedURL")) and item.get("path")}


def read_head(client: HasStorage, bucket: str, path: str, length: int) -> bytes | None:
    """The first `length` bytes of an object (a Range request on a short-lived signed link, so a
    100 MB video is never downloaded whole); b"" for an empty object, None when it is gone."""
    import httpx

    try:
        url = signed_url(client, bucket, path, 60)
    except NotFound:
        return None
    try:
        response = _range_http().get(url, headers={"Range": f"bytes=0-{length - 1}"})
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("File storage is temporarily unavailable.") from exc
    if response.status_code == 416:
        return b""
    if response.status_code in {400, 404}:
        return None
    if response.status_code not in {200, 206}:
        raise ServiceUnavailable("File storage is temporarily unavailable.")
    return response.content[:length]


@lru_cache
def _range_http() -> httpx.Client:
    # Signed links carry their own token; the client holds no credentials.
    import httpx

    return httpx.Client(timeout=10, follow_redirects=False)


def signed_upload_url(client: HasStorage, bucket: str, path: str) -> dict[str, str]:
    _refuse_invalid_key(path)
    result = _call(client.storage.from_(bucket).create_signed_upload_url, path)
    return {"upload_url": result["signed_url"], "token": result["token"], "path": path}
