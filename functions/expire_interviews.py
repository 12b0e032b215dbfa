"""expire-interviews (every 5 minutes): in-progress interviews inactive for 30 minutes are abandoned."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.logs import logger
from shared.services.interviews import expire


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    abandoned = expire()
    logger.info("inactive interviews abandoned", extra={"abandoned": abandoned})
    return {"abandoned": abandoned}
