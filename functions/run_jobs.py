"""run-jobs: drains the job queue (scheduled every minute; locally also woken by NOTIFY)."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

import shared.jobs  # noqa: F401 - registers every job handler
from shared.logs import logger
from shared.queue import drain

SAFETY_MARGIN_SECONDS = 10


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    budget = context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS
    summary = drain(deadline_seconds=max(1.0, budget))
    logger.info("job queue drained", extra=asdict(summary))
    return asdict(summary)
