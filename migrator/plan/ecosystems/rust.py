"""Rust: the release binary goes to glibc-dynamic (static for musl targets)."""

from __future__ import annotations

from migrator.plan.ecosystems.base import (
    BuilderInsert,
    Copy,
    EcosystemContext,
    RuntimePlan,
    make_tool_home_for_user,
    option_value,
)
from migrator.plan.rust_targets import missing_targets

CARGO_HOME = "/usr/local/cargo"


class Rust:
    name = "rust"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan(copy_app_dirs=False)
        cargo = [c for c in context.commands("cargo") if len(c.words) > 1 and c.words[1] in ("build", "install")]
        dropped = {(m.command.line, m.command.words) for m in missing_targets(context.facts)}  # (built for glibc)
        musl = any("musl" in (option_value(c.words, "--target") or "") for c in cargo
                   if (c.line, c.words) not in dropped)
        plan.image = context.registry_image("static:latest" if musl else "glibc-dynamic:latest")
        make_tool_home_for_user(context, plan, "cargo", "CARGO_HOME", "keeps its registry and installed programs in")
        for command in cargo:
            if command.words[1] == "install":
                home = context.facts.env.get("CARGO_HOME")
                if not home:
                    home = CARGO_HOME
                    # (under a USER other than root, made as root and given to it: /usr/local is root's)
                    plan.builder_inserts.append(BuilderInsert(command.instruction.line, f"ENV CARGO_HOME={home}",
                                                              made=home))
                root = option_value(command.words, "--root") or home
                plan.copies.append(Copy(f"{root}/bin", f"{root}/bin"))
                plan.env.append(f'PATH="{root}/bin:$PATH"')
            else:
                target = option_value(command.words, "--target")
                profile = "release" if "--release" in command.words or "-r" in command.words else "debug"
                directory = f"target/{target}/{profile}" if target else f"target/{profile}"
                path = command.resolve(directory, context.facts.env)
                if path is None:
                    continue
                plan.copies.append(Copy(path, path))
                plan.note("MIG518", command.line, f"the runtime gets {path} (cargo's output); copy just "
                          "the binary to keep the image small")
        if not cargo:
            plan.copy_app_dirs = True
        return plan


ECOSYSTEM = Rust()
