"""fix65 (review 18 S18-4): Debian's `cron -f -L 15` became `crond -n -L 15`, and cronie's crond, which has no -L,
prints its usage and exits: the container stopped at start with no error. Each option of a distro program that Wolfi
installs as another (rules/tools.yaml `distro_names`) is mapped, dropped with the reason in I MIG571, or, when the
Wolfi program does not take it, left as written with an error naming it (E MIG596)."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, final_stage, messages, migrate

from migrator.api import start_error
from migrator.model import Severity
from migrator.rules.data import builtin_data

CRON = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y cron && rm -rf /var/lib/apt/lists/*\n"
        "COPY jobs /etc/cron.d/jobs\nCMD {start}\n")


@pytest.mark.parametrize(("start", "written", "said"), [
    ('["cron", "-f", "-L", "15"]', '["crond", "-n"]', "`-L 15` dropped: cronie has no log level"),
    ('["cron", "-fL15"]', '["crond", "-n"]', "`-L15` dropped"),
    ('["cron", "-f", "-l"]', '["crond", "-n"]', "`-l` dropped: cronie reads /etc/cron.d files of any name"),
    # (Debian's -n, FQDN in mail subjects, is not cronie's foreground -n)
    ('["cron", "-f", "-n"]', '["crond", "-n"]', "`-n` dropped: Debian's -n puts the host's FQDN"),
    ('["cron", "-f", "-x", "sch"]', '["crond", "-n", "-x", "sch"]', "`-f` is `-n` there"),
])
def test_each_debian_cron_option_is_mapped_or_dropped(start: str, written: str, said: str) -> None:
    result = migrate(CRON.format(start=start))
    assert final_stage(result).endswith(f"CMD {written}\n")
    [note] = messages(result, "MIG571")
    assert said in note and note.endswith(f": {written}")
    assert not codes(result, Severity.ERROR)


def test_an_option_the_wolfi_program_does_not_take_is_an_error_naming_it() -> None:
    result = migrate(CRON.format(start='["cron", "-f", "-Z"]'))
    assert final_stage(result).endswith('CMD ["crond", "-n", "-Z"]\n')
    [error] = errors(result, "MIG596")
    assert error.startswith("`-Z`: `crond` (Wolfi's, for `cron`) takes no such option")
    assert "print its usage and exit at start" in error
    assert result.runtime is not None and result.runtime.status == "broken" and result.runtime.reason == error
    found = start_error(result)  # (`--write` does not write it, the bot does not suggest it)
    assert found is not None and found.code == "MIG596"


def test_programs_renamed_without_option_tables_keep_their_arguments() -> None:
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y nodejs\nWORKDIR /app\nCOPY . .\n"
                     'CMD ["nodejs", "--max-old-space-size=512", "server.js"]\n')
    assert 'CMD ["node", "--max-old-space-size=512", "server.js"]' in result.dockerfile
    assert "MIG596" not in codes(result)


def test_every_option_of_a_distro_program_is_mapped_dropped_or_taken_by_the_wolfi_program() -> None:
    """The general rule, for every distro_names entry that describes its options: none is passed on unread."""
    tools = builtin_data("tools.yaml")  # (Debian's cron is under program_packages, by the package that installs it)
    tables = [*tools["distro_names"].items(), *((program, entry) for packages in tools["program_packages"].values()
                                                for programs in packages.values() for program, entry in programs.items())]
    assert "cron" in dict(tables)
    for program, entry in tables:
        if not isinstance(entry, dict) or not entry.get("getopt"):
            continue
        accepts, named = entry["accepts"], entry.get("options") or {}
        for index, letter in enumerate(entry["getopt"]):
            if letter == ":":
                continue
            valued = entry["getopt"][index + 1:index + 2] == ":"
            target = named.get(f"-{letter}")
            if isinstance(target, dict):
                assert target.get("drop"), (program, letter)
                continue
            wolfi = (target or f"-{letter}")[1:]
            assert wolfi in accepts.replace(":", ""), (program, letter)
            assert (f"{wolfi}:" in accepts) == valued, (program, letter)
