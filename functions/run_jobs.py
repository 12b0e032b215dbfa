"""run-jobs: drains the job queue (scheduled every minute; locally also woken by NOTIFY). Jobs
are claimed one at a time, and only while the function's remaining time fits one."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

import shared.jobs  # noqa: F401 - registers every job handler
from shared import cold_start
from shared.logs import logger
from shared.queue import drain

SAFETY_MARGIN_SECONDS = 10  # kept back for finishing the last job (complete_job / fail_job) and logging


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    summary = drain(time_left=lambda: context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS)
    logger.info("job queue drained", extra=asdict(summary))
    return asdict(summary)


cold_start.imported()
