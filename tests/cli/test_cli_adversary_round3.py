"""The third adversarial round's command-line items (/work/adversary2/REPORT.md, N12 ...): what the
README promises, run through `migrator.cli.main`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrator.cli import main

NEEDS_MIGRATION = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python","app.py"]\n'


# --- N12: a file in error among several: exit 2, and nothing is written --------------------------------


@pytest.mark.parametrize("argv", [["hook", "fix", "A", "B"], ["--write", "A", "B"]])
def test_writing_several_files_with_one_in_error_writes_none(argv: list[str], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("A").write_text(NEEDS_MIGRATION)
    Path("B").write_text("")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "B: file is empty" in err
    assert Path("A").read_text() == NEEDS_MIGRATION and not Path("A.bak").exists()


def test_scan_write_with_one_file_in_error_writes_none(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x/Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / "y/Dockerfile").write_bytes(b"\x00")
    assert main(["scan", str(tmp_path), "--write"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "nothing was written" in err and "y/Dockerfile" in err
    assert (tmp_path / "x/Dockerfile").read_text() == NEEDS_MIGRATION
    assert not (tmp_path / "x/Dockerfile.bak").exists()


def test_scan_and_hook_check_report_the_others_and_exit_2_for_a_file_in_error(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch,
                                                                                capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(NEEDS_MIGRATION)
    Path("README.md").write_text("hello\n")
    assert main(["hook", "check", "Dockerfile", "README.md"]) == 2
    out, err = capsys.readouterr()
    assert "Dockerfile: would be migrated" in out and "README.md" not in out
    assert err == "migrate hook: error: README.md: not a Dockerfile: no FROM instruction\n"
    Path("Containerfile").write_bytes(b"\x00\x01")
    assert main(["scan", "."]) == 2
    out, err = capsys.readouterr()
    assert "would change" in out and err.startswith("migrate scan: error: Containerfile: binary content")


# --- N13: two different names never print the same -----------------------------------------------------


def test_a_newline_and_a_backslash_n_in_names_print_differently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x\ny").write_text(NEEDS_MIGRATION)
    Path("x\\ny").write_text(NEEDS_MIGRATION)
    assert main(["--check", "x\ny", "x\\ny"]) == 1
    err = capsys.readouterr().err
    assert "would migrate x\\ny\n" in err and "would migrate x\\\\ny\n" in err
    assert main(["hook", "check", "x\ny", "x\\ny"]) == 1
    out = capsys.readouterr().out
    assert "x\\ny: would be migrated" in out and "x\\\\ny: would be migrated" in out


# --- N14: one setting under both spellings ------------------------------------------------------------


@pytest.mark.parametrize(("name", "text"), [
    (".migrator.yaml", "tag-policy: keep\ntag_policy: latest\n"),
    ("pyproject.toml", "[tool.migrator]\ntag_policy = 'keep'\ntag-policy = 'latest'\n"),
    (".migrator.yaml", "overrides:\n  - paths: ['x/*']\n    fail-on: error\n    fail_on: never\n"),
])
def test_a_setting_under_both_spellings_is_a_duplicate_key(name: str, text: str, tmp_path: Path,
                                                          capsys: Any) -> None:
    (tmp_path / name).write_text(text)
    assert main(["config", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "duplicate key" in err and f"{name}:" in err


def test_a_rules_entry_naming_a_fifo_says_it_is_not_a_regular_file(tmp_path: Path, capsys: Any) -> None:
    import os

    os.mkfifo(tmp_path / "rules.yaml")
    (tmp_path / ".migrator.yaml").write_text("rules: [rules.yaml]\n")
    assert main(["config", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a regular file: rules.yaml" in err and "no such" not in err


def test_write_of_standard_input_is_refused_not_printed(capsys: Any) -> None:
    assert main(["--write", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and "standard input" in captured.err


# --- adversary round 3, R7: a registry value with credentials in it ---------------------------------------


@pytest.mark.parametrize("value", ["ghp_S3cretT0kenAbCdEf:x@cgr.dev/acme",
                                   "https://ci-user:ghp_S3cretT0kenAbCdEf@cgr.dev/acme"])
def test_a_registry_value_with_a_token_is_refused_without_printing_it(value: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(NEEDS_MIGRATION)
    assert main(["--registry", value, "Dockerfile"]) == 2
    Path(".git").mkdir()
    Path(".migrator.yaml").write_text(f"registry: {value}\n")
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert "S3cretT0ken" not in err and err.count("***@cgr.dev/acme") == 2 and "docker login" in err
    assert len(err.strip().splitlines()) == 2
