"""Image references per the distribution reference grammar.

    [registry[:port]/][namespace/]repository[:tag][@digest]

The first component is a registry host when it contains '.' or ':' or is 'localhost'. Docker Hub
references get the `docker.io` registry and, for single-component names, the `library/` namespace.
"""

from __future__ import annotations

from migrator.parse.variables import expand_args as expand_args  # (moved there; importable here for branches in flight)
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

DOCKER_HUB = "docker.io"
# every host name Docker Hub answers on (Rails' generated Dockerfiles write registry.docker.com/library/ruby)
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
                "registry.docker.com"}
# registries that mirror Docker Hub's official images under a path prefix
_HUB_MIRRORS = {"public.ecr.aws": "docker/library/", "mirror.gcr.io": "library/"}
# Docker Hub also publishes every official image once per architecture: amd64/node is library/node for amd64 only
# (docs.docker.com, "Architectures other than amd64?" in the official images' documentation)
HUB_ARCH_NAMESPACES = {"amd64": "linux/amd64", "arm64v8": "linux/arm64", "arm32v7": "linux/arm/v7",
                       "arm32v6": "linux/arm/v6", "arm32v5": "linux/arm/v5", "i386": "linux/386",
                       "ppc64le": "linux/ppc64le", "s390x": "linux/s390x", "riscv64": "linux/riscv64",
                       "mips64le": "linux/mips64le"}
_COMPONENT = lazy_re(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = lazy_re(rf"^(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$")
PACKAGE_NAME = lazy_re(r"^[a-z0-9][a-z0-9._+-]*$")
_TAG = lazy_re(r"^[\w][\w.-]{0,127}$")
_DIGEST = lazy_re(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageRef:
    registry: str  # "docker.io", "gcr.io", "localhost:5000"
    path: str  # "library/python", "distroless/static-debian12"
    tag: str | None = None
    digest: str | None = None

    @property
    def short_name(self) -> str:
        """The name rules match on: `python`, `bitnami/python`, `gcr.io/distroless/static` (`node` for Docker Hub's
        per-architecture `amd64/node`)."""
        if self.registry == DOCKER_HUB:
            return self._hub_name.split("/", 1)[1] if self.hub_architecture else self._hub_name
        mirrored = _HUB_MIRRORS.get(self.registry)
        if mirrored and self.path.startswith(mirrored):
            return self.path[len(mirrored):]  # a mirror of Docker Hub's official images
        return f"{self.registry}/{self.path}"

    @property
    def _hub_name(self) -> str:
        return self.path.removeprefix("library/")

    @property
    def hub_architecture(self) -> str | None:
        """The one platform of a Docker Hub per-architecture official image (`linux/amd64` for amd64/node)."""
        namespace, slash, name = self.path.partition("/")
        if self.registry != DOCKER_HUB or not slash or "/" in name:
            return None
        return HUB_ARCH_NAMESPACES.get(namespace)

    @property
    def familiar(self) -> str:
        """How people write it: `python:3.11-slim`, `gcr.io/distroless/base@sha256:..`."""
        text = self._hub_name if self.registry == DOCKER_HUB else self.short_name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


class InvalidReference(ValueError):
    pass


def parse_image(text: str) -> ImageRef:
    """Parse an image reference; raises InvalidReference for anything outside the grammar."""
    if not text or text != text.strip():
        raise InvalidReference(text)
    name, digest = text, None
    if "@" in name:
        name, digest = name.split("@", 1)
        if not _DIGEST.match(digest):
            raise InvalidReference(text)
    tag = None
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            raise InvalidReference(text)
    parts = name.split("/")
    registry = DOCKER_HUB
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry = parts.pop(0)
        if not _DOMAIN.match(registry):
            raise InvalidReference(text)
        if registry in _HUB_ALIASES:
            registry = DOCKER_HUB
    elif parts[0] != parts[0].lower():
        raise InvalidReference(text)
    if not parts or not all(_COMPONENT.match(p) for p in parts):
        raise InvalidReference(text)
    if registry == DOCKER_HUB and len(parts) == 1:
        parts.insert(0, "library")
    return ImageRef(registry, "/".join(parts), tag, digest)


def check_registry(text: str, label: str = "registry") -> str:
    """A registry prefix `host[:port][/path]` (trailing '/' dropped); MigratorError naming what is wrong."""
    from migrator.model import MigratorError

    value = text.rstrip("/") if isinstance(text, str) else ""
    host, _, path = value.partition("/")
    problem = None
    if not value:
        problem = "it is empty"
    elif "://" in value:
        problem = "no scheme: write the host and path, such as cgr.dev/acme"
    elif not _DOMAIN.match(host) or not ("." in host or ":" in host or host == "localhost"):
        problem = "it must start with a registry host, such as cgr.dev/acme or localhost:5000/acme"
    elif path and not all(_COMPONENT.match(part) for part in path.split("/")):
        problem = "each path component must be lower case letters and digits separated by '.', '_' or '-'"
    if problem:
        shown = _without_userinfo(text)
        if shown != text:
            problem = "credentials do not belong in it: log in with `docker login HOST` (or a credential helper)"
        raise MigratorError(f"invalid {label} {shown!r}: {problem}")
    return value


def _without_userinfo(text: str) -> str:
    """`user:token@host/path` (with or without a scheme) shown as `***@host/path`: the token is never printed."""
    scheme, sep, rest = text.rpartition("://") if isinstance(text, str) else ("", "", "")
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return text
    return f"{scheme}{sep}***@{authority.rpartition('@')[2]}{slash}{path}"


def check_org(text: str, label: str = "organisation") -> str:
    from migrator.model import MigratorError

    if not isinstance(text, str) or not _COMPONENT.match(text):
        raise MigratorError(f"invalid {label} {text!r}: lower case letters and digits separated by '.', '_' "
                            "or '-', such as acme")
    return text


def check_options(options: object) -> None:
    """Options built by a library caller get the same checks as the command line and config files."""
    check_registry(getattr(options, "registry", ""))
