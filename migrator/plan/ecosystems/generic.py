"""Anything without a language toolchain: distro images with scripts, services, static sites.

The app directory and every COPY destination are carried over; the runtime is the image rule's
runtime, or glibc-dynamic (a libc and nothing else) when the rule has none.
"""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan


class Generic:
    name = "generic"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        if context.runtime_image is None:
            plan.image = context.registry_image("glibc-dynamic:latest")
        return plan


ECOSYSTEM = Generic()
