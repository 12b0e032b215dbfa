"""A stand-in function for the gateway's load test: answers after a pause (`?sleep=` seconds), as a
handler waiting on the database would, so that requests queue for the worker processes."""

import json
import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(float((event.get("queryStringParameters") or {}).get("sleep", "0")))
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"path": event["rawPath"]})}
