"""A `pip install --target` tree reaches the runtime only when the runtime's Python reads it: fix49 copied one made
in / beside an app in /app even when only a later `pip install /wheels/*` in the builder used it (the packages are
in the virtualenv then, and the runtime carried a second copy of them)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

WHEELS = ("FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
          "RUN pip install --target=/wheels -r requirements.txt && pip install /wheels/*\n{env}"
          'CMD ["python", "app.py"]\n')


def test_a_target_used_only_by_a_later_install_in_the_builder_stays_there() -> None:
    result = migrate(WHEELS.format(env=""))
    runtime = final_stage(result)
    assert "/wheels" not in runtime
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime


@pytest.mark.parametrize("python_path", ["/wheels", "/opt/other:/wheels/", "../wheels"])
def test_a_target_on_pythonpath_is_copied(python_path: str) -> None:
    # (a relative entry is read from where the start runs, /app)
    runtime = final_stage(migrate(WHEELS.format(env=f"ENV PYTHONPATH={python_path}\n")))
    assert "COPY --from=builder /wheels /wheels\n" in runtime


def test_a_target_beside_the_app_after_a_cd_on_pythonpath_is_still_copied() -> None:
    runtime = final_stage(migrate("FROM python:3.12-slim\nCOPY requirements.txt app.py /srv/\n"
                                  "RUN cd /srv && pip install -t deps -r requirements.txt\nENV PYTHONPATH=/srv/deps\n"
                                  'CMD ["python", "/srv/app.py"]\n'))
    assert "COPY --from=builder /srv/deps /srv/deps\n" in runtime
