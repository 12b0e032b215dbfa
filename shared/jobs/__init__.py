"""Job handlers, registered with shared.queue on import. run-jobs imports this package."""

from shared.jobs import email, resumes

__all__ = ["email", "resumes"]
