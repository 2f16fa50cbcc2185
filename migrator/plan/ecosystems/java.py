"""Java: Maven / Gradle build a jar in the builder; the runtime is the JRE with just the jar(s)."""

from __future__ import annotations

import posixpath
import re

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan
from migrator.plan.facts import MODE_CHANGES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from migrator.plan.facts import Command

_BUILD_TOOLS = ("mvn", "mvnw", "gradle", "gradlew")


def _jar_paths_in_command(context: EcosystemContext) -> list[str]:
    paths: list[str] = []
    for instruction in (context.facts.entrypoint, context.facts.cmd):
        if instruction is None:
            continue
        words = instruction.json_args() or instruction.body.split()
        for word in " ".join(words).split():  # `sh -c "java -jar x.jar"` holds several words in one
            paths += [context.facts.resolve(jar) for jar in _jars_in(word)]
    for name in _JVM_OPTION_VARIABLES:  # (the JVM reads JAVA_TOOL_OPTIONS at every start; scripts pass JAVA_OPTS)
        for word in (context.facts.env.get(name) or "").split():
            paths += [context.facts.resolve(jar) for jar in _jars_in(word) if word.startswith("-javaagent:")]
    return paths


_JVM_OPTION_VARIABLES = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS", "CATALINA_OPTS")


def _jars_in(word: str) -> list[str]:
    """The jar paths a java word that ends in a jar names: `app.jar`, a class path `a.jar:lib/b.jar`, an
    option's value (`-javaagent:/srv/agent.jar`, `-Dloader.path=/x/ext.jar`): never the option as a path."""
    if "://" in word:
        return []  # (a URL: nothing the builder has)
    if word.startswith("-javaagent:"):  # `-javaagent:/opt/jmx.jar=9404:/etc/jmx.yml`: the jar, then its options
        jar = word[len("-javaagent:"):].split("=", 1)[0]
        return [jar] if jar.endswith(".jar") and jar.strip("./") else []
    if not word.endswith((".jar", ".war")):
        return []  # (`'a.jar:lib/*'` is not read, the app's directory is copied)
    pieces = re.split(r"[:=]", word)
    if word.startswith("-"):
        pieces = pieces[1:]
    return [piece for piece in pieces if piece.endswith((".jar", ".war")) and piece.strip("./")]


def _may_be_made(path: str, context: EcosystemContext) -> bool:
    """Whether the stage chain can have put the jar there: a COPY into it (or its directory), a RUN that names it
    or a directory above it (`cp target/app.jar /srv/`, `curl -o`), or a build in a directory above it. A jar
    nothing makes (`-Dloader.path=/plugins/ext.jar`) was not in the original image either: copying it from the
    builder would fail the build."""
    facts = context.facts
    if "*" in posixpath.basename(path):
        return True  # (a pattern: its directory is copied)
    holders = [*facts.copy_destinations, *(c.workdir for c in context.commands(*_BUILD_TOOLS))]
    if any(path == d or path.startswith(d.rstrip("/") + "/") for d in holders):
        return True
    for command in facts.commands:
        program = posixpath.basename(command.words[0])
        if program in MODE_CHANGES or program in ("mkdir", "rm", "rmdir"):
            continue  # (a directory made or given away holds no jar of its own)
        if _downloads_it(path, command, facts.env):
            return True
        if any(_names_it(word, path, command, facts.env) for word in command.words[1:]):
            return True
    return False


def _downloads_it(path: str, command: Command, env: dict[str, str | None]) -> bool:
    """Whether a curl or wget command writes the jar (`curl -O .../agent.jar`, `nice wget -P /srv URL`,
    `sh -c "curl -o agent.jar URL"`): the files rewrite.uncarried's download_targets reads, in the directory
    the download runs in. A download to standard output (`curl URL | tar x`) writes no file of its own."""
    from migrator.plan.facts import seen_through
    from migrator.rewrite.uncarried import download_targets

    for run in seen_through(command):
        program = posixpath.basename(run.words[0])
        if program in ("curl", "wget") and any(
                run.resolve(target, env) == path for target in download_targets(program, run.words[1:])):
            return True
    return False


def _names_it(word: str, path: str, command: Command, env: dict[str, str | None]) -> bool:
    """Whether a RUN word names the jar or a directory above it: a path (`cp target/app.jar /srv/`) or a name in
    the RUN's directory (`wget -O agent.jar URL`). A URL names nothing the builder has: what a download writes
    is _downloads_it's."""
    if "://" in word:
        return False
    raw = word.split("=", 1)[-1]
    if "/" not in raw and not raw.endswith(".jar"):
        return False
    value = (command.resolve(raw, env) or "").rstrip("/")
    directory = posixpath.dirname(path)
    return bool(value) and value != "/" and (value in (path, directory) or path.startswith(value + "/"))


def _copied_into_workdir(context: EcosystemContext, builds: list[Command]) -> list[Copy]:
    """What COPY/ADD put under the WORKDIR besides the jar (`COPY config/ ./config/`, a javaagent), when no Maven
    or Gradle build ran there: the directory holds the app's files, not sources, whatever else the stage's RUN
    steps did there (mkdir, chown, a download), and the app started there reads them relative to it."""
    workdir = context.facts.workdir
    if workdir == "/" or any(_inside(c.workdir, workdir) or _inside(workdir, c.workdir) for c in builds):
        return []
    return [Copy(d, d) for d in context.facts.copy_destinations if d != workdir and _inside(d, workdir)]


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


class Java:
    name = "java"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan(copy_app_dirs=False)
        if context.single_stage:
            return plan  # one stage: nothing is copied, the jars stay where the build wrote them
        builds = context.commands(*_BUILD_TOOLS)
        referenced = [path for path in _jar_paths_in_command(context) if _may_be_made(path, context)]
        for path in referenced:
            directory = posixpath.dirname(path)
            source = path if "*" not in posixpath.basename(path) else directory
            plan.copies.append(Copy(source, source))
        if referenced:
            plan.copies += _copied_into_workdir(context, builds)
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
