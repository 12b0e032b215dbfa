"""Cold start: the libraries a function's import loads are paid on every cold start, so the
functions load none of the heavy ones: each operation imports what it needs (bench/cold_start.py
measures the time). Each import runs in a fresh interpreter: this test process has loaded everything already."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Loaded by the operations that need them (shared/supabase_clients.py, shared/storage.py,
# shared/email.py, shared/ai/base.py, shared/pinned_http.py, shared/services/resume_files.py, the
# Auth calls of shared/services/accounts.py, shared/secret_box.py, and shared/auth.py for
# asymmetric tokens); pydantic-settings and python-dotenv not at all in deployment (shared/settings.py).
HEAVY = (
    "openai", "boto3", "pocketsphinx", "pypdf", "docx", "supabase", "supabase_auth", "storage3", "httpx", "httpcore", "tenacity",
    "jwt", "cryptography", "pydantic_settings", "dotenv",
)  # fmt: skip


def modules_loaded_by(module: str) -> set[str]:
    probe = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    return set(json.loads(completed.stdout))


def functions_of_serverless_yml() -> list[str]:
    from local.gateway import load_specs

    return sorted({spec.handler.rsplit(".", 1)[0].replace("/", ".") for spec in load_specs().values()})


@pytest.mark.parametrize("module", functions_of_serverless_yml())
def test_a_function_import_loads_no_heavy_library_and_resumes_garbage_collection(module):
    """functions/__init__.py pauses the collector for the import (shared/cold_start.py); a module
    that did not resume it would leave a warm Lambda collecting nothing."""
    probe = f"import gc, json, sys\nimport {module}\nprint(json.dumps([sorted(sys.modules), gc.isenabled(), gc.get_freeze_count() > 0]))"
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    modules, collecting, frozen = json.loads(completed.stdout)
    assert sorted({name.split(".")[0] for name in modules} & set(HEAVY)) == []
    assert collecting and frozen


def test_health_does_not_load_the_token_verifier():
    loaded = modules_loaded_by("functions.health")
    assert "jwt" not in loaded and "shared.auth" not in loaded


def test_modules_defining_models_do_not_postpone_annotations():
    """shared/models/base.py: pydantic defines a model with string annotations half again as slowly."""
    probe = (
        "import json, sys\nimport functions.recruiter, functions.privacy, functions.realtime, functions.webhooks, functions.job_postings\n"
        "from pydantic import BaseModel\n"
        "def subclasses(cls):\n    for sub in cls.__subclasses__():\n        yield sub\n        yield from subclasses(sub)\n"
        "print(json.dumps(sorted({m.__module__ for m in subclasses(BaseModel) if m.__module__.startswith('shared.')})))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    modules = json.loads(completed.stdout)
    assert "shared.models.recruiter" in modules
    postponing = [name for name in modules if "\nfrom __future__ import annotations\n" in (REPO / (name.replace(".", "/") + ".py")).read_text()]
    assert postponing == ["shared.http"]  # its three envelope models only


def test_the_local_gateway_resumes_garbage_collection_after_a_failed_import():
    probe = (
        "import gc, json\nfrom local.gateway import FunctionSpec\n"
        "try:\n    FunctionSpec(name='missing', handler='functions/no_such_function.handler').load()\n"
        "except ModuleNotFoundError:\n    print(json.dumps(gc.isenabled()))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) is True
