"""score-pending (every minute): queue scoring for completed interviews that have no assessment
yet or whose scoring failed."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import cold_start
from shared.logs import logger
from shared.services.assessments import queue_pending


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    queued = queue_pending()
    logger.info("pending scoring queued", extra={"queued": queued})
    return {"queued": queued}


cold_start.imported()
