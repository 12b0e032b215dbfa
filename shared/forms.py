"""multipart/form-data request bodies (Function URL events carry them base64-encoded), parsed
with the standard library's MIME parser rather than by hand (imported by the first form parsed)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent

from shared.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType


@dataclass(frozen=True)
class UploadedFile:
    field: str
    file_name: str
    content_type: str | None
    data: bytes


def raw_body(event: LambdaFunctionUrlEvent, max_bytes: int) -> bytes:
    body = event.get("body") or ""
    try:
        data = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise BadRequest("The request body could not be decoded.") from exc
    if len(data) > max_bytes:
        raise PayloadTooLarge()
    return data


def file_field(event: LambdaFunctionUrlEvent, field: str, max_bytes: int) -> UploadedFile:
    """The file sent in form field `field`; 415 for another content type, 400 when it is missing."""
    from email import policy
    from email.parser import BytesParser

    content_type = event.headers.get("content-type") or ""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type.lower():
        raise UnsupportedMediaType("Send the file as multipart/form-data.")
    data = raw_body(event, max_bytes)
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + data)
    if not message.is_multipart():
        raise BadRequest("The multipart body is malformed.")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") != field:
            continue
        file_name = part.get_filename()
        if file_name is None:
            raise BadRequest(f"The form field '{field}' must be a file.")
        payload = part.get_payload(decode=True)
        return UploadedFile(
            field=field,
            file_name=file_name,
            content_type=part.get_content_type() if part.get("content-type") else None,
            data=payload if isinstance(payload, bytes) else b"",
        )
    raise BadRequest(f"The form field '{field}' is missing.", details={"field": field})
