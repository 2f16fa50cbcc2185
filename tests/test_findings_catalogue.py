from __future__ import annotations

import re
from pathlib import Path

from migrator.findings import catalog

ROOT = Path(__file__).parent.parent


def test_codes_are_well_formed_and_documented() -> None:
    for code in catalog().values():
        assert re.fullmatch(r"MIG[1-8]\d\d", code.code)
        assert code.title and len(code.doc) > 40, code.code


def test_docs_list_every_code() -> None:
    text = (ROOT / "docs" / "findings.md").read_text()
    missing = [c for c in catalog() if f"## {c}" not in text]
    assert not missing, f"run scripts/update-docs: {missing}"


def test_every_code_the_code_emits_is_catalogued() -> None:
    used = set()
    for path in (ROOT / "migrator").rglob("*.py"):
        used |= set(re.findall(r"[\"'](MIG\d{3})[\"']", path.read_text()))
    assert used <= set(catalog()), sorted(used - set(catalog()))


def test_each_code_is_in_an_area_of_its_hundred() -> None:
    """`finding(code)` loads only the areas of the code's hundred (AREAS_OF_HUNDRED), not the whole catalogue."""
    import importlib

    from migrator.findings import AREAS, AREAS_OF_HUNDRED

    for area in AREAS:
        for code in importlib.import_module(f"migrator.findings.{area}").CODES:
            assert area in AREAS_OF_HUNDRED[code.code[3]], (code.code, area)
