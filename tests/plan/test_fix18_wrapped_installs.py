"""Adversary round 6, N1: an install run through a wrapper (`sh -c "bundle install"`, `["sh", "-c", ...]`,
`bash -lc`, `nice`, `time`, `env X=1`) or through bundle's own version selector (`bundle _2.4.22_ install`)
was not seen as the stage's install. Ruby's `ENV GEM_HOME=/usr/local/bundle ...` went to the end of the
builder, after the install, so the gems were installed where the runtime does not copy from and
`bundle exec puma` could not start; pip's virtualenv and npm's prune had the same blind spot. The stage's
commands are now read through wrappers in one place (StageFacts.run_commands) for every ecosystem."""

from __future__ import annotations

import pytest
from migration_tools import migrate

from migrator.model import Result
from migrator.parse.dockerfile import parse
from migrator.plan.facts import read_facts
from migrator.plan.stages import split_stages

_WRAPPED = [
    'sh -c "{}"',
    "bash -lc '{}'",
    "bash -o pipefail -c '{}'",
    "nice -n 10 {}",
    "time {}",
    "env BUNDLE_JOBS=4 {}",
    "cd /app && sh -ec '{}'",
]


def builder_lines(result: Result) -> list[str]:
    lines = result.dockerfile.split("# Runtime stage")[0].rstrip("\n").splitlines()
    return lines[next(i for i, line in enumerate(lines) if " AS builder" in line):]


def index_of(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def _ruby(run: str) -> str:
    return f'FROM ruby:3.3\nWORKDIR /app\nCOPY . .\n{run}\nCMD ["bundle", "exec", "puma"]\n'


@pytest.mark.parametrize("run", [
    *(f"RUN {form.format('bundle install')}" for form in _WRAPPED),
    'RUN ["sh", "-c", "bundle install"]',
    "RUN bundle _2.4.22_ install",
])
def test_gems_install_into_the_copied_gem_home_whatever_runs_bundle(run: str) -> None:
    result = migrate(_ruby(run))
    builder = builder_lines(result)
    install = index_of(builder, run.split("\n")[0][:12])
    assert index_of(builder, "ENV GEM_HOME=/usr/local/bundle BUNDLE_PATH=/usr/local/bundle") < install
    assert index_of(builder, "RUN gem install bundler") < install
    assert builder[-1].startswith("CMD "), "nothing is appended after the builder's CMD"
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "ok"


@pytest.mark.parametrize(("run", "migrated"), [
    ("RUN nice bundle install --without test",
     "RUN nice bundle config set --local without test && nice bundle install"),
    ("RUN time bundle install --without test",
     "RUN time bundle config set --local without test && time bundle install"),
    ("RUN exec -a installer bundle install --without test",  # (exec before the config would end the shell)
     "RUN bundle config set --local without test && exec -a installer bundle install"),
    ("RUN bash -lc \"bundle install --without 'development test'\"",
     "RUN bash -lc \"bundle config set --local without 'development test' && bundle install\""),
    ('RUN ["sh", "-c", "bundle install --without test"]',
     "RUN sh -c 'bundle config set --local without test && bundle install'"),
    ("RUN bundle _2.4.22_ install --without test",
     "RUN bundle _2.4.22_ config set --local without test && bundle _2.4.22_ install"),
    ('RUN ["nice", "bundle", "install", "--without", "test"]',
     "RUN nice bundle config set --local without test && nice bundle install"),
    ('RUN ["bundle", "_2.4.22_", "install", "--without", "test"]',
     "RUN bundle _2.4.22_ config set --local without test && bundle _2.4.22_ install"),
])
def test_removed_bundler_flags_are_rewritten_behind_wrappers(run: str, migrated: str) -> None:
    result = migrate(_ruby(run))
    assert migrated in result.dockerfile.splitlines()
    assert "MIG418" in [f.code for f in result.findings]
    builder = builder_lines(result)
    assert index_of(builder, "ENV GEM_HOME=") < builder.index(migrated)


@pytest.mark.parametrize("run", [
    'RUN sh -c "bundle install --without $SKIP"',
    "RUN sh -c \"apt-get update && bundle install --without test\"",
    "RUN [\"sh\", \"-c\", \"bundle install --without 'development test'\"]",
])
def test_a_removed_flag_that_cannot_be_rewritten_in_a_shell_script_is_an_error(run: str) -> None:
    result = migrate(_ruby(run))
    errors = [f for f in result.findings if f.code == "MIG422"]
    assert errors and errors[0].severity.value == "error"
    assert "--without" in errors[0].message
    assert run in result.dockerfile.splitlines(), "left as written"


@pytest.mark.parametrize("form", _WRAPPED)
def test_pip_through_a_wrapper_installs_into_the_copied_venv(form: str) -> None:
    run = "RUN " + form.format("pip install -r requirements.txt")
    result = migrate(f'FROM python:3.12\nWORKDIR /app\nCOPY . .\n{run}\nCMD ["python", "app.py"]\n')
    builder = builder_lines(result)
    install = builder.index(run)
    assert index_of(builder, "RUN python -m venv /opt/venv") < install
    assert index_of(builder, 'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"') < install
    assert "COPY --from=builder /opt/venv /opt/venv" in result.dockerfile


@pytest.mark.parametrize("form", _WRAPPED)
def test_npm_through_a_wrapper_is_pruned_after_the_install(form: str) -> None:
    run = "RUN " + form.format("npm ci")
    result = migrate(f'FROM node:20\nWORKDIR /app\nCOPY . .\n{run}\nCMD ["node", "server.js"]\n')
    builder = builder_lines(result)
    assert builder.index(run) < builder.index("RUN npm prune --omit=dev")


def test_npm_prune_goes_where_the_shell_script_changed_directory() -> None:
    result = migrate('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ["sh", "-c", "cd web && npm ci"]\n'
                     'CMD ["node", "web/server.js"]\n')
    assert "RUN cd /app/web && npm prune --omit=dev" in builder_lines(result)


def test_npm_is_not_pruned_where_the_shell_script_changed_to_a_directory_not_known() -> None:
    result = migrate('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN sh -c "cd $APP_DIR && npm ci"\n'
                     'CMD ["node", "server.js"]\n')
    assert not any("npm prune" in line for line in builder_lines(result))
    assert any(f.code == "MIG517" and "not pruned" in f.message for f in result.findings)


def _runs(run: str) -> list[tuple[str, ...]]:
    stage = split_stages(parse(f"FROM ruby:3.3\nWORKDIR /app\n{run}\n")).stages[-1]
    return [command.words for command in read_facts(stage).run_commands()]


@pytest.mark.parametrize(("run", "seen"), [
    ('RUN sh -c "bundle install"', ("bundle", "install")),
    ('RUN ["bash", "-lc", "nice bundle install"]', ("bundle", "install")),
    ("RUN timeout 600 env -u X A=1 bundle install", ("bundle", "install")),
    ("RUN sudo -E sh -c 'pip install flask'", ("pip", "install", "flask")),
])
def test_run_commands_see_the_wrapped_program(run: str, seen: tuple[str, ...]) -> None:
    assert seen in _runs(run)


@pytest.mark.parametrize("run", [
    "RUN command -v bundle",  # a look-up: runs nothing
    "RUN sh ./install.sh bundle install",  # a script file, its arguments are no command
    "RUN echo 'sh -c bundle install'",
])
def test_run_commands_do_not_invent_commands(run: str) -> None:
    assert ("bundle", "install") not in _runs(run)
