""".NET: `dotnet publish -o DIR` output goes to aspnet-runtime (web) or dotnet-runtime."""

from __future__ import annotations

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan, option_value


class DotNet:
    name = "dotnet"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        from migrator.plan.placed_programs import placed_output

        plan = RuntimePlan(copy_app_dirs=False)
        publishes = [c for c in context.commands("dotnet") if len(c.words) > 1 and c.words[1] == "publish"]
        for command in publishes:
            output = option_value(command.words, "-o", "--output")
            if output:
                path = command.resolve(output, context.facts.env)
                placed = placed_output(command, output, context.facts.commands, context.facts.env)
                if path is None and placed is not None:
                    path = placed  # (`dotnet publish -o $OUT && cp -r $OUT /app`: the runtime copies /app)
                if path is None:
                    plan.note("MIG581", command.line, "`dotnet publish -o` names a variable of the RUN whose value "
                              "this file does not show: the output is not copied to the runtime")
                    continue
                plan.copies.append(Copy(path, path))
        if not plan.copies:
            plan.copy_app_dirs = True
        if context.runtime_image is None:
            plan.image = context.registry_image("aspnet-runtime:latest")
        return plan


ECOSYSTEM = DotNet()
