"""Go: only the compiled binary goes to the runtime: static for CGO_ENABLED=0, else glibc-dynamic."""

from __future__ import annotations

import posixpath

from migrator.plan.ecosystems.base import (
    Copy,
    EcosystemContext,
    RuntimePlan,
    make_tool_home_for_user,
    option_value,
    user_in_force,
)
from migrator.plan.ecosystems.go_files import copy_files_beside
from migrator.plan.facts import Command
from migrator.plan.placed_programs import DEFAULT_PATH

_BUILDER_GOPATH = "/root/go"  # Chainguard go's ($HOME/go; it runs the build as root)


def _cgo_disabled(command: Command, context: EcosystemContext) -> bool:
    if "CGO_ENABLED=0" in command.assignments:
        return True
    return context.facts.env.get("CGO_ENABLED") == "0"


def _output_path(command: Command, context: EcosystemContext) -> str | None:
    words = command.words
    output = option_value(words, "-o")
    if output:
        path = command.resolve(output, context.facts.env)
        return UNKNOWN if path is None else path.rstrip("/")
    if words[1] == "install":
        return None
    packages = [w for w in words[2:] if not w.startswith("-") and "=" not in w]
    target = command.resolve(packages[-1] if packages else ".", context.facts.env)
    return UNKNOWN if target is None else posixpath.join(command.workdir, posixpath.basename(target.rstrip("/")))


UNKNOWN = ""  # (an output path spelled with a variable whose value the file does not show)


def _placed_elsewhere(command: Command, context: EcosystemContext) -> str | None:
    """The known path a later cp/mv/install of the RUN put a binary built under an unknown name."""
    from migrator.plan.placed_programs import placed_output

    word = option_value(command.words, "-o")
    return None if word is None else placed_output(command, word, context.facts.commands, context.facts.env)


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
        make_tool_home_for_user(context, plan, "go", "GOPATH", "writes its modules and installed programs to")
        static = all(_cgo_disabled(c, context) for c in builds)
        plan.image = context.registry_image("static:latest" if static else "glibc-dynamic:latest")
        for command in builds:
            output = _output_path(command, context)
            if output is None:
                gobin = _install_directory(command, context)
                gopath = _builder_gopath(command, context)
                _copy_installed(gobin or f"{gopath}/bin", command, plan)
                if gobin is None:  # (the original's go wrote to its image's GOPATH, the builder's to its own)
                    source = f"{_source_gopath(context)}/bin"
                    plan.moved.setdefault(source, ("/usr/local/bin", f"`go install` wrote to {source} in the original "
                                                   f"(its image's GOPATH); the builder's go writes to "
                                                   f"{gopath}/bin, which the runtime has in /usr/local/bin"))
            elif output == UNKNOWN and (placed := _placed_elsewhere(command, context)) is not None:
                plan.copies.append(Copy(placed, placed))
                plan.note("MIG518", command.line, f"`go build` writes the binary under a name with a variable whose "
                          f"value this file does not show, and the RUN puts it at {placed}: the runtime copies that")
            elif output == UNKNOWN:
                plan.note("MIG581", command.line, "`go build` writes the binary where a variable of the RUN points, "
                          "whose value this file does not show: it is not copied to the runtime")
            else:
                plan.copies.append(Copy(output, output))
        copy_files_beside(context, plan, builds[0].line)
        if not static:
            plan.note("MIG518", builds[0].line, "the binary is built with cgo (CGO_ENABLED is not 0), so it "
                      "runs on glibc-dynamic; set CGO_ENABLED=0 for the smaller static image")
        return plan


def _install_directory(command: Command, context: EcosystemContext) -> str | None:
    """Where `go install` writes, when the stage says: $GOBIN, else $GOPATH/bin, each from the command's own
    `GOBIN=/out go install` or the stage's ENV; None: the go's default ($HOME/go/bin, or the image's GOPATH)."""
    from migrator.plan.go_install import install_directory

    commands = context.commands("go")
    gobin = install_directory(command, context.facts.env, commands[:commands.index(command)])
    if gobin is not None:  # (`GOBIN=/out go install`, `ENV GOBIN`, `go env -w GOBIN=/out` before it)
        return gobin
    own = dict(assignment.split("=", 1) for assignment in command.assignments)
    env = context.facts.env
    for name, suffix in (("GOPATH", "/bin"),):
        value = own.get(name) or env.get(name)
        if value and value.startswith("/") and "$" not in value:
            return value.rstrip("/") + suffix
    return None


def _builder_gopath(command: Command, context: EcosystemContext) -> str:
    """The builder go's own GOPATH, $HOME/go: root's (/root/go), or that of the USER the command runs as, when
    the stage made that user (`useradd -m app`: /home/app/go)."""
    user = user_in_force(context.facts.stage, command.instruction.line)
    home = context.facts.homes.get(user.split(":")[0]) if user else None
    return f"{home.rstrip('/')}/go" if home and home.startswith("/") and "$" not in home else _BUILDER_GOPATH


def _source_gopath(context: EcosystemContext) -> str:
    """The GOPATH of the original's image: Docker Hub golang's /go, else go's default under root's home."""
    root = context.facts.stage.chain()[0]
    if root.ref is None:
        return _BUILDER_GOPATH
    upstream = dict(context.rules.upstream_defaults(root.ref.short_name, root.ref.tag).env)
    return (upstream.get("GOPATH") or _BUILDER_GOPATH).rstrip("/")


def _copy_installed(bin_directory: str, command: Command, plan: RuntimePlan) -> None:
    """`go install` puts the binary in $GOBIN, by default $GOPATH/bin. Under /root (the go image's GOPATH is
    /root/go), the runtime's user could not reach it: Wolfi's base layout makes /root 0700 and the runtime
    runs as uid 65532. So it goes to /usr/local/bin there, on every image's PATH; elsewhere (Docker Hub's /go) it keeps
    its path, with $GOPATH/bin on PATH as Docker Hub's golang had it."""
    bin_directory = bin_directory.rstrip("/")
    if bin_directory.startswith("/root/"):
        plan.copies.append(Copy(bin_directory + "/", "/usr/local/bin/"))
        plan.note("MIG518", command.line, f"`go install` puts the binary in {bin_directory}: the runtime gets what "
                  "is there in /usr/local/bin, as /root is closed to its user (uid 65532; Wolfi's base layout makes "
                  "/root 0700); prefer `go build -o /app/NAME` for an explicit path")
        return
    plan.copies.append(Copy(bin_directory, bin_directory))
    path = f'PATH="{bin_directory}:$PATH"'
    if bin_directory not in DEFAULT_PATH.split(":") and path not in plan.env:
        plan.env.append(path)
    plan.note("MIG518", command.line, f"`go install` puts the binary in {bin_directory}: it is copied from there, "
              "and the runtime has that directory on PATH; prefer `go build -o /app/NAME` for an explicit path")


ECOSYSTEM = Go()
