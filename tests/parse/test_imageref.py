from __future__ import annotations

import pytest

from migrator.parse.imageref import InvalidReference, parse_image
from migrator.parse.variables import expand_args


@pytest.mark.parametrize(("text", "registry", "path", "tag", "digest", "short"), [
    ("python", "docker.io", "library/python", None, None, "python"),
    ("python:3.11-slim", "docker.io", "library/python", "3.11-slim", None, "python"),
    ("docker.io/library/node:20", "docker.io", "library/node", "20", None, "node"),
    ("index.docker.io/bitnami/python:3", "docker.io", "bitnami/python", "3", None, "bitnami/python"),
    ("localhost/app", "localhost", "app", None, None, "localhost/app"),
    ("localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", None, "localhost:5000/team/app"),
    ("127.0.0.1:5000/chainguard/python:latest-dev", "127.0.0.1:5000", "chainguard/python", "latest-dev", None,
     "127.0.0.1:5000/chainguard/python"),
    ("gcr.io/distroless/static-debian12:nonroot", "gcr.io", "distroless/static-debian12", "nonroot", None,
     "gcr.io/distroless/static-debian12"),
    ("mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com", "dotnet/aspnet", "8.0", None,
     "mcr.microsoft.com/dotnet/aspnet"),
    ("public.ecr.aws/docker/library/python:3.12", "public.ecr.aws", "docker/library/python", "3.12", None,
     "python"),
    ("alpine:3.19@sha256:" + "a" * 64, "docker.io", "library/alpine", "3.19", "sha256:" + "a" * 64, "alpine"),
])
def test_reference_grammar(text: str, registry: str, path: str, tag: str | None, digest: str | None,
                           short: str) -> None:
    ref = parse_image(text)
    assert (ref.registry, ref.path, ref.tag, ref.digest) == (registry, path, tag, digest)
    assert ref.short_name == short


@pytest.mark.parametrize("text", ["", "Python:3", "python:", "python@sha256:xyz", "a b", "-x", "python:3:4"])
def test_invalid_references(text: str) -> None:
    with pytest.raises(InvalidReference):
        parse_image(text)


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("${BASE}", {"BASE": "python:3"}, "python:3"),
    ("$BASE", {"BASE": "python:3"}, "python:3"),
    ("${BASE:-python}:${V:-3.12}", {}, "python:3.12"),
    ("${BASE:-python}", {"BASE": ""}, "python"),
    ("${BASE-python}", {"BASE": ""}, ""),
    ("${X:+set}", {"X": "1"}, "set"),
    ("${X:+set}", {}, ""),
])
def test_arg_expansion(text: str, values: dict[str, str | None], expected: str) -> None:
    assert expand_args(text, values)[0] == expected


def test_arg_expansion_reports_missing() -> None:
    assert expand_args("${A}:${B}", {"A": "x"}) == ("x:", ["B"])
