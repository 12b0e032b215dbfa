"""retention-cleanup (daily): removes finished jobs, old outbox messages and bodies, expired
rate-limit and login-failure rows, and old media (interview recordings soft- then hard-deleted,
question audio of finished interviews), in bounded batches within the function's time."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import cold_start
from shared.logs import logger
from shared.services import retention

SAFETY_MARGIN_SECONDS = 15  # one batch (5,000 rows) and the log line fit in it


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = retention.run(time_left=lambda: context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS)
    logger.info("retention applied", extra=asdict(run))
    return asdict(run)


cold_start.imported()
