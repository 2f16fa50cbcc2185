"""Adversary round 11, F4: Wolfi's ruby deletes bundle and bundler (each stream packages them apart: ruby4.0-bundler),
so a stage that runs `bundle` on wolfi-base gets bundler, whatever BUNDLE_* variables the file sets (Rails' own
Dockerfile sets BUNDLE_PATH, which skipped the tool's `gem install bundler`); a split runtime whose shell command
line runs `bundle exec` gets bundler in the GEM_HOME it copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate

RAILS = """\
FROM ruby:3.3-slim
RUN apt-get update -qq && apt-get install -y build-essential libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
{env}COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
EXPOSE 3000
CMD ["sh", "-c", "bundle exec rails db:migrate && bundle exec rails server -b 0.0.0.0"]
"""


@pytest.mark.parametrize("env", ["ENV BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development\n",
                                 "ENV RAILS_ENV=production BUNDLE_DEPLOYMENT=1 BUNDLE_PATH=/usr/local/bundle\n"])
def test_wolfi_base_stage_with_the_files_own_bundle_path_installs_bundler(env: str) -> None:
    result = migrate(RAILS.format(env=env))
    assert result.dockerfile.startswith(
        "FROM cgr.dev/chainguard/wolfi-base:latest\n"
        "RUN apk add --no-cache ruby-4.0 ruby-4.0-dev ruby4.0-bundler build-base\n"
        "RUN apk add --no-cache build-base postgresql-dev\n"
        "WORKDIR /app\n"
        f"{env}COPY Gemfile Gemfile.lock ./\n"
        "RUN bundle install\n")
    assert "MIG542" in codes(result)


def test_wolfi_base_stage_without_bundle_path_has_bundler_too() -> None:
    result = migrate(RAILS.format(env=""))
    assert "RUN apk add --no-cache ruby-4.0 ruby-4.0-dev ruby4.0-bundler build-base\n" in result.dockerfile
    assert "RUN bundle install\n" in result.dockerfile


def test_bash_entrypoint_rails_file_kept_on_wolfi_base_installs_bundler(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "docker-entrypoint").write_text("#!/bin/bash -e\nexec \"${@}\"\n")
    text = ("FROM ruby:3.3-slim\nWORKDIR /rails\n"
            "ENV RAILS_ENV=production BUNDLE_DEPLOYMENT=1 BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development\n"
            "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\n"
            "ENTRYPOINT [\"/rails/bin/docker-entrypoint\"]\nCMD [\"./bin/rails\", \"server\"]\n")
    result = migrate(text, context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache ruby-4.0 ruby-4.0-dev ruby4.0-bundler build-base bash\n")


def test_alpine_ruby_from_apk_gets_the_bundler_package_for_bundle_install() -> None:
    text = ("FROM alpine:3.19\nRUN apk add --no-cache ruby ruby-dev build-base\nWORKDIR /app\nCOPY . .\n"
            "RUN bundle install\nCMD bundle exec rake db:migrate && bundle exec ruby app.rb\n")
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache ruby ruby-4.0-dev build-base ruby4.0-bundler\n")
    assert any("bundle" in m and "ruby4.0-bundler" in m for m in messages(result, "MIG313"))


def test_ruby_dev_builder_has_bundler_and_adds_no_package() -> None:
    text = ("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"bundle\", \"exec\", \"ruby\", \"app.rb\"]\n")
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/ruby:latest-dev AS builder\n")
    assert "ruby4.0-bundler" not in result.dockerfile and "MIG313" not in codes(result)


def test_split_runtime_whose_shell_command_line_runs_bundle_gets_bundler() -> None:
    text = ("FROM alpine:3.19\nRUN apk add --no-cache ruby ruby-bundler ruby-dev build-base\nWORKDIR /app\n"
            "COPY . .\nRUN bundle install\nCMD [\"sh\", \"-c\", \"bundle exec ruby app.rb\"]\n")
    result = migrate(text)
    assert "ENV GEM_HOME=/usr/local/bundle BUNDLE_PATH=/usr/local/bundle PATH=\"/usr/local/bundle/bin:$PATH\"\n" \
           "RUN gem install bundler --no-document\nRUN bundle install\n" in result.dockerfile
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/ruby:latest\n")
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle\n" in runtime
    assert runtime.endswith("CMD [\"bundle\", \"exec\", \"ruby\", \"app.rb\"]\n")
