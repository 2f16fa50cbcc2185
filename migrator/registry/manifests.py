"""Manifest media types and platforms: what an image index offers, and matching `os/arch[/variant]`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_TYPES = (OCI_INDEX, DOCKER_MANIFEST_LIST)
MANIFEST_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
# indexes first: for a multi-arch tag the registry must answer with the index, whose digest we pin
ACCEPT = ", ".join([*INDEX_TYPES, *MANIFEST_TYPES])

_DEFAULT_VARIANT = {"arm64": "v8"}


def platform_name(os_name: str, arch: str, variant: str | None = None) -> str:
    """`linux/arm64` (the default variant v8 left out), `linux/arm/v7`, `linux/amd64`."""
    arch = {"aarch64": "arm64", "x86_64": "amd64"}.get(arch, arch)
    if variant and variant != _DEFAULT_VARIANT.get(arch):
        return f"{os_name}/{arch}/{variant}"
    return f"{os_name}/{arch}"


def normalize(platform: str) -> str:
    parts = platform.strip().lower().split("/")
    if len(parts) == 1:
        parts.insert(0, "linux")
    return platform_name(parts[0], parts[1], parts[2] if len(parts) > 2 else None)


def index_platforms(index: Mapping[str, Any]) -> list[str]:
    """The platforms an image index lists (attestation entries such as unknown/unknown left out)."""
    found = []
    for entry in index.get("manifests") or []:
        platform = entry.get("platform") if isinstance(entry, Mapping) else None
        if not isinstance(platform, Mapping):
            continue
        os_name, arch = str(platform.get("os") or ""), str(platform.get("architecture") or "")
        if not os_name or not arch or "unknown" in (os_name, arch):
            continue
        found.append(platform_name(os_name, arch, platform.get("variant")))
    return list(dict.fromkeys(found))


def config_platform(config: Mapping[str, Any]) -> str | None:
    """The platform of a single-architecture image, from its config blob."""
    os_name, arch = config.get("os"), config.get("architecture")
    if not isinstance(os_name, str) or not isinstance(arch, str) or not os_name or not arch:
        return None
    variant = config.get("variant")
    return platform_name(os_name, arch, variant if isinstance(variant, str) else None)


def missing_platforms(wanted: Iterable[str], offered: Iterable[str]) -> list[str]:
    have = {normalize(p) for p in offered}
    return [p for p in wanted if normalize(p) not in have]
