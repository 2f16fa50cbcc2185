"""Adversary round 9: pip trees copied to where Chainguard's python does not read them. A `pip install --user` tree
copied into the home of the user the tool replaced by the image's nonroot user (E2: Python's user site is
$HOME/.local, HOME=/home/nonroot), and a `pip install --prefix` tree copied to /usr/local in a parent stage of the
final one (E6: Chainguard's python does not read /usr/local); the start verdict names where the program is."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, messages, migrate, verdict

_USER_INSTALL = ("FROM python:3.12-slim AS builder\nWORKDIR /app\nCOPY requirements.txt .\n"
                 "RUN pip install --user --no-cache-dir -r requirements.txt\n"
                 "FROM python:3.12-slim\n{run}RUN useradd --create-home appuser\nUSER appuser\n"
                 "WORKDIR /home/appuser/app\nCOPY --from=builder /root/.local /home/appuser/.local\n"
                 "ENV PATH=/home/appuser/.local/bin:$PATH\nCOPY --chown=appuser:appuser . .\n"
                 'CMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "wsgi:app"]\n')
_LIBPQ = "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n"


@pytest.mark.parametrize("run", ["", _LIBPQ], ids=["final stage kept", "final stage split"])
def test_a_user_install_copied_to_the_dropped_users_home_goes_to_the_nonroot_home(run: str) -> None:
    # E2: the output ran as nonroot and kept /home/appuser/.local: gunicorn found on PATH, `import gunicorn` failed
    result = migrate(_USER_INSTALL.format(run=run))
    runtime = final_stage(result)
    assert (" /home/appuser/.local /home/nonroot/.local\n" if run else " /root/.local /home/nonroot/.local\n") in runtime
    assert "ENV PATH=/home/nonroot/.local/bin:$PATH\n" in runtime
    assert "/home/appuser/.local/bin" not in runtime and "/home/appuser/.local\n" not in runtime
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /home/nonroot/.local/bin/gunicorn)")
    assert any("/home/appuser/.local" in m for m in messages(result, "MIG516"))
    assert not messages(result, "MIG561")  # (the tree is carried, to where Python reads it)


def test_a_user_install_run_as_the_dropped_user_in_the_builder_goes_to_the_nonroot_home() -> None:
    result = migrate("FROM python:3.12-slim AS builder\nRUN useradd --create-home appuser\nUSER appuser\n"
                     "WORKDIR /home/appuser\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\n"
                     "FROM python:3.12-slim\nRUN useradd --create-home appuser\nUSER appuser\n"
                     "COPY --from=builder /home/appuser/.local /home/appuser/.local\n"
                     "ENV PYTHONUSERBASE=/home/appuser/.local PATH=/home/appuser/.local/bin:$PATH\n"
                     'COPY . /home/appuser/app\nCMD ["gunicorn", "wsgi:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /home/appuser/.local /home/nonroot/.local\n" in runtime
    assert "ENV PYTHONUSERBASE=/home/nonroot/.local PATH=/home/nonroot/.local/bin:$PATH\n" in runtime
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /home/nonroot/.local/bin/gunicorn)")


def test_a_user_install_in_a_home_the_file_sets_with_env_home_stays() -> None:
    # (the runtime keeps ENV HOME=/home/appuser: Python's user site is still /home/appuser/.local)
    runtime = final_stage(migrate(_USER_INSTALL.format(run="").replace("USER appuser\n",
                                                                       "USER appuser\nENV HOME=/home/appuser\n")))
    assert "ENV HOME=/home/appuser\n" in runtime
    assert "COPY --from=builder /root/.local /home/appuser/.local\n" in runtime
    assert "ENV PATH=/home/appuser/.local/bin:$PATH\n" in runtime


def test_a_user_tree_copied_elsewhere_and_named_by_pythonuserbase_stays() -> None:
    runtime = final_stage(migrate("FROM python:3.12-slim AS builder\nRUN pip install --user gunicorn\n"
                                  "FROM python:3.12-slim\nRUN useradd --create-home appuser\nUSER appuser\n"
                                  "COPY --from=builder /root/.local /opt/pyuser\n"
                                  "ENV PYTHONUSERBASE=/opt/pyuser PATH=/opt/pyuser/bin:$PATH\n"
                                  'CMD ["gunicorn", "wsgi:app"]\n'))
    assert "COPY --from=builder /root/.local /opt/pyuser\n" in runtime
    assert "ENV PYTHONUSERBASE=/opt/pyuser PATH=/opt/pyuser/bin:$PATH\n" in runtime


def test_a_home_tree_that_is_no_user_install_stays() -> None:
    runtime = final_stage(migrate("FROM python:3.12-slim AS builder\nRUN mkdir -p /root/.local/share/app\n"
                                  "FROM python:3.12-slim\nRUN useradd --create-home appuser\nUSER appuser\n"
                                  "COPY --from=builder /root/.local /home/appuser/.local\n"
                                  'COPY app.py /app/\nCMD ["python", "/app/app.py"]\n'))
    assert "COPY --from=builder /root/.local /home/appuser/.local\n" in runtime


_PREFIX = ("FROM python:3.11 AS deps\nCOPY requirements.txt .\nRUN pip install --prefix=/install -r requirements.txt\n"
           "FROM python:3.11-slim AS base\nCOPY --from=deps /install /usr/local\n")


def test_a_prefix_tree_copied_to_usr_local_in_a_parent_stage_reaches_usr() -> None:
    # E6: the runtime copied the parent's /usr/local to /usr/local, which Chainguard's python does not read
    result = migrate(_PREFIX + 'FROM base\nRUN useradd app\nWORKDIR /app\nCOPY --chown=app . .\nUSER app\n'
                     'CMD ["gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    # root-owned, as the original's /usr/local was: the app user must not be able to rewrite its libraries
    assert "COPY --from=builder /usr/local /usr\n" in runtime
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
    assert "/usr/local /usr/local" not in runtime
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /usr/bin/gunicorn)")
    assert any("pip install --prefix" in m for m in messages(result, "MIG516"))


def test_a_prefix_tree_copied_through_a_stage_chain_the_final_stage_copies_from_reaches_usr() -> None:
    result = migrate(_PREFIX + "FROM base AS app\nWORKDIR /app\nCOPY . .\n"
                     "FROM python:3.11-slim\nCOPY --from=app /usr/local /usr/local\nCOPY --from=app /app /app\n"
                     'WORKDIR /app\nCMD ["gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=app /usr/local /usr\n" in runtime
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /usr/bin/gunicorn)")


def test_the_verdict_of_a_prefix_tree_copied_to_usr_names_usr_bin() -> None:
    # (it said /usr/local/bin/gunicorn: read as /install/local/bin, taken for the bin/ of the install tree)
    deps = _PREFIX.split("FROM python:3.11-slim AS base")[0]
    result = migrate(deps + "FROM python:3.11-slim\nCOPY --from=deps /install /usr/local\n"
                     'WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "app:app"]\n')
    assert "COPY --from=deps /install /usr\n" in final_stage(result)
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /usr/bin/gunicorn)")


def test_a_user_install_stays_in_root_home_when_the_runtime_keeps_running_as_root() -> None:
    # (the Docker socket keeps the program root: HOME=/root, where Python reads the user site)
    result = migrate("FROM python:3.12-slim AS builder\nRUN pip install --user docker\n"
                     "FROM python:3.12-slim\nCOPY --from=builder /root/.local /root/.local\n"
                     "ENV PATH=/root/.local/bin:$PATH\nVOLUME /var/run/docker.sock\n"
                     'COPY app.py /app/\nCMD ["python", "/app/app.py"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /root/.local /root/.local\n" in runtime
    assert "ENV PATH=/root/.local/bin:$PATH\n" in runtime
