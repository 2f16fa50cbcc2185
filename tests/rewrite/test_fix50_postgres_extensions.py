"""Docker Hub's postgres images carry PGDG's apt repository, whose extension packages are named
postgresql-<major>-<extension>; Wolfi builds each extension per server major as <extension>-<major>
(adversary round 10, D17): they map to the one for the PostgreSQL Chainguard's postgres serves."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate

from migrator.model import Severity

POSTGRES = ("FROM postgres:16\n"
            "RUN apt-get update && apt-get install -y {package} && rm -rf /var/lib/apt/lists/*\n"
            "COPY init/ /docker-entrypoint-initdb.d/\n")


@pytest.mark.parametrize(("package", "wolfi"), [
    ("postgresql-16-pgvector", "pgvector-18"),
    ("postgresql-16-postgis-3", "postgis-18"),
    ("postgresql-15-postgis-3-scripts", "postgis-18"),
    ("postgresql-16-cron", "pg_cron-18"),
    ("postgresql-16-pgaudit", "pgaudit-18"),
    ("postgresql-14-partman", "pg-partman-18"),
    ("postgresql-16-pg-stat-kcache", "pg_stat_kcache-18"),
    ("postgresql-16-repmgr", "repmgr-18"),
])
def test_pgdg_extension_is_wolfis_for_the_served_postgres(package: str, wolfi: str) -> None:
    result = migrate(POSTGRES.format(package=package))
    assert "FROM cgr.dev/chainguard/postgres:latest-dev\n" in result.dockerfile
    assert f"RUN apk add --no-cache {wolfi}\n" in result.dockerfile
    assert "MIG302" not in codes(result)
    [note] = [f for f in result.findings if f.code == "MIG301"]
    assert f"{package} -> {wolfi}" in note.message and "per server major" in note.message


def test_several_extensions_in_one_install() -> None:
    result = migrate(POSTGRES.format(package="postgresql-16-pgvector postgresql-16-cron"))
    assert "RUN apk add --no-cache pgvector-18 pg_cron-18\n" in result.dockerfile
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_an_extension_wolfi_lacks_is_still_an_error() -> None:
    result = migrate(POSTGRES.format(package="postgresql-16-nosuchext"))
    assert "apk add --no-cache postgresql-16-nosuchext" in result.dockerfile
    assert "MIG302" in codes(result)


def test_an_extension_wolfi_lacks_gets_the_right_suggestion() -> None:
    result = migrate(POSTGRES.format(package="postgresql-16-nosuchext"))
    [error] = [f for f in result.findings if f.code == "MIG302"]
    assert "PGDG PostgreSQL extension" in error.message and "<extension>-<major>" in error.message
    assert "none named after nosuchext" in error.message
    assert "Wolfi has postgresql-18" not in error.message


@pytest.mark.parametrize(("package", "wolfi"), [("postgresql-server-dev-16", "postgresql-dev"),
                                                ("postgresql-plperl-16", "postgresql-plperl")])
def test_pgdg_server_headers_and_plperl(package: str, wolfi: str) -> None:
    result = migrate(POSTGRES.format(package=package))
    assert f"RUN apk add --no-cache {wolfi}\n" in result.dockerfile
    assert "MIG302" not in codes(result)
