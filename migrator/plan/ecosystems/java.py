"""Java: Maven / Gradle build a jar in the builder; the runtime is the JRE with just the jar(s)."""

from __future__ import annotations

import posixpath
import re

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan

_BUILD_TOOLS = ("mvn", "mvnw", "gradle", "gradlew")


def _jar_paths_in_command(context: EcosystemContext) -> list[str]:
    paths: list[str] = []
    for instruction in (context.facts.entrypoint, context.facts.cmd):
        if instruction is None:
            continue
        words = instruction.json_args() or instruction.body.split()
        for word in " ".join(words).split():  # `sh -c "java -jar x.jar"` holds several words in one
            paths += [context.facts.resolve(jar) for jar in _jars_in(word)]
    return paths


def _jars_in(word: str) -> list[str]:
    """The jar paths a java word that ends in a jar names: `app.jar`, a class path `a.jar:lib/b.jar`, an
    option's value (`-javaagent:/srv/agent.jar`, `-Dloader.path=/x/ext.jar`): never the option as a path."""
    if "://" in word or not word.endswith((".jar", ".war")):
        return []  # (a URL: nothing the builder has; `'a.jar:lib/*'` is not read, the app's directory is copied)
    pieces = re.split(r"[:=]", word)
    if word.startswith("-"):
        pieces = pieces[1:]
    return [piece for piece in pieces if piece.endswith((".jar", ".war")) and piece.strip("./")]


class Java:
    name = "java"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan(copy_app_dirs=False)
        if context.single_stage:
            return plan  # one stage: nothing is copied, the jars stay where the build wrote them
        builds = context.commands(*_BUILD_TOOLS)
        referenced = _jar_paths_in_command(context)
        for path in referenced:
            directory = posixpath.dirname(path)
            source = path if "*" not in posixpath.basename(path) else directory
            plan.copies.append(Copy(source, source))
        if referenced:
            return plan
        if builds:
            tool = posixpath.basename(builds[0].words[0])
            output = "target" if tool.startswith("mvn") else "build/libs"
            directory = posixpath.join(builds[0].workdir, output)
            plan.copies.append(Copy(directory, directory))
            plan.note("MIG519", builds[0].line, f"the runtime gets {directory} (where {tool} writes its "
                      "jars); point the ENTRYPOINT at the jar, e.g. java -jar <jar>")
            return plan
        plan.copy_app_dirs = True
        return plan


ECOSYSTEM = Java()
