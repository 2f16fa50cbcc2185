"""Wrappers of a RUN step that Wolfi does not package (eatmydata, chronic, catatonit): kept, the step failed with
`eatmydata: not found` on the Chainguard image. They only speed the step up or wrap it, so they are dropped
(MIG316); fakeroot, which changes what the step sees, stays with an error (MIG314); stdbuf's package is added."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, messages, migrate

from migrator.rewrite.tools import _table
from migrator.rewrite.wrappers import WRAPPERS


def _build(*runs: str) -> str:
    lines = "".join(f"RUN {run}\n" for run in runs)
    return f"FROM debian:bookworm AS build\n{lines}\nFROM debian:bookworm\nCOPY --from=build /x /x\nCMD [\"/x\"]\n"


def _runs(dockerfile: str) -> list[str]:
    return [line for line in dockerfile.splitlines() if line.startswith("RUN ")]


def test_eatmydata_is_dropped_from_installs_and_other_steps() -> None:
    result = migrate(_build(
        "eatmydata apt-get install -y curl",
        "eatmydata curl -fsSL https://example.com/x -o /x",
        "apt-get update && DEBIAN_FRONTEND=noninteractive eatmydata apt-get install -y --no-install-recommends gcc "
        "&& rm -rf /var/lib/apt/lists/*",
        "eatmydata -- sh -c 'echo built > /x'",
    ))
    assert _runs(result.dockerfile) == [
        "RUN apk add --no-cache curl",
        "RUN curl -fsSL https://example.com/x -o /x",
        "RUN apk add --no-cache gcc",
        "RUN sh -c 'echo built > /x'",
    ]
    said = messages(result, "MIG316")
    assert len(said) == 4 and said[0].startswith("`eatmydata` dropped: Wolfi has no package for eatmydata")
    assert not errors(result, "MIG314")


@pytest.mark.parametrize("run, kept", [
    ("chronic -e sh -c 'echo built > /x'", "RUN sh -c 'echo built > /x'"),
    ("catatonit -- sh -c 'echo built > /x'", "RUN sh -c 'echo built > /x'"),
    ("nice -n 10 eatmydata sh -c 'echo built > /x'", "RUN nice -n 10 sh -c 'echo built > /x'"),
])
def test_other_wrappers_that_only_wrap_go_too(run: str, kept: str) -> None:
    result = migrate(_build(run))
    assert _runs(result.dockerfile) == [kept]
    assert "MIG316" in codes(result)


def test_fakeroot_changes_meaning_so_it_stays_with_an_error() -> None:
    result = migrate(_build("fakeroot tar -czf /x -C /src ."))
    assert _runs(result.dockerfile) == ["RUN fakeroot tar -czf /x -C /src ."]
    assert errors(result, "MIG314") and "MIG316" not in codes(result)


def test_a_wrapper_wolfi_packages_is_installed() -> None:
    result = migrate(_build("stdbuf -oL sh -c 'echo built > /x'"))
    assert _runs(result.dockerfile) == ["RUN apk add --no-cache coreutils && stdbuf -oL sh -c 'echo built > /x'"]
    assert "MIG313" in codes(result)


def test_every_dropped_wrapper_has_no_wolfi_package() -> None:
    # the table says why a wrapper may go; rules/tools.yaml says Wolfi has no package for it (null)
    for name, wrapper in WRAPPERS.items():
        if wrapper.drop:
            assert name in _table() and _table()[name] is None, name
