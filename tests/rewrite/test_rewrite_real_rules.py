"""The rewriter with the shipped package rules (rules/packages/*.yaml), when they exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.rewrite.shell import rewrite_script

RULES = Path(__file__).resolve().parents[2] / "rules" / "packages"
pytestmark = pytest.mark.skipif(
    not all((RULES / f"{family}.yaml").is_file() for family in ("debian", "alpine", "fedora")),
    reason="rules/packages/*.yaml not written yet",
)


@pytest.fixture(scope="module")
def shipped():
    from migrator.rules.loader import load_rules

    return load_rules()


def run(shipped, script, family):
    result = rewrite_script(script, family, shipped, 1)
    return result.apply(script), result


def test_python_slim_build_dependencies(shipped):
    script = (
        "apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n"
        "    && rm -rf /var/lib/apt/lists/*"
    )
    text, result = run(shipped, script, "debian")
    assert text == "apk add --no-cache build-base postgresql-dev"
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_alpine_build_deps(shipped):
    script = "apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev && apk del .build-deps"
    text, result = run(shipped, script, "alpine")
    assert text == script.replace("musl-dev", "glibc-dev")
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_fedora_devel_packages(shipped):
    text, result = run(shipped, "dnf install -y gcc-c++ make openssl-devel && dnf clean all", "fedora")
    assert text.startswith("apk add --no-cache ") and "openssl-dev" in text and "dnf" not in text
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_translated_names_are_stable_under_the_alpine_table(shipped):
    """The common Wolfi names our Debian translation emits are known to the alpine table too."""
    script = "apt-get install -y curl ca-certificates git build-essential libpq-dev"
    once, _ = run(shipped, script, "debian")
    twice, result = run(shipped, once, "alpine")
    assert twice == once and result.edits == []


# --- names whose Wolfi equivalent the general rules find (issue 14, review class 2) -------------


@pytest.mark.parametrize(
    ("script", "family", "expected"),
    [
        # the reviewer's reproduction: three names apk refuses, each with a Wolfi equivalent
        ("apk add --no-cache libexpat fuse php7-bcmath", "alpine", "apk add --no-cache libexpat1 fuse3 php-bcmath"),
        # Debian's t64 rename resolves through the table (libcurl4 -> libcurl-openssl4)
        ("apt-get install -y libcurl4t64 gnupg1", "debian", "apk add --no-cache libcurl-openssl4 gnupg"),
        # PHP streams Wolfi no longer ships, Debian and Alpine spellings
        ("apt-get install -y php7.4-cli php7.4-mysql php5-gd", "debian",
         "apk add --no-cache php php-calendar php-ctype php-exif php-fileinfo php-ftp php-gettext php-iconv php-pdo "
         "php-phar php-posix php-sockets php-sysvsem php-sysvshm php-mysqli php-pdo_mysql php-gd"),
        ("apk add php81-pecl-redis php8-zip", "alpine", "apk add --no-cache php-8.5-redis php-zip"),
        # a supported stream keeps its version
        # Debian's php8.3-cli brings php8.3-common, whose extensions are one package each on Wolfi
        ("apt-get install -y php8.3-cli", "debian", "apk add --no-cache php-8.3 php-8.3-calendar php-8.3-ctype "
         "php-8.3-exif php-8.3-fileinfo php-8.3-ftp php-8.3-gettext php-8.3-iconv php-8.3-pdo php-8.3-phar "
         "php-8.3-posix php-8.3-sockets php-8.3-sysvsem php-8.3-sysvshm"),
        ("apk add python", "alpine", "apk add --no-cache python-3"),
        ("dnf install -y httpd httpd-tools", "fedora", "apk add --no-cache apache2 apache2-utils"),
        ("apt-get install -y libatlas-base-dev liblept5", "debian", "apk add --no-cache openblas-dev leptonica"),
        # Debian library names: a version in the name, the source name with lib and soname
        ("apt-get install -y libatk-bridge2.0-0 libproj25 libjemalloc-dev", "debian",
         "apk add --no-cache libatk-bridge-2.0 proj jemalloc-dev"),
    ],
)
def test_a_name_with_a_wolfi_equivalent_is_translated_not_refused(shipped, script, family, expected):
    text, result = run(shipped, script, family)
    assert text == expected
    assert [f.code for f in result.findings if f.severity.value != "info"] == []


def test_a_newer_soname_is_taken_and_the_message_says_what_that_means(shipped):
    text, result = run(shipped, "apt-get install -y libssl1.1", "debian")
    assert text == "apk add --no-cache libssl3"
    [translated] = [f.message for f in result.findings if f.code == "MIG301"]
    assert "another soname" in translated and "does not load it" in translated


def test_a_chosen_equivalent_says_what_else_wolfi_has(shipped):
    _, result = run(shipped, "apk add fuse php7-bcmath", "alpine")
    [translated] = [f.message for f in result.findings if f.code == "MIG301"]
    assert "fuse -> fuse3" in translated and "fuse2, fuse3" in translated
    assert "PHP 8 only" in translated


def test_a_name_without_an_equivalent_stays_an_error(shipped):
    # python2 would strip to `python`, which only the table maps (to Python 3): not taken
    text, result = run(shipped, "apk add python2 mssql-tools", "alpine")
    assert text == "apk add --no-cache python2 mssql-tools"
    assert [f.code for f in result.findings].count("MIG302") == 2


def test_every_equivalent_rule_only_writes_wolfi_names(shipped):
    from migrator.rewrite.equivalents import equivalent
    from migrator.rules.wolfi import is_wolfi_name

    names = ["libexpat", "fuse", "fuse-dev", "gnupg1", "libcurl4t64", "libssl3t64", "php7-gd", "php82-cli",
             "php5-mysql", "libfoo-nothing", "qt"]
    for family in ("debian", "alpine", "fedora"):
        for name in names:
            found = equivalent(family, name, shipped)
            assert found is None or all(is_wolfi_name(n) for n in found.names), (family, name, found)
