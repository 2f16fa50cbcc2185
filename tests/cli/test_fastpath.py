"""The hand-written parser of the hot path reads every command line it accepts exactly as Typer does,
and leaves everything else (help, errors, what it is unsure of) to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import SAMPLE, migrate, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.cli import fastpath
from migrator.cli.app import run
from migrator.cli.args import HookArgs, MigrateArgs


def typer_reads(argv: list[str]) -> object | None:
    """What the Typer application parses `argv` into, or None when it refuses it."""
    seen: list[object] = []
    try:
        code = run(list(argv), execute=lambda args: seen.append(args) or 0)
    except Exception:  # a usage error (errors.UsageError)
        return None
    return seen[0] if seen and code == 0 else None


WORDS = [
    "Dockerfile", "-", "a b", "--check", "--diff", "--json", "-i", "--write", "--no-backup", "--write-broken", "-q", "--quiet",
    "--pin", "--verify-tags", "--registry", "--registry=cgr.dev/acme", "cgr.dev/acme", "--org", "acme", "--org=", "--rules",
    "r.yaml", "--rules=r.yaml", "--ignore", "MIG301", "mig1,MIG2", "--tag-policy", "keep", "newest",
    "--tag-policy=latest", "--format", "sarif", "--format=xml", "--stdin-filename", "--", "-x", "--help", "-iq",
    "--check=yes", "--registry=", "--version", "--fail-on", "warning", "--explain", "--context", "ctx",
    "--context=ctx",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=7))
def test_migrate_command_lines_read_the_same(argv: list[str]) -> None:
    fast = fastpath.parse(argv)
    if fast is not None:
        assert isinstance(fast, MigrateArgs)
        assert typer_reads(argv) == fast, argv


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["check", "fix", "lint", "--pin"]),
       st.lists(st.sampled_from([*WORDS, "--fail-on=info", "never", "Containerfile"]), max_size=7))
def test_hook_command_lines_read_the_same(mode: str, rest: list[str]) -> None:
    argv = ["hook", mode, *rest]
    fast = fastpath.parse(argv)
    if fast is not None:
        assert isinstance(fast, HookArgs)
        assert typer_reads(argv) == fast, argv


@pytest.mark.parametrize("argv", [
    ["Dockerfile"], ["--check", "Dockerfile", "Containerfile"], ["-q", "--check", "--ignore", "MIG301", "-"],
    ["--registry", "cgr.dev/acme", "--tag-policy", "keep", "--rules", "r.yaml", "--diff", "Dockerfile"],
    ["--format=sarif", "Dockerfile"], ["hook", "check", "--fail-on", "warning", "Dockerfile"],
    ["hook", "fix", "Dockerfile", "--org", "acme", "Containerfile"],
])
def test_everyday_command_lines_take_the_fast_path(argv: list[str]) -> None:
    fast = fastpath.parse(argv)
    assert fast is not None and typer_reads(argv) == fast


@pytest.mark.parametrize("argv", [
    ["--help"], ["-h"], ["--version"], ["--tag-policy", "newest", "Dockerfile"], ["--check=1", "Dockerfile"],
    ["-iq", "Dockerfile"], ["--", "-Dockerfile"], ["--registry"], ["--registry", "--check", "Dockerfile"],
    ["--explain", "MIG301"], ["scan", "."], ["hook"], ["hook", "lint", "Dockerfile"], ["validate", "Dockerfile"],
])
def test_everything_else_goes_to_typer(argv: list[str]) -> None:
    assert fastpath.parse(argv) is None


def test_the_hot_path_does_not_import_typer(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    env = {**os.environ, "MIGRATOR_NO_CACHE": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}

    def imported(*argv: str) -> set[str]:
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "migrator", *argv], cwd=tmp_path,
                              capture_output=True, text=True, env=env, timeout=60, check=False)
        return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import")}

    heavy = {"typer", "click", "rich", "argparse", "httpx", "jinja2", "ruamel.yaml", "dataclasses", "inspect",
             "tempfile", "importlib.resources", "tomllib", "hashlib", "difflib",
             "typing", "urllib.parse", "ipaddress", "json", "signal"}  # 2, 1.5, 1 and 0.5 ms (docs/performance.md)
    for argv in (["Dockerfile"], ["--check", "Dockerfile"], ["hook", "check", "Dockerfile"]):
        modules = imported(*argv)
        assert "migrator.pipeline" in modules  # the measurement is real: the file was migrated
        assert not modules & heavy, (argv, modules & heavy)
    assert "typer" in imported("--tag-policy", "newest", "Dockerfile")  # the error comes from Typer


def test_a_warm_check_loads_neither_the_pipeline_nor_hashlib_nor_json(tmp_path: Path) -> None:
    """The hook's everyday case: the file did not change, the answer comes from the --check cache."""
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    env = {**os.environ, "MIGRATOR_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    runs = [subprocess.run([sys.executable, "-X", "importtime", "-m", "migrator", "--check", "Dockerfile"],
                           cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60, check=False)
            for _ in range(2)]
    assert [run.returncode for run in runs] == [1, 1]
    said = [[line for line in run.stderr.splitlines() if not line.startswith("import time:")] for run in runs]
    assert said[0] == said[1] and said[1][-1] == "would migrate Dockerfile"
    warm = {line.rsplit("|", 1)[-1].strip() for line in runs[1].stderr.splitlines() if line.startswith("import")}
    assert "migrator.pipeline" not in warm
    assert not warm & {"hashlib", "_hashlib", "json", "typing"}, warm


def test_pathlib_without_urllib_is_still_whole() -> None:
    """migrator imports pathlib with a stand-in for urllib.parse; Path.as_uri and urllib.parse still work."""
    code = ("import sys, migrator, pathlib; assert 'urllib.parse' not in sys.modules; "
            "print(pathlib.Path('/a b/\\u00fc').as_uri()); import urllib.parse; "
            "print(urllib.parse.quote('a b'), hasattr(urllib.parse, 'urlsplit'), sys.modules['urllib'].parse is urllib.parse)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "file:///a%20b/%C3%BC\na%20b True True\n"


@pytest.mark.parametrize("argv", [
    ["--tag-policy", "newest", "Dockerfile"], ["--check", "--diff", "Dockerfile"], ["--format", "xml", "Dockerfile"],
    ["--frobnicate", "Dockerfile"], ["--registry"], ["hook", "check", "--fail-on", "sometimes", "Dockerfile"],
    ["scan", "--jobs", "-1"], ["scan", "--format", "toml"], ["config", "--format", "toml"],
    ["validate", "--timeout", "abc", "Dockerfile"], ["doctor", "--json=yes"], ["comment", "--pr", "seven"],
    ["nonsense-command-or-file"],
])
def test_a_bad_command_line_is_one_line_and_exit_2_in_every_command(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    line = one_error_line(migrate(*argv, cwd=tmp_path))
    command = "migrate " + argv[0] if argv[0] in ("hook", "scan", "config", "validate", "doctor", "comment") else (
        "migrate")
    assert line.startswith(f"{command}: error: ")
    if argv != ["nonsense-command-or-file"]:  # (that one is a file that is not there, not a usage error)
        assert line.endswith(f"(see '{command} --help')")


def test_help_screens_look_like_one_program() -> None:
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    screens = {name: migrate(*argv, "--help", env=env) for name, argv in
               (("migrate", []), ("scan", ["scan"]), ("validate", ["validate"]), ("hook", ["hook"]))}
    for name, done in screens.items():
        assert done.returncode == 0, done.stderr
        usage = "Usage: migrate" + ("" if name == "migrate" else f" {name}") + " [OPTIONS]"
        assert usage in done.stdout, done.stdout[:300]
        assert "─ Options ─" in done.stdout and "--help" in done.stdout
    assert "─ Commands ─" in screens["migrate"].stdout
    for command in ("validate", "doctor", "scan", "hook", "config", "comment"):
        assert f"│ {command} " in screens["migrate"].stdout
    assert "\x1b[" not in "".join(done.stdout for done in screens.values())  # NO_COLOR


def test_output_is_whole_without_the_teardown(tmp_path: Path) -> None:
    """The fast path ends with os._exit: everything printed must still arrive, through a pipe too."""
    text = "".join(f"# comment line {n} {'x' * 80}\n" for n in range(3000)) + SAMPLE
    (tmp_path / "Dockerfile").write_text(text)
    whole = migrate("Dockerfile", cwd=tmp_path)
    assert whole.returncode == 0 and whole.stdout.count("# comment line") == 3000
    assert whole.stdout.endswith('CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n')
    check = migrate("--check", "Dockerfile", cwd=tmp_path)
    assert check.returncode == 1 and check.stderr.endswith("would migrate Dockerfile\n")
