"""Node: the app directory with node_modules goes to the runtime; dev dependencies are pruned."""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan

_PRODUCTION_FLAGS = ("--production", "--omit=dev", "--only=production", "--only=prod", "--prod")


class Node:
    name = "node"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        for tool, prune in (("npm", "npm prune --omit=dev"), ("pnpm", "pnpm prune --prod")):
            installs = [c for c in context.commands(tool) if len(c.words) > 1 and c.words[1] in ("ci", "install", "i")]
            if installs and not any(flag in c.words for c in installs for flag in _PRODUCTION_FLAGS):
                plan.builder_appends.append(f"RUN {prune}")
                plan.note("MIG517", installs[-1].line,
                          f"dev dependencies are pruned (`{prune}`) before node_modules is copied to the runtime")
                break
        yarn = [c for c in context.commands("yarn") if len(c.words) == 1 or c.words[1] == "install"]
        if yarn and not any("--production" in c.words for c in yarn):
            plan.note("MIG517", yarn[-1].line, "yarn installs dev dependencies too: add "
                      "`yarn install --production` after the build so the runtime only gets what it needs")
        return plan


ECOSYSTEM = Node()
