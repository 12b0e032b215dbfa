"""expire-interviews (every 5 minutes): in-progress interviews inactive for 30 minutes are
abandoned, and realtime sessions whose lease ran out without events are ended."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import cold_start
from shared.logs import logger
from shared.services.interviews import expire
from shared.services.realtime import end_expired_sessions


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    sessions_ended = end_expired_sessions()
    abandoned = expire()
    logger.info("inactive interviews abandoned", extra={"abandoned": abandoned, "realtime_sessions_ended": sessions_ended})
    return {"abandoned": abandoned, "realtime_sessions_ended": sessions_ended}


cold_start.imported()
