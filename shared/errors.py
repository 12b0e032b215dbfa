"""The one exception hierarchy. Each class carries its HTTP status and error code; the docstring
is the default client-facing message. `shared.http` maps them to the response envelope."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Something went wrong."""

    status_code = 500
    code = "INTERNAL_ERROR"

    def __init__(self, message: str | None = None, *, details: Any = None, headers: dict[str, str] | None = None):
        self.message = message or (self.__doc__ or "").strip()
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(AppError):
    """The request could not be understood."""

    status_code = 400
    code = "BAD_REQUEST"


class ValidationFailed(AppError):
    """The request is not valid."""

    status_code = 422
    code = "VALIDATION_ERROR"


class Unauthorized(AppError):
    """Authentication is required."""

    status_code = 401
    code = "UNAUTHORIZED"


class Forbidden(AppError):
    """You do not have permission to do this."""

    status_code = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    """The resource was not found."""

    status_code = 404
    code = "NOT_FOUND"


class Conflict(AppError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "CONFLICT"


class PayloadTooLarge(AppError):
    """The request body is too large."""

    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class RateLimited(AppError):
    """Too many requests; try again later."""

    status_code = 429
    code = "RATE_LIMITED"

    def __init__(self, message: str | None = None, *, retry_after: int, details: Any = None):
        super().__init__(message, details=details, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class UpstreamFailed(AppError):
    """An upstream service failed."""

    status_code = 502
    code = "UPSTREAM_ERROR"


class ServiceUnavailable(AppError):
    """The service is temporarily unavailable."""

    status_code = 503
    code = "SERVICE_UNAVAILABLE"


class GatewayTimeout(AppError):
    """The request ran out of time waiting for another service; try again."""

    status_code = 504
    code = "GATEWAY_TIMEOUT"


class EmailTaken(Conflict):
    """An account with this email already exists."""

    code = "EMAIL_TAKEN"


class InvalidCredentials(Unauthorized):
    """The email or password is incorrect."""

    code = "INVALID_CREDENTIALS"


class InvalidRefreshToken(Unauthorized):
    """The refresh token is invalid, expired or already used."""

    code = "INVALID_REFRESH_TOKEN"


class AccountDisabled(Forbidden):
    """This account has been deactivated."""

    code = "ACCOUNT_DISABLED"


class AccountLocked(RateLimited):
    """Too many failed logins; the account is locked for a while."""

    code = "ACCOUNT_LOCKED"


class OwnAccountChange(Conflict):
    """Admins cannot change their own role or active status; another admin has to."""

    code = "OWN_ACCOUNT_CHANGE"


class AIUnavailable(ServiceUnavailable):
    """The AI service is temporarily unavailable; try again shortly."""

    code = "AI_UNAVAILABLE"


class AITimeout(GatewayTimeout):
    """The AI service did not answer in time; nothing was saved, try again."""

    code = "AI_TIMEOUT"


class AIFailed(UpstreamFailed):
    """The AI service returned an error."""

    code = "AI_ERROR"


class AudioInvalid(ValidationFailed):
    """The audio is not valid."""

    code = "AUDIO_INVALID"


class TranscriptionFailed(ValidationFailed):
    """The recording could not be transcribed; please record your answer again."""

    code = "TRANSCRIPTION_FAILED"


class UnsupportedMediaType(AppError):
    """The content type is not supported."""

    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class InterviewNotActive(Conflict):
    """The interview is not in progress."""

    code = "INTERVIEW_NOT_ACTIVE"


class AlreadyApplied(Conflict):
    """You have already applied to this posting."""

    code = "ALREADY_APPLIED"


class JobNotOpen(Conflict):
    """This job posting is not open (paused, closed or cancelled)."""

    code = "JOB_NOT_OPEN"


class MoveNotAllowed(Conflict):
    """The application cannot move to this status from its current one."""

    code = "STATUS_MOVE_NOT_ALLOWED"


class RecordingExists(Conflict):
    """The interview already has a recording; withdraw it before recording again."""

    code = "RECORDING_EXISTS"


class RecordingNotReady(Conflict):
    """The recording is still being checked; try again in a minute."""

    code = "RECORDING_NOT_READY"


class ReauthenticationFailed(Forbidden):
    """The password is incorrect."""

    code = "REAUTHENTICATION_FAILED"


class RealtimeUnavailable(ServiceUnavailable):
    """Realtime voice is not available now; continue the interview with turn-based speech."""

    code = "REALTIME_UNAVAILABLE"

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message, details={"fallback_mode": "voice", "reason": reason})
        self.reason = reason


class RealtimeSessionActive(Conflict):
    """A realtime session of this interview is already live; end it first or let it expire."""

    code = "REALTIME_SESSION_ACTIVE"


class RealtimeSessionNotActive(Conflict):
    """The interview has no live realtime session; open one first."""

    code = "REALTIME_SESSION_NOT_ACTIVE"
