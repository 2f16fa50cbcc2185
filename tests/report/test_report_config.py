"""Configuration: discovery, precedence, the effective values and clear errors for bad files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from migrator import config as cfg
from migrator.config import apply_cli, load_config, should_fail
from migrator.model import DEFAULT_REGISTRY, Finding, MigratorError, Severity, TagPolicy


@pytest.fixture(autouse=True)
def fresh() -> None:
    cfg.clear_cache()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "svc" / "api").mkdir(parents=True)
    return root


def test_defaults_without_a_file(repo: Path) -> None:
    config = load_config(repo / "svc" / "api" / "Dockerfile")
    assert config.path is None
    options = config.options_for(repo / "Dockerfile")
    assert (options.registry, options.tag_policy, options.rules_files, options.ignore) == (
        DEFAULT_REGISTRY,
        TagPolicy.LATEST,
        (),
        frozenset(),
    )
    assert config.fail_on_for(repo / "Dockerfile") is None


def test_found_upwards_nearest_wins_and_stops_at_the_repository(repo: Path) -> None:
    (repo.parent / ".migrator.yaml").write_text("org: outside\n")  # above .git: never used
    assert load_config(repo / "svc" / "api").path is None
    cfg.clear_cache()
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.migrator]\norg = "acme"\n')
    (repo / "svc" / "pyproject.toml").write_text('[project]\nname = "y"\n')  # no [tool.migrator]: passed over
    config = load_config(repo / "svc" / "api" / "Dockerfile")
    assert config.path == repo / "pyproject.toml"
    assert config.options_for(repo / "svc" / "api" / "Dockerfile").registry == "cgr.dev/acme"
    cfg.clear_cache()
    (repo / "svc" / ".migrator.yaml").write_text("registry: registry.acme.io/mirror\n")
    assert load_config(repo / "svc" / "api").options_for(repo / "x").registry == "registry.acme.io/mirror"


def test_yaml_is_preferred_to_pyproject_in_one_directory(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.migrator]\ntag_policy = "keep"\n')
    (repo / ".migrator.yml").write_text("tag-policy: latest\n")
    assert load_config(repo).path == repo / ".migrator.yml"


def test_every_key_and_overrides(repo: Path) -> None:
    (repo / "rules").mkdir()
    (repo / "rules" / "extra.yaml").write_text("images: []\n")
    (repo / "rules" / "legacy.yaml").write_text("images: []\n")
    (repo / ".migrator.yaml").write_text(
        "registry: cgr.dev/acme\n"
        "tag-policy: keep\n"
        "rules: [rules/extra.yaml]\n"
        "ignore: [MIG301]\n"
        "fail-on: warning\n"
        "overrides:\n"
        "  - paths: ['legacy/**', 'Dockerfile.old']\n"
        "    org: legacy\n"
        "    rules: [rules/legacy.yaml]\n"
        "    ignore: [mig302]\n"
        "    fail-on: never\n"
    )
    config = load_config(repo)
    main = config.options_for(repo / "svc" / "Dockerfile")
    assert main.registry == "cgr.dev/acme"
    assert main.tag_policy is TagPolicy.KEEP
    assert main.rules_files == (repo / "rules" / "extra.yaml",)
    assert main.ignore == {"MIG301"}
    assert config.fail_on_for(repo / "svc" / "Dockerfile") == "warning"
    for legacy in (repo / "legacy" / "a" / "Dockerfile", repo / "svc" / "Dockerfile.old"):
        options = config.options_for(legacy)
        assert options.registry == "cgr.dev/legacy"
        assert options.rules_files == (repo / "rules" / "extra.yaml", repo / "rules" / "legacy.yaml")
        assert options.ignore == {"MIG301", "MIG302"}
        assert config.fail_on_for(legacy) == "never"


def test_command_line_overrides_the_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".migrator.yaml").write_text("org: acme\ntag-policy: keep\nignore: [MIG301]\nfail-on: info\n")
    (repo / "mine.yaml").write_text("images: []\n")
    monkeypatch.chdir(repo)
    config = apply_cli(
        load_config(repo),
        registry="r.example/x",
        tag_policy="latest",
        rules=["mine.yaml"],
        ignore=["MIG9"],
        fail_on="never",
    )
    options = config.options_for(repo / "Dockerfile")
    assert options.registry == "r.example/x"
    assert options.tag_policy is TagPolicy.LATEST
    assert options.rules_files == (repo / "mine.yaml",)
    assert options.ignore == {"MIG301", "MIG9"}
    assert config.fail_on_for(repo / "Dockerfile") == "never"
    described = config.describe()["settings"]
    assert described["registry"]["source"] == "command line"
    assert described["ignore"]["source"] == f"{repo}/.migrator.yaml:3 + command line"
    assert apply_cli(load_config(repo), org="other").options_for(repo).registry == "cgr.dev/other"


def test_describe_names_lines_in_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.migrator]\nfail_on = "error"\n')
    described = load_config(repo).describe()
    assert described["config-file"] == str(repo / "pyproject.toml")
    assert described["settings"]["fail-on"] == {"value": "error", "source": f"{repo}/pyproject.toml:5"}
    assert described["settings"]["registry"] == {"value": DEFAULT_REGISTRY, "source": "default"}


BAD = [
    ("registry: cgr.dev/a\ntag_polcy: keep\n", ":2: unknown key 'tag_polcy'; did you mean 'tag-policy'?"),
    ("tag-policy: newest\n", ":1: key 'tag-policy': expected latest or keep, got 'newest'"),
    ("org: acme\nregistry: cgr.dev/x\n", ":2: keys 'registry' and 'org' cannot both be set"),
    ("rules: [missing.yaml]\n", ":1: key 'rules': no such rules file: missing.yaml"),
    ("ignore: [DL3006, 42]\n", ":1: key 'ignore': expected a list of finding codes"),
    ("registry: https://cgr.dev/a\n", ":1: key 'registry': invalid registry 'https://cgr.dev/a': no scheme"),
    ("fail-on: [error]\n", ":1: key 'fail-on': expected one of error, warning, info, never"),
    ("overrides:\n  - fail-on: never\n", ":2: key 'overrides[1].paths': expected a non-empty list of globs"),
    (
        "overrides:\n  - paths: [a]\n    tag-policy: old\n",
        ":3: key 'overrides[1].tag-policy': expected latest",
    ),
    ("org: [a\n", ":2: invalid YAML"),
    ("- a\n- b\n", ": expected a mapping of settings, got a list"),
    # second adversarial round, C1 and C3: aliases and deep nesting cost more than the file's size
    ("ignore:\n  - &a [x, x]\n  - &b [*a, *a]\n", ":3: invalid YAML: aliases are not allowed (*a)"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", ":1: invalid YAML: nested more than 64 levels deep"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_bad_yaml_configuration_names_file_line_and_key(repo: Path, text: str, message: str) -> None:
    (repo / ".migrator.yaml").write_text(text)
    with pytest.raises(MigratorError) as exc:
        load_config(repo / "Dockerfile")
    assert f"{repo}/.migrator.yaml{message}" in str(exc.value)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "[tool.migrator]\norg = 'a'\nignore = 'MIG301'\nfail-on = 3\n",
            ":4: key 'fail-on': expected one of",
        ),
        ("[tool.migrator]\norg = \n", ": invalid TOML"),
    ],
)
def test_bad_pyproject_configuration(repo: Path, text: str, message: str) -> None:
    (repo / "pyproject.toml").write_text(text)
    with pytest.raises(MigratorError) as exc:
        load_config(repo / "Dockerfile")
    assert f"{repo}/pyproject.toml{message}" in str(exc.value)


def test_bad_command_line_values_say_so() -> None:
    with pytest.raises(MigratorError, match="command line: key 'tag-policy': expected latest or keep"):
        apply_cli(cfg.Config(root=Path.cwd()), tag_policy="sometimes")


def test_should_fail_thresholds() -> None:
    cannot = Finding("MIG202", Severity.ERROR, 1, "unknown base image")
    broken = Finding("MIG703", Severity.ERROR, 0, "file is empty")
    warn = Finding("MIG301", Severity.WARNING, 2, "kept")
    info = Finding("MIG201", Severity.INFO, 1, "replaced")
    assert should_fail([cannot, warn, info], None) == []
    assert should_fail([cannot, broken], None) == [broken]
    assert should_fail([cannot, warn, info], "error") == [cannot]
    assert should_fail([cannot, warn, info], "warning") == [cannot, warn]
    assert should_fail([cannot, warn, info], "info") == [cannot, warn, info]
    assert should_fail([broken], "never") == []


def _alias_bomb(depth: int) -> str:
    lines, previous = ["ignore:", "  - &a [x,x,x,x,x,x,x,x,x,x]"], "a"
    for name in "bcdefgh"[:depth]:
        lines.append(f"  - &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_in_one_short_line(repo: Path) -> None:
    """Second adversarial round, C1: 271 bytes of aliases made a 58 MB error line in 11 s (depth 7: minutes)."""
    import os
    import sys
    import time

    (repo / ".migrator.yaml").write_text(_alias_bomb(7))
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\"]\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "migrator", "Dockerfile"], cwd=repo, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "MIGRATOR_NO_CACHE": "1"})
    assert time.monotonic() - started < 10
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and len(done.stderr) < 300
    assert "aliases are not allowed" in done.stderr


def test_a_long_wrong_value_is_shown_cut_short(repo: Path) -> None:
    (repo / ".migrator.yaml").write_text("ignore: " + "x" * 100000 + "\n")
    with pytest.raises(MigratorError) as exc:
        load_config(repo / "Dockerfile")
    assert len(str(exc.value)) < 400
