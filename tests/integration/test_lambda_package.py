"""The deployment package (`make package`, local/package.py) holds what serverless.yml deploys:
every handler and the shared code, byte-compiled, and every production requirement installed
from a wheel built for the declared Lambda platform (python3.11 on arm64, Amazon Linux 2's glibc),
and nothing of the development requirements. Building needs the wheels: cached under
.local/package/wheels after the first build, downloaded from the package index otherwise (the test
is skipped, with the reason, when neither is possible)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from local import package
from local.gateway import load_specs
from local.paths import REPO_ROOT

ELF_MACHINES = {"aarch64": 183, "x86_64": 62}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[zipfile.ZipFile, dict[str, object]]:
    output = tmp_path_factory.mktemp("package") / "lambda.zip"
    try:
        summary = package.build(output)
    except package.OfflineError as exc:
        pytest.skip(f"the Lambda wheels are not cached and the package index cannot be reached: {exc}")
    with zipfile.ZipFile(output) as archive:
        yield archive, summary


@pytest.fixture(scope="module")
def dists(built: tuple[zipfile.ZipFile, dict[str, object]]) -> dict[str, tuple[str, dict[str, list[str]], list[str]]]:
    """Installed distributions by normalised name: (version, metadata headers, wheel tags)."""
    archive, _ = built
    found = {}
    for name in archive.namelist():
        match = re.fullmatch(r"([^/]+)-([^/-]+)\.dist-info/METADATA", name)
        if not match:
            continue
        metadata = Parser().parsestr(archive.read(name).decode())
        wheel = Parser().parsestr(archive.read(f"{match.group(1)}-{match.group(2)}.dist-info/WHEEL").decode())
        headers = {key: metadata.get_all(key) or [] for key in ("Name", "Requires-Dist")}
        found[_normalise(metadata["Name"])] = (metadata["Version"], headers, wheel.get_all("Tag") or [])
    return found


def test_the_package_holds_every_handler_and_all_shared_code_byte_compiled(built):
    archive, _ = built
    names = set(archive.namelist())
    for spec in load_specs().values():
        module = spec.handler.rpartition(".")[0]
        assert f"{module}.py" in names, spec.name
    tracked = subprocess.run(["git", "ls-files", "functions", "shared"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert tracked and not set(tracked) - names
    for source in (name for name in tracked if name.endswith(".py")):
        folder, _, file = source.rpartition("/")
        pyc = f"{folder}/__pycache__/{file[:-3]}.cpython-311.pyc"
        assert pyc in names, source
        flags = int.from_bytes(archive.read(pyc)[4:8], "little")
        assert flags == 0b01, source  # hash-based, source never checked: Lambda's file system is read-only


def test_every_production_requirement_is_installed_at_its_pin_from_a_wheel_for_the_lambda_platform(dists):
    platform = package.lambda_platform()
    assert (platform.runtime, platform.machine, platform.glibc_minor) == ("python3.11", "aarch64", 26)
    for requirement in _requirements(REPO_ROOT / "requirements.txt"):
        name = _normalise(requirement.name)
        assert name in dists, requirement.name
        version, metadata, _ = dists[name]
        assert requirement.specifier.contains(version), (requirement.name, version)
        for extra in requirement.extras:  # psycopg[binary] brings psycopg-binary
            for needed in (Requirement(line) for line in metadata["Requires-Dist"]):
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}):
                    assert _normalise(needed.name) in dists, (requirement.name, extra, needed.name)
    for name, (_, _, tags) in dists.items():
        assert tags and any(platform.accepts(tag) for tag in tags), (name, tags)


def test_no_development_requirement_is_deployed(dists):
    production = {_normalise(requirement.name) for requirement in _requirements(REPO_ROOT / "requirements.txt")}
    development = {_normalise(requirement.name) for requirement in _requirements(REPO_ROOT / "requirements-dev.txt")} - production
    assert {"pocketsphinx", "supabase", "pytest"} <= development
    assert sorted(development & set(dists)) == []


def test_every_native_library_is_built_for_the_lambda_architecture(built):
    archive, _ = built
    machine = ELF_MACHINES[package.lambda_platform().machine]
    libraries = [name for name in archive.namelist() if re.search(r"\.so(\.\d+)*$", name)]
    assert any("psycopg_binary" in name for name in libraries) and any("pydantic_core" in name for name in libraries)
    for name in libraries:
        with archive.open(name) as library:
            header = library.read(20)
        assert header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") == machine, name


def test_the_size_is_reported_and_within_lambdas_limit(built):
    _, summary = built
    assert summary["fits"] is True
    assert 0 < float(summary["zipped_mb"]) < float(summary["unzipped_mb"]) <= float(summary["unzipped_limit_mb"])
