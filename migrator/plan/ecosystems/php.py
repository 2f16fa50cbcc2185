"""PHP: composer runs in the builder; extensions must exist in the runtime image.

docker-php-ext-install / pecl compile extensions into Docker Hub's PHP. On Wolfi each extension
is a package (rules/php-extensions.yaml names them); the finding says which ones to install.
"""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan

_TOOLS = ("docker-php-ext-install", "docker-php-ext-enable", "docker-php-ext-configure", "pecl")
_OPTIONS_WITH_VALUE = {"--ini-name", "-j", "--jobs"}


def extensions(words: tuple[str, ...]) -> list[str]:
    """Extension names in `docker-php-ext-install -j4 intl zip` / `pecl install apcu-5.1.8`."""
    found: list[str] = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word in _OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-") and word != "install":
            found.append(word.split("-")[0] if word[:1].isalpha() and "-" in word else word)
    return found


class Php:
    name = "php"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        known = context.rules.runtime_libs.get("php_extensions", {})
        for command in context.commands(*_TOOLS):
            if command.words[0] == "docker-php-ext-configure":
                continue
            names = extensions(command.words)
            if not names:
                continue
            mapped = [f"{n} -> {' '.join(known[n])}" if n in known else f"{n} -> php-8.X-{n}" for n in names]
            plan.note("MIG522", command.line, "PHP extensions are Wolfi packages: " + ", ".join(mapped)
                      + "; install them with apk in the builder, and use a runtime image that has them "
                      "(the distroless php image cannot install packages)")
        return plan


ECOSYSTEM = Php()
