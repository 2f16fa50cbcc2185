"""PHP: composer runs in the builder; the php-fpm image starts itself.

docker-php-ext-install / pecl compile extensions into Docker Hub's PHP. On Wolfi each extension
is a package: the RUN translation installs it (rewrite/php_helpers.py, MIG410) and the runtime
stage copies its module (rewrite/needs.py).
"""

from __future__ import annotations

from migrator.plan.ecosystems.base import EcosystemContext, RuntimePlan
from migrator.plan.ecosystems.beside import install_directory, made_beside_the_app

_DEFAULT_STARTS = {"php-fpm", "apache2-foreground", "docker-php-entrypoint"}


class Php:
    name = "php"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        if "fpm" in (context.runtime_image or "").rsplit(":", 1)[-1]:
            self._fpm_starts_itself(context, plan)
        installs = [c for c in context.commands("composer") if {"install", "update", "require"} & set(c.words)]
        made = [(install_directory(c, context, ("-d", "--working-dir")), "vendor") for c in installs]
        plan.copies += made_beside_the_app(context, made)  # (`cd /srv && composer install`: /srv/vendor)
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
        plan.note("MIG545", line, "the php-fpm image starts php-fpm itself (under s6, port 9000)")
        if apache:
            plan.note("MIG565", line, "Apache is replaced by php-fpm: the image no longer serves HTTP on port 80 but "
                      "FastCGI on port 9000; put nginx in front (fastcgi_pass to port 9000) and rewrite any "
                      ".htaccess rules as nginx configuration")


ECOSYSTEM = Php()
