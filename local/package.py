"""The deployment package: `make package` (`python -m local.package`) builds the zip that
serverless.yml deploys to every function (`package.artifact`).

It holds `functions/`, `shared/` and the production requirements (requirements.txt, never the
development ones) installed from wheels built for the Lambda platform serverless.yml declares:
the runtime's Python version and ABI, its architecture, and the glibc of the runtime's operating
system (python3.8-3.11 run on Amazon Linux 2, glibc 2.26: a manylinux_2_27 wheel would install and
then fail to load there). Nothing is compiled from source (`--only-binary=:all:`), so the build
runs on any machine. Everything is byte-compiled here with unchecked-hash pycs: Lambda's file
system is read-only, so a function whose pycs are missing or stale compiles its modules again on
every cold start.

The wheels are downloaded once into `.local/package/wheels/<platform>/` (the only network access:
the package index pip is configured with) and the installed dependencies are kept per hash of
requirements.txt and platform, so a rebuild after a code change only copies the code and zips.
Prints JSON: the artifact, its size zipped and unzipped against Lambda's limits, and the largest
distributions.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import hashlib
import json
import os
import platform as pyplatform
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from local.paths import LOCAL_DIR, REPO_ROOT, SERVERLESS_YML

PACKAGE_DIR = LOCAL_DIR / "package"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
SOURCES = ("functions", "shared")
UNZIPPED_LIMIT = 250 * 1024 * 1024  # Lambda: function code and layers, unzipped
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # Lambda: a zip uploaded directly (the Serverless Framework goes through S3)
# Managed Python runtimes and the glibc of their operating system (Amazon Linux 2: 2.26, Amazon Linux 2023: 2.34).
RUNTIME_GLIBC = {"python3.9": 26, "python3.10": 26, "python3.11": 26, "python3.12": 34, "python3.13": 34}
ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # every zip entry's date, so the same inputs give the same zip


class PackageError(RuntimeError):
    """The package could not be built; the message says why."""


class OfflineError(PackageError):
    """Wheels are missing from the cache and the package index cannot be reached."""


@dataclass(frozen=True)
class Platform:
    """The Lambda platform of serverless.yml, as pip's target options."""

    runtime: str
    python_version: str  # "3.11"
    machine: str  # "aarch64"
    glibc_minor: int  # 26 for glibc 2.26

    @property
    def abi(self) -> str:
        return "cp" + self.python_version.replace(".", "")

    @property
    def platform_tags(self) -> list[str]:
        """Every manylinux tag a wheel may carry to run here: manylinux2014 (glibc 2.17) up to the runtime's glibc."""
        return [f"manylinux2014_{self.machine}", *(f"manylinux_2_{minor}_{self.machine}" for minor in range(17, self.glibc_minor + 1))]

    @property
    def key(self) -> str:
        return f"{self.abi}-{self.machine}-glibc2.{self.glibc_minor}"

    def pip_options(self) -> list[str]:
        options = ["--only-binary=:all:", "--implementation", "cp", "--python-version", self.python_version, "--abi", self.abi]
        for tag in self.platform_tags:
            options += ["--platform", tag]
        return options

    def accepts(self, wheel_tag: str) -> bool:
        """Whether a wheel's tag (from its WHEEL file, e.g. `cp311-abi3-manylinux_2_17_aarch64.manylinux2014_aarch64`,
        each part possibly a dotted set) runs on this platform."""
        pythons, abis, platforms = (set(part.split(".")) for part in wheel_tag.split("-"))
        stable_abi = "abi3" in abis and any(python.startswith("cp3") and int(python[3:] or 0) <= int(self.abi[3:]) for python in pythons)
        python_ok = bool(pythons & {"py3", self.abi}) or stable_abi
        abi_ok = bool(abis & {"none", "abi3", self.abi})
        return python_ok and abi_ok and bool(platforms & {"any", *self.platform_tags})


def lambda_platform(path: Path = SERVERLESS_YML) -> Platform:
    """The runtime and architecture serverless.yml's provider declares."""
    provider = yaml.safe_load(path.read_text()).get("provider") or {}
    runtime = str(provider.get("runtime") or "")
    architecture = str(provider.get("architecture") or "x86_64")
    if runtime not in RUNTIME_GLIBC or architecture not in ARCHITECTURES:
        raise PackageError(f"serverless.yml declares runtime {runtime!r} on {architecture!r}; the package builder knows {sorted(RUNTIME_GLIBC)}")
    return Platform(
        runtime=runtime, python_version=runtime.removeprefix("python"), machine=ARCHITECTURES[architecture], glibc_minor=RUNTIME_GLIBC[runtime]
    )


def artifact_path(path: Path = SERVERLESS_YML) -> Path:
    """Where serverless.yml expects the package (`package.artifact`)."""
    artifact = (yaml.safe_load(path.read_text()).get("package") or {}).get("artifact")
    if not artifact:
        raise PackageError("serverless.yml has no package.artifact")
    return REPO_ROOT / artifact


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], capture_output=True, text=True, check=False)


def download_wheels(platform: Platform, requirements: Path = REQUIREMENTS) -> Path:
    """The wheels of the requirements and their dependencies for the platform, from the cache when
    it has them all, otherwise downloaded into it."""
    wheels = PACKAGE_DIR / "wheels" / platform.key
    wheels.mkdir(parents=True, exist_ok=True)
    base = ["download", "--dest", str(wheels), "--find-links", str(wheels), *platform.pip_options(), "-r", str(requirements)]
    if _pip(*base, "--no-index").returncode == 0:
        return wheels
    online = _pip(*base, "--timeout", "20", "--retries", "1")  # offline, fail in seconds rather than minutes
    if online.returncode != 0:
        message = online.stderr.strip().splitlines()[-1] if online.stderr.strip() else "pip download failed"
        unreachable = re.search(
            r"(Could not fetch URL|NewConnectionError|Failed to establish|Name or service not known|Network is unreachable)", online.stderr
        )
        raise (OfflineError if unreachable else PackageError)(f"could not download the wheels for {platform.key}: {message}")
    return wheels


def install_dependencies(platform: Platform, requirements: Path = REQUIREMENTS) -> Path:
    """The production requirements installed for the platform (a directory to copy into the
    package), kept per hash of requirements.txt and platform."""
    digest = hashlib.sha256(requirements.read_bytes() + platform.key.encode() + sys.version.encode()).hexdigest()[:16]
    target = PACKAGE_DIR / f"deps-{platform.key}-{digest}"
    if (target / ".complete").exists():
        return target
    wheels = download_wheels(platform, requirements)
    building = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=PACKAGE_DIR))  # builds running at once never share a directory
    installed = _pip(
        "install",
        "--no-index",
        "--find-links",
        str(wheels),
        "--target",
        str(building),
        "--no-compile",
        *platform.pip_options(),
        "-r",
        str(requirements),
    )
    if installed.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise PackageError(f"could not install the requirements for {platform.key}: {installed.stderr.strip()[-2000:]}")
    shutil.rmtree(building / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    _byte_compile(building)
    (building / ".complete").write_text(platform.key)
    shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(building, target)
    except OSError:  # another build installed the same requirements meanwhile
        shutil.rmtree(building, ignore_errors=True)
    for stale in PACKAGE_DIR.glob(f"deps-{platform.key}-*"):
        if stale.name != target.name and len(stale.name) == len(target.name):  # not another build's temporary directory
            shutil.rmtree(stale, ignore_errors=True)
    return target


def _byte_compile(directory: Path) -> None:
    if not compileall.compile_dir(directory, quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
        raise PackageError(f"byte-compiling {directory.name} failed")


def _copy_sources(stage: Path) -> None:
    for source in SOURCES:
        shutil.copytree(REPO_ROOT / source, stage / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


def assemble(platform: Platform, stage: Path) -> None:
    """The package's files, as Lambda extracts them, in `stage` (which must not exist)."""
    shutil.copytree(install_dependencies(platform), stage, ignore=shutil.ignore_patterns(".complete"))
    _copy_sources(stage)
    for source in SOURCES:
        _byte_compile(stage / source)


def host_platform() -> Platform:
    """The Lambda platform with this machine's architecture: the same package, importable here
    (bench/cold_start.py --packaged measures a cold start as deployed)."""
    return dataclasses.replace(lambda_platform(), machine=pyplatform.machine())


def build(output: Path | None = None) -> dict[str, object]:
    """Build the package; returns what `main` prints."""
    platform = lambda_platform()
    output = output or artifact_path()
    PACKAGE_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no .local/package yet
    stage = Path(tempfile.mkdtemp(prefix="stage.", dir=PACKAGE_DIR)) / "package"
    assemble(platform, stage)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f"{output.name}.{os.getpid()}.partial")
    unzipped = 0
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            name = path.relative_to(stage).as_posix()
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            archive.writestr(info, data)
            unzipped += len(data)
            top = name.split("/", 1)[0]
            sizes[top] = sizes.get(top, 0) + len(data)
    partial.replace(output)
    shutil.rmtree(stage.parent, ignore_errors=True)
    zipped = output.stat().st_size
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:12]
    return {
        "artifact": str(output.relative_to(REPO_ROOT) if output.is_relative_to(REPO_ROOT) else output),
        "platform": {"runtime": platform.runtime, "machine": platform.machine, "glibc": f"2.{platform.glibc_minor}"},
        "zipped_mb": round(zipped / 1024 / 1024, 1),
        "unzipped_mb": round(unzipped / 1024 / 1024, 1),
        "unzipped_limit_mb": UNZIPPED_LIMIT // 1024 // 1024,
        "fits": unzipped <= UNZIPPED_LIMIT,
        "direct_upload_possible": zipped <= DIRECT_UPLOAD_LIMIT,
        "largest_unzipped_mb": {name: round(size / 1024 / 1024, 1) for name, size in largest},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the Lambda deployment package serverless.yml deploys.")
    parser.add_argument("--output", type=Path, help="where to write the zip (default: serverless.yml's package.artifact)")
    args = parser.parse_args()
    try:
        summary = build(args.output)
    except PackageError as exc:
        print(f"package: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
