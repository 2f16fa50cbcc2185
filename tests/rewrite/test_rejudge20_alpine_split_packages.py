"""Re-judge of review 20, Q20-4: Alpine 3.17+ splits iputils by program (iputils-ping, iputils-arping...). Wolfi's
iputils has them all, as Debian's iputils-ping already mapped: `apk add iputils-ping` failed the build on Wolfi."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate, status


@pytest.mark.parametrize("name", ["iputils-ping", "iputils-arping", "iputils-tracepath", "iputils-clockdiff"])
def test_alpine_s_split_iputils_packages_are_wolfi_s_iputils(name: str) -> None:
    result = migrate(f'FROM alpine:3.20\nRUN apk add --no-cache {name}\nCMD ["ping", "-c1", "127.0.0.1"]\n')
    assert "RUN apk add --no-cache iputils\n" in result.dockerfile and name not in result.dockerfile
    assert "MIG302" not in codes(result) and not codes(result, "error")
    assert status(result) == "single-stage"
