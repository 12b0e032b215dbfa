"""Cold start of every function: a fresh interpreter imports the function's module (what Lambda's
init phase does before the first event), measured in a subprocess per run.

    .venv/bin/python bench/cold_start.py --runs 7
    .venv/bin/python bench/cold_start.py --packaged --runs 7   # from the deployment package
    .venv/bin/python bench/cold_start.py --all --runs 3   # scheduled functions too

By default the functions import from the checkout with the development virtualenv's packages.
With --packaged they import from the deployment package as Lambda extracts it (local/package.py:
production requirements only, byte-compiled), built for this machine's architecture, in an
interpreter without site-packages (`python -S`), as Lambda's /var/task.

Prints JSON, per function of serverless.yml (HTTP functions unless --all): the import's wall
time and CPU time in ms (median, min and max of --runs), peak memory (ru_maxrss, MB, median), how many
modules the import loaded and which of the heavy libraries among them, and whether the median
wall time meets the target. Models are built at first use (shared/models/base.py), so it also
prints how many the import defined unbuilt and how long building every one of them takes after
the import: the most that deferring moved onto requests (each request builds only its own).
Runs go round robin over the functions. The CPU time is the steadier figure on a busy machine
(other processes stretch wall time, not CPU time); the machine's load average is printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from local import package  # noqa: E402
from local.gateway import load_specs  # noqa: E402
from local.paths import LOCAL_DIR  # noqa: E402

TARGET_MS = 250.0
# Libraries an operation should import only when it needs them (shared/lazy imports); the names
# listed per function are those its import loaded anyway.
HEAVY = ("openai", "boto3", "pocketsphinx", "pypdf", "docx", "supabase", "storage3", "supabase_auth", "httpx", "httpcore", "tenacity")

PROBE = """
import json, resource, sys, time
started, cpu = time.perf_counter(), time.process_time()
import {module}
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
from pydantic import BaseModel
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
deferred = {{model for model in subclasses(BaseModel) if model.__module__.startswith(("shared.", "functions."))
            and not model.__pydantic_complete__ and not model.__pydantic_generic_metadata__["parameters"]}}
started = time.perf_counter()
for model in deferred:
    model.model_rebuild()
deferred_ms = (time.perf_counter() - started) * 1000
print(json.dumps({{"wall_ms": wall * 1000, "cpu_ms": cpu * 1000, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "modules": len(sys.modules), "heavy": heavy, "deferred_models": len(deferred), "deferred_ms": deferred_ms}}))
"""


def measure(module: str, packaged: Path | None = None) -> dict[str, object]:
    """One fresh interpreter importing `module` (bytecode already compiled, as in the package)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    command = [sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)]
    if packaged is not None:
        env["PYTHONPATH"] = str(packaged)
        command[1:1] = ["-S"]  # no site-packages: only the package and the standard library
    completed = subprocess.run(command, cwd=packaged or REPO, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--all", action="store_true", help="scheduled functions too, not only those with a function URL")
    parser.add_argument("--function", action="append", default=[], help="only this function (repeatable)")
    parser.add_argument("--packaged", action="store_true", help="import from the deployment package built for this machine")
    args = parser.parse_args()
    specs = load_specs()
    packaged = None
    if args.packaged:
        packaged = LOCAL_DIR / "package" / "cold-start"
        shutil.rmtree(packaged, ignore_errors=True)
        package.assemble(package.host_platform(), packaged)
    names = args.function or [name for name, spec in specs.items() if spec.url or args.all]
    modules = {name: specs[name].handler.rpartition(".")[0].replace("/", ".") for name in names}
    for module in modules.values():
        measure(module, packaged)  # the first run may still compile bytecode; Lambda gets it precompiled (make package)
    # Round robin: run r of every function, then run r + 1, so that a slow spell of the machine (other
    # processes, a neighbour on the host) spreads over all functions instead of landing on one.
    measured: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    for _ in range(args.runs):
        for name, module in modules.items():
            measured[name].append(measure(module, packaged))
    results = {}
    for name in names:
        runs = measured[name]
        wall = [float(run["wall_ms"]) for run in runs]  # type: ignore[arg-type]
        cpu = [float(run["cpu_ms"]) for run in runs]  # type: ignore[arg-type]
        results[name] = {
            "import_ms": {"median": round(statistics.median(wall)), "min": round(min(wall)), "max": round(max(wall))},
            "cpu_ms": {"median": round(statistics.median(cpu)), "min": round(min(cpu)), "max": round(max(cpu))},
            "peak_rss_mb": round(statistics.median(int(run["maxrss_kb"]) for run in runs) / 1024, 1),  # type: ignore[call-overload]
            "modules": runs[-1]["modules"],
            # Models the import defined without building (shared/models/base.py): a request builds those it
            # uses at first use; building all of them would take this long (an upper bound, not paid at import).
            "deferred_models": runs[-1]["deferred_models"],
            "deferred_models_all_built_ms": round(statistics.median(float(run["deferred_ms"]) for run in runs)),  # type: ignore[arg-type]
            "heavy_loaded": runs[-1]["heavy"],
            "meets_target": statistics.median(wall) <= TARGET_MS,
        }
        print(f"{name}: {results[name]['import_ms']} ms", file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(),
                    "load_average": [round(value, 2) for value in os.getloadavg()],
                },
                "source": "deployment package (python -S)" if packaged else "checkout and virtualenv",
                "runs": args.runs,
                "target_ms": TARGET_MS,
                "functions": results,
                "all_meet_target": all(result["meets_target"] for result in results.values()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
