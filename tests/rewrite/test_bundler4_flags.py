"""Issue 9 ("runnable by construction"): Bundler 4 (Chainguard's ruby) removed the remembered `bundle install`
flags and answers a bare `bundle` with its help. A migrated `bundle install --without development test`
stopped the build, with no finding saying so."""

from __future__ import annotations

import pytest
from migration_tools import codes, final_stage, migrate

from migrator.model import Result

_RUBY = "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n"
_END = "COPY . .\nCMD [\"ruby\", \"app.rb\"]\n"


def run_line(result: Result, start: str) -> str:
    """The first line that begins with `start`, after the bundler the runtime gets (`ruby app.rb` may load Bundler,
    and no build context says otherwise: adversary 13 H3)."""
    return next(line for line in result.dockerfile.splitlines()
                if line.startswith(start) and not line.endswith("gem install bundler --no-document"))


@pytest.mark.parametrize(("written", "migrated"), [
    ("bundle install --without development test",
     "bundle config set --local without 'development test' && bundle install"),
    ("bundle install --without=development:test --jobs 4 --retry 3",
     "bundle config set --local without development:test && bundle install --jobs 4 --retry 3"),
    ("bundle install --jobs=4 --without development --without test",  # Thor: the last one counts
     "bundle config set --local without test && bundle install --jobs=4"),
    ("bundle install --with 'ci tools' --retry 3",
     "bundle config set --local with 'ci tools' && bundle install --retry 3"),
    ("bundle install --binstubs",  # ruby/rubygems#8978: "removed in favor of `bundle binstubs --all`"
     "bundle config set --local bin bin && bundle install && bundle binstubs --all"),
    ("bundle install --binstubs=vendor/bin --jobs 4",
     "bundle config set --local bin vendor/bin && bundle install --jobs 4 && bundle binstubs --all"),
    ("bundle install --deployment --frozen --clean --no-prune",
     "bundle config set --local deployment true && bundle config set --local frozen true && "
     "bundle config set --local clean true && bundle config set --local no_prune true && bundle install"),
    ("bundle install --system", "bundle config set --local path.system true && bundle install"),
    ("bundle install --path vendor/bundle --shebang=ruby",
     "bundle config set --local path vendor/bundle && bundle config set --local shebang ruby && bundle install"),
    ("bundle install --without $SKIP_GROUPS",
     'bundle config set --local without "$SKIP_GROUPS" && bundle install'),
    ("bundle install --jobs=$(nproc) --without=$SKIP_GROUPS --path=\"$APP_HOME/vendor\"",
     'bundle config set --local without "$SKIP_GROUPS" && bundle config set --local path "$APP_HOME/vendor" && '
     "bundle install --jobs=$(nproc)"),
    ("bundle install --no-deployment", "bundle config set --local deployment false && bundle install"),
    ("bundle", "bundle install"),
    ("bundle --jobs 4", "bundle install --jobs 4"),
    # the other subcommands whose remembered flags Bundler 4 removed
    ("bundle check --path vendor/bundle", "bundle config set --local path vendor/bundle && bundle check"),
    ("bundle binstubs puma --path=sbin", "bundle config set --local bin sbin && bundle binstubs puma"),
    ("bundle package --all --no-prune",
     "bundle config set --local cache_all true && bundle config set --local no_prune true && bundle package"),
])
def test_removed_flags_become_local_configuration(written: str, migrated: str) -> None:
    result = migrate(_RUBY + f"RUN {written}\n" + _END)
    assert run_line(result, "RUN bundle") == f"RUN {migrated}"
    assert "MIG418" in codes(result)


def test_the_rest_of_the_line_and_other_lines_stay_byte_for_byte() -> None:
    text = (_RUBY + "# gems\nRUN apk add --no-cache git && \\\n    bundle install --without development test \\\n"
            "      --jobs 4 && rm -rf /root/.bundle/cache\n" + _END)
    result = migrate(text)
    assert ("RUN apk add --no-cache git && \\\n    bundle config set --local without 'development test' "
            "&& bundle install \\\n      --jobs 4 && rm -rf /root/.bundle/cache\n") in result.dockerfile


def test_a_line_break_inside_the_removed_flags_is_kept() -> None:
    text = (_RUBY + "RUN bundle install --deployment --without development test \\\n"
            "      --path vendor/bundle --jobs 4 --retry 3\n" + _END)
    assert ("RUN bundle config set --local deployment true && bundle config set --local without 'development test' "
            "&& bundle config set --local path vendor/bundle && bundle install \\\n      --jobs 4 --retry 3\n"
            ) in migrate(text).dockerfile


def test_env_prefix_stays_with_the_install_and_sudo_with_both() -> None:
    result = migrate(_RUBY + "RUN RAILS_ENV=production bundle install --deployment\n" + _END)
    assert run_line(result, "RUN ") == ("RUN bundle config set --local deployment true && "
                                        "RAILS_ENV=production bundle install")


def test_after_or_before_a_double_bar_the_pair_is_grouped() -> None:
    result = migrate(_RUBY + "RUN bundle check || bundle install --path vendor/bundle\n" + _END)
    assert run_line(result, "RUN bundle check") == (
        "RUN bundle check || { bundle config set --local path vendor/bundle && bundle install; }")


@pytest.mark.parametrize(("written", "migrated"), [
    ("bundle install --without test > /tmp/log 2>&1",
     "{ bundle config set --local without test && bundle install; } > /tmp/log 2>&1"),
    ("bundle install --without test 2>&1 | tee /tmp/log",
     "{ bundle config set --local without test && bundle install; } 2>&1 | tee /tmp/log"),
])
def test_a_redirected_or_piped_install_is_grouped(written: str, migrated: str) -> None:
    result = migrate(_RUBY + f"RUN {written}\n" + _END)
    assert run_line(result, "RUN ") == f"RUN {migrated}"


def test_a_heredoc_script_is_translated() -> None:
    result = migrate(_RUBY + "RUN <<EOF\nset -e\nbundle install --without development test\nEOF\n" + _END)
    assert "RUN <<EOF\nset -e\nbundle config set --local without 'development test' && bundle install\nEOF\n" \
        in result.dockerfile


@pytest.mark.parametrize(("written", "migrated"), [
    ('sh -c "cd /app && bundle install --without test"',
     'sh -c "cd /app && bundle config set --local without test && bundle install"'),
    ("bash -c 'bundle install --without development test'",
     "bash -c 'bundle config set --local without \"development test\" && bundle install'"),
])
def test_inside_sh_c_the_string_is_translated(written: str, migrated: str) -> None:
    result = migrate(_RUBY + f"RUN {written}\n" + _END)
    assert run_line(result, "RUN ") == f"RUN {migrated}"


def test_an_exec_form_run_becomes_the_shell_form_it_needs() -> None:
    result = migrate(_RUBY + 'RUN ["bundle", "install", "--without", "development", "test", "--jobs", "4"]\n'
                     'RUN ["bundle", "exec", "rake", "assets:precompile"]\n' + _END)
    assert ("RUN bundle config set --local without 'development test' && bundle install --jobs 4\n"
            'RUN ["bundle", "exec", "rake", "assets:precompile"]\n') in result.dockerfile
    assert "shell form" in next(f.message for f in result.findings if f.code == "MIG418")


def test_flags_held_by_a_variable_are_warned_about() -> None:
    result = migrate(_RUBY + "ARG BUNDLE_FLAGS=\nRUN bundle install $BUNDLE_FLAGS\n" + _END)
    assert "RUN bundle install $BUNDLE_FLAGS\n" in result.dockerfile
    warning = next(f for f in result.findings if f.code == "MIG419")
    assert "$BUNDLE_FLAGS" in warning.message and "--without" in warning.message


@pytest.mark.parametrize("written", ["bundle install", "bundle install --jobs $JOBS", "bundle install -j$(nproc)",
                                     "bundle exec rake assets:precompile",
                                     "bundle -v", "bundle config set --local without test"])
def test_commands_bundler_4_accepts_are_left_alone(written: str) -> None:
    result = migrate(_RUBY + f"RUN {written}\n" + _END)
    assert f"RUN {written}\n" in result.dockerfile
    assert not {"MIG418", "MIG419"} & set(codes(result))


def test_a_typical_rails_dockerfile_builds_and_starts() -> None:
    text = ("FROM ruby:3.3\nRUN apt-get update && apt-get install -y build-essential libpq-dev\nWORKDIR /app\n"
            "COPY Gemfile Gemfile.lock ./\nRUN bundle install --deployment --without development test\n"
            "COPY . .\nEXPOSE 3000\nCMD [\"bundle\", \"exec\", \"rails\", \"s\", \"-b\", \"0.0.0.0\"]\n")
    result = migrate(text)
    builder, runtime = result.dockerfile.split("\nFROM ", 1)[0], final_stage(result)
    assert ("RUN bundle config set --local deployment true && bundle config set --local without "
            "'development test' && bundle install\n") in builder
    assert "--without" not in result.dockerfile and "--deployment" not in result.dockerfile
    # the local configuration goes where Docker Hub's ruby kept it (BUNDLE_APP_CONFIG=GEM_HOME), copied with the
    # gems, so that `bundle exec` reads it at run time and a later `COPY . .` of a .bundle/config cannot replace it
    env = ('ENV GEM_HOME=/usr/local/bundle BUNDLE_PATH=/usr/local/bundle BUNDLE_APP_CONFIG=/usr/local/bundle '
           'PATH="/usr/local/bundle/bin:$PATH"\n')
    assert env in builder.split("RUN bundle config")[0] and env in runtime
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle\n" in runtime
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
    assert 'CMD ["bundle", "exec", "rails", "s", "-b", "0.0.0.0"]' in runtime
    translated = next(f for f in result.findings if f.code == "MIG418")
    assert "--deployment" in translated.message and "--without" in translated.message


def test_a_bare_bundle_installs_where_the_runtime_copies() -> None:
    result = migrate(_RUBY + "RUN bundle\nCOPY . .\nCMD [\"bundle\", \"exec\", \"ruby\", \"app.rb\"]\n")
    builder, runtime = result.dockerfile.split("\nFROM ", 1)[0], final_stage(result)
    assert builder.index("ENV GEM_HOME=/usr/local/bundle") < builder.index("RUN bundle install\n")
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle\n" in runtime


def test_a_path_keeps_the_gems_in_the_app_directory_the_runtime_copies() -> None:
    result = migrate(_RUBY + "RUN bundle install --path vendor/bundle\n"
                     "COPY . .\nCMD [\"bundle\", \"exec\", \"ruby\", \"app.rb\"]\n")
    runtime = final_stage(result)
    assert "RUN bundle config set --local path vendor/bundle && bundle install\n" in result.dockerfile
    # local `path` wins over the BUNDLE_PATH environment: the gems stay in /app/vendor/bundle, copied with /app,
    # and the configuration saying so is copied with GEM_HOME and found through BUNDLE_APP_CONFIG at run time
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle\n" in runtime
    assert "BUNDLE_APP_CONFIG=/usr/local/bundle" in runtime


def test_the_stage_s_own_bundle_app_config_is_kept() -> None:
    result = migrate(_RUBY + "ENV BUNDLE_APP_CONFIG=/app/.bundle-config\nRUN bundle install --without test\n" + _END)
    assert "BUNDLE_APP_CONFIG=/usr/local/bundle" not in result.dockerfile
    assert final_stage(result).count("ENV BUNDLE_APP_CONFIG=/app/.bundle-config\n") == 1


def test_a_stage_left_as_written_keeps_its_flags() -> None:
    text = "FROM mycorp.example/ruby-base:1\nWORKDIR /app\nRUN bundle install --without development test\n"
    result = migrate(text + "CMD [\"ruby\", \"a.rb\"]\n")
    assert "RUN bundle install --without development test\n" in result.dockerfile
    assert "MIG418" not in codes(result)


def test_from_an_image_without_bundle_app_config_the_config_stays_in_the_app_the_runtime_copies() -> None:
    text = ("FROM alpine:3.19\nRUN apk add --no-cache ruby ruby-bundler ruby-dev build-base\nWORKDIR /app\n"
            "COPY . .\nRUN bundle install --without development test\nCMD [\"bundle\", \"exec\", \"ruby\", \"app.rb\"]\n")
    result = migrate(text)
    runtime = final_stage(result)
    assert "RUN bundle config set --local without 'development test' && bundle install\n" in result.dockerfile
    assert "BUNDLE_APP_CONFIG" not in result.dockerfile  # alpine's bundler read /app/.bundle/config, and still does
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
