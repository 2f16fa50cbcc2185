"""Adversary 13 H6: `git` installed in the original final stage vanished from the distroless runtime with no finding
(rewrite/needs.py counted it a compiler). It is now named by W MIG514 like any other tool, and when the app declares a
library that runs git (GitPython, simple-git, the ruby `git` gem: rules/library-programs.yaml), the runtime is the
language's -dev image, which installs it with apk (W MIG238, I MIG569), as for ffmpeg and poppler."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, final_stage, messages, migrate

from migrator.model import Severity

PYTHON = """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
"""


def test_gitpython_keeps_git_on_the_dev_runtime(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\ngunicorn\nGitPython==3.1.43\n")
    (tmp_path / "app.py").write_text("import git\n")
    result = migrate(PYTHON, context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "USER root\nRUN apk add --no-cache git\nUSER 65532\n" in runtime
    [why] = [f for f in result.findings if f.code == "MIG238"]
    assert why.severity is Severity.WARNING and why.line == 1
    assert "gitpython runs `git` (git)" in why.message
    assert "MIG569" in codes(result) and "MIG514" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_git_without_such_a_library_is_kept_too(tmp_path: Path) -> None:
    """No declared library runs git and no RUN step does: the app runs it at run time all the same (fix89, review
    21 S21-2): the -dev runtime installs it, as with GitPython."""
    (tmp_path / "requirements.txt").write_text("flask\ngunicorn\n")
    result = migrate(PYTHON, context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest-dev\n")
    [kept] = [f for f in result.findings if f.code == "MIG238"]
    assert kept.severity is Severity.WARNING
    assert "installed git, whose programs no RUN step of the stage runs" in kept.message
    assert "MIG514" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_without_the_context_git_is_kept_too() -> None:
    result = migrate(PYTHON)
    assert "installed git, whose programs" in messages(result, "MIG238")[0]
    assert "MIG514" not in codes(result)


def test_a_pip_install_from_a_git_url_says_the_build_uses_git() -> None:
    result = migrate(PYTHON.replace("-r requirements.txt", "git+https://github.com/org/lib.git@v1.2"))
    assert "installed git (the stage's RUN steps use git: nothing is lost if only the build needs them)" \
           in messages(result, "MIG514")[0]


def test_simple_git_on_node(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"simple-git": "^3"}}')
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (tmp_path / "server.js").write_text("require('simple-git')\n")
    dockerfile = ("FROM node:20-alpine\nRUN apk add --no-cache git\nWORKDIR /app\nCOPY . .\n"
                  "RUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n")
    result = migrate(dockerfile, context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n") and "RUN apk add --no-cache git\n" in runtime
    assert "simple-git runs `git` (git)" in messages(result, "MIG238")[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_the_ruby_git_gem(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'sinatra'\ngem 'git', '~> 2.0'\n")
    (tmp_path / "Gemfile.lock").write_text("")
    dockerfile = ("FROM ruby:3.3-slim\nRUN apt-get update && apt-get install -y git\nWORKDIR /app\n"
                  "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD [\"bundle\", \"exec\", \"ruby\", "
                  "\"app.rb\"]\n")
    result = migrate(dockerfile, context=tmp_path)
    assert "RUN apk add --no-cache git\n" in final_stage(result)
    assert "git runs `git` (git)" in messages(result, "MIG238")[0]
