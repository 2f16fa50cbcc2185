"""Node: the app directory with node_modules goes to the runtime; dev dependencies are pruned."""

from __future__ import annotations

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan

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
        static_dir = self._static_site(context)
        if static_dir is not None:
            return self._served_by_nginx(context, static_dir, plan)
        return plan

    def _static_site(self, context: EcosystemContext) -> str | None:
        """`npx serve -s build` / `http-server dist`: the app is static files after `npm run build`."""
        for instruction in (context.facts.entrypoint, context.facts.cmd):
            if instruction is None:
                continue
            words = instruction.json_args() or instruction.body.split()
            if words[:1] == ["npx"]:
                words = words[1:]
            if words[:1] not in (["serve"], ["http-server"]):
                continue
            arguments, skip = [], False
            for word in words[1:]:
                if skip:
                    skip = False
                elif word in ("-l", "--listen", "-p", "--port", "-a", "-c", "--config"):
                    skip = True
                elif not word.startswith("-"):
                    arguments.append(word)
            return context.facts.resolve(arguments[0] if arguments else ".")
        return None

    def _served_by_nginx(self, context: EcosystemContext, static_dir: str, plan: RuntimePlan) -> RuntimePlan:
        plan.image = context.registry_image("nginx:latest")
        plan.copy_app_dirs = False
        plan.copies.append(Copy(static_dir, "/usr/share/nginx/html"))
        plan.image_default_command = True
        plan.expose = ("8080",)
        plan.builder_appends.clear()
        plan.findings.clear()
        line = (context.facts.cmd or context.facts.entrypoint or context.facts.stage.from_item).line
        plan.note("MIG532", line, f"the app is static files ({static_dir}): nginx serves them on port 8080, "
                  "no Node.js at run time")
        return plan


ECOSYSTEM = Node()
