"""PHP: composer runs in the builder; extensions must exist in the runtime image.

docker-php-ext-install / pecl compile extensions into Docker Hub's PHP. On Wolfi each extension
is a package (rules/php-extensions.yaml names them); the finding says which ones to install.
"""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan

_TOOLS = ("docker-php-ext-install", "docker-php-ext-enable", "docker-php-ext-configure", "pecl")
_OPTIONS_WITH_VALUE = {"--ini-name", "-j", "--jobs"}
_DEFAULT_STARTS = {"php-fpm", "apache2-foreground", "docker-php-entrypoint"}


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
        if "fpm" in (context.runtime_image or "").rsplit(":", 1)[-1]:
            self._fpm_starts_itself(context, plan)
        return plan

    def _fpm_starts_itself(self, context: EcosystemContext, plan: RuntimePlan) -> None:
        """php-fpm (or Apache's apache2-foreground, moved to php-fpm) is what the fpm image starts itself,
        under s6: its own ENTRYPOINT runs it, in the foreground, on port 9000."""
        words: list[str] = []
        for instruction in (context.facts.entrypoint, context.facts.cmd):
            if instruction is not None:
                words += instruction.json_args() or instruction.body.split()
        names = [w.rsplit("/", 1)[-1] for w in words[:2]]
        if words and not set(names) & _DEFAULT_STARTS:
            return
        plan.image_default_command = True
        plan.expose = ("9000",)
        line = (context.facts.cmd or context.facts.entrypoint or context.facts.stage.from_item).line
        apache = "apache2-foreground" in names or context.facts.stage.root_stage().image_text.find("apache") >= 0
        plan.note("MIG545", line, "the php-fpm image starts php-fpm itself (under s6, port 9000)"
                  + ("; Apache is replaced by php-fpm: put nginx in front (fastcgi_pass to port 9000) and "
                     "rewrite any .htaccess rules as nginx configuration" if apache else ""))


ECOSYSTEM = Php()
