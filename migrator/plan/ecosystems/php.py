"""PHP: composer runs in the builder; the php-fpm image starts itself.

docker-php-ext-install / pecl compile extensions into Docker Hub's PHP. On Wolfi each extension
is a package: the RUN translation installs it (rewrite/php_helpers.py, MIG410) and the runtime
stage copies its module (rewrite/needs.py).
"""

from __future__ import annotations

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan
from migrator.plan.ecosystems.beside import install_directory, made_beside_the_app

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from migrator.plan.stages import Stage

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
        dropped = self._dropped_script(context, plan, words)
        plan.note("MIG545", line, "the php-fpm image starts php-fpm itself (under s6, port 9000)" + dropped)
        self._seeded_app(context, plan)
        if apache:
            plan.note("MIG565", line, "Apache is replaced by php-fpm: the image no longer serves HTTP on port 80 but "
                      "FastCGI on port 9000; put nginx in front (fastcgi_pass to port 9000) and rewrite any "
                      ".htaccess rules as nginx configuration")

    def _dropped_script(self, context: EcosystemContext, plan: RuntimePlan, words: list[str]) -> str:
        """A user's script in front of php-fpm (`ENTRYPOINT ["/docker-entrypoint.sh"]`, ending in `exec "$@"`) is
        not run by the runtime: its setup at start is lost (E MIG248), or unknown where it cannot be read (W
        MIG249). What MIG545 adds when it does nothing else (its seeding of the app: MIG323/MIG324)."""
        if not words or words[0].rsplit("/", 1)[-1] in _DEFAULT_STARTS:
            return ""
        from migrator.plan.dropped_start import dropped_script

        facts = context.facts
        setter = facts.entrypoint or facts.cmd
        line = setter.line if setter is not None else facts.stage.from_item.line
        script = dropped_script(facts.stage, context.files, facts.workdir, words[0], line)
        not_run = f"`{script.program}` (not run: the php-fpm image starts php-fpm itself)"
        if not script.read:
            plan.note("MIG249", script.line, f"{not_run} is dropped, and this tool could not read it, so what it did "
                      "at every start is not done: read it, do its setup in the Dockerfile (a RUN in the builder "
                      "whose result the runtime copies), or migrate with the build context to have it checked")
            return ""
        if not script.steps:
            return f"; {script.program} is not run, and does no other setup at start"
        writes = f" (it writes {', '.join(script.writes)})" if script.writes else ""
        plan.note("MIG248", script.line, f"{not_run} did this at every start, which the runtime does not: "
                  f"{'; '.join(f'`{step}`' for step in script.steps)}{writes}. Do that setup in the Dockerfile (a "
                  "RUN in the builder whose result the runtime copies) where it is the same at every start, or keep "
                  "a runtime with a shell that runs the script and then starts php-fpm")
        return ""

    def _seeded_app(self, context: EcosystemContext, plan: RuntimePlan) -> None:
        """The dropped start script put the application where php-fpm serves it (`tar cf - -C /usr/src/app . |
        tar xf -` into the WORKDIR): the runtime gets the same tree there from the builder (MIG323); what it cannot
        copy so (an rsync that leaves files out, an archive) is said: the image would serve no application (MIG324)."""
        from migrator.plan.seeded_trees import builder_has, serves, start_script_seeds

        facts = context.facts
        script = start_script_seeds(facts.stage, context.files, facts.workdir)
        if script is None:
            return
        volumes = _volumes(facts.stage)
        for seed in (s for s in script.seeds if serves(s, (facts.workdir,))):
            if seed.plain and builder_has(seed.source, facts.stage):
                owned = script.chowns or any(_inside(seed.destination, v) for v in volumes)
                plan.last_copies.append(Copy(seed.source, seed.destination, chown=owned))
                plan.note("MIG323", script.line, f"{script.path} (not run: the php-fpm image starts php-fpm itself) "
                          f"copied {seed.source} into {seed.destination} at start (`{_short(seed.command)}`): the "
                          f"runtime gets {seed.source} there from the builder")
                continue
            why = (f"no line of the stage makes {seed.source}, which a COPY from the builder would need" if seed.plain
                   else "it is no plain copy of a directory (files left out, an archive unpacked) that a COPY could do")
            command = _short(seed.command)
            plan.note("MIG324", script.line, f"{script.path} put the application in place at start (`{command}`"
                      f": {seed.source} into {seed.destination}); the php-fpm image starts php-fpm itself and does not "
                      f"run it, and {why}: {seed.destination} has no application in the runtime. Copy it there in the "
                      "Dockerfile (`COPY --from=builder ...`)")


def _volumes(stage: Stage) -> list[str]:
    from migrator.parse.words import split_words

    paths: list[str] = []
    for instruction in (i for s in stage.chain() for i in s.instructions if i.keyword == "VOLUME"):
        try:
            paths += instruction.json_args() or split_words(instruction.body)
        except ValueError:
            paths += instruction.body.split()
    return paths


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _short(command: str) -> str:
    flat = " ".join(command.split())
    return flat if len(flat) <= 80 else flat[:77] + "..."


ECOSYSTEM = Php()
