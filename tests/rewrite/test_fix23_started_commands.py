"""Adversary 6, N12: a program that starts its arguments as a command (Rails 8's thruster: `./bin/thrust
./bin/rails server`) runs that command with execve, so its `#!` line runs too. On the distroless ruby image (no
/usr/bin/env) a binstub there needs the same port as one the container starts itself; only the first word was
ported, and the verdict was ok for a container that exits at start."""

from __future__ import annotations

import pytest
from migration_tools import migrate

from migrator.model import Result
from migrator.parse import parse
from migrator.rewrite.launchers import port_launcher
from migrator.rules import load_rules
from migrator.validate.startable import check_start

CG = "cgr.dev/chainguard"
_RAILS = ("FROM ruby:3.3-slim\nWORKDIR /rails\nENV RAILS_ENV=production BUNDLE_DEPLOYMENT=1\n"
          "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nEXPOSE 3000\n")




def last_line(result: Result, keyword: str) -> str:
    return [line for line in result.dockerfile.splitlines() if line.startswith(keyword)][-1]


@pytest.mark.parametrize(("command", "started"), [
    ('["./bin/thrust", "./bin/rails", "server"]', '["ruby", "./bin/thrust", "ruby", "./bin/rails", "server"]'),
    # bundle exec loads a `#!/usr/bin/env ruby` file into its own process: thrust needs no port, what it starts does
    ('["bundle", "exec", "./bin/thrust", "./bin/rails", "server"]',
     '["bundle", "exec", "./bin/thrust", "ruby", "./bin/rails", "server"]'),
    ('["bundle", "exec", "thrust", "bin/rails", "server"]', '["bundle", "exec", "thrust", "ruby", "bin/rails", "server"]'),
    ("./bin/thrust ./bin/rails server", '["ruby", "./bin/thrust", "ruby", "./bin/rails", "server"]'),
    ('["tini", "--", "./bin/thrust", "./bin/rails", "server"]', '["ruby", "./bin/thrust", "ruby", "./bin/rails", "server"]'),
])
def test_what_thruster_starts_is_started_through_ruby(command: str, started: str) -> None:
    result = migrate(_RAILS + f"CMD {command}\n")
    assert last_line(result, "FROM") == f"FROM {CG}/ruby:latest"
    assert last_line(result, "CMD") == f"CMD {started}"
    assert result.runtime is not None and result.runtime.status == "ok"
    assert any(f.code == "MIG545" and "rails server` itself" in f.message for f in result.findings)


def test_a_command_that_starts_no_binstub_is_left_alone() -> None:
    result = migrate(_RAILS + 'CMD ["bundle", "exec", "./bin/rails", "server"]\n')
    assert last_line(result, "CMD") == 'CMD ["bundle", "exec", "./bin/rails", "server"]'
    assert result.runtime is not None and result.runtime.status == "ok"
    assert not any(f.code == "MIG545" for f in result.findings)


def test_on_an_image_with_env_nothing_is_ported() -> None:
    # (the -dev image has /usr/bin/env: the binstub's #! line runs there)
    rules = load_rules()
    argv = ["./bin/thrust", "./bin/rails", "server"]
    assert port_launcher(argv, rules.image_model(f"{CG}/ruby:latest-dev")) is None
    ported = port_launcher(argv, rules.image_model(f"{CG}/ruby:latest"))
    assert ported is not None and ported[0] == ["ruby", "./bin/thrust", "ruby", "./bin/rails", "server"]


def _runtime(command: str) -> str:
    migrated = migrate(_RAILS + 'CMD ["bundle", "exec", "puma"]\n').dockerfile
    return migrated.rsplit("CMD", 1)[0] + f"CMD {command}\n"


@pytest.mark.parametrize("command", [
    '["ruby", "./bin/thrust", "./bin/rails", "server"]',
    '["bundle", "exec", "./bin/thrust", "./bin/rails", "server"]',
])
def test_the_start_check_judges_the_command_thruster_starts(command: str) -> None:
    report, problems = check_start(parse(_runtime(command)), load_rules(), CG)
    assert report is not None and report.status == "broken"
    assert "starts `./bin/rails server` itself" in report.reason and "ruby ./bin/rails" in report.reason
    assert [p.code for p in problems] == ["MIG540"]


@pytest.mark.parametrize("command", [
    '["ruby", "./bin/thrust", "ruby", "./bin/rails", "server"]',
    '["bundle", "exec", "./bin/thrust", "ruby", "./bin/rails", "server"]',
    '["bundle", "exec", "./bin/rails", "server"]',
])
def test_the_start_check_accepts_the_ported_commands(command: str) -> None:
    report, problems = check_start(parse(_runtime(command)), load_rules(), CG)
    assert report is not None and report.status == "ok" and not problems
