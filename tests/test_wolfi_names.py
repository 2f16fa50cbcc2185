"""The Wolfi names a file asks about are found in the text of rules/wolfi/ as the tables have them."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from migrator.rules import wolfi


@pytest.fixture(autouse=True)
def nothing_found_yet() -> Iterator[None]:
    wolfi._virtual_found.clear()
    wolfi._packages_found.clear()
    yield
    wolfi._virtual_found.clear()
    wolfi._packages_found.clear()


def test_every_name_is_found_in_the_text_as_in_the_tables() -> None:
    table, packages = wolfi._provides(), wolfi._packages()
    for name, providers in table.items():
        wolfi._virtual_found.clear()
        assert wolfi._virtual(name) == providers, name
    for name in packages:
        wolfi._packages_found.clear()
        assert wolfi.is_package(name), name
    for name in ("", "nonexistent-package", "python-3", "gcc gcc", "gcc\n", "openssl\t", "-dev", "pkgconfig("):
        wolfi._packages_found.clear()
        wolfi._virtual_found.clear()
        assert wolfi.is_package(name) == (name in packages)
        assert wolfi.providers(name) == table.get(name, ())
        assert wolfi.is_wolfi_name(name) == (name in packages or name in table)


def test_any_order_of_questions_gets_the_tables_answers() -> None:
    """Found and not found names remembered, then the tables after FOUND_IN_TEXT names."""
    table, packages = wolfi._provides(), wolfi._packages()
    names = [*table, *sorted(packages)[::5], "no-such-name", "libfoo-dev"]
    chance = random.Random(13)
    for _ in range(20):
        wolfi._virtual_found.clear()
        wolfi._packages_found.clear()
        for name in chance.sample(names, wolfi.FOUND_IN_TEXT * 3):
            assert wolfi.providers(name) == table.get(name, ())
            assert wolfi.is_wolfi_name(name) == (name in packages or name in table)
            assert wolfi.is_package(name) == (name in packages)
