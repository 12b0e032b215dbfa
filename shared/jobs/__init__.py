"""Job handlers, registered with shared.queue on import. run-jobs imports this package."""
