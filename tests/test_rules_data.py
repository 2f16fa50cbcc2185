"""Checks of the mapping data under rules/ (no project code involved).

The YAML is loaded with ruamel.yaml's safe loader, as users' --rules files are.
Wolfi names are checked against rules/wolfi/packages.txt and the virtual
names (first column) of rules/wolfi/provides.tsv: the copies of the facts
snapshot that the tool itself ships (rules/wolfi/README.md says where they
come from).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
WOLFI = RULES / "wolfi"

FAMILIES = ("debian", "alpine", "fedora")
MIN_PACKAGES = {"debian": 300, "alpine": 150, "fedora": 150}
MIN_IMAGES = 80

ECOSYSTEMS = {
    "python",
    "node",
    "go",
    "java",
    "rust",
    "ruby",
    "php",
    "dotnet",
    "static-site",
    "c",
    "distro",
    "service",
    "chainguard",
}
RULE_KEYS = {"match", "tags", "unsupported", "ecosystem", "builder", "runtime", "family", "notes", "shell", "sh",
             "version"}

# Chainguard image names a rule may emit (the part before ':').
# From docs/chainguard-facts.md ("Per image" and "Upstream image -> Chainguard
# image" tables, and the "others ... exist with their upstream names" row):
FACTS_IMAGES = {
    "python",
    "node",
    "go",
    "static",
    "glibc-dynamic",
    "jdk",
    "jre",
    "maven",
    "gradle",
    "rust",
    "ruby",
    "php",
    "nginx",
    "dotnet-sdk",
    "dotnet-runtime",
    "aspnet-runtime",
    "wolfi-base",
    "busybox",
    "gcc-glibc",
    "bash",
    "curl",
    "git",
    "haproxy",
    "mariadb",
    "redis",
    "valkey",
    "mongodb",
    "postgres",
    "tomcat",
}
# Not in the facts document; present as images/<name> in the public
# chainguard-images/images repository. Rules using them say in `notes` that the
# name is assumed.
ASSUMED_IMAGES = {"caddy", "traefik", "memcached", "rabbitmq"}
ALLOWED_IMAGES = FACTS_IMAGES | ASSUMED_IMAGES
# Images that only publish 'latest' (and 'latest-dev' where it exists): never versioned.
LATEST_ONLY = {"static", "glibc-dynamic", "wolfi-base", "busybox"}

MUST_HAVE_IMAGES = [
    "python",
    "node",
    "golang",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "ibm-semeru-runtimes",
    "maven",
    "gradle",
    "rust",
    "ruby",
    "php",
    "composer",
    "mcr.microsoft.com/dotnet/sdk",
    "mcr.microsoft.com/dotnet/aspnet",
    "mcr.microsoft.com/dotnet/runtime",
    "debian",
    "ubuntu",
    "alpine",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "registry.access.redhat.com/ubi8",
    "registry.access.redhat.com/ubi9",
    "registry.access.redhat.com/ubi9/ubi-minimal",
    "registry.access.redhat.com/ubi9/ubi-micro",
    "registry.access.redhat.com/ubi8/ubi-minimal",
    "registry.access.redhat.com/ubi8/ubi-micro",
    "redhat/ubi9",
    "gcr.io/distroless/*",
    "busybox",
    "scratch",
    "nginx",
    "httpd",
    "caddy",
    "traefik",
    "haproxy",
    "redis",
    "postgres",
    "mysql",
    "mariadb",
    "memcached",
]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
IMAGE_REF = re.compile(r"^(?P<name>[a-z0-9][a-z0-9._-]*):(?P<tag>[A-Za-z0-9_.{}-]+)$")


# --------------------------------------------------------------------------- helpers


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wolfi_names() -> set[str]:
    names = set((WOLFI / "packages.txt").read_text(encoding="utf-8").split())
    for line in (WOLFI / "provides.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            names.add(line.split("\t", 1)[0].strip())
    return names


def test_wolfi_lists_are_the_regenerated_snapshot(wolfi_names: set[str]) -> None:
    # the old lists read `3.10` as `3.1` (py3.1-*) and missed templated subpackages (clang-N, lld-N)
    assert not [n for n in wolfi_names if n.startswith(("py3.1-", "python-3.1-"))]
    assert {"py3.10-pip", "clang-15", "clang-22", "lld-22", "python-3.10", "python-3.14"} <= wolfi_names
    assert {"mailcap", "tini-static", "libvips", "libjemalloc2", "pwgen", "clang", "lld"} <= wolfi_names


@pytest.fixture(scope="module")
def image_rules() -> list[dict[str, Any]]:
    data = load(RULES / "images.yaml")
    assert isinstance(data, dict) and set(data) == {"images", "family_sh"}
    assert data["family_sh"] == {"debian": "dash", "alpine": "ash", "fedora": "bash"}  # (what /bin/sh is)
    rules = data["images"]
    assert isinstance(rules, list) and rules
    return rules


@pytest.fixture(scope="module")
def package_tables() -> dict[str, dict[str, Any]]:
    return {fam: load(RULES / "packages" / f"{fam}.yaml") for fam in FAMILIES}


@pytest.fixture(scope="module")
def runtime_libs() -> dict[str, Any]:
    return load(RULES / "runtime-libs.yaml")


def resolve(rules: list[dict[str, Any]], repo: str, tag: str) -> dict[str, Any] | None:
    """First-match semantics documented in rules/README.md ('*' matches '/' too)."""
    for rule in rules:
        if not fnmatch.fnmatchcase(repo, rule["match"]):
            continue
        tags = rule.get("tags")
        if tags and not any(fnmatch.fnmatchcase(tag, t) for t in tags):
            continue
        return rule
    return None


def targets(value: Any) -> list[str]:
    """The Wolfi names a package-table value emits."""
    if isinstance(value, dict):
        value = value["to"]
    if isinstance(value, str):
        return [value]
    return list(value)


def image_refs(rule: dict[str, Any]) -> list[str]:
    return [rule[k] for k in ("builder", "runtime") if rule.get(k) is not None]


# --------------------------------------------------------------------------- loading


ALL_FILES = [
    RULES / "images.yaml",
    RULES / "runtime-libs.yaml",
    *(RULES / "packages" / f"{fam}.yaml" for fam in FAMILIES),
]


def test_loader_rejects_duplicate_keys() -> None:
    # The guarantee the next test relies on: a duplicated key is an error, not a silent override.
    with pytest.raises(DuplicateKeyError):
        YAML(typ="safe").load("packages:\n  curl: curl\n  curl: wget\n")


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(RULES)))
def test_file_loads_without_duplicate_keys(path: Path) -> None:
    data = load(path)
    assert isinstance(data, dict) and data


def test_readme_documents_every_format() -> None:
    text = (RULES / "README.md").read_text(encoding="utf-8")
    for needle in ("images.yaml", "packages/", "runtime-libs.yaml", "--rules", "dev_packages", "unsupported"):
        assert needle in text, needle


# --------------------------------------------------------------------------- images.yaml


def test_image_rule_shape(image_rules: list[dict[str, Any]]) -> None:
    problems = []
    for i, rule in enumerate(image_rules):
        where = f"rule {i} ({rule.get('match')!r})"
        if not isinstance(rule, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if extra := set(rule) - RULE_KEYS:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        if not isinstance(rule.get("match"), str) or not rule["match"].strip():
            problems.append(f"{where}: missing match")
        if "tags" in rule and (
            not isinstance(rule["tags"], list)
            or not rule["tags"]
            or not all(isinstance(t, str) and t for t in rule["tags"])
        ):
            problems.append(f"{where}: tags must be a non-empty list of globs")
        has_unsupported, has_ecosystem = "unsupported" in rule, "ecosystem" in rule
        if has_unsupported == has_ecosystem:
            problems.append(f"{where}: needs exactly one of unsupported / ecosystem")
        if has_unsupported:
            if not isinstance(rule["unsupported"], str) or len(rule["unsupported"]) < 20:
                problems.append(f"{where}: unsupported needs a clear reason")
            if set(rule) & {"builder", "runtime", "family"}:
                problems.append(f"{where}: unsupported rule must not name images")
        if has_ecosystem:
            if rule["ecosystem"] not in ECOSYSTEMS:
                problems.append(f"{where}: unknown ecosystem {rule['ecosystem']!r}")
            if "builder" not in rule or "runtime" not in rule:
                problems.append(f"{where}: builder and runtime must both be given (null allowed)")
            if (
                rule["ecosystem"] != "chainguard"
                and rule.get("builder") is None
                and rule.get("runtime") is None
            ):
                problems.append(f"{where}: neither builder nor runtime")
        if "family" in rule and rule["family"] not in FAMILIES:
            problems.append(f"{where}: family must be one of {FAMILIES}")
        if "notes" in rule and (not isinstance(rule["notes"], str) or not rule["notes"].strip()):
            problems.append(f"{where}: empty notes")
    assert not problems, "\n".join(problems)


def test_enough_distinct_source_images(image_rules: list[dict[str, Any]]) -> None:
    matches = {r["match"] for r in image_rules} - {"*"}
    assert len(matches) >= MIN_IMAGES, f"only {len(matches)} distinct source images"


def test_must_have_images_are_covered(image_rules: list[dict[str, Any]]) -> None:
    matches = {r["match"] for r in image_rules}
    missing = [m for m in MUST_HAVE_IMAGES if m not in matches and not m.endswith("/*")]
    # gcr.io/distroless/*: every distroless family needs a rule of its own.
    for family in ("static", "base", "cc", "python3", "nodejs", "java"):
        if not any(m.startswith(f"gcr.io/distroless/{family}") for m in matches):
            missing.append(f"gcr.io/distroless/{family}*")
    assert not missing, f"no rule for: {missing}"


def test_templates_use_only_version_placeholder_and_no_registry(image_rules: list[dict[str, Any]]) -> None:
    problems = []
    for rule in image_rules:
        for ref in image_refs(rule):
            where = f"{rule['match']!r}: {ref!r}"
            if not isinstance(ref, str):
                problems.append(f"{where}: not a string")
                continue
            bad = [p for p in PLACEHOLDER.findall(ref) if p != "version"]
            if bad:
                problems.append(f"{where}: placeholders {bad}")
            if "/" in ref or "cgr.dev" in ref or "docker.io" in ref:
                problems.append(f"{where}: carries a registry or path")
            if not IMAGE_REF.match(ref):
                problems.append(f"{where}: not NAME:TAG")
            if ref.replace("{version}", "").count("{") or ref.replace("{version}", "").count("}"):
                problems.append(f"{where}: stray brace")
    assert not problems, "\n".join(problems)


def test_only_known_chainguard_images(image_rules: list[dict[str, Any]]) -> None:
    unknown = sorted(
        {ref.split(":", 1)[0] for rule in image_rules for ref in image_refs(rule)} - ALLOWED_IMAGES
    )
    assert not unknown, f"Chainguard image names not in the allow-list: {unknown}"


def test_assumed_images_say_so(image_rules: list[dict[str, Any]]) -> None:
    problems = []
    for rule in image_rules:
        names = {ref.split(":", 1)[0] for ref in image_refs(rule)}
        if names & ASSUMED_IMAGES and "assumed" not in rule.get("notes", "").lower():
            problems.append(rule["match"])
    assert not problems, f"rules emitting an assumed image name without saying so: {problems}"


def test_latest_only_images_use_literal_latest(image_rules: list[dict[str, Any]]) -> None:
    problems = [
        f"{rule['match']}: {ref}"
        for rule in image_rules
        for ref in image_refs(rule)
        if ref.split(":", 1)[0] in LATEST_ONLY and ref.split(":", 1)[1] != "latest"
    ]
    assert not problems, problems


def test_builders_are_build_images(image_rules: list[dict[str, Any]]) -> None:
    # A builder is a -dev variant, or an image that is itself a build image / has a shell and apk.
    build_images = {"wolfi-base", "gcc-glibc"}
    problems = [
        f"{rule['match']}: {rule['builder']}"
        for rule in image_rules
        if rule.get("builder")
        and not rule["builder"].endswith("-dev")
        and rule["builder"].split(":", 1)[0] not in build_images
    ]
    assert not problems, problems


def test_chainguard_sources_are_already_migrated(image_rules: list[dict[str, Any]]) -> None:
    for repo in ("cgr.dev/chainguard/python", "chainguard/node", "cgr.dev/my-org/jre"):
        rule = resolve(image_rules, repo, "latest")
        assert rule is not None, repo
        assert rule.get("ecosystem") == "chainguard", repo
        assert rule["builder"] is None and rule["runtime"] is None, repo


def test_no_rule_is_shadowed(image_rules: list[dict[str, Any]]) -> None:
    # A rule without tags catches every tag of its pattern: a later rule whose
    # match it also covers can never apply.
    problems = []
    for i, early in enumerate(image_rules):
        if early.get("tags"):
            continue
        for late in image_rules[i + 1 :]:
            if fnmatch.fnmatchcase(late["match"], early["match"]):
                problems.append(
                    f"{late['match']!r} (tags={late.get('tags')}) is shadowed by {early['match']!r}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("repo", "tag"),
    [
        ("python", "3.12-windowsservercore-ltsc2022"),
        ("python", "3.11-nanoserver-1809"),
        ("node", "20-windowsservercore"),
        ("node", "lts-nanoserver-ltsc2022"),
        ("golang", "1.22-windowsservercore"),
        ("mcr.microsoft.com/dotnet/aspnet", "8.0-nanoserver-ltsc2022"),
        ("mcr.microsoft.com/windows/servercore", "ltsc2022"),
        ("mcr.microsoft.com/dotnet/framework/sdk", "4.8"),
    ],
)
def test_windows_variants_are_unsupported(image_rules: list[dict[str, Any]], repo: str, tag: str) -> None:
    rule = resolve(image_rules, repo, tag)
    assert rule is not None and "unsupported" in rule, (repo, tag, rule)
    assert "windows" in rule["unsupported"].lower()


@pytest.mark.parametrize(
    ("repo", "tag", "ecosystem", "builder", "runtime"),
    [
        ("python", "3.12-slim-bookworm", "python", "python:{version}-dev", "python:{version}"),
        ("python", "3.12-alpine", "python", "python:{version}-dev", "python:{version}"),
        ("node", "20-alpine", "node", "node:{version}-dev", "node:{version}"),
        ("golang", "1.22", "go", "go:{version}-dev", "static:latest"),
        ("eclipse-temurin", "21-jre-alpine", "java", None, "jre:{version}"),
        ("eclipse-temurin", "21-jdk", "java", "jdk:{version}-dev", "jre:{version}"),
        ("maven", "3.9-eclipse-temurin-17", "java", "maven:{version}-dev", "jre:latest"),
        ("rust", "1.77-slim", "rust", "rust:{version}-dev", "glibc-dynamic:latest"),
        ("php", "8.3-apache", "php", "php:{version}-fpm-dev", "php:{version}-fpm"),
        ("php", "8.3-fpm-alpine", "php", "php:{version}-fpm-dev", "php:{version}-fpm"),
        ("php", "8.3-cli", "php", "php:{version}-dev", "php:{version}"),
        ("mcr.microsoft.com/dotnet/sdk", "8.0", "dotnet", "dotnet-sdk:{version}-dev", None),
        ("mcr.microsoft.com/dotnet/aspnet", "8.0", "dotnet", None, "aspnet-runtime:{version}"),
        ("gcr.io/distroless/static-debian12", "nonroot", "c", None, "static:latest"),
        ("gcr.io/distroless/cc-debian12", "latest", "c", None, "glibc-dynamic:latest"),
        ("gcr.io/distroless/java21-debian12", "latest", "java", None, "jre:latest"),
        ("scratch", "", "c", None, "static:latest"),
        ("debian", "bookworm-slim", "distro", "wolfi-base:latest", None),
        ("registry.access.redhat.com/ubi9/ubi-minimal", "9.4", "distro", "wolfi-base:latest", None),
        ("mongo", "7.0", "service", "mongodb:{version}-dev", "mongodb:{version}"),
        ("mysql", "8.0", "service", "mariadb:latest-dev", "mariadb:latest"),
    ],
)
def test_resolution_examples(
    image_rules: list[dict[str, Any]],
    repo: str,
    tag: str,
    ecosystem: str,
    builder: str | None,
    runtime: str | None,
) -> None:
    rule = resolve(image_rules, repo, tag)
    assert rule is not None, (repo, tag)
    assert (rule.get("ecosystem"), rule.get("builder"), rule.get("runtime")) == (ecosystem, builder, runtime)


def test_php_apache_note_explains_missing_image(image_rules: list[dict[str, Any]]) -> None:
    rule = resolve(image_rules, "php", "8.2-apache-bookworm")
    assert rule is not None and "apache" in rule["notes"].lower() and "fpm" in rule["notes"].lower()


@pytest.mark.parametrize(
    ("repo", "tag", "family"),
    [
        ("alpine", "3.20", "alpine"),
        ("alpine/git", "2.45.2", "alpine"),
        ("curlimages/curl", "8.8.0", "alpine"),
        ("centos", "7", "fedora"),
        ("amazonlinux", "2023", "fedora"),
        ("registry.access.redhat.com/ubi8/ubi", "8.10", "fedora"),
        ("redhat/ubi9", "latest", "fedora"),
        ("amazoncorretto", "17", "fedora"),
        ("mysql", "8.4", "fedora"),
        ("eclipse-temurin", "17-ubi9-minimal", "fedora"),
    ],
)
def test_explicit_families(image_rules: list[dict[str, Any]], repo: str, tag: str, family: str) -> None:
    # Where 'alpine in the tag' would guess wrong, the rule must say the family.
    rule = resolve(image_rules, repo, tag)
    assert rule is not None and rule.get("family") == family, (repo, tag, rule)


# --------------------------------------------------------------------------- packages/<family>.yaml


@pytest.mark.parametrize("family", FAMILIES)
def test_package_table_shape_and_size(package_tables: dict[str, dict[str, Any]], family: str) -> None:
    table = package_tables[family]
    assert set(table) == {"family", "packages"}
    assert table["family"] == family
    packages = table["packages"]
    assert isinstance(packages, dict)
    assert len(packages) >= MIN_PACKAGES[family], f"{family}: only {len(packages)} entries"
    problems = []
    for name, value in packages.items():
        if not isinstance(name, str) or not name or name != name.strip():
            problems.append(f"bad key {name!r}")
            continue
        if isinstance(value, dict):
            if set(value) - {"to", "note"} or "to" not in value:
                problems.append(f"{name}: mapping form needs 'to' and optional 'note' only")
                continue
            if "note" in value and (not isinstance(value["note"], str) or not value["note"].strip()):
                problems.append(f"{name}: empty note")
            value = value["to"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{name}: value must be a name, a list of names or {{to, note}}")
        elif len(set(value)) != len(value):
            problems.append(f"{name}: repeated target")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("family", FAMILIES)
def test_package_targets_exist_in_wolfi(
    package_tables: dict[str, dict[str, Any]], wolfi_names: set[str], family: str
) -> None:
    missing = sorted(
        f"{name} -> {target}"
        for name, value in package_tables[family]["packages"].items()
        for target in targets(value)
        if target not in wolfi_names
    )
    assert not missing, f"{family}: Wolfi names that do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("family", "name", "expected"),
    [
        ("debian", "build-essential", ["build-base"]),
        ("debian", "libpq-dev", ["postgresql-dev"]),
        ("debian", "libpq5", ["libpq"]),
        ("debian", "python3", ["python-3"]),
        ("debian", "python3-venv", []),
        ("debian", "locales", ["glibc-locales"]),
        ("debian", "netcat-traditional", ["netcat-openbsd"]),
        ("alpine", "musl-dev", ["glibc-dev"]),
        ("alpine", "libc6-compat", []),
        ("alpine", "g++", ["gcc"]),
        ("fedora", "gcc-c++", ["gcc"]),
        ("fedora", "openssl-devel", ["openssl-dev"]),
        ("fedora", "java-17-openjdk-devel", ["openjdk-17"]),
    ],
)
def test_package_examples(
    package_tables: dict[str, dict[str, Any]], family: str, name: str, expected: list[str]
) -> None:
    assert targets(package_tables[family]["packages"][name]) == expected


# --------------------------------------------------------------------------- runtime-libs.yaml


def test_runtime_libs_shape(runtime_libs: dict[str, Any]) -> None:
    assert set(runtime_libs) == {"libraries", "dev_packages", "python", "ruby", "node", "php", "rust", "rust_static",
                                 "linked", "build_tools", "program_packages", "loaded_data"}
    assert isinstance(runtime_libs["build_tools"], list) and all(isinstance(t, str) for t in runtime_libs["build_tools"])
    problems = []
    for pkg, globs in runtime_libs["libraries"].items():
        if not isinstance(globs, list) or not globs:
            problems.append(f"libraries.{pkg}: needs a non-empty list of globs")
            continue
        if not all(isinstance(g, str) and g.startswith("/") and "//" not in g for g in globs):
            problems.append(f"libraries.{pkg}: globs must be absolute paths")
        data_only = all(g.startswith("/usr/share/") for g in globs)  # (tzdata: the zone files)
        if not data_only and not any(re.search(r"\.so(\.|\*|$)", g) and g.startswith("/usr/lib/") for g in globs):
            problems.append(f"libraries.{pkg}: no shared object under /usr/lib")
    for section in ("dev_packages", "python", "ruby", "node", "php", "rust", "rust_static", "linked", "loaded_data"):
        table = runtime_libs[section]
        if not isinstance(table, dict):
            problems.append(f"{section}: must be a mapping")
            continue
        for key, libs in table.items():
            if not isinstance(libs, list) or not all(isinstance(x, str) for x in libs):
                problems.append(f"{section}.{key}: must be a list of package names")
    assert not problems, "\n".join(problems)


def test_runtime_libs_coverage(runtime_libs: dict[str, Any]) -> None:
    assert len(runtime_libs["python"]) >= 30
    assert len(runtime_libs["ruby"]) >= 10
    assert len(runtime_libs["node"]) >= 5
    for name in ("psycopg2", "lxml", "pillow", "mysqlclient"):
        assert runtime_libs["python"][name], name
    assert runtime_libs["python"]["psycopg2-binary"] == []
    assert runtime_libs["ruby"]["pg"] == ["libpq"]
    assert "cairo" in runtime_libs["node"]["canvas"]


def test_python_keys_are_normalised(runtime_libs: dict[str, Any]) -> None:
    bad = [k for k in runtime_libs["python"] if k != re.sub(r"[-_.]+", "-", k).lower()]
    assert not bad, f"PyPI names must be lowercase with '-' (PEP 503): {bad}"


def test_runtime_lib_references_resolve(runtime_libs: dict[str, Any]) -> None:
    # Every library package named anywhere must have globs, or the code has nothing to copy.
    known = set(runtime_libs["libraries"])
    dangling = sorted(
        f"{section}.{key} -> {lib}"
        for section in ("dev_packages", "python", "ruby", "node", "php", "rust", "rust_static", "linked")
        for key, libs in runtime_libs[section].items()
        for lib in libs
        if lib not in known
    )
    assert not dangling, "runtime library packages without an entry in 'libraries':\n" + "\n".join(dangling)


def test_runtime_lib_names_exist_in_wolfi(runtime_libs: dict[str, Any], wolfi_names: set[str]) -> None:
    names = set(runtime_libs["libraries"]) | set(runtime_libs["dev_packages"]) | set(runtime_libs["build_tools"])
    for section in ("dev_packages", "python", "ruby", "node", "php"):
        for libs in runtime_libs[section].values():
            names.update(libs)
    missing = sorted(names - wolfi_names)
    assert not missing, f"Wolfi names that do not exist: {missing}"


def test_dev_packages_emitted_by_tables_are_known(
    package_tables: dict[str, dict[str, Any]], runtime_libs: dict[str, Any]
) -> None:
    # Headers the tables install for common libraries must say which runtime library they imply.
    emitted = {t for fam in FAMILIES for v in package_tables[fam]["packages"].values() for t in targets(v)}
    expected = {
        "postgresql-dev",
        "mariadb-connector-c-dev",
        "libxml2-dev",
        "libxslt-dev",
        "libjpeg-turbo-dev",
        "zlib-dev",
        "libffi-dev",
        "openssl-dev",
        "yaml-dev",
        "libwebp-dev",
        "freetype-dev",
        "openldap-dev",
        "unixodbc-dev",
        "libpng-dev",
        "curl-dev",
    }
    assert expected <= emitted
    missing = sorted(expected - set(runtime_libs["dev_packages"]))
    assert not missing, f"dev packages without a dev_packages entry: {missing}"


def test_php_extension_packages_exist_in_wolfi(wolfi_names: set[str]) -> None:
    data = YAML(typ="safe", pure=True).load((RULES / "php-extensions.yaml").read_text())
    names = {n for targets in data["php_extensions"].values() for n in targets}
    assert len(names) >= 30
    missing = sorted(names - wolfi_names)
    assert not missing, f"Wolfi names that do not exist: {missing}"


# --- the image model (chainguard-images.yaml) against the fact sheet's "Everywhere" list ---------------
# "Runtime images WITH a busybox shell: node, jdk, maven, gradle, go, rust, dotnet-sdk, dotnet-runtime,
# tomcat, gcc-glibc, busybox, wolfi-base. WITHOUT any shell: python, jre, php, ruby, nginx, static,
# glibc-dynamic, aspnet-runtime." Exceptions that run as root: go, gcc-glibc, wolfi-base, postgres.
WITH_BUSYBOX = {"node", "jdk", "maven", "gradle", "go", "rust", "dotnet-sdk", "dotnet-runtime", "tomcat",
                "gcc-glibc", "busybox", "wolfi-base"}
WITHOUT_SHELL = {"python", "jre", "php", "ruby", "nginx", "static", "glibc-dynamic", "aspnet-runtime"}
RUN_AS_ROOT = {"go", "gcc-glibc", "wolfi-base", "postgres"}


def test_image_model_matches_the_fact_sheet() -> None:
    from migrator.rules import load_rules

    rules = load_rules()
    for name in WITH_BUSYBOX:
        assert rules.image_facts(name).shell_kind == "busybox", name
    for name in WITHOUT_SHELL:
        assert not rules.image_facts(name).shell, name
    assert {n for n, m in rules.chainguard.items() if m.uid == 0} == RUN_AS_ROOT | {"chainguard-base"}


def test_image_model_covers_every_image_the_rules_emit(image_rules: list[dict[str, Any]]) -> None:
    from migrator.rules import load_rules

    model = load_rules().chainguard
    emitted = {ref.split(":", 1)[0] for rule in image_rules for ref in image_refs(rule)} & FACTS_IMAGES
    known_by_name = emitted - {"curl", "git", "haproxy", "mariadb", "redis", "valkey", "mongodb"}
    assert known_by_name <= set(model), sorted(known_by_name - set(model))


def test_dev_variant_adds_shell_and_build_tools() -> None:
    from migrator.rules import load_rules

    rules = load_rules()
    python_dev = rules.image_model("cgr.dev/chainguard/python:latest-dev")
    assert python_dev.shell and python_dev.has_program("pip") and python_dev.has_program("apk")
    assert python_dev.entrypoint == ("/usr/bin/python",)  # a -dev image keeps the runtime's ENTRYPOINT
    python = rules.image_model("cgr.dev/chainguard/python:latest")
    assert not python.shell and python.has_program("python3.14") and not python.has_program("pip")
    assert not python.has_program("python3.12")  # latest serves 3.14 only (rules/wolfi/versions.yaml)
    assert not rules.image_model("cgr.dev/chainguard/ruby:latest").has_program("bundle")
    assert rules.image_model("cgr.dev/chainguard/ruby:latest-dev").has_program("bundle")
    assert rules.image_model("cgr.dev/chainguard/php:latest-fpm").has_program("php-fpm")


def test_language_packages_are_wolfi_names(wolfi_names: set[str]) -> None:
    from migrator.rules import load_rules
    from migrator.rules.data import builtin_data

    versions = builtin_data("wolfi/versions.yaml")["languages"]
    for language in load_rules().languages.values():
        for name in language.on_base:
            # `{version}`: the stream the source pinned, else the newest; every stream must have the package
            streams = versions[language.name]["streams"] if "{version}" in name else [""]
            for stream in streams:
                assert name.replace("{version}", str(stream)) in wolfi_names, (language.name, name, stream)


def test_tool_packages_exist_in_wolfi(wolfi_names: set[str]) -> None:
    data = YAML(typ="safe", pure=True).load((RULES / "tools.yaml").read_text(encoding="utf-8"))
    assert len(data["tools"]) >= 100
    emitted: list[str] = []
    for value in data["tools"].values():
        if value is not None:
            emitted += [value] if isinstance(value, str) else value
    for section in ("includes", "creates"):
        assert isinstance(data[section], dict)
    emitted += [*data["includes"], *(p for parts in data["includes"].values() for p in parts)]
    assert [n for n in emitted if n not in wolfi_names] == []
    # what the Wolfi package definitions say installs these commands
    assert data["tools"]["setcap"] == "libcap-utils" and data["tools"]["ldd"] == "posix-libc-utils"
    assert data["tools"]["envsubst"] == "gettext" and data["tools"]["npm"] == "npm"


def test_shipped_tools_have_wolfi_packages(wolfi_names: set[str]) -> None:
    """The tools Docker Hub's images ship (rules/dockerhub.yaml) are installed through rules/tools.yaml:
    each must be a command that table gives a Wolfi package for."""
    tools = YAML(typ="safe", pure=True).load((RULES / "tools.yaml").read_text(encoding="utf-8"))["tools"]
    shipped = YAML(typ="safe", pure=True).load((RULES / "dockerhub.yaml").read_text(encoding="utf-8"))["shipped_tools"]
    commands = {c for entry in shipped for c in entry["tools"]}
    assert {"curl", "wget", "git"} <= commands
    assert [c for c in commands if not isinstance(tools.get(c), str) or tools[c] not in wolfi_names] == []


def test_busybox_applets_are_wolfis() -> None:
    data = YAML(typ="safe", pure=True).load((RULES / "chainguard-images.yaml").read_text(encoding="utf-8"))
    applets = set(data["busybox_applets"])
    # Wolfi's busyboxconfig leaves these out: a RUN or HEALTHCHECK using them needs a package
    assert not applets & {"wget", "nc", "bash", "patch", "xz", "ar", "start-stop-daemon"}
    assert {"sh", "adduser", "addgroup", "tar", "unzip", "sed", "awk", "su", "ping"} <= applets


def test_program_packages_are_library_packages_whose_programs_the_tools_table_names(
        runtime_libs: dict[str, Any]) -> None:
    """A `program_packages` key is carried as libraries, and rules/tools.yaml says which programs it installs
    (what MIG514 names when only its libraries reach the runtime)."""
    from migrator.rewrite.tools import programs_of

    for package, sources in runtime_libs["program_packages"].items():
        assert package in runtime_libs["libraries"], package
        assert programs_of(package), f"{package}: no command of rules/tools.yaml is installed by it"
        assert sources and all(isinstance(s, str) for s in sources), package


def test_image_rule_version_reads_the_version_where_the_tag_has_it(image_rules: list[dict[str, Any]]) -> None:
    """fix56: `version` (a regular expression) says where `{version}` is in tags it does not lead."""
    import re

    rule = next(r for r in image_rules if r.get("version"))
    assert "{version}" in rule["builder"] and re.compile(rule["version"]).groups >= 1
    assert re.search(rule["version"], "0.5.11-python3.12-bookworm-slim").group(1) == "3.12"  # type: ignore[union-attr]
