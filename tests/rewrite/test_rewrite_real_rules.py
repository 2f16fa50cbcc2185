"""The rewriter with the shipped package rules (rules/packages/*.yaml), when they exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.rewrite.shell import rewrite_script

RULES = Path(__file__).resolve().parents[2] / "rules" / "packages"
pytestmark = pytest.mark.skipif(
    not all((RULES / f"{family}.yaml").is_file() for family in ("debian", "alpine", "fedora")),
    reason="rules/packages/*.yaml not written yet",
)


@pytest.fixture(scope="module")
def shipped():
    from migrator.rules.loader import load_rules

    return load_rules()


def run(shipped, script, family):
    result = rewrite_script(script, family, shipped, 1)
    return result.apply(script), result


def test_python_slim_build_dependencies(shipped):
    script = (
        "apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n"
        "    && rm -rf /var/lib/apt/lists/*"
    )
    text, result = run(shipped, script, "debian")
    assert text == "apk add --no-cache build-base postgresql-dev"
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_alpine_build_deps(shipped):
    script = "apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev && apk del .build-deps"
    text, result = run(shipped, script, "alpine")
    assert text == script.replace("musl-dev", "glibc-dev")
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_fedora_devel_packages(shipped):
    text, result = run(shipped, "dnf install -y gcc-c++ make openssl-devel && dnf clean all", "fedora")
    assert text.startswith("apk add --no-cache ") and "openssl-dev" in text and "dnf" not in text
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_translated_names_are_stable_under_the_alpine_table(shipped):
    """The common Wolfi names our Debian translation emits are known to the alpine table too."""
    script = "apt-get install -y curl ca-certificates git build-essential libpq-dev"
    once, _ = run(shipped, script, "debian")
    twice, result = run(shipped, once, "alpine")
    assert twice == once and result.edits == []
