"""Second adversarial round, E: what the tool prints about a file stays one line per thing, and the
contract's exit 2 holds for the hook too."""

from __future__ import annotations

from pathlib import Path

from clitools import SAMPLE, migrate

PRIVATE = "FROM registry.internal.example.com/platform/python:3.12\nCMD [\"python\"]\n"


def test_a_name_with_a_newline_or_an_escape_is_shown_escaped(tmp_path: Path) -> None:
    """E1: `p\\nq` split finding lines, `would migrate x` / `y` and the --diff headers; an ANSI escape in a
    name went to the terminal as it was."""
    (tmp_path / "p\nq").write_text(PRIVATE)
    (tmp_path / "x\x1b[2Jy").write_text(SAMPLE)
    findings = migrate("p\nq", cwd=tmp_path).stderr
    assert findings.startswith("p\\nq:1: E MIG202") and all(line.startswith("p\\nq:") for line in findings.splitlines())
    check = migrate("--check", "x\x1b[2Jy", cwd=tmp_path)
    assert "\x1b" not in check.stderr and "would migrate x\\x1b[2Jy\n" in check.stderr
    diff = migrate("--diff", "x\x1b[2Jy", cwd=tmp_path).stdout.splitlines()
    assert diff[:2] == ['--- "a/x\\033[2Jy"', '+++ "b/x\\033[2Jy"']
    text = migrate("--format", "text", "p\nq", cwd=tmp_path).stdout
    assert text.startswith("p\\nq:1: error MIG202") and len(text.splitlines()) == text.count("p\\nq:")
    hook = migrate("hook", "check", "p\nq", cwd=tmp_path).stdout
    assert hook.startswith("p\\nq: ") and "\np\n" not in hook


def test_a_byte_that_is_not_utf8_is_shown_as_the_byte(tmp_path: Path) -> None:
    """E4: `unknown instruction '\\udcff\\udcfe'`."""
    (tmp_path / "Dockerfile").write_bytes(b"FROM a\n\xff\xfe\n")
    done = migrate("Dockerfile", cwd=tmp_path)
    assert done.returncode == 2 and "unknown instruction '\\xff\\xfe'" in done.stderr


def test_hook_on_a_missing_file_is_exit_2_in_one_line(tmp_path: Path) -> None:
    """E3: exit 1, and `nosuchfile: error: ...` on stdout, where `migrate --check nosuchfile` exits 2."""
    for mode in ("check", "fix"):
        done = migrate("hook", mode, "nosuchfile", cwd=tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", "migrate hook: error: nosuchfile: no such file\n")


def test_hook_fix_of_a_file_and_a_link_to_it_is_one_file(tmp_path: Path) -> None:
    """E5: `D: migrated`, `L: migrated`, 'migrated 2 Dockerfiles' for one file."""
    (tmp_path / "D").write_text(SAMPLE)
    (tmp_path / "L").symlink_to("D")
    done = migrate("hook", "fix", "D", "L", cwd=tmp_path)
    assert done.returncode == 1 and "migrated 1 Dockerfile;" in done.stdout and "L:" not in done.stdout
    assert (tmp_path / "L").is_symlink() and (tmp_path / "D").read_text() != SAMPLE
