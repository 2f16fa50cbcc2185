"""Adversary 13, H3, H5, H7.

H3: a Ruby app that loads Bundler itself (Rails' bin/rails -> config/boot.rb `require "bundler/setup"`, an app.rb,
a config.ru) started without `bundle exec` ran on the ruby runtime, which has no bundler (Wolfi's ruby deletes
it): LoadError at start, runtime "ok". Bundler is now installed into the copied GEM_HOME, as for `bundle exec`.
H5: `curl -fsk` (a bundled -k) was ported to node fetch / python urllib, which verify the certificate: every check
failed. Short options are read letter by letter; one that changes the request means W MIG510.
H7: E MIG543 in the builder the final stage copies from, yet runtime "ok" and --write wrote it. Now "broken"; and
a COPY of what a node stage's `npm install -g` wrote is taken from where Chainguard node's npm puts it (MIG407).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate

from migrator.api import start_error
from migrator.model import Severity

_RAILS = """FROM ruby:3.3-slim
WORKDIR /rails
ENV RAILS_ENV=production BUNDLE_DEPLOYMENT=1 BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
EXPOSE 3000
CMD {cmd}
"""
_BINSTUB = ('#!/usr/bin/env ruby\nAPP_PATH = File.expand_path("../config/application", __dir__)\n'
            'require_relative "../config/boot"\nrequire "rails/commands"\n')
_BOOT = 'ENV["BUNDLE_GEMFILE"] ||= File.expand_path("../Gemfile", __dir__)\nrequire "bundler/setup"\n'


def _app(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\n')
    (tmp_path / "Gemfile.lock").write_text("")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _bundler_installed(dockerfile: str) -> bool:
    builder = dockerfile.rsplit("\nFROM ", 1)[0]
    return "gem install bundler --no-document" in builder and "COPY --from=builder /usr/local/bundle /usr/local/bundle" \
        in final_stage(dockerfile)


@pytest.mark.parametrize(("cmd", "files", "loader"), [
    ('["./bin/rails", "server", "-b", "0.0.0.0"]', {"bin/rails": _BINSTUB, "config/boot.rb": _BOOT},
     "/rails/config/boot.rb"),
    ('["ruby", "app.rb"]', {"app.rb": 'require "bundler/setup"\nputs 1\n'}, "/rails/app.rb"),
    ('["puma", "-p", "3000"]', {"config.ru": 'require "bundler"\nBundler.require\nrun App\n'}, "/rails/config.ru"),
    ('["ruby", "app.rb"]', {"app.rb": 'require_relative "lib/boot"\n', "lib/boot.rb": "Bundler.require(:default)\n"},
     "/rails/lib/boot.rb"),
])
def test_an_app_that_loads_bundler_itself_gets_bundler_in_the_runtime(tmp_path: Path, cmd: str, files: dict[str, str],
                                                                    loader: str) -> None:
    result = migrate(_RAILS.format(cmd=cmd), context=_app(tmp_path, files))
    assert _bundler_installed(result.dockerfile)
    assert result.runtime is not None and result.runtime.status == "ok"
    notes = [m for m in messages(result, "MIG515") if "bundler is installed" in m]
    assert notes and f"{loader} loads Bundler" in notes[0] and "has no bundler" in notes[0]
    assert not codes(result, "error")


def test_an_app_whose_files_load_no_bundler_gets_none(tmp_path: Path) -> None:
    result = migrate(_RAILS.format(cmd='["ruby", "app.rb"]'),
                     context=_app(tmp_path, {"app.rb": 'require "sinatra"\n# require "bundler/setup"\n'}))
    assert "gem install bundler" not in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "ok"
    assert not any("bundler is installed" in m for m in messages(result, "MIG515"))


def test_without_the_context_a_gemfile_app_gets_bundler_and_says_why(tmp_path: Path) -> None:
    result = migrate(_RAILS.format(cmd='["./bin/rails", "server"]'), context=tmp_path)  # (an empty directory)
    assert _bundler_installed(result.dockerfile)
    assert result.runtime is not None and result.runtime.status == "ok"
    notes = [f for f in result.findings if f.code == "MIG515" and "may load Bundler" in f.message]
    assert notes and notes[0].severity is Severity.INFO and "/rails/bin/rails could not be read" in notes[0].message


_NODE = """FROM node:20-alpine
RUN apk add --no-cache curl
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
HEALTHCHECK CMD {check} || exit 1
CMD ["node", "server.js"]
"""
_PYTHON = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
HEALTHCHECK CMD {check} || exit 1
CMD ["gunicorn", "-b", "0.0.0.0:8443", "app:app"]
"""


@pytest.mark.parametrize("template", [_NODE, _PYTHON])
@pytest.mark.parametrize("check", [
    "curl -fsk https://localhost:8443/health", "curl -fk https://localhost:8443/health",
    "curl -kfs https://localhost:8443/health", "curl -fsSk https://localhost:8443/health",
    "curl -fsSH 'X-Probe: 1' http://localhost:8443/health", "curl -fsXPOST http://localhost:8443/health",
    "curl -fsu admin:pw http://localhost:8443/health", "curl -sfb session=1 http://localhost:8443/health",
    "wget -q --no-check-certificate https://localhost:8443/health", "wget -qe check_certificate=off https://x:1/",
    "wget -q --header=X-Probe:1 http://localhost:8443/health", "wget -q --post-data=x http://localhost:8443/",
    "curl -fs --noproxy '*' http://localhost:8443/health",
])
def test_a_check_whose_options_change_the_request_is_not_ported(template: str, check: str) -> None:
    result = migrate(template.format(check=check))
    assert "HEALTHCHECK" not in final_stage(result)
    assert "MIG510" in codes(result, "warning") and "MIG552" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


@pytest.mark.parametrize(("check", "url"), [
    ("curl -fsSL http://localhost:3000/health", "http://127.0.0.1:3000/health"),
    ("curl -sSfo /dev/null -m5 http://localhost:3000/", "http://127.0.0.1:3000/"),
    ("curl --fail --max-time 3 --silent http://localhost:3000/", "http://127.0.0.1:3000/"),
    ("curl -fsI http://localhost:3000/", "http://127.0.0.1:3000/"),
    ("wget -qO- http://localhost:3000/", "http://127.0.0.1:3000/"),
    ("wget -q --spider --tries=1 http://localhost:3000/", "http://127.0.0.1:3000/"),
])
def test_a_check_that_only_shows_or_waits_differently_is_still_ported(check: str, url: str) -> None:
    result = migrate(_NODE.format(check=check))
    assert f"fetch('{url}')" in final_stage(result)
    assert "MIG552" in codes(result, "info") and "MIG510" not in codes(result)


_PM2 = """FROM node:20 AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev{global_install}
COPY . .

FROM node:20-slim
WORKDIR /app
COPY --from=build /usr/local/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2
RUN ln -s /usr/local/lib/node_modules/pm2/bin/pm2-runtime /usr/local/bin/pm2-runtime
COPY --from=build /app /app
USER node
CMD ["pm2-runtime", "server.js"]
"""


def test_a_copy_of_a_global_npm_package_is_taken_from_chainguard_nodes_prefix() -> None:
    result = migrate(_PM2.format(global_install=" && npm install -g pm2"))
    builder = result.dockerfile.rsplit("\nFROM ", 1)[0]
    assert "COPY --from=build /usr/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2\n" in builder
    assert "MIG543" not in codes(result)
    assert any("/usr/local/lib/node_modules/ -> /usr/lib/node_modules/ in node" in m for m in messages(result, "MIG407"))
    assert result.runtime is not None and result.runtime.status == "ok"
    assert start_error(result) is None


def test_a_global_program_copied_by_its_path_is_taken_from_usr_bin() -> None:
    text = _PM2.format(global_install=" && npm install -g pm2@5").replace(
        "COPY --from=build /usr/local/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2\n"
        "RUN ln -s /usr/local/lib/node_modules/pm2/bin/pm2-runtime /usr/local/bin/pm2-runtime\n",
        "COPY --from=build /usr/local/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2\n"
        "COPY --from=build /usr/local/bin/pm2-runtime /usr/local/bin/docker-entrypoint.sh /usr/local/bin/\n")
    result = migrate(text)
    # (docker-entrypoint.sh is no program of pm2's: left, and MIG543 says the build fails there)
    assert "COPY --from=build /usr/bin/pm2-runtime /usr/local/bin/docker-entrypoint.sh /usr/local/bin/\n" in \
        result.dockerfile
    assert "MIG543" in codes(result, "error")
    assert result.runtime is not None and result.runtime.status == "broken"


@pytest.mark.parametrize("global_install", ["", "\nENV NPM_CONFIG_PREFIX=/usr/local\nRUN npm install -g pm2"])
def test_a_copy_of_a_path_the_builder_lacks_makes_the_migration_broken(global_install: str) -> None:
    result = migrate(_PM2.format(global_install=global_install))
    builder = result.dockerfile.rsplit("\nFROM ", 1)[0]
    assert "COPY --from=build /usr/local/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2\n" in builder
    if global_install:  # (the stage sets npm's prefix itself: the path is there, as written)
        assert "MIG543" not in codes(result)
        assert result.runtime is not None and result.runtime.status == "ok"
        return
    assert "MIG543" in codes(result, "error")
    assert result.runtime is not None and result.runtime.status == "broken"
    error = start_error(result)
    assert error is not None and error.code == "MIG543"


@pytest.mark.parametrize(("copied", "taken"), [
    ("/usr/local/lib/node_modules", "/usr/lib/node_modules"),  # (every global package: all in the new prefix)
    ("/usr/local/bin", "/usr/local/bin"),  # (Chainguard's /usr/bin is the whole image's: not that)
])
def test_a_whole_directory_moves_only_where_it_holds_just_the_globals(copied: str, taken: str) -> None:
    text = _PM2.format(global_install=" && npm install -g pm2").replace(
        "/usr/local/lib/node_modules/pm2 /usr/local/lib/node_modules/pm2", f"{copied} {copied}")
    result = migrate(text)
    assert f"COPY --from=build {taken} {copied}\n" in result.dockerfile
