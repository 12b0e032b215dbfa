"""Job handlers, registered with shared.queue on import. run-jobs imports this package."""

from shared.jobs import email, recordings, resumes, scoring, webhooks

__all__ = ["email", "recordings", "resumes", "scoring", "webhooks"]
