"""Docker Hub's file layout in a Dockerfile's own lines, where Chainguard images differ.

- Debian's multiarch library directories (`/usr/lib/x86_64-linux-gnu/`, `/usr/lib/$(uname -m)-linux-gnu/`)
  do not exist on Wolfi, which keeps libraries in `/usr/lib/`: rewritten (mechanical).
- Cache mounts on Docker Hub's tool directories (`/usr/local/cargo`, `/usr/local/bundle`, `/go/pkg`)
  cache nothing on Chainguard images; `UV_PROJECT_ENVIRONMENT=/usr/local` installs where neither the
  interpreter nor the runtime stage looks: reported (rules/dockerhub.yaml says what to use).

`ln -s /usr/local/bin/python /usr/bin/python` is handled with the other shell commands (housekeeping.py).
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan

# /usr/lib/x86_64-linux-gnu, /lib/aarch64-linux-gnu, /usr/lib/$(uname -m)-linux-gnu, /usr/lib/${ARCH}-linux-gnu,
# /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
_MULTIARCH = re.compile(
    r"(?<![\w/])(?:/usr)?/lib/(?:(?:x86_64|aarch64|i386|i686|arm|s390x|powerpc64le|riscv64|\$\(uname -m\)|`uname -m`"
    r"|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)-linux-gnu(?:eabihf)?|\$\(dpkg-architecture -q ?DEB_HOST_MULTIARCH\))(?=/|\b|$)"
)
_MOUNT_TARGET = re.compile(r"--mount=(\S*)")


def translate_layout(plan: FilePlan) -> list[Finding]:
    """Rewrite multiarch paths in the migrated stages, in place, and report Docker Hub-only paths."""
    from migrator.parse.dockerfile import parse_instruction

    findings: list[Finding] = []
    for stage_plan in plan.stages:
        if not stage_plan.migrated:
            continue
        stage = stage_plan.stage
        for position, item in enumerate(stage.items):
            if not isinstance(item, Instruction):
                continue
            findings += _reported_paths(item)
            if _copies_from_an_image(plan, item, stage.index) or not _MULTIARCH.search(item.raw):
                continue
            raw = _MULTIARCH.sub("/usr/lib", item.raw)
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
            paths = ", ".join(dict.fromkeys(m.group(0) for m in _MULTIARCH.finditer(item.raw)))
            findings.append(finding("MIG407", item.line, f"{paths} -> /usr/lib: Wolfi keeps shared libraries "
                                    "directly in /usr/lib, with no multiarch directory"))
    return findings


def _copies_from_an_image(plan: FilePlan, item: Instruction, before: int) -> bool:
    """`COPY --from=debian:12 /usr/lib/x86_64-linux-gnu/...`: the path is right in that image."""
    source = item.flags.get("from") if item.keyword in ("COPY", "ADD") else None
    return bool(source) and plan.staged.stage_by_reference(source or "", before=before) is None


def _reported_paths(item: Instruction) -> list[Finding]:
    from migrator.rules.data import builtin_data

    if item.keyword not in ("RUN", "ENV", "ARG") or ("/usr/" not in item.raw and "/go/" not in item.raw):
        return []
    data = builtin_data("dockerhub.yaml")
    found: list[Finding] = []
    if item.keyword == "RUN":
        for mount in _MOUNT_TARGET.findall(item.raw):
            options = dict(part.partition("=")[::2] for part in mount.split(","))
            target = options.get("target") or options.get("dst") or options.get("destination") or ""
            for prefix, why in (data.get("cache_paths") or {}).items():
                if options.get("type") == "cache" and (target == prefix or target.startswith(prefix)):
                    found.append(finding("MIG408", item.line, f"cache mount on {target}: {why}; the mount "
                                         "caches nothing there"))
    for variable, values in (data.get("project_environments") or {}).items():
        for value in values:
            if re.search(rf"\b{variable}[= ]+[\"']?{re.escape(value)}/?[\"']?(\s|$)", item.raw):
                found.append(finding("MIG408", item.line, f"{variable}={value}: Docker Hub's python looks for "
                                     f"packages under {value}, Chainguard's does not, and the runtime stage copies "
                                     "the project environment only from a virtual environment: leave it unset "
                                     "(uv uses /<project>/.venv) or point it at a venv such as /opt/venv"))
    return found
