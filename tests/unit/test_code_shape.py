"""Issue 15.7: services orchestrate, repositories query. No service module runs SQL itself; every
statement lives in shared/repositories/ (one module per aggregate)."""

from __future__ import annotations

import re
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "shared" / "services"
SQL_CALL = re.compile(r"\.execute\(|\bselect\s+\w|\binsert\s+into\b|\bupdate\s+public\.|\bdelete\s+from\b", re.IGNORECASE)


def test_no_service_module_runs_sql():
    """Issue 15.7: SQL moved out of the services (before, interviews.py was both use case and data layer)."""
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(SERVICES.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SQL_CALL.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
