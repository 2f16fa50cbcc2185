"""The finding codes of the packages (MIG3xx) and shell (MIG4xx) areas."""

from __future__ import annotations

import re

import pytest

from migrator.findings import Code, packages, shell
from migrator.model import Severity


@pytest.mark.parametrize(("module", "prefix"), [(packages, "MIG3"), (shell, "MIG4")])
def test_codes_are_well_formed_and_unique(module, prefix):
    seen = set()
    for code in module.CODES:
        assert isinstance(code, Code)
        assert re.fullmatch(prefix + r"\d\d", code.code)
        assert code.code not in seen
        seen.add(code.code)
        assert isinstance(code.severity, Severity)
        assert code.title and len(code.title) < 80 and not code.title.endswith(".")
        assert len(code.doc) > 120, f"{code.code}: say what it means, why, and how to fix it"


def test_every_code_the_rewriter_emits_is_catalogued(rewrite):
    catalogued = {c.code: c for c in packages.CODES + shell.CODES}
    scripts = [
        "apt-get update && apt-get install -y curl=1 nosuchpkg $X python3-venv --frobnicate && apt-get clean",
        "add-apt-repository ppa:x/y && apt-get build-dep foo && locale-gen && apt-mark hold curl",
        "apt-get install -y python3-venv",
        "useradd -m a && usermod -l b a",
        "echo (",
    ]
    for script in scripts:
        for finding in rewrite(script)[1].findings:
            assert finding.code in catalogued
            assert finding.severity is catalogued[finding.code].severity
