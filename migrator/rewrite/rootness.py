"""Final stages that must keep running as root, which a nonroot Chainguard runtime would break.

A tool that drives the Docker engine through `/var/run/docker.sock` (Traefik, Watchtower, Portainer,
CI agents) runs as root in the original image, often `FROM scratch`: the socket on the host is owned
by root and the docker group, mode 0660, so the image's nonroot user (uid 65532) cannot connect.
Such a stage keeps `USER root`, and a finding says why. (systemd inits are refused elsewhere.)
"""

from __future__ import annotations

from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

_DOCKER_SOCKET = lazy_re(r"(?:unix://)?/(?:var/)?run/docker\.sock\b")
_ROOT = {"root", "0", "root:root", "0:0"}
_DECLARING = ("VOLUME", "ENV", "ARG", "CMD", "ENTRYPOINT", "LABEL", "HEALTHCHECK")


def root_reason(stage: Stage) -> str | None:
    """Why the stage's program needs root, or None. Only for stages the original ran as root."""
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None:
        chain.insert(0, current)
        current = current.parent
    if "nonroot" in (chain[0].resolved or ""):
        return None  # e.g. gcr.io/distroless/static:nonroot: the original did not run as root
    instructions = [i for s in chain for i in s.instructions]
    users = [i.body.strip() for i in instructions if i.keyword == "USER"]
    if users and users[-1] not in _ROOT:
        return None
    for instruction in instructions:
        if instruction.keyword in _DECLARING and _DOCKER_SOCKET.search(instruction.logical):
            return ("it uses the Docker socket (/var/run/docker.sock), which the host gives to root and the docker "
                    "group only: as the image's nonroot user (uid 65532) it could not connect. Run it as nonroot "
                    "only with the socket's group added (docker run --group-add) or through a socket proxy")
    return None
