"""A `pip install --prefix=/install` tree moved into /usr/local by a RUN (`cp -r /install/. /usr/local/`,
`cp -a /install/* /usr/local`, `mv /install/* /usr/local/`) rather than by a COPY: Chainguard's python reads
/usr/lib/python3.X/site-packages, never /usr/local, so the runtime takes that /usr/local into /usr, as it takes
`COPY --from=b /install /usr/local` (review 16, P16-1)."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, final_stage, messages, migrate, status

PARENT_MOVES = """\
FROM python:3.12 AS base
RUN pip install --prefix=/install httpie
FROM base AS mid
RUN {move}
FROM python:3.12-slim
COPY --from=mid /usr/local /usr/local
CMD ["http", "--version"]
"""


@pytest.mark.parametrize("move", ["cp -r /install/. /usr/local/", "cp -a /install/* /usr/local",
                                  "mv /install/* /usr/local/"])
def test_a_tree_a_parent_stage_moved_into_usr_local_lands_in_usr(move: str) -> None:
    result = migrate(PARENT_MOVES.format(move=move))
    assert "COPY --from=mid /usr/local /usr\n" in final_stage(result)
    assert any("/install holds `pip install --prefix` output: copied to /usr" in m
               and "the RUN at line 4 put its contents in /usr/local" in m for m in messages(result, "MIG516"))
    assert status(result) == "ok"


def test_a_tree_copied_into_a_directory_of_its_own_name_is_not_moved() -> None:
    result = migrate(PARENT_MOVES.format(move="cp -r /install /usr/local/"))  # (/usr/local/install)
    assert "COPY --from=mid /usr/local /usr/local\n" in final_stage(result)


def test_a_stage_whose_prefix_install_moves_to_usr_local_makes_no_virtualenv() -> None:
    result = migrate("FROM python:3.12 AS build\nRUN pip install --prefix=/install flask\nRUN mv /install/* /usr/local/\n"
                     "FROM python:3.12-slim\nCOPY --from=build /usr/local /usr/local\nWORKDIR /app\nCOPY . .\n"
                     'CMD ["python", "app.py"]\n')
    assert "venv" not in result.dockerfile  # (an empty virtualenv's python would not see /usr/lib/python3.X)
    assert "COPY --from=build /usr/local /usr\n" in final_stage(result)


@pytest.mark.parametrize("stages", [
    "FROM python:3.12-slim\nRUN pip install --prefix=/install flask gunicorn\nRUN cp -a /install/* /usr/local/\n",
    "FROM python:3.12 AS build\nRUN pip install --prefix=/install flask gunicorn\nFROM python:3.12-slim\n"
    "COPY --from=build /install /install\nRUN cp -a /install/* /usr/local/ && rm -rf /install\n",
])
def test_the_final_stage_moving_the_tree_gives_the_runtime_its_usr_local_in_usr(stages: str) -> None:
    result = migrate(stages + 'WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local /usr\n" in runtime
    assert "/usr/local/sbin" not in runtime and "venv" not in builder_stage(result)
    assert any("copied to /usr" in m for m in messages(result, "MIG516"))
    assert status(result) == "ok"  # (gunicorn: /install/bin/gunicorn, moved to /usr/local/bin, copied to /usr/bin)


def test_a_prefix_install_into_usr_local_gets_no_empty_virtualenv() -> None:
    result = migrate("FROM python:3.12 AS builder\nRUN pip install --prefix=/usr/local flask gunicorn\n"
                     "FROM python:3.12-slim\nCOPY --from=builder /usr/local /usr/local\nWORKDIR /app\nCOPY . .\n"
                     'CMD ["gunicorn", "app:app"]\n')
    # (a virtualenv first on PATH would run python without /usr/lib/python3.X/site-packages, where the tree lands)
    assert "venv" not in result.dockerfile
    assert "COPY --from=builder /usr/local /usr\n" in final_stage(result)
    assert status(result) == "ok"


def test_the_tree_a_middle_stage_copied_in_and_moved_is_followed_to_its_install() -> None:
    result = migrate("FROM python:3.12 AS build\nRUN pip install --prefix=/install httpie\n"
                     "FROM python:3.12-slim AS mid\nCOPY --from=build /install /install\nRUN cp -a /install/. /usr/local/\n"
                     'FROM python:3.12-slim\nCOPY --from=mid /usr/local /usr/local\nCMD ["http", "--version"]\n')
    assert "COPY --from=mid /usr/local /usr\n" in final_stage(result)
    assert status(result) == "ok"
