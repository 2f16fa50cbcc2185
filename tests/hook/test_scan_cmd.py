"""`migrate scan` and `migrate config`: a whole repository at once."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import time
from pathlib import Path

import pytest
from hooktools import NEEDS_MIGRATION, PRIVATE_BASE, git_init

from migrator.cli import main
from migrator.cli.scan_cmd import find_dockerfiles, is_dockerfile_name

MIGRATED = "FROM cgr.dev/chainguard/python:latest\nCMD python app.py\n"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("api.Dockerfile", True),
        ("api.dockerfile", True),
        ("Dockerfile.prod", True),
        ("Containerfile.dev", True),
        ("Dockerfile.bak", False),  # our own backups
        ("Dockerfile.migrator-backup", False),
        ("Dockerfile.dockerignore", False),
        ("Dockerfile-prod", False),  # not a Dockerfile name for pre-commit's `types: [dockerfile]` either
        ("dockerfile.md", False),
        ("README.md", False),
    ],
)
def test_dockerfile_names(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name) is expected


def test_gitignore_is_respected_in_a_work_tree(tmp_path: Path) -> None:
    git_init(tmp_path)
    for rel in ("Dockerfile", "svc/Containerfile", "build/Dockerfile", "untracked.Dockerfile"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(NEEDS_MIGRATION)
    (tmp_path / ".gitignore").write_text("build/\n")
    found = [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path)]
    assert found == ["Dockerfile", "svc/Containerfile", "untracked.Dockerfile"]
    found = [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path / "svc")]
    assert found == ["svc/Containerfile"]


def test_outside_git_the_walk_skips_vendored_trees(tmp_path: Path) -> None:
    for rel in (
        "Dockerfile",
        "node_modules/x/Dockerfile",
        "vendor/Dockerfile",
        ".venv/Dockerfile",
        "a/Dockerfile.ci",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(NEEDS_MIGRATION)
    found = [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path)]
    assert found == ["Dockerfile", "a/Dockerfile.ci"]


def make_tree(root: Path, groups: int) -> dict[str, int]:
    """`groups` each of: two files needing migration, one migrated, one private base (4 * groups files)."""
    for n in range(groups):
        d = root / f"svc{n:03d}"
        d.mkdir(parents=True)
        (d / "Dockerfile").write_text(NEEDS_MIGRATION)
        (d / "worker.Dockerfile").write_text(NEEDS_MIGRATION.replace("3.11", f"3.{n % 13}"))
        (d / "Containerfile").write_text(MIGRATED)
        (d / "Dockerfile.private").write_text(PRIVATE_BASE)
    return {"would change": 2 * groups, "unchanged": groups, "cannot migrate": groups}


def test_scan_summary_table(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    make_tree(tmp_path, 1)
    (tmp_path / "Dockerfile.empty").write_text("")
    assert main(["scan", str(tmp_path)]) == 2  # the unreadable file is an error (exit 2, as for `migrate FILE`)
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line
        for line in out.splitlines()
        if line.startswith("svc") or line.startswith("Dock")
    }
    assert rows["svc000/Dockerfile"].split()[1:3] == [
        "python:3.11-slim",
        "cgr.dev/chainguard/python:latest-dev",
    ]
    assert rows["svc000/Dockerfile"].endswith("0     1     1  would change")
    assert rows["svc000/Containerfile"].endswith("unchanged")
    assert rows["svc000/Dockerfile.private"].endswith("1     0     0  cannot migrate")
    assert rows["Dockerfile.empty"].endswith("error")
    assert "Dockerfile.empty: error MIG703 file is empty" in out
    assert "svc000/Dockerfile.private:1: error MIG202 unknown base image" in out
    assert "5 Dockerfiles: 2 would change, 1 unchanged, 1 cannot migrate, 1 error" in out


def test_scan_of_300_files_counts_and_throughput(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    expected = make_tree(tmp_path, 75)
    started = time.perf_counter()
    assert main(["scan", str(tmp_path)]) == 0  # "cannot migrate" does not fail by default
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    summary = out.splitlines()[-1]
    assert summary.startswith("300 Dockerfiles: 150 would change, 75 unchanged, 75 cannot migrate (")
    table = [line for line in out.splitlines() if line.startswith("svc")]
    assert len(table) == 300
    for status, count in expected.items():
        assert sum(1 for line in table if line.endswith(status)) == count
    print(f"scan of 300 files (fake pipeline, 1 job): {300 / elapsed:.0f} files/s")


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the fake pipeline reaches workers by fork"
)
def test_jobs_give_the_same_report_in_the_same_order(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    make_tree(tmp_path, 10)
    assert main(["scan", "--format", "json", str(tmp_path)]) == 0
    serial = capsys.readouterr().out
    assert main(["scan", "--jobs", "4", "--format", "json", str(tmp_path)]) == 0
    assert capsys.readouterr().out == serial


def test_write_applies_with_backups_and_rescan_is_clean(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    make_tree(tmp_path, 2)
    assert main(["scan", "--write", str(tmp_path)]) == 0
    assert "4 migrated, 2 unchanged, 2 cannot migrate" in capsys.readouterr().out
    assert (tmp_path / "svc000" / "Dockerfile.bak").read_text() == NEEDS_MIGRATION
    assert (
        (tmp_path / "svc000" / "Dockerfile")
        .read_text()
        .startswith("FROM cgr.dev/chainguard/python:latest-dev")
    )
    assert not (tmp_path / "svc000" / "Containerfile.bak").exists()  # unchanged files are not touched
    assert main(["scan", str(tmp_path)]) == 0
    assert "8 Dockerfiles: 6 unchanged, 2 cannot migrate" in capsys.readouterr().out  # backups not scanned


def test_machine_formats_keep_stdout_clean(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    make_tree(tmp_path, 1)
    assert main(["scan", "--format", "json", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    items = json.loads(captured.out)
    assert {(i["file"].rsplit("/", 2)[-2:][-1], i["code"], i["level"]) for i in items} >= {
        ("Dockerfile", "MIG301", "warning"),
        ("Dockerfile.private", "MIG202", "error"),
    }
    assert "4 Dockerfiles:" in captured.err
    assert main(["scan", "--format", "github", str(tmp_path)]) == 0
    assert any(line.startswith("::error file=") for line in capsys.readouterr().out.splitlines())


def test_fail_on_and_configuration(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    git_init(tmp_path)
    make_tree(tmp_path, 1)
    assert main(["scan", "--fail-on", "error", str(tmp_path)]) == 1
    assert (
        main(["scan", "--fail-on", "warning", "--ignore", "MIG301", "--ignore", "MIG202", str(tmp_path)]) == 0
    )
    (tmp_path / ".migrator.yaml").write_text("fail-on: warning\n")
    assert main(["scan", str(tmp_path)]) == 1
    assert main(["scan", "--fail-on", "never", str(tmp_path)]) == 0
    (tmp_path / ".migrator.yaml").write_text(
        "fail-on: warning\noverrides:\n  - paths: ['svc000/*']\n    fail-on: never\n"
    )
    assert main(["scan", str(tmp_path)]) == 0
    capsys.readouterr()
    (tmp_path / ".migrator.yaml").write_text("fail_on: sometimes\n")
    assert main(["scan", str(tmp_path)]) == 2
    assert (
        ".migrator.yaml:1: key 'fail-on': expected one of error, warning, info, never"
        in capsys.readouterr().err
    )


def test_org_option_changes_the_targets(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    (tmp_path / "Dockerfile").write_text(NEEDS_MIGRATION)
    assert main(["scan", "--org", "acme", str(tmp_path)]) == 0
    assert "cgr.dev/acme/python:latest-dev" in capsys.readouterr().out


def test_missing_directory_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["scan", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_config_show_prints_values_and_their_sources(tmp_path: Path, capsys) -> None:
    git_init(tmp_path)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / ".migrator.yaml").write_text(
        "org: acme\nignore: [MIG301]\noverrides:\n  - paths: ['legacy/**']\n    tag-policy: keep\n"
    )
    assert (
        main(
            [
                "config",
                "--show",
                "--format",
                "json",
                "--ignore",
                "MIG302",
                str(tmp_path / "legacy" / "Dockerfile"),
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    settings = shown["settings"]
    assert settings["registry"] == {
        "value": "cgr.dev/acme",
        "source": f"{tmp_path}/.migrator.yaml:1 (org: acme)",
    }
    assert settings["tag-policy"] == {"value": "keep", "source": f"{tmp_path}/.migrator.yaml:5"}
    assert settings["ignore"]["value"] == ["MIG301", "MIG302"]
    assert settings["ignore"]["source"] == f"{tmp_path}/.migrator.yaml:2 + command line"
    assert settings["fail-on"]["source"] == "default"
    assert main(["config", str(tmp_path)]) == 0  # YAML by default, top level only
    out = capsys.readouterr().out
    assert "config-file: " + str(tmp_path / ".migrator.yaml") in out
    assert "tag-policy:\n    value: latest\n    source: default" in out


def test_git_is_used_when_available(tmp_path: Path) -> None:
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0


@pytest.mark.parametrize(("signum", "code", "said"), [(2, 130, "migrate scan: interrupted"),
                                                      (15, 143, "migrate scan: terminated")])
def test_ctrl_c_stops_the_workers_of_a_parallel_scan_at_once(tmp_path: Path, signum: int, code: int,
                                                             said: str) -> None:
    """Second adversarial round, C8: with --jobs 2 the workers finished their chunk of up to 32 files (42-90 s)
    after `interrupted`, and Typer turned Ctrl-C into a silent exit 130."""
    import os
    import signal
    import sys

    slow = ("FROM python:3.12-slim\nRUN apt-get install -y " + " ".join(f"pkg{i}" for i in range(3000))
            + '\nCMD ["python"]\n')
    for index in range(40):
        (tmp_path / f"d{index}").mkdir()
        (tmp_path / f"d{index}" / "Dockerfile").write_text(slow)
    run = subprocess.Popen([sys.executable, "-m", "migrator", "scan", ".", "--jobs", "2"], cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                           env={**os.environ, "MIGRATOR_NO_CACHE": "1"},
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)
    assert run.poll() is None, "the scan ended before the signal: make the files slower"
    sent = time.monotonic()
    os.killpg(run.pid, signum)  # as a terminal sends Ctrl-C: to the whole process group
    assert run.wait(timeout=60) == code
    assert time.monotonic() - sent < 5
    assert run.stderr is not None and run.stderr.read() == said + "\n"  # every worker gone: the pipe is closed


def test_nested_repositories_and_submodules_are_scanned(tmp_path: Path) -> None:
    """Second adversarial round, D9: `git ls-files` lists a nested repository or a submodule as one entry,
    and their Dockerfiles were dropped without a word; their own .gitignore still counts."""
    git_init(tmp_path)
    for rel in ("svc-a/Dockerfile", "svc-b/Dockerfile", "svc-b/build/Dockerfile"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(NEEDS_MIGRATION)
    git_init(tmp_path / "svc-b")
    (tmp_path / "svc-b" / ".gitignore").write_text("build/\n")
    subprocess.run(["git", "-C", str(tmp_path / "svc-b"), "add", "."], check=True)
    subprocess.run(["git", "-C", str(tmp_path / "svc-b"), "commit", "-qm", "x"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "protocol.file.allow=always", "submodule", "add", "-q",
                    "./svc-b", "svc-sub"], check=True, capture_output=True)
    found = [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path)]
    assert found == ["svc-a/Dockerfile", "svc-b/Dockerfile", "svc-sub/Dockerfile"]


def test_a_link_out_of_the_tree_is_neither_read_nor_written(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    """D10: `scan repo --write` rewrote (and backed up) the file a link in the tree led to."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / "repo" / "svc").mkdir(parents=True)
    (tmp_path / "repo" / "svc" / "Dockerfile").symlink_to("../../outside/Dockerfile")
    (tmp_path / "repo" / "linked").symlink_to("../outside", target_is_directory=True)
    (tmp_path / "repo" / "Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / "repo" / "alias.Dockerfile").symlink_to("Dockerfile")  # inside: followed as before
    assert main(["scan", "--write", str(tmp_path / "repo")]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "outside" / "Dockerfile").read_text() == NEEDS_MIGRATION
    assert not (tmp_path / "outside" / "Dockerfile.bak").exists()
    assert out.count("warning MIG704 a link out of the scanned tree") == 1  # (os.walk does not enter linked/)
    assert "1 skipped" in out


def test_names_that_lead_to_no_file_are_skipped_with_a_finding(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    """Adversary round 3, R9: a dangling link made a read-only scan exit 2, while a FIFO was skipped silently."""
    import os

    for kind in ("dangling", "fifo", "file"):
        (tmp_path / kind).mkdir()
    (tmp_path / "file" / "Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / "dangling" / "Dockerfile").symlink_to("nowhere")
    os.mkfifo(tmp_path / "fifo" / "Dockerfile")
    for git in (False, True):
        if git:
            git_init(tmp_path)
        assert main(["scan", str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert "dangling/Dockerfile: warning MIG705 a dangling symlink (its target does not exist): not read" in out
        if not git:  # (git lists no FIFO: it cannot be part of a repository)
            assert "fifo/Dockerfile: warning MIG705 a FIFO: not read" in out
        assert f"{3 - git} Dockerfiles: 1 would change, {2 - git} skipped" in out


def test_a_link_to_another_dockerfile_of_the_tree_is_one_file(tmp_path: Path, fake_pipeline: None, capsys) -> None:
    """Adversary round 3, R9: `c/Dockerfile -> ../a/Dockerfile` counted "2 migrated" for one file written."""
    (tmp_path / "a").mkdir()
    (tmp_path / "c").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(NEEDS_MIGRATION)
    (tmp_path / "c" / "Dockerfile").symlink_to("../a/Dockerfile")
    assert main(["scan", "--write", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 Dockerfile: 1 migrated" in out
    assert "c/Dockerfile" not in out
    assert (tmp_path / "c" / "Dockerfile").is_symlink()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["Dockerfile", "Dockerfile.bak"]
