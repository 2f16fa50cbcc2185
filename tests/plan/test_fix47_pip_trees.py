"""Adversary round 10 D13: a file split into builder and runtime whose `pip install --target=DIR` / `--prefix=DIR`
writes DIR, not the virtualenv the runtime copies: the start read DIR (PYTHONPATH, PATH) and the runtime lacked it."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, final_stage, messages, migrate, status


def test_a_target_tree_on_pythonpath_is_copied_to_the_runtime() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --target=/opt/deps -r requirements.txt\n"
                     'ENV PYTHONPATH=/opt/deps\nCMD ["python", "-m", "gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/deps /opt/deps" in runtime
    assert "ENV PYTHONPATH=/opt/deps" in runtime
    assert any("the runtime copies /opt/deps too" in m for m in messages(result, "MIG516"))


def test_a_prefix_tree_on_path_and_pythonpath_is_copied_to_the_runtime() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --prefix /opt/py -r requirements.txt\n"
                     "ENV PYTHONPATH=/opt/py/lib/python3.11/site-packages PATH=/opt/py/bin:$PATH\n"
                     'CMD ["gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/py /opt/py" in runtime
    assert "PYTHONPATH=/opt/py/lib/python3.14/site-packages" in runtime  # (the image's python writes 3.14)
    assert status(result) == "ok"


def test_a_tree_the_start_names_is_copied() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --prefix=/srv/py gunicorn\n"
                     'CMD ["/srv/py/bin/gunicorn", "app:app"]\n')
    assert "COPY --from=builder /srv/py /srv/py" in final_stage(result)


@pytest.mark.parametrize("option", ["--prefix=/usr/local", "--prefix /usr/local",
                                    "-t /usr/local/lib/python3.11/site-packages"])
def test_an_install_into_docker_hubs_own_site_goes_to_the_virtualenv(option: str) -> None:
    result = migrate(f"FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir {option} -r r.txt"
                     ' && pip install --user flask\nCMD ["gunicorn", "app:app"]\n')
    assert "RUN pip install --no-cache-dir -r r.txt && pip install flask\n" in builder_stage(result)
    assert "/usr/local" not in final_stage(result)
    assert any("pip installs into the virtualenv, which the runtime copies" in m for m in messages(result, "MIG516"))


def test_a_target_the_start_never_reads_is_not_copied_and_the_warning_stays() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --target=/wheels -r r.txt\n"
                     'CMD ["python", "app.py"]\n')
    assert "/wheels" not in final_stage(result)
    assert any("set PYTHONPATH" in m for m in messages(result, "MIG516"))
    assert not any("the runtime copies /wheels too" in m for m in messages(result, "MIG516"))


def test_uv_pip_install_target_is_copied_as_pips() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN uv pip install --target /opt/deps -r r.txt\n"
                     'ENV PYTHONPATH=/opt/deps\nCMD ["python", "app.py"]\n')
    assert "COPY --from=builder /opt/deps /opt/deps" in final_stage(result)
