"""Shared helpers for the RUN-rewriting tests: a small hand-made package table."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from migrator.rewrite.shell import ShellRewrite, rewrite_script
from migrator.rules.loader import PackageMapping as P
from migrator.rules.loader import RuleSet

TABLE = {
    "debian": {
        "curl": P(("curl",)),
        "ca-certificates": P(("ca-certificates",)),
        "git": P(("git",)),
        "gnupg": P(("gnupg",)),
        "wget": P(("wget",)),
        "gcc": P(("gcc",)),
        "g++": P(("gcc",)),
        "make": P(("make",)),
        "build-essential": P(("build-base",)),
        "libpq-dev": P(("postgresql-dev",)),
        "libssl-dev": P(("openssl-dev",)),
        "python3": P(("python-3",)),
        "python3-pip": P(("py3-pip",)),
        "python3-venv": P((), "the venv module is part of Wolfi's python"),
        "software-properties-common": P((), "only needed for add-apt-repository"),
        "locales": P(("glibc-locales",)),
        "tzdata": P(("tzdata",)),
        "libgdal-dev": P(("gdal-dev", "geos-dev")),
        "netcat-traditional": P(("netcat-openbsd",)),
    },
    "fedora": {
        "curl": P(("curl",)),
        "gcc": P(("gcc",)),
        "gcc-c++": P(("gcc",)),
        "make": P(("make",)),
        "python3": P(("python-3",)),
        "python3-devel": P(("python-3-dev",)),
        "openssl-devel": P(("openssl-dev",)),
        "java-11-openjdk": P(("openjdk-11",)),
        "java-11-openjdk-devel": P(("openjdk-11-default-jdk",)),
        "epel-release": P((), "Wolfi needs no extra repository"),
        "shadow-utils": P(("shadow",)),
        "procps-ng": P(("procps",)),
        "tar": P(("tar",)),
        "gzip": P(("gzip",)),
    },
    "alpine": {
        "curl": P(("curl",)),
        "gcc": P(("gcc",)),
        "musl-dev": P(("glibc-dev",)),
        "libffi-dev": P(("libffi-dev",)),
        "postgresql-dev": P(("postgresql-dev",)),
        "build-base": P(("build-base",)),
        "git": P(("git",)),
        "bash": P(("bash",)),
        "tini": P(("tini",)),
        "ca-certificates": P(("ca-certificates",)),
    },
}


@pytest.fixture
def rules() -> RuleSet:
    return RuleSet(packages={family: dict(table) for family, table in TABLE.items()})


Rewrite = Callable[..., tuple[str, ShellRewrite]]


@pytest.fixture
def rewrite(rules: RuleSet) -> Rewrite:
    """rewrite(script, family="debian", first_line=1) -> (new text, ShellRewrite)."""

    def run(script: str, family: str = "debian", first_line: int = 1) -> tuple[str, ShellRewrite]:
        result = rewrite_script(script, family, rules, first_line)
        return result.apply(script), result

    return run

