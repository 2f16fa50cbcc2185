"""fix53: the simple commands of a RUN's script are read once per script (a migration asked a score of times about
the same few scripts); every caller still gets a list of its own, and flags are read as before."""

from __future__ import annotations

from migrator.parse.dockerfile import split_flags
from migrator.plan.facts import strip_env_prefix
from migrator.rewrite.shell_syntax import simple_commands

SCRIPT = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl\ncd /app && make"


def test_each_caller_gets_its_own_list() -> None:
    first = simple_commands(SCRIPT, 3)
    first.clear()
    again = simple_commands(SCRIPT, 3)
    assert [c.words[:2] for c in again] == [("apt-get", "update"), ("apt-get", "install"), ("cd", "/app"), ("make",)]
    assert [c.line for c in again] == [3, 3, 4, 4] and again[1].assignments == ("DEBIAN_FRONTEND=noninteractive",)
    assert [c.line for c in simple_commands(SCRIPT, 10)] == [10, 10, 11, 11]  # (the line is part of the key)
    assert simple_commands("if then fi (", 1) == []


def test_flags_and_assignments_read_as_before() -> None:
    assert split_flags("--from=build --chown=app:app /src /app") == ({"from": "build", "chown": "app:app"}, "/src /app")
    assert split_flags('--mount=type=cache,target=/root/.cache "--not-a-flag"') == (
        {"mount": "type=cache,target=/root/.cache"}, '"--not-a-flag"')
    assert split_flags("  /src /app ") == ({}, "/src /app")
    assert split_flags("--=x /a") == ({}, "--=x /a")
    assert strip_env_prefix(("env", "A=1", "B_2=x=y", "go", "build")) == ("go", "build")
    assert strip_env_prefix(("1A=1", "go")) == ("1A=1", "go") and strip_env_prefix(("make", "A=1")) == ("make", "A=1")


def test_globs_match_as_fnmatch_does() -> None:
    """glob_match remembers where each pattern's wildcards start (the rules' patterns are asked a thousand times)."""
    import fnmatch

    from migrator.regex import glob_match

    cases = [("python", "python"), ("python", "pyth*"), ("bitnami/python", "*/python"), ("3.12-slim", "3.1?-*"),
             ("node", "[mn]ode"), ("node", "python"), ("pythonx", "python"), ("py", "python*"), ("", "*")]
    for _ in range(2):
        assert [glob_match(n, p) for n, p in cases] == [fnmatch.fnmatchcase(n, p) for n, p in cases]


def test_an_instruction_reads_its_flags_once_and_each_caller_owns_them() -> None:
    from migrator.parse.dockerfile import parse_instruction

    copy = parse_instruction("COPY --from=build --chown=app /src /app\n", 4)
    copy.flags["from"] = "elsewhere"
    assert copy.flags == {"from": "build", "chown": "app"} and copy.body == "/src /app"
    copy.logical = "COPY --from=base /other /app"  # (a text read again when it is another)
    assert copy.flags == {"from": "base"} and copy.body == "/other /app"
    read = parse_instruction("COPY --from=build /src /app\n", 4)
    assert read.body and read == parse_instruction("COPY --from=build /src /app\n", 4)  # (what was read is no field)


def test_an_image_model_is_made_once_per_reference() -> None:
    from migrator.rules import load_rules

    rules = load_rules(())
    dev = rules.image_model("cgr.dev/chainguard/python:latest-dev")
    assert rules.image_model("cgr.dev/chainguard/python:latest-dev") is dev
    assert dev.has_program("pip") and not rules.image_model("cgr.dev/chainguard/python:latest").has_program("pip")
    assert rules.image_model("cgr.dev/chainguard/python:3.12") != rules.image_model("cgr.dev/chainguard/python:3.11")
