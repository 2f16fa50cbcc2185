"""Review 15 probes (issue 9): what the start check believes about trees the tool itself relocated."""

from __future__ import annotations

import pytest
from migration_tools import codes, final_stage, messages, migrate, status, verdict


@pytest.mark.parametrize("user_base, copied", [
    ("", "/root/.local"),
    ("ENV PYTHONUSERBASE=/opt/userbase\n", "/opt/userbase"),
])
def test_a_console_script_of_a_pip_install_user_tree_is_found_where_the_tree_is_copied(
        user_base: str, copied: str) -> None:
    # P15-1: the --user tree was moved to the runtime user's home and PATH rewritten to match, yet the start check
    # said "E MIG540 `http` is not on the PATH": it took pip's --user install for an install somewhere else
    result = migrate(f"FROM python:3.12 AS build\n{user_base}RUN pip install --user httpie\n"
                     f"FROM python:3.12-slim\nCOPY --from=build {copied} {copied}\n"
                     f"ENV PATH={copied}/bin:$PATH\n"
                     'CMD ["http", "--version"]\n')
    assert "MIG540" not in codes(result)
    assert status(result) == "ok", verdict(result)
    assert "http" in verdict(result)[1]
    assert 'CMD ["http", "--version"]' in final_stage(result)



def test_a_gosu_the_service_stage_installs_is_dropped_when_the_image_user_runs_the_server() -> None:
    # P15-2: the one-stage redis kept `CMD ["gosu","redis",...]` and got `USER 65532` after it: gosu cannot
    # switch users when it does not start as root, so the server never started
    result = migrate("FROM redis:7\nCOPY redis.conf /usr/local/etc/redis/redis.conf\n"
                     "RUN apt-get update && apt-get install -y gosu && rm -rf /var/lib/apt/lists/*\n"
                     'CMD ["gosu", "redis", "redis-server", "/usr/local/etc/redis/redis.conf"]\n')
    assert result.dockerfile.endswith('CMD ["redis-server", "/usr/local/etc/redis/redis.conf"]\nUSER 65532\n')
    assert "MIG583" in codes(result)
    assert messages(result, "MIG508") == ["`gosu redis` removed: it cannot switch users as redis:latest-dev's "
                                          "nonroot user (uid 65532), which runs the stage"]


def test_a_gosu_the_stage_installs_stays_on_a_service_image_that_runs_as_root() -> None:
    # postgres's image runs as root: gosu drops to postgres as in the original
    result = migrate("FROM postgres:16\nRUN apt-get update && apt-get install -y gosu && "
                     "localedef -i de_DE -c -f UTF-8 de_DE.UTF-8\nENV LANG de_DE.utf8\n"
                     'CMD ["gosu","postgres","postgres","-c","fsync=off"]\n')
    assert 'CMD ["gosu","postgres","postgres","-c","fsync=off"]' in result.dockerfile
    assert "MIG508" not in codes(result)
