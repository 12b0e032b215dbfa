"""storage-api's HTTP surface as storage3 and browsers call it (paths under /storage/v1), in
Fastify's matching order: literal segments (`sign`, `list-v2`, `info`, `public`, ...) before a
bucket id, so no call falls through to the upload or download routes; anything else is Fastify's
404 {statusCode, error, message}. The behaviour is in `local.supabase_standin.storage`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from local.supabase_standin.storage import body, buckets, listing, objects, signed
from local.supabase_standin.storage.body import Incoming

Handler = Callable[[Request, Incoming], Response]
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def endpoint(func: Handler, kind: Literal["json", "upload"] = "json") -> Callable[[Request], Awaitable[Response]]:
    """Read the body (`kind` "json" or "upload") on the event loop; run the blocking work in a thread."""

    async def run(request: Request) -> Response:
        incoming = await body.read(request, kind)
        return await run_in_threadpool(func, request, incoming)

    return run


async def not_found(request: Request) -> Response:
    """Fastify's default 404, for a path or a method storage-api has no route for."""
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    message = f"Route {request.method}:{path} not found"
    return JSONResponse({"message": message, "error": "Not Found", "statusCode": 404}, status_code=404)


OBJECT = "/{bucket}/{name:path}"

routes = [
    Route("/bucket", endpoint(buckets.create_bucket), methods=["POST"]),
    Route("/bucket", endpoint(buckets.list_buckets), methods=["GET"]),
    Route("/bucket/{bucket}", endpoint(buckets.get_bucket), methods=["GET"]),
    Route("/bucket/{bucket}", endpoint(buckets.update_bucket), methods=["PUT"]),
    Route("/bucket/{bucket}", endpoint(buckets.delete_bucket), methods=["DELETE"]),
    Route("/bucket/{bucket}/empty", endpoint(buckets.empty_bucket), methods=["POST"]),
    Route("/object/list/{bucket}", endpoint(listing.list_objects), methods=["POST"]),
    Route("/object/list-v2/{bucket}", endpoint(listing.list_v2), methods=["POST"]),
    Route("/object/move", endpoint(objects.move), methods=["POST"]),
    Route("/object/copy", endpoint(objects.copy), methods=["POST"]),
    Route("/object/sign/{bucket}", endpoint(signed.sign_many), methods=["POST"]),
    Route("/object/sign" + OBJECT, endpoint(signed.sign), methods=["POST"]),
    Route("/object/sign" + OBJECT, endpoint(signed.download), methods=["GET"]),
    Route("/object/upload/sign" + OBJECT, endpoint(signed.sign_upload), methods=["POST"]),
    Route("/object/upload/sign" + OBJECT, endpoint(signed.upload, "upload"), methods=["PUT"]),
    Route("/object/info/public" + OBJECT, endpoint(objects.info_public), methods=["GET"]),
    Route("/object/info/authenticated" + OBJECT, endpoint(objects.info), methods=["GET"]),
    Route("/object/info" + OBJECT, endpoint(objects.info), methods=["GET"]),
    Route("/object/public" + OBJECT, endpoint(objects.download_public), methods=["GET"]),
    Route("/object/authenticated" + OBJECT, endpoint(objects.download), methods=["GET"]),
    Route("/object" + OBJECT, endpoint(objects.upload, "upload"), methods=["POST", "PUT"]),
    Route("/object" + OBJECT, endpoint(objects.download), methods=["GET"]),
    Route("/object" + OBJECT, endpoint(objects.delete), methods=["DELETE"]),
    Route("/object/{bucket}", endpoint(objects.remove), methods=["DELETE"]),
    Route("/{path:path}", not_found, methods=EVERY_METHOD),
]
