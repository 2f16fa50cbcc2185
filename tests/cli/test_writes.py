"""Writing in place (`--write`, `scan --write`, `hook fix`): nothing is ever lost or half-written.

Issue 12, defects 1 (write errors), 5 (symlinks, owners), 6 (concurrent writers) and 13 (SIGTERM).
"""

from __future__ import annotations

import fcntl
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from clitools import (  # fixtures
    SAMPLE,
    Done,
    give_to_nobody,
    migrate,
    one_error_line,
    playground,
    unprivileged,
    without_findings,
)

from migrator.cli.files import Input, Replacement, replace_files
from migrator.model import MigratorError


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".migrate-"))


def two_dockerfiles(directory: Path) -> tuple[Path, Path]:
    first, second = directory / "a.Dockerfile", directory / "Dockerfile"
    first.write_text(SAMPLE)
    second.write_text(SAMPLE)
    return first, second


# --- defect 1: a write that cannot happen stops everything before the first rename ---------------


def test_read_only_directory_exits_2_naming_the_file_and_writes_nothing(
        playground: Path, unprivileged: Callable[..., Done]) -> None:
    project = playground / "project"
    project.mkdir()
    first, second = two_dockerfiles(project)
    give_to_nobody(project, first, second)
    project.chmod(0o555)
    done = unprivileged("--write", "a.Dockerfile", "Dockerfile", cwd=project)
    one_error_line(done, "a.Dockerfile", "Permission denied", "nothing was written")
    assert first.read_text() == SAMPLE and second.read_text() == SAMPLE
    assert sorted(p.name for p in project.iterdir()) == ["Dockerfile", "a.Dockerfile"]


@pytest.mark.parametrize("command", [
    ["--write", "a.Dockerfile", "Dockerfile"],
    ["scan", "--write", "."],
])
def test_backup_path_that_is_a_directory_stops_every_write(tmp_path: Path, command: list[str]) -> None:
    first, second = two_dockerfiles(tmp_path)
    (tmp_path / "Dockerfile.bak").mkdir()
    done = migrate(*command, cwd=tmp_path)
    one_error_line(done, "Dockerfile.bak is a directory", "nothing was written")
    assert first.read_text() == SAMPLE and second.read_text() == SAMPLE  # the first file too
    assert not (tmp_path / "a.Dockerfile.bak").exists() and leftovers(tmp_path) == []


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))  # the sample fits, its migration does not


@pytest.mark.parametrize("command", [
    ["--write", "a.Dockerfile", "Dockerfile"],
    ["scan", "--write", "."],
    ["hook", "fix", "a.Dockerfile", "Dockerfile"],
])
def test_a_full_disk_leaves_every_file_and_no_temporary(tmp_path: Path, command: list[str]) -> None:
    """A file-size limit fails the write the way a full disk does (EFBIG instead of ENOSPC)."""
    first, second = two_dockerfiles(tmp_path)
    done = migrate(*command, cwd=tmp_path, preexec_fn=_small_file_limit)
    one_error_line(done, "Dockerfile", "File too large", "nothing was written")
    assert first.read_text() == SAMPLE and second.read_text() == SAMPLE
    assert leftovers(tmp_path) == [] and not list(tmp_path.glob("*.bak"))


def test_a_full_tmpfs(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and tmpfs mounts")
    try:
        (mount / "Dockerfile").write_text(SAMPLE)
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 512):  # fill what is left
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        done = migrate("--write", "Dockerfile", cwd=mount)
        one_error_line(done, "Dockerfile", "No space left on device", "nothing was written")
        assert (mount / "Dockerfile").read_text() == SAMPLE and leftovers(mount) == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_rename_failure_after_others_says_which_were_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_dockerfiles(tmp_path)
    real_replace = os.replace

    def failing_for_second(source: str, destination: object) -> None:
        if str(destination) == str(second.resolve()):
            raise OSError(5, "Input/output error")
        real_replace(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_for_second)
    replacements = [Replacement(Input(p.name, SAMPLE.encode(), p.resolve()), "FROM x\n", backup=False)
                    for p in (first, second)]
    with pytest.raises(MigratorError) as error:
        replace_files(replacements)
    assert str(error.value) == ("Dockerfile: cannot replace it (Input/output error); written: a.Dockerfile; "
                                "not written: Dockerfile")
    assert first.read_text() == "FROM x\n" and second.read_text() == SAMPLE and leftovers(tmp_path) == []


def test_a_target_whose_backup_is_another_target_is_refused_whole(tmp_path: Path) -> None:
    """Second adversarial round, A1: `migrate --write Dockerfile*` names Dockerfile and Dockerfile.bak; the
    first one's backup would be written over the second, which is then migrated: the original is lost."""
    original, kept = tmp_path / "Dockerfile", tmp_path / "Dockerfile.bak"
    original.write_text(SAMPLE)
    kept.write_text("FROM node:20\nCMD [\"node\", \"server.js\"]\n")
    done = migrate("--write", "Dockerfile", "Dockerfile.bak", cwd=tmp_path)
    one_error_line(done, "Dockerfile: its backup would replace Dockerfile.bak", "nothing was written")
    assert original.read_text() == SAMPLE and kept.read_text().startswith("FROM node:20")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "Dockerfile.bak"]
    assert migrate("--write", "--no-backup", "Dockerfile", "Dockerfile.bak", cwd=tmp_path).returncode == 0


def test_a_name_too_long_for_its_backup_is_one_line(tmp_path: Path) -> None:
    """Second adversarial round, C4: NAME + .bak longer than the file system allows (255 bytes)."""
    name = "D" * 252
    (tmp_path / name).write_text(SAMPLE)
    done = migrate("--write", name, cwd=tmp_path)
    one_error_line(done, "cannot keep a backup", "File name too long", "nothing was written")
    assert (tmp_path / name).read_text() == SAMPLE and leftovers(tmp_path) == []
    assert migrate("--write", "--no-backup", name, cwd=tmp_path).returncode == 0


# --- defect 5: symlinks and owners ---------------------------------------------------------------


def test_write_through_a_symlink_migrates_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    target = tmp_path / "docker" / "Dockerfile.prod"
    target.write_text(SAMPLE)
    (tmp_path / "Dockerfile").symlink_to("docker/Dockerfile.prod")
    done = migrate("--write", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "Dockerfile").is_symlink() and os.readlink(tmp_path / "Dockerfile") == "docker/Dockerfile.prod"
    assert "cgr.dev/chainguard" in target.read_text()
    assert (tmp_path / "docker" / "Dockerfile.prod.bak").read_text() == SAMPLE
    assert "migrated Dockerfile (-> " in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can write another user's file")
def test_write_as_root_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(SAMPLE)
    os.chown(path, 1234, 5678)
    path.chmod(0o640)
    assert migrate("--write", str(path)).returncode == 0
    for written in (path, tmp_path / "Dockerfile.bak"):
        info = written.stat()
        assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (1234, 5678, 0o640)


def test_a_file_whose_owner_cannot_be_kept_is_not_replaced(playground: Path,
                                                            unprivileged: Callable[..., Done]) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs a file owned by another user")
    path = playground / "Dockerfile"
    path.write_text(SAMPLE)  # root's, in a directory nobody may write
    done = unprivileged("--write", "--no-backup", "Dockerfile", cwd=playground)
    one_error_line(done, "Dockerfile", "cannot keep its owner", "nothing was written")
    assert path.read_text() == SAMPLE and path.stat().st_uid == 0 and leftovers(playground) == []


# --- defect 6: concurrent writers ----------------------------------------------------------------


def test_two_concurrent_writes_keep_the_original_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    command = [sys.executable, "-m", "migrator", "--write", str(path)]
    env = {**os.environ, "MIGRATOR_NO_CACHE": "1"}
    for _ in range(4):
        path.write_text(SAMPLE)
        (tmp_path / "Dockerfile.bak").unlink(missing_ok=True)
        runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
        outcomes = [(run.wait(timeout=60), run.stderr.read() if run.stderr else "") for run in runs]
        assert (tmp_path / "Dockerfile.bak").read_text() == SAMPLE
        assert "cgr.dev/chainguard" in path.read_text()
        for code, err in outcomes:  # the loser, if they overlapped, says so in one line
            err = without_findings(err)
            assert code == 0 or (code == 2 and "changed since it was read" in err and len(err.splitlines()) == 1)


def test_a_file_changed_after_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(SAMPLE)
    stale = Input("Dockerfile", SAMPLE.encode(), path)
    path.write_text(SAMPLE + "# an edit made meanwhile\n")
    with pytest.raises(MigratorError, match="changed since it was read"):
        replace_files([Replacement(stale, "FROM x\n", backup=True)])
    assert path.read_text().endswith("meanwhile\n") and not (tmp_path / "Dockerfile.bak").exists()


# --- defect 13: SIGTERM in the middle of a write --------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_during_a_write_removes_its_temporary_files(tmp_path: Path, signum: int, code: int) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(SAMPLE)
    directory = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(directory, fcntl.LOCK_EX)  # the writer stages its files, then waits for this lock
    try:
        run = subprocess.Popen([sys.executable, "-m", "migrator", "--write", str(path)], stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "MIGRATOR_NO_CACHE": "1"})
        deadline = time.monotonic() + 30
        while len(leftovers(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(leftovers(tmp_path)) == 2  # the backup and the new text, staged
        run.send_signal(signum)
        assert run.wait(timeout=30) == code
    finally:
        os.close(directory)
    assert run.stderr is not None and without_findings(run.stderr.read()) == "migrate: terminated"
    assert leftovers(tmp_path) == [] and path.read_text() == SAMPLE


def wait_until_blocked(pid: int, timeout: float = 30) -> None:
    """Wait until the process sleeps with its processor time unchanged for half a second (it is waiting)."""
    deadline = time.monotonic() + timeout
    last, quiet_since = "", time.monotonic()
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        state, cpu = fields[0], fields[11] + "/" + fields[12]  # state, utime/stime
        if state != "S" or cpu != last:
            last, quiet_since = cpu, time.monotonic()
        elif time.monotonic() - quiet_since >= 0.5:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} never waited")


def test_ctrl_c_is_one_line_and_exit_130() -> None:
    run = subprocess.Popen([sys.executable, "-m", "migrator", "-"], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    wait_until_blocked(run.pid)  # reading standard input; a fixed sleep lost the race on a loaded machine
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130 and err.strip() == "migrate: interrupted"
