"""Which wheels the package builder accepts for the Lambda platform of serverless.yml
(python3.11 on arm64: Amazon Linux 2, glibc 2.26)."""

import pytest

from local import package

PLATFORM = package.Platform(runtime="python3.11", python_version="3.11", machine="aarch64", glibc_minor=26)


def test_serverless_yml_declares_python_311_on_arm64():
    assert package.lambda_platform() == PLATFORM


@pytest.mark.parametrize(
    ("tag", "accepted"),
    [
        ("py3-none-any", True),  # pure Python
        ("py2.py3-none-any", True),  # a compressed tag set
        ("cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64", True),  # glibc 2.17
        ("cp311-cp311-manylinux_2_26_aarch64", True),  # exactly Amazon Linux 2's glibc
        ("cp311-cp311-manylinux_2_27_aarch64.manylinux_2_28_aarch64", False),  # psycopg-binary 3.3: needs glibc 2.27
        ("cp311-abi3-manylinux2014_aarch64", True),  # the stable ABI, built for 3.11
        ("cp37-abi3-manylinux2014_aarch64", True),  # the stable ABI runs on later Pythons
        ("cp312-abi3-manylinux2014_aarch64", False),  # but not on earlier ones
        ("cp311-cp311-manylinux2014_x86_64", False),  # another architecture
        ("cp312-cp312-manylinux2014_aarch64", False),  # another Python
        ("cp311-cp311-musllinux_1_2_aarch64", False),  # musl, not glibc
    ],
)
def test_a_wheel_is_accepted_only_for_the_lambda_platform(tag, accepted):
    assert PLATFORM.accepts(tag) is accepted


def test_pip_is_asked_for_every_manylinux_tag_up_to_the_runtimes_glibc():
    tags = PLATFORM.platform_tags
    assert tags[0] == "manylinux2014_aarch64" and tags[-1] == "manylinux_2_26_aarch64" and "manylinux_2_27_aarch64" not in tags
