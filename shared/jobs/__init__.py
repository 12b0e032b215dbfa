"""Job handlers, registered with shared.queue on import. run-jobs imports this package."""

from shared.jobs import email, resumes, scoring

__all__ = ["email", "resumes", "scoring"]
