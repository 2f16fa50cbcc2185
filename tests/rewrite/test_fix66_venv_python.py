"""Adversary 12 G8: the distroless/python3 patterns start the image's python, which does not read the virtualenv the
packages are in (only the virtualenv's own bin/python does), and name the old python's versioned site-packages in
PYTHONPATH. The start command now runs the virtualenv's python (I MIG597) and the stale entries go (I MIG598)."""

from __future__ import annotations

from migration_tools import codes, final_stage, messages, migrate

SITE_PACKAGES = """\
FROM python:3.11-slim AS build
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM gcr.io/distroless/python3-debian12
COPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY app /app/app
WORKDIR /app
ENV PYTHONPATH=/usr/local/lib/python3.11/site-packages
CMD ["-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]
"""

APP_VENV = """\
FROM python:3.11-slim as build
WORKDIR /app
RUN python -m venv /app/venv
ENV PATH="/app/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12
WORKDIR /app
COPY --from=build /app/venv /app/venv
COPY app ./app
ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages{more}
ENTRYPOINT ["{python}", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]
"""


def test_a_cmd_of_arguments_to_the_images_python_runs_the_venvs_python() -> None:
    result = migrate(SITE_PACKAGES)
    final = final_stage(result)
    assert 'ENTRYPOINT ["/opt/venv/bin/python"]\nCMD ["-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]\n' in final
    assert "COPY --from=build /opt/venv /opt/venv\n" in final
    assert "PYTHONPATH" not in final  # (it named /usr/local's site-packages, which the venv replaced)
    assert "/opt/venv" in messages(result, "MIG597")[0]
    assert "/usr/local/lib/python3.11/site-packages" in messages(result, "MIG598")[0]
    assert result.runtime is not None and result.runtime.status == "ok"
    assert result.runtime.argv[0] == "/opt/venv/bin/python"


def test_the_apps_venv_named_by_pythonpath_is_started_by_its_own_python() -> None:
    result = migrate(APP_VENV.format(python="python3", more=""))
    final = final_stage(result)
    assert 'ENTRYPOINT ["/app/venv/bin/python3", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]\n' in final
    assert "PYTHONPATH" not in final
    assert codes(result).count("MIG597") == 1 and codes(result).count("MIG598") == 1
    assert result.runtime is not None and result.runtime.status == "ok"


def test_other_pythonpath_entries_stay() -> None:
    result = migrate(APP_VENV.format(python="/usr/local/bin/python3.11", more=":/app/lib"))
    final = final_stage(result)
    assert "ENV PYTHONPATH=/app/lib\n" in final
    assert 'ENTRYPOINT ["/app/venv/bin/python3", "-m", "uvicorn"' in final


def test_a_start_that_already_runs_the_venv_is_left_alone() -> None:
    text = APP_VENV.format(python="/app/venv/bin/python", more="").replace(
        "ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages\n", "")
    result = migrate(text)
    assert 'ENTRYPOINT ["/app/venv/bin/python", "-m", "uvicorn"' in final_stage(result)
    assert "MIG597" not in codes(result) and "MIG598" not in codes(result)


def test_a_venv_the_start_does_not_name_is_not_forced_on_it() -> None:
    """No PATH or PYTHONPATH to the copied venv: the original's python did not use it either."""
    text = APP_VENV.format(python="python3", more="").replace(
        "ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages\n", "").replace('ENV PATH="/app/venv/bin:$PATH"\n', "")
    result = migrate(text)
    assert 'ENTRYPOINT ["python3", "-m", "uvicorn"' in final_stage(result)
    assert "MIG597" not in codes(result)


def test_a_pythonpath_among_other_variables_goes_alone() -> None:
    text = SITE_PACKAGES.replace("ENV PYTHONPATH=/usr/local/lib/python3.11/site-packages\n",
                                 "ENV PYTHONPATH=/usr/local/lib/python3.11/site-packages \\\n    APP_ENV=prod\n")
    final = final_stage(migrate(text))
    assert "ENV \\\n    APP_ENV=prod\n" in final
    assert "PYTHONPATH" not in final


def test_a_shell_form_python_start_runs_the_venvs_python() -> None:
    text = APP_VENV.format(python="python3", more="").replace("gcr.io/distroless/python3-debian12", "python:3.11-slim")
    text = text.replace('ENTRYPOINT ["python3", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]',
                        "CMD python3 -m uvicorn app.main:app --host 0.0.0.0")
    result = migrate(text)
    final = final_stage(result)
    assert '"/app/venv/bin/python3", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]\n' in final
    assert "PYTHONPATH" not in final
    assert "MIG597" in codes(result)
