"""Adversary round 10 D2: a build-context script whose `#!` line names Docker Hub's interpreter path
(`#!/usr/local/bin/python`, `/usr/local/bin/python3.11`, `/usr/local/bin/node`) started on Chainguard's image, which
keeps its interpreter in /usr/bin: the kernel cannot start it, and the start check said `ok`."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import errors, final_stage, messages, migrate, status

_WORKER = ("FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
           "COPY bin/worker /usr/local/bin/worker\n{start}\n")


def _context(tmp_path: Path, path: str, first_line: str) -> Path:
    script = tmp_path / path
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"{first_line}\nimport celery\n")
    script.chmod(0o755)
    (tmp_path / "requirements.txt").write_text("celery\n")
    return tmp_path


@pytest.mark.parametrize("interpreter", ["/usr/local/bin/python", "/usr/local/bin/python3.11",
                                         "/usr/local/bin/python3"])
@pytest.mark.parametrize("start", ['CMD ["worker", "-l", "info"]', 'ENTRYPOINT ["worker", "-l", "info"]'])
def test_a_script_on_the_path_is_started_by_the_virtualenvs_python(tmp_path: Path, interpreter: str,
                                                                    start: str) -> None:
    result = migrate(_WORKER.format(start=start), context=_context(tmp_path, "bin/worker", f"#!{interpreter}"))
    keyword = start.split()[0]
    assert f'{keyword} ["python", "/usr/local/bin/worker", "-l", "info"]' in final_stage(result)
    assert any(f"`worker` starts with `#!{interpreter}`" in m for m in messages(result, "MIG545"))
    assert status(result) == "ok"


def test_a_node_script_started_by_its_path_is_started_by_node(tmp_path: Path) -> None:
    context = _context(tmp_path, "bin/www", "#!/usr/local/bin/node")
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    result = migrate("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"./bin/www\"]\n",
                     context=context)
    assert 'CMD ["node", "./bin/www"]' in final_stage(result)
    assert status(result) == "ok"


def test_an_interpreter_path_the_image_lacks_is_an_error_not_ok(tmp_path: Path) -> None:
    result = migrate(_WORKER.format(start='CMD ["worker"]'),
                     context=_context(tmp_path, "bin/worker", "#!/opt/conda/bin/python"))
    assert 'CMD ["worker"]' in final_stage(result)
    assert any("has no /opt/conda/bin/python, so the script cannot start" in m and
               '["python", "/usr/local/bin/worker", ...]' in m for m in errors(result, "MIG540"))
    assert status(result) == "broken"


def test_an_interpreter_path_the_image_has_is_left_alone(tmp_path: Path) -> None:
    result = migrate(_WORKER.format(start='CMD ["worker"]'),
                     context=_context(tmp_path, "bin/worker", "#!/usr/bin/python3"))
    assert 'CMD ["worker"]' in final_stage(result)
    assert status(result) == "ok"


def test_a_ruby_script_of_docker_hubs_ruby_is_started_by_ruby(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "worker").write_text("#!/usr/local/bin/ruby\nputs 1\n")
    result = migrate("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nCMD [\"bin/worker\"]\n", context=tmp_path)
    assert 'CMD ["ruby", "bin/worker"]' in final_stage(result)
    assert status(result) == "ok"
