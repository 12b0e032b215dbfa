"""send-due-feedback (every 5 minutes): approve and queue feedback past its auto-send time."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import cold_start
from shared.logs import logger
from shared.services.feedback import send_due


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    queued = send_due()
    logger.info("due feedback queued", extra={"queued": queued})
    return {"queued": queued}


cold_start.imported()
