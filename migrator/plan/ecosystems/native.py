"""C/C++ and prebuilt binaries: copy the built binary to glibc-dynamic (static when linked -static)."""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan


class Native:
    name = "native"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        linked_static = any("-static" in c.words for c in context.commands("gcc", "g++", "cc", "c++", "clang"))
        if context.runtime_image is None or linked_static:
            plan.image = context.registry_image("static:latest" if linked_static else "glibc-dynamic:latest")
        return plan


ECOSYSTEM = Native()
