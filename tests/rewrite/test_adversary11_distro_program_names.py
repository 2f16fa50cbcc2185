"""Adversary 11, F15: `apt-get install cron` + `CMD ["cron", "-f"]` became wolfi-base + `apk add cronie` with the
command kept, and the start check said "`cron` found": Wolfi's cronie installs `crond` (foreground -n), nodejs
installs `node` only, php-fpm is unversioned. The start command is written with the Wolfi name (I MIG571); where
it cannot be, the check says the program is missing (E MIG540) instead of crediting a package of a like name."""

from __future__ import annotations

import pytest

from tests.migration_tools import errors, final_stage, messages, migrate


@pytest.mark.parametrize(
    ("install", "start", "written"),
    [
        ("apt-get install -y cron", '["cron", "-f"]', '["crond", "-n"]'),
        ("apt-get install -y nodejs npm", '["nodejs", "server.js"]', '["node", "server.js"]'),
        ("apt-get install -y php8.1-fpm", '["php-fpm8.1", "-F"]', '["php-fpm", "-F"]'),
        ("apt-get install -y cron", '["/usr/bin/tini", "--", "cron", "-f"]', '["/usr/bin/tini", "--", "crond", "-n"]'),
    ],
)
def test_a_start_command_with_a_debian_program_name_starts_the_wolfi_name(install: str, start: str,
                                                                          written: str) -> None:
    result = migrate(f"FROM ubuntu:22.04\nRUN apt-get update && {install}\nWORKDIR /app\nCOPY . .\nCMD {start}\n")
    runtime = final_stage(result)
    assert f"CMD {written}" in runtime and f"CMD {start}" not in result.dockerfile
    (note,) = messages(result, "MIG571")
    assert written in note
    assert result.runtime is not None and result.runtime.status != "broken", result.runtime


def test_a_command_the_tool_does_not_rewrite_is_said_to_be_missing_not_found() -> None:
    result = migrate('FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y cron\nCMD ["cron", \\\n  "-f"]\n')
    assert result.runtime is not None and result.runtime.status == "broken"
    (error,) = errors(result, "MIG540")
    assert "`crond`" in error


def test_a_program_the_file_does_not_install_is_left_as_written() -> None:
    result = migrate('FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n')
    assert not messages(result, "MIG571")
