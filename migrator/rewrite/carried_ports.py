"""The port a carried ASP.NET Core setting keeps (rules/chainguard-images.yaml upstream `runtime_env`).

mcr.microsoft.com/dotnet/aspnet up to 7.0 set ASPNETCORE_URLS=http://+:80, and the app listened on 80; Chainguard's
aspnet-runtime sets ASPNETCORE_HTTP_PORTS=8080. The source image's setting is carried, so the app keeps its port and
what maps it (`-p 5106:80`, a compose file, a Service's targetPort) still reaches it. A port below 1024 is bound by
the runtime's nonroot uid only where the engine lets it (Docker sets net.ipv4.ip_unprivileged_port_start=0 in its
containers; Kubernetes does not by default): W MIG511 says so, with both ports.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan

_PORT_SETTINGS = ("ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS")


def kept_port_finding(plan: FilePlan, image: str, carried: list[str]) -> Finding | None:
    """W MIG511 when a carried setting keeps a port below 1024 for an app that runs as nonroot on `image`."""
    from migrator.plan.images import image_name

    model = plan.rules.image_model(image)
    for setting in carried:
        name, _, value = setting.partition("=")
        ports = [int(p) for p in re.findall(r"(?::|^|[,;])(\d+)(?=/|$|[,;])", value)] if name in _PORT_SETTINGS else []
        low = [p for p in ports if p < 1024]
        if not low or model.uid == 0:
            continue
        ref = plan.root_of(plan.final).stage.ref
        source = ref.familiar if ref is not None else "the source image"
        default = dict(model.env).get("ASPNETCORE_HTTP_PORTS")
        otherwise = (f"{image_name(image)} sets ASPNETCORE_HTTP_PORTS={default}, so without it the app would listen on "
                     f"{default}" if default else
                     f"{image_name(image)} sets no port, so without it Kestrel would listen on localhost:5000 only")
        return finding("MIG511", plan.final.stage.from_item.line, (
            f"ENV {setting}: {source} set it, and the app listened on port {low[0]}; {otherwise}. The setting is "
            f"kept so that what maps port {low[0]} still reaches the app, but the runtime runs as nonroot (uid "
            f"{model.uid}): Docker lets it bind a port below 1024 (its containers' "
            "net.ipv4.ip_unprivileged_port_start=0), Kubernetes and other engines without that sysctl do not (the "
            f"app would stop: permission denied). To listen on {default or 8080} instead, set ENV "
            f"ASPNETCORE_HTTP_PORTS={default or 8080} in the final stage in place of this one, and map that port"))
    return None


_LISTEN = re.compile(r"(?m)^[^#\n]*?\blisten\s+([^;\s]+)[^;]*;")


def nginx_listen_findings(plan: FilePlan, image: str) -> list[Finding]:
    """W MIG511 for each nginx configuration file of the build context, copied under /etc/nginx by the final
    stage (or a stage it is built on), directly or through a build stage that copied it from the context, that
    listens on a port below 1024 while `image` runs as nonroot."""
    from migrator.plan.images import image_name
    from migrator.rewrite.nginx_listen import exposes_80, is_nginx
    from migrator.rewrite.nginx_sites import copied_files

    model = plan.rules.image_model(image)
    if model.uid == 0 or plan.files.root is None:
        return []
    lines = [i for s in plan.final.stage.chain() for i in s.instructions]
    # (with EXPOSE 80 on nginx, `listen 80` moves to 8080 with the EXPOSE, or MIG535 says to move it)
    moved = {80} if is_nginx(image) and exposes_80(lines) else set()
    found = []
    for item, name, text in copied_files(plan, lines, "/etc/nginx") + _copied_through_stages(plan, "/etc/nginx"):
        low = sorted({port for port in map(_listen_port, _LISTEN.findall(text))
                      if port is not None and port < 1024 and port not in moved})
        if low:
            ports = ", ".join(map(str, low))
            found.append(finding("MIG511", item.line, (
                f"{name} (copied to /etc/nginx) has nginx listen on port {ports}, below 1024, and {image_name(image)} "
                f"runs as nonroot (uid {model.uid}): Docker lets it bind the port (its containers' "
                "net.ipv4.ip_unprivileged_port_start=0), Kubernetes and other engines without that sysctl do not "
                "(nginx stops: bind() ... failed (13: Permission denied)); listen on 8080 (the port Chainguard's "
                "nginx serves) and map that port")))
    return found


def _copied_through_stages(plan: FilePlan, prefix: str) -> list[tuple[Instruction, str, str]]:
    """(the COPY --from, the file's context path, its text) for each build-context file a `COPY --from=build` of
    the final stage's chain puts under `prefix`, followed back through the stage it came from (`COPY . .` there)."""
    from migrator.validate.stage_files import context_source

    found = []
    for stage in plan.final.stage.chain():
        for item in stage.instructions:
            reference = item.flags.get("from") if item.keyword in ("COPY", "ADD") and not item.heredocs else None
            source_stage = plan.staged.stage_by_reference(reference, before=stage.index) if reference else None
            if source_stage is None:
                continue
            words = [w for w in item.words() if not w.startswith("--")]
            if len(words) < 2 or not (words[-1] + "/").startswith(prefix.rstrip("/") + "/"):
                continue
            for source in words[:-1]:
                if any(c in source for c in "*?[$"):
                    continue
                context = context_source(source_stage, plan.staged, plan.rules, plan.files,
                                         posixpath.normpath("/" + source.lstrip("/")))
                found += [(item, name, text) for name, text in _context_texts(plan, context)]
    return found


def _context_texts(plan: FilePlan, source: str | None) -> list[tuple[str, str]]:
    """(path, text) of the build-context file `source`, or of each file under it when it is a directory."""
    if source is None:
        return []
    names = [posixpath.join(source, n) for n in plan.files.files_under(source) or []] \
        if plan.files.is_directory(source) else [source]
    return [(name, text) for name in names if (text := plan.files.text(name)) is not None]


def _listen_port(address: str) -> int | None:
    """The port of an nginx `listen` address: `80`, `[::]:80`, `0.0.0.0:443`, `localhost:80` (a unix socket or a
    host without a port has none this can read)."""
    if address.startswith("unix:"):
        return None
    port = address.rsplit("]:", 1)[1] if address.startswith("[") and "]:" in address else address.rpartition(":")[2]
    return int(port) if port.isdigit() else None
