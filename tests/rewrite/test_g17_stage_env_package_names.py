"""Package names that read the stage's own ENV (docker-postgis: `ENV POSTGIS_MAJOR 3` +
`postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR`) are translated as the literal names are, and a word with two
expansions is read as one word (adversary round 12, G17)."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate

from migrator.model import Severity
from migrator.rewrite.shell_syntax import simple_commands

POSTGIS = ("FROM postgres:16\n"
           "ENV POSTGIS_MAJOR{equals}3\n"
           "RUN apt-get update \\\n"
           " && apt-get install -y --no-install-recommends postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR "
           "postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR-scripts \\\n"
           " && rm -rf /var/lib/apt/lists/*\n")


@pytest.mark.parametrize("equals", [" ", "="])
def test_docker_postgis_names_map_to_wolfi_postgis(equals: str) -> None:
    text = POSTGIS.format(equals=equals)
    result = migrate(text)
    assert "RUN apk add --no-cache postgis-18\n" in result.dockerfile, result.dockerfile
    assert "POSTGIS_MAJOR-scripts" not in result.dockerfile
    assert f"ENV POSTGIS_MAJOR{equals}3\n" in result.dockerfile  # (untouched)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert "MIG305" not in codes(result)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


@pytest.mark.parametrize("text", [
    # an ARG may be changed with --build-arg: its default is not the value
    "FROM postgres:16\nARG POSTGIS_MAJOR=3\nRUN apt-get install -y postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR\n",
    # set twice: which value a RUN reads depends on where it is
    "FROM postgres:16\nENV POSTGIS_MAJOR 3\nENV POSTGIS_MAJOR 2\n"
    "RUN apt-get install -y postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR\n",
    # set after the RUN that reads it
    "FROM postgres:16\nRUN apt-get install -y postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR\nENV POSTGIS_MAJOR 3\n",
    # a value that reads another variable
    "FROM postgres:16\nARG V=3\nENV POSTGIS_MAJOR $V\nRUN apt-get install -y postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR\n",
])
def test_a_value_not_known_at_the_run_is_kept_with_a_warning_naming_the_whole_word(text: str) -> None:
    result = migrate(text)
    assert "postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR" in result.dockerfile
    assert any(f.code == "MIG305" and "`postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR`" in f.message
               for f in result.findings)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("word", ["x-$A-y-$B-scripts", "$A-$B-s", "${A}-$B-s", "a$A$B-s", "/opt/$APP-$VERSION-linux"])
def test_a_word_with_two_expansions_is_one_word(word: str) -> None:
    command = simple_commands(f"tar -xf {word} -C /opt", 1)[0]
    assert command.words == ("tar", "-xf", word, "-C", "/opt")


def test_an_unknown_package_word_with_two_expansions_is_one_warning_not_an_error() -> None:
    result = migrate("FROM debian:12\nRUN apt-get install -y lib$A-$B-dev\n")
    assert "apk add --no-cache lib$A-$B-dev" in result.dockerfile
    assert [f.message for f in result.findings if f.code == "MIG305"] == [
        "`lib$A-$B-dev` is only known at build time: kept as written, not translated"]
    assert "MIG302" not in codes(result)
