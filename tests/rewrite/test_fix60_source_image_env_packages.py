"""Package names that read the source image's own ENV (Docker Hub postgres's PG_MAJOR, the tag's major) are
translated as the literal names are: its value is known when migrating (adversary round 11, F17)."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate

from migrator.model import Severity

INSTALL = ("FROM {image}\n"
           "RUN apt-get update && apt-get install -y --no-install-recommends {packages} \\\n"
           " && rm -rf /var/lib/apt/lists/*\n")


@pytest.mark.parametrize("image", ["postgres:16", "postgres:16.4-bookworm", "docker.io/library/postgres:16"])
@pytest.mark.parametrize("packages", ['postgresql-$PG_MAJOR-pgvector postgresql-${PG_MAJOR}-postgis-3',
                                      '"postgresql-${PG_MAJOR}-pgvector" postgresql-$PG_MAJOR-postgis-3-scripts'])
def test_pg_major_names_map_as_the_literal_ones(image: str, packages: str) -> None:
    result = migrate(INSTALL.format(image=image, packages=packages))
    assert "RUN apk add --no-cache pgvector-18 postgis-18\n" in result.dockerfile
    assert "PG_MAJOR" not in result.dockerfile
    assert "MIG305" not in codes(result)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_a_stage_built_from_a_postgres_stage_knows_it_too() -> None:
    text = ("FROM postgres:15 AS base\nRUN echo base\n\n"
            "FROM base\nRUN apt-get update && apt-get install -y postgresql-${PG_MAJOR}-cron\n")
    assert "apk add --no-cache pg_cron-18\n" in migrate(text).dockerfile


@pytest.mark.parametrize("text", [
    # the stage sets the variable itself (a --build-arg may change it): not the image's value
    "FROM postgres:16\nARG PG_MAJOR=16\nRUN apt-get update && apt-get install -y postgresql-$PG_MAJOR-pgvector\n",
    # a tag that does not say the major
    "FROM postgres:latest\nRUN apt-get update && apt-get install -y postgresql-$PG_MAJOR-pgvector\n",
    # an image that does not set it
    "FROM debian:12\nRUN apt-get update && apt-get install -y postgresql-$PG_MAJOR-pgvector\n",
])
def test_a_value_not_known_is_still_kept_with_a_warning(text: str) -> None:
    result = migrate(text)
    assert "postgresql-$PG_MAJOR-pgvector" in result.dockerfile
    assert "MIG305" in codes(result)


def test_a_pin_after_the_name_is_dropped_as_for_a_literal_name() -> None:
    result = migrate(INSTALL.format(image="postgres:16", packages='postgresql-$PG_MAJOR-pgvector=$PGVECTOR_VERSION '
                                                                  '"postgresql-${PG_MAJOR}-cron=1.6*"'))
    assert "RUN apk add --no-cache pgvector-18 pg_cron-18\n" in result.dockerfile
    assert codes(result).count("MIG304") == 2 and "MIG305" not in codes(result)


def test_a_literal_name_with_a_variable_pin_is_kept_as_before() -> None:
    result = migrate("FROM postgres:16\nRUN apt-get update && apt-get install -y curl=${CURL_VERSION}\n")
    assert "curl=${CURL_VERSION}" in result.dockerfile and "MIG305" in codes(result)
