"""Adversary 6, N13: a removed Bundler flag written without the value it takes (`bundle install --without`,
`--path`, `--shebang`, `--path=`) was translated with a made-up value, `bin` (the default of --binstubs):
`bundle config set --local path bin` put the gems in ./bin. Bundler 2 refuses these commands too; the command is
left as written, and W MIG419 says why."""

from __future__ import annotations

import pytest
from migration_tools import migrate

_RUBY = "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\n"
_END = 'CMD ["bundle", "exec", "puma"]\n'




@pytest.mark.parametrize(("run", "flag"), [
    ("bundle install --without", "--without"),
    ("bundle install --path", "--path"),
    ("bundle install --shebang", "--shebang"),
    ("bundle install --without --jobs 4", "--without"),
    ("bundle install --path= --jobs 4", "--path"),
    ("bundle install --binstubs=", "--binstubs"),
    ("bundle cache --path", "--path"),
])
def test_a_removed_flag_without_its_value_is_left_as_written_with_a_warning(run: str, flag: str) -> None:
    result = migrate(_RUBY + f"RUN {run}\n" + _END)
    assert f"RUN {run}\n" in result.dockerfile
    assert "config set" not in result.dockerfile
    warnings = [f for f in result.findings if f.code == "MIG419"]
    assert warnings and f"{flag} without its value" in warnings[0].message
    assert not any(f.code == "MIG418" for f in result.findings)


@pytest.mark.parametrize(("run", "migrated"), [
    ("bundle install --binstubs", "bundle config set --local bin bin && bundle install && bundle binstubs --all"),
    ("bundle install --path $DIR", 'bundle config set --local path "$DIR" && bundle install'),
    ("bundle install --without test --jobs 4", "bundle config set --local without test && bundle install --jobs 4"),
])
def test_a_flag_with_its_value_is_still_translated(run: str, migrated: str) -> None:
    result = migrate(_RUBY + f"RUN {run}\n" + _END)
    assert f"RUN {migrated}\n" in result.dockerfile
    assert any(f.code == "MIG418" for f in result.findings)
    assert not any(f.code == "MIG419" for f in result.findings)


@pytest.mark.parametrize("run", ['RUN ["bundle", "install", "--without"]', 'RUN sh -c "bundle install --path"'])
def test_exec_form_and_a_shells_script_are_left_as_written_with_the_warning_too(run: str) -> None:
    result = migrate(_RUBY + f"{run}\n" + _END)
    assert f"{run}\n" in result.dockerfile and "config set" not in result.dockerfile
    assert any(f.code == "MIG419" and "without its value" in f.message for f in result.findings)
