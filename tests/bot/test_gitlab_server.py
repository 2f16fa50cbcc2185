"""`migrate comment --platform gitlab` against a real HTTP server speaking the notes API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from forge import TOKEN, Fault, Forge

from migrator.cli.comment_cmd import comment_main

DOCKERFILE = "FROM golang:1.22\nRUN go build -o /app .\nCMD [\"/app\"]\n"


@pytest.fixture
def gl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve: Any, fake_pipeline: None,
       clean_env: None) -> Forge:
    forge = serve(Forge("gitlab"))
    (tmp_path / "build").mkdir()
    (tmp_path / "build/app.Dockerfile").write_text(DOCKERFILE)
    forge.files = [
        {"old_path": "build/app.Dockerfile", "new_path": "build/app.Dockerfile", "new_file": True,
         "renamed_file": False, "deleted_file": False, "diff": ""},
        {"old_path": "Dockerfile", "new_path": "Dockerfile", "new_file": False, "renamed_file": False,
         "deleted_file": True, "diff": ""},
    ]
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_API_V4_URL", forge.base + "/api/v4")
    monkeypatch.setenv("CI_PROJECT_ID", "group/sub/project")
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "12")
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    return forge


def _run(capsys: Any, *extra: str) -> tuple[int, str, str]:
    code = comment_main(["--max-wait", "3", "--retries", "2", "--backoff", "0.05", *extra])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_sticky_note_with_faults_and_pages(gl: Forge, capsys: Any, tmp_path: Path) -> None:
    for i in range(105):
        gl.add_comment(f"review note {i}")
    gl.comments[gl.add_comment("merged by someone")]["system"] = True
    gl.faults.append(Fault("POST", r"/notes$", 502, act_first=True))
    code, _, err = _run(capsys)
    assert code == 0, err
    [note] = gl.bot_comments()
    assert "build/app.Dockerfile" in note["body"] and "FROM cgr.dev/chainguard/golang:latest" in note["body"]
    assert "| `Dockerfile` |" not in note["body"]  # deleted in the MR: not migrated
    assert gl.count("POST") == 1
    (tmp_path / "build/app.Dockerfile").write_text(DOCKERFILE.replace("golang:1.22", "rust:1.80"))
    code, _, err = _run(capsys)
    assert code == 0, err
    [again] = gl.bot_comments()
    assert again["id"] == note["id"] and again["edits"] == 1 and "rust:latest" in again["body"]
    assert gl.count("POST") == 1
    assert any("/projects/group%2Fsub%2Fproject/" in path for _, path, _ in gl.requests)


def test_private_token_header_is_required(gl: Forge, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-notTheRightOne")
    code, out, err = _run(capsys)
    assert code == 2 and "401" in err and "glpat-notTheRightOne" not in out + err


def test_read_only_token_prints_the_report(gl: Forge, capsys: Any) -> None:
    gl.read_only = True
    code, out, err = _run(capsys)
    assert code == 0
    assert "build/app.Dockerfile" in out and "warning: the token cannot write comments" in err
    assert not gl.bot_comments()
