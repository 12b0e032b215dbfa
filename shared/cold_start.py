"""A function's cold start without Python's cyclic garbage collector.

Importing a function's module (Lambda's init phase) allocates hundreds of thousands of objects
(modules, classes, pydantic and Powertools structures) that all live as long as the process, and
the collector, triggered every 700 allocations, walks them again and again: 40-80 ms of the
recruiter function's import on the benchmark machine. `functions/__init__.py` pauses it before
anything else is imported; the end of every function module resumes it (`make_handler` for the HTTP
functions, `imported()` for the scheduled ones), after freezing what the import created, so later
collections during requests skip those long-lived objects too. tests/unit/test_cold_start_imports.py
checks that every function's import leaves the collector running. An import that raises leaves it
paused, which matters only to a process that carries on after a failed init: Lambda discards that
execution environment; the local gateway's worker resumes it (local/gateway.py)."""

import gc


def importing() -> None:
    """Pause collection while a function's module is imported."""
    gc.disable()


def imported() -> None:
    """The function's module is imported: move what exists to the permanent generation and collect again."""
    gc.freeze()
    gc.enable()
