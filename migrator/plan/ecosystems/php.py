"""PHP: composer runs in the builder; extensions must exist in the runtime image."""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan


class Php:
    name = "php"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        for command in context.commands("docker-php-ext-install", "docker-php-ext-enable", "pecl"):
            extensions = [w for w in command.words[1:] if not w.startswith("-") and w != "install"]
            plan.note("MIG522", command.line, "PHP extensions (" + ", ".join(extensions) + ") are Wolfi "
                      "packages (php-8.X-<ext>): install them in the builder with apk and check that the "
                      "runtime image ships them, or build your own image with them")
        return plan


ECOSYSTEM = Php()
