"""A dependency install that runs under a USER other than root (adversary 7, D2): the directory the migration
installs into (the virtualenv at /opt/venv, GEM_HOME at /usr/local/bundle) is root's in the -dev image, so the
user cannot make it. It is made as root and given to that user, who then installs into it as in the original;
`pip install --user` is refused inside a virtualenv, so --user is dropped (MIG516)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate

from migrator.model import Options


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def after(text: str, first: str) -> list[str]:
    """The builder's lines from `first` on."""
    found = lines(text)
    return found[found.index(first):]


PIP_AS_APPUSER = ("FROM python:3.12-slim\nRUN useradd -m appuser\nWORKDIR /app\nCOPY --chown=appuser:appuser . .\n"
                  "USER {user}\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\",\"app.py\"]\n")


@pytest.mark.parametrize("user", ["appuser", "appuser:appuser", "1000"])
def test_the_virtualenv_is_made_as_root_and_given_to_the_user_who_installs(user: str) -> None:
    result = migrate(PIP_AS_APPUSER.format(user=user))
    assert after(builder_stage(result), f"USER {user}") == [
        f"USER {user}",
        "USER root",  # was: `RUN python -m venv /opt/venv` as the user: Permission denied on /opt, the build stops
        f"RUN python -m venv /opt/venv && chown -R {user} /opt/venv",
        f"USER {user}",
        'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"',
        "RUN pip install --no-cache-dir -r requirements.txt",
        'CMD ["python","app.py"]',
    ]
    assert "COPY --from=builder --chown=65532:65532 /opt/venv /opt/venv" in final_stage(result)
    assert any(f"given to {user}, who runs the install" in m for m in messages(result, "MIG515"))


def test_pip_install_user_installs_into_the_users_virtualenv_without_user() -> None:
    result = migrate("FROM python:3.12-slim\nRUN useradd -m app\nUSER app\nWORKDIR /home/app\n"
                     "COPY --chown=app:app . .\nRUN pip install --user -r requirements.txt\n"
                     'ENV PATH="/home/app/.local/bin:$PATH"\nCMD ["gunicorn","app:app"]\n')
    assert after(builder_stage(result), "COPY --chown=app:app . .")[1:6] == [
        "USER root",
        "RUN python -m venv /opt/venv && chown -R app /opt/venv",
        "USER app",
        'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"',
        "RUN pip install -r requirements.txt",  # (pip refuses --user inside a virtualenv)
    ]
    assert "MIG516" in codes(result)
    assert "COPY --from=builder --chown=65532:65532 /opt/venv /opt/venv" in final_stage(result)


def test_an_install_as_root_makes_the_virtualenv_as_before() -> None:
    result = migrate("FROM python:3.12-slim\nRUN useradd -m app\nWORKDIR /app\nCOPY . .\n"
                     "RUN pip install -r requirements.txt\nUSER app\nCMD [\"python\",\"app.py\"]\n")
    builder = builder_stage(result)
    assert after(builder, "RUN python -m venv /opt/venv")[:3] == [
        "RUN python -m venv /opt/venv", 'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"',
        "RUN pip install -r requirements.txt"]
    assert "chown" not in builder
    assert "COPY --from=builder /opt/venv /opt/venv" in final_stage(result)  # root's, as the original's was


def test_the_user_of_the_stage_built_from_counts() -> None:
    result = migrate("FROM python:3.12-slim AS base\nRUN useradd -m app\nUSER app\n"
                     "FROM base\nWORKDIR /home/app\nRUN pip install flask\nCMD [\"flask\",\"run\"]\n")
    assert "RUN python -m venv /opt/venv && chown -R app /opt/venv" in result.dockerfile


def test_a_builder_whose_site_packages_are_copied_makes_the_virtualenv_for_its_user() -> None:
    result = migrate("FROM python:3.12-slim AS build\nRUN useradd -m app\nUSER app\nRUN pip install flask gunicorn\n"
                     "FROM python:3.12-slim\n"
                     "COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages\n"
                     "COPY --from=build /usr/local/bin /usr/local/bin\nCMD [\"gunicorn\",\"app:app\"]\n")
    assert after(builder_stage(result), "RUN adduser -D app")[1:7] == [
        "USER app",
        "USER root",
        "RUN python -m venv /opt/venv && chown -R app /opt/venv",
        "USER app",
        'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"',
        "RUN pip install flask gunicorn",
    ]
    assert "COPY --from=build /opt/venv /opt/venv" in final_stage(result)


def test_gem_home_is_made_for_the_user_who_runs_bundle_install(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'sinatra'\n")
    result = migrate("FROM ruby:3.3\nRUN useradd -m app\nWORKDIR /app\nCOPY --chown=app:app . .\nUSER app\n"
                     "RUN bundle install\nCMD [\"ruby\",\"app.rb\"]\n", Options(context=tmp_path))
    assert after(builder_stage(result), "USER app")[:5] == [
        "USER app",
        "USER root",  # was: bundle install as app could not make /usr/local/bundle
        "RUN mkdir -p /usr/local/bundle && chown -R app /usr/local/bundle",
        "USER app",
        'ENV GEM_HOME=/usr/local/bundle BUNDLE_PATH=/usr/local/bundle PATH="/usr/local/bundle/bin:$PATH"',
    ]
    assert any("given to app, who runs the install" in m for m in messages(result, "MIG515"))
