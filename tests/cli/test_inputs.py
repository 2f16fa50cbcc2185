"""Unlucky inputs stay inside the contract: exit 2 and one line, never a traceback, never a hang.

Issue 12, defects 2 (symlink loops), 3 (unreadable configuration), 7 (FIFOs), 8 (the --check
cache), 9 (encodings, NUL), 11 (registry/org values), 14 (small ones).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from clitools import SAMPLE, Done, give_to_nobody, migrate, one_error_line, playground, unprivileged  # fixtures

from migrator.cli.args import MigrateArgs

# --- defect 2: symlink loops ---------------------------------------------------------------------


@pytest.fixture
def loop(tmp_path: Path) -> Path:
    (tmp_path / "A").symlink_to("B")
    (tmp_path / "B").symlink_to("A")
    return tmp_path


def test_symlink_loop_is_refused_in_one_line(loop: Path) -> None:
    one_error_line(migrate("A", cwd=loop), "A: symlink loop")
    one_error_line(migrate("--write", "A", cwd=loop), "A: symlink loop")


def test_hook_reports_a_symlink_loop_as_a_file_error_and_scan_skips_it(loop: Path) -> None:
    """A file named on the command line must be read; in a scanned tree a loop is a name that leads to no
    file, skipped with MIG705 as a dangling link is (adversary round 3, R9)."""
    (loop / "Dockerfile.x").symlink_to("Dockerfile.y")
    (loop / "Dockerfile.y").symlink_to("Dockerfile.x")
    hook = migrate("hook", "check", "A", cwd=loop)
    assert hook.returncode == 2 and hook.stdout == "" and hook.stderr == "migrate hook: error: A: symlink loop\n"
    scan = migrate("scan", ".", cwd=loop)
    assert scan.returncode == 0 and scan.stderr == ""
    assert "Dockerfile.x: warning MIG705 a symlink loop: not read" in scan.stdout


# --- defect 3: configuration that cannot be read -------------------------------------------------


def test_dockerfile_in_a_closed_directory(playground: Path, unprivileged: Callable[..., Done]) -> None:
    closed = playground / "closed"
    closed.mkdir()
    (closed / "Dockerfile").write_text(SAMPLE)
    give_to_nobody(closed, closed / "Dockerfile")
    closed.chmod(0)
    one_error_line(unprivileged("closed/Dockerfile", cwd=playground), "closed/Dockerfile", "Permission denied")


@pytest.mark.parametrize("name", [".migrator.yaml", "pyproject.toml"])
def test_an_unreadable_configuration_file_is_an_error_whatever_its_kind(
        playground: Path, unprivileged: Callable[..., Done], name: str) -> None:
    (playground / "Dockerfile").write_text(SAMPLE)
    config = playground / name
    config.write_text("[tool.migrator]\nregistry = 'cgr.dev/acme'\n" if name == "pyproject.toml" else "org: acme\n")
    give_to_nobody(playground / "Dockerfile")
    config.chmod(0)
    one_error_line(unprivileged("Dockerfile", cwd=playground), name, "cannot read configuration", "Permission denied")


def test_pyproject_with_invalid_utf8(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.migrator]\nregistry = "caf\xe9"\n')
    one_error_line(migrate("Dockerfile", cwd=tmp_path), "pyproject.toml:2", "not valid UTF-8")
    one_error_line(migrate("config", "--show", ".", cwd=tmp_path), "pyproject.toml:2", "not valid UTF-8")


def test_pyproject_without_our_table_is_not_our_business(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    assert migrate("Dockerfile", cwd=tmp_path).returncode == 0


def test_configuration_symlink_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    (tmp_path / ".migrator.yaml").symlink_to(".migrator.yaml")
    one_error_line(migrate("Dockerfile", cwd=tmp_path), ".migrator.yaml", "symlink loop")


# --- defect 7: FIFOs and pipes -------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["--check"], ["--write"]])
def test_a_fifo_is_refused_without_hanging(tmp_path: Path, args: list[str]) -> None:
    os.mkfifo(tmp_path / "f")
    done = migrate(*args, "f", cwd=tmp_path, env={"MIGRATOR_NO_CACHE": ""}, timeout=20)
    one_error_line(done, "f: not a regular file", "'-'")


def test_a_process_substitution_pipe_is_refused_not_called_empty(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.write(write, SAMPLE.encode())
    os.close(write)
    try:
        done = migrate("--check", f"/dev/fd/{read}", env={"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path)},
                       pass_fds=(read,), timeout=20)
    finally:
        os.close(read)
    one_error_line(done, "not a regular file")


def test_standard_input_is_read_once_even_with_the_cache(tmp_path: Path) -> None:
    done = migrate("--check", "-", stdin=SAMPLE, env={"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 1 and "would migrate -" in done.stderr


# --- defect 8: the --check cache knows every input of the answer ---------------------------------


def test_check_cache_misses_when_a_configured_rules_file_changes(tmp_path: Path) -> None:
    env = {"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM corp.example.com/base:1\nRUN make\n")
    (project / ".migrator.yaml").write_text("rules: [mine.yaml]\n")
    rules = project / "mine.yaml"
    rules.write_text("images: []\n")
    assert migrate("--check", "Dockerfile", cwd=project, env=env).returncode == 0
    assert migrate("--check", "Dockerfile", cwd=project, env=env).returncode == 0  # from the cache
    rules.write_text('images:\n  - match: corp.example.com/base\n    ecosystem: python\n'
                     '    builder: "python:{version}-dev"\n    runtime: "python:{version}"\n')
    done = migrate("--check", "Dockerfile", cwd=project, env=env)
    assert done.returncode == 1 and "would migrate Dockerfile" in done.stderr
    hook = migrate("hook", "check", "Dockerfile", cwd=project, env=env)
    assert hook.returncode == 1
    rules.write_text("images: []\n")
    assert migrate("hook", "check", "Dockerfile", cwd=project, env=env).returncode == 0


def test_check_cache_keys_on_command_line_options(tmp_path: Path) -> None:
    env = {"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / "Dockerfile").write_text("FROM corp.example.com/base:1\nRUN make\n")
    assert "MIG202" not in migrate("--check", "--ignore", "MIG202", "Dockerfile", cwd=tmp_path, env=env).stderr
    assert "MIG202" in migrate("--check", "Dockerfile", cwd=tmp_path, env=env).stderr  # not the answer above


def test_check_cache_knows_where_the_configuration_search_stops(tmp_path: Path) -> None:
    """Second adversarial round, D8: a `.git` made between the file and its configuration ends the search
    there; the cached answer still came from the configuration above it."""
    env = {"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / ".migrator.yaml").write_text("rules: [r.yaml]\n")
    (tmp_path / "r.yaml").write_text('images:\n  - match: "registry.example.com/base/python"\n    ecosystem: python\n'
                                     '    builder: "python:latest-dev"\n    runtime: "python:latest"\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM registry.example.com/base/python:3.12\nRUN pip install flask\n"
                                        'CMD ["python","-m","flask","run"]\n')
    assert migrate("--check", "proj/Dockerfile", cwd=tmp_path, env=env).returncode == 1
    (project / ".git").write_text("gitdir: ../somewhere\n")  # as in a submodule or a worktree
    assert migrate("--check", "proj/Dockerfile", cwd=tmp_path, env=env).returncode == 0
    (project / ".git").unlink()
    assert migrate("--check", "proj/Dockerfile", cwd=tmp_path, env=env).returncode == 1


def _small_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # every cache entry fails to be written


def test_cache_writes_that_fail_leave_no_temporary_files(tmp_path: Path) -> None:
    """Second adversarial round, E2: on a full disk each run left a temporary file per cache entry."""
    cache = tmp_path / "cache"
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    for _ in range(2):
        done = migrate("--check", "Dockerfile", cwd=tmp_path, preexec_fn=_small_files,
                       env={"MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(cache)})
        assert done.returncode == 1, done.stderr
    left = [p.name for p in cache.rglob("*") if p.is_file()]
    assert not [name for name in left if name.startswith(".")], left


def test_no_home_means_no_cache_and_no_stray_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Second adversarial round, C2: HOME unset and a uid without a passwd entry (`docker run --user 12345`):
    `~` stays `~` (Path.home() raised; expanduser kept it), and the caches went into a directory named
    `~` in the current directory."""
    from migrator.api import migrate_text
    from migrator.cachedir import user_cache_dir
    from migrator.cli import checkcache
    from migrator.rules.cache import cached

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # what it does without a passwd entry
    monkeypatch.chdir(tmp_path)
    assert user_cache_dir() is None and checkcache.cache_dir() is None
    rules = tmp_path / "r.yaml"
    rules.write_text("a: 1\n")
    assert cached("test", [rules], lambda contents: {"n": len(contents)}, dict, dict) == {"n": 1}
    checkcache.store("0" * 64, True, "")
    assert checkcache.lookup("0" * 64) is None
    assert migrate_text(SAMPLE).changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.yaml"]


# --- defect 9: encodings -------------------------------------------------------------------------


def test_undecodable_bytes_round_trip_exactly(tmp_path: Path) -> None:
    original = (b'FROM python:3.12-slim\n# Z\xc3\xbcrich, Stra\xdfe\nLABEL city="Z\xc3\xbcrich" raw="\xff\xfe"\n'
                b"RUN pip install flask\nCMD python app.py\n")
    path = tmp_path / "Dockerfile"
    path.write_bytes(original)
    printed = subprocess.run([sys.executable, "-m", "migrator", str(path)], capture_output=True, timeout=60)
    assert printed.returncode == 0
    for line in original.splitlines(keepends=True)[1:3]:
        assert line in printed.stdout
    assert migrate("--write", str(path)).returncode == 0
    assert path.with_name("Dockerfile.bak").read_bytes() == original
    assert path.read_bytes() == printed.stdout
    again = subprocess.run([sys.executable, "-m", "migrator", str(path)], capture_output=True, timeout=60)
    assert again.stdout == printed.stdout  # idempotent on bytes too


def test_a_nul_byte_anywhere_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    data = b"FROM python:3.12\n" + b"# padding\n" * 1000 + b"RUN echo \x00\nCMD [\"python\"]\n"
    path.write_bytes(data)
    one_error_line(migrate("--write", str(path)), "NUL byte at offset")
    assert path.read_bytes() == data and not path.with_name("Dockerfile.bak").exists()


# --- defect 11: registry and organisation values -------------------------------------------------


@pytest.mark.parametrize("registry", [
    "https://cgr.dev/acme", "cgr.dev/acme:latest", "cgr.dev//acme", "cgr.dev/Acme", "cgr.dev/ac\tme",
    "cgr.dev/a\nRUN rm -rf /", "acme", "",
])
def test_bad_registry_is_refused_in_one_line(tmp_path: Path, registry: str) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    done = migrate("--registry", registry, "Dockerfile", cwd=tmp_path)
    one_error_line(done, "invalid --registry")
    assert done.stdout == ""
    (tmp_path / ".migrator.yaml").write_text(f"registry: {registry!r}\n".replace("'", '"').replace("\\t", "\\t"))
    one_error_line(migrate("Dockerfile", cwd=tmp_path), ".migrator.yaml:1: key 'registry'")


@pytest.mark.parametrize("org", ["ACME", "", "a/b", "acme\nRUN x"])
def test_bad_org_is_refused_in_one_line(tmp_path: Path, org: str) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    one_error_line(migrate("--org", org, "Dockerfile", cwd=tmp_path), "invalid --org")
    one_error_line(migrate("scan", "--org", org, ".", cwd=tmp_path), "invalid organisation")


@pytest.mark.parametrize("registry", ["cgr.dev/acme", "localhost:5000", "registry.example.com:443/a/b-c", "cgr.dev/acme/"])
def test_good_registries_are_accepted(tmp_path: Path, registry: str) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    done = migrate("--registry", registry, "Dockerfile", cwd=tmp_path)
    assert done.returncode == 0 and f"FROM {registry.rstrip('/')}/python:latest-dev" in done.stdout


# --- defect 14: small ones -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["scan", "--jobs", "-1"],
    ["scan", "--jobs", "many"],
    ["hook", "check", "--frobnicate"],
    ["validate", "--timeout", "abc", "Dockerfile"],
    ["validate", "--timeout", "nan", "Dockerfile"],
    ["validate", "--platform", "linux/arm64,linux/arm64/v8", "Dockerfile"],
    ["validate", "--platform", "linux/amd64,linux/x86_64", "Dockerfile"],
    ["config", "--format", "toml"],
    ["validate", "--registry", "cgr.dev/Acme", "Dockerfile"],
    ["comment", "--dry-run", "--org", "ACME", "--file", "Dockerfile"],
    ["--tag-policy", "newest", "Dockerfile"],
])
def test_bad_option_values_are_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    line = one_error_line(migrate(*args, cwd=tmp_path))
    assert line.startswith("migrate")


@pytest.mark.parametrize(("content", "reason"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"", "empty"),
    (b'{"name": "app", "version": 1}\n', "not a Dockerfile"),
])
def test_validate_refuses_what_is_not_a_dockerfile_with_exit_2(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    one_error_line(migrate("validate", str(path)), reason)


def test_scan_reports_a_directory_it_cannot_read(playground: Path, unprivileged: Callable[..., Done]) -> None:
    (playground / "Dockerfile").write_text(SAMPLE)
    secret = playground / "secret"
    secret.mkdir()
    (secret / "Dockerfile").write_text(SAMPLE)
    give_to_nobody(playground / "Dockerfile", secret, secret / "Dockerfile")
    secret.chmod(0)
    done = unprivileged("scan", ".", cwd=playground)
    assert done.returncode == 2 and "Traceback" not in done.stderr  # (N12: unreadable input is exit 2)
    assert "cannot read directory (Permission denied)" in done.stdout
    assert done.stderr == ("migrate scan: error: ./secret: cannot read directory (Permission denied): its "
                           "Dockerfiles were not scanned\n")


def test_answers_that_ask_a_registry_are_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.cli.app import run
    from migrator.cli.migrate_cmd import _cache_options

    def parsed(*argv: str) -> MigrateArgs:
        seen: list[MigrateArgs] = []
        run(list(argv), execute=lambda args: seen.append(args) or 0)
        return seen[0]

    monkeypatch.setenv("MIGRATOR_NO_CACHE", "")
    assert _cache_options(parsed("--check", "Dockerfile")) is not None
    for flag in ("--pin", "--verify-tags"):
        assert _cache_options(parsed("--check", flag, "Dockerfile")) is None


# --- --context DIR: the build context for a Dockerfile elsewhere, or for stdin -----------------------------

RUBY_SUBDIR = "FROM ruby:3.3\nWORKDIR /srv\nCOPY app/ ./\nRUN bundle install\nCMD [\"bundle\",\"exec\",\"puma\"]\n"


def test_context_option_reads_the_build_context_for_stdin(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Gemfile").write_text("ruby '3.3.3'\ngem 'puma'\n")
    with_context = migrate("--context", str(tmp_path), "-", stdin=RUBY_SUBDIR)
    assert with_context.returncode == 0
    assert "E MIG221" in with_context.stderr and "`app/Gemfile`" in with_context.stderr
    alone = migrate("-", stdin=RUBY_SUBDIR)  # no context for stdin: the Gemfile cannot be read
    assert "E MIG221" in alone.stderr and "cannot read" in alone.stderr
    assert with_context.stdout == alone.stdout


def test_context_option_overrides_the_dockerfiles_directory(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(RUBY_SUBDIR)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Gemfile").write_text("ruby '>= 3.1'\n")
    default = migrate("docker/Dockerfile", cwd=tmp_path)  # docker/ has no app/Gemfile
    assert "E MIG221" in default.stderr and "not in the build context" in default.stderr
    given = migrate("--context", ".", "docker/Dockerfile", cwd=tmp_path)
    assert "MIG221" not in given.stderr and "W MIG220" in given.stderr


def test_context_option_must_be_a_directory(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(RUBY_SUBDIR)
    one_error_line(migrate("--context", str(tmp_path / "nope"), str(tmp_path / "Dockerfile")),
                   "--context", "not a directory")


def test_hook_context_option_reads_the_build_context(tmp_path: Path) -> None:
    # pre-commit: `args: [--context, .]` for a Dockerfile under docker/ built with the repository as context
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(RUBY_SUBDIR)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Gemfile").write_text("ruby '>= 3.1'\n")
    default = migrate("hook", "check", "--fail-on", "error", "docker/Dockerfile", cwd=tmp_path)
    assert default.returncode == 1 and "MIG221" in default.stdout + default.stderr
    given = migrate("hook", "check", "--fail-on", "error", "--context", ".", "docker/Dockerfile", cwd=tmp_path)
    assert "MIG221" not in given.stdout + given.stderr
    one_error_line(migrate("hook", "check", "--context", "nope", "docker/Dockerfile", cwd=tmp_path),
                   "--context", "not a directory")


def test_a_non_utf8_byte_after_a_shell_operator_is_no_internal_error(tmp_path: Path) -> None:
    """Review 12 (P12-5): `&&\\x80 useradd` on a continued RUN line stopped the tool with a UnicodeDecodeError
    (exit 2) where the shell reader decoded a test or a `|| true` operand."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(b"FROM ubuntu:24.04\nRUN true \\\n &&\x80 useradd -d /srv/app app && mkdir /srv/app || true"
                           b" && [ -d /srv/app ]\nCMD [\"sleep\", \"1\"]\n")
    done = migrate("--check", str(dockerfile))  # (the output would carry the byte back: stdout is text here)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr.lower()
