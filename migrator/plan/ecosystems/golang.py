"""Go: only the compiled binary goes to the runtime: static for CGO_ENABLED=0, else glibc-dynamic."""

from __future__ import annotations

import posixpath

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan, option_value
from migrator.plan.facts import Command


def _cgo_disabled(command: Command, context: EcosystemContext) -> bool:
    if "CGO_ENABLED=0" in command.assignments:
        return True
    return context.facts.env.get("CGO_ENABLED") == "0"


def _output_path(command: Command, context: EcosystemContext) -> str | None:
    words = command.words
    output = option_value(words, "-o")
    if output:
        path = command.resolve(output, context.facts.env)
        return path.rstrip("/")
    if words[1] == "install":
        return None
    packages = [w for w in words[2:] if not w.startswith("-") and "=" not in w]
    target = packages[-1] if packages else "."
    name = posixpath.basename(command.resolve(target, context.facts.env).rstrip("/"))
    return posixpath.join(command.workdir, name)


class Go:
    name = "go"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan(copy_app_dirs=False)
        builds = [c for c in context.commands("go") if len(c.words) > 1 and c.words[1] in ("build", "install")]
        if not builds:
            plan.copy_app_dirs = True
            plan.image = context.registry_image("glibc-dynamic:latest")
            plan.note("MIG518", context.facts.stage.from_item.line, "no `go build` found: the app directory is "
                      "copied as it is to a glibc-dynamic runtime")
            return plan
        static = all(_cgo_disabled(c, context) for c in builds)
        plan.image = context.registry_image("static:latest" if static else "glibc-dynamic:latest")
        for command in builds:
            output = _output_path(command, context)
            if output is None:
                gopath = context.facts.env.get("GOPATH") or "/root/go"
                plan.note("MIG518", command.line, f"`go install` puts the binary in {gopath}/bin: it is "
                          "copied from there; prefer `go build -o /app/NAME` for an explicit path")
                plan.copies.append(Copy(f"{gopath}/bin", f"{gopath}/bin"))
            else:
                plan.copies.append(Copy(output, output))
        if not static:
            plan.note("MIG518", builds[0].line, "the binary is built with cgo (CGO_ENABLED is not 0), so it "
                      "runs on glibc-dynamic; set CGO_ENABLED=0 for the smaller static image")
        return plan


ECOSYSTEM = Go()
