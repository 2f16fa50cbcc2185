"""A Gradle build on a Java image that pinned an older Java: Gradle runs only on the Java versions it knows.

`FROM java:8-jdk` + `RUN ./gradlew build` becomes jdk:latest-dev, which serves the newest Java; a Gradle
release older than the first one that runs on it (Gradle's compatibility matrix, rules/wolfi/versions.yaml
`gradle_runs_on`) stops before it compiles anything. The Gradle version is the wrapper's
(gradle/wrapper/gradle-wrapper.properties, read when the build context is on disk) or the one the
Dockerfile downloads (`.../distributions/gradle-4.10.3-bin.zip`, `ARG GRADLE_VERSION=4.10.3`).
"""

from __future__ import annotations

from migrator.model import TagPolicy
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import lazy as lazy_re

_GRADLEW = lazy_re(r"(?<![\w.-])(?:\./|\$PWD/|(?:ba)?sh\s+)?gradlew(?![\w.-])")
_GRADLE = lazy_re(r"(?<![\w./-])gradle\s+(?!-v\b|--version\b)[\w-]")
_WRAPPER_PROPERTIES = "gradle/wrapper/gradle-wrapper.properties"
_DISTRIBUTION = lazy_re(r"(?m)^\s*distributionUrl\s*[=:].*?gradle-(\d+(?:\.\d+)*)(?:-[a-z0-9-]*)?-(?:bin|all)\.zip")
_DOWNLOADED = lazy_re(r"gradle-(\d+(?:\.\d+)+)-(?:bin|all)\.zip")
_VERSION_VARIABLE = lazy_re(r"(?m)^\s*(?:ARG|ENV)\s+GRADLE_VERSION[=\s]+[\"']?(\d+(?:\.\d+)+)")


def old_gradle(plan: FilePlan, stage_plan: StagePlan, familiar: str, repository: str,
               tag: str) -> tuple[str, int, str] | None:
    """(code, line, message) when a stage on this Java image runs Gradle that cannot run on the Java the image's
    latest tag serves (MIG222); for a wrapper this tool cannot read, MIG222 where no Gradle that runs on the
    pinned Java is new enough (a project on java 8 has a wrapper of 8.14 at most), else MIG223, a warning (a
    project on java 21 may already have one that runs on the latest)."""
    from migrator.plan.versions import gradle_runs_on, gradle_runs_until, pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None or pinned.language != "java" or plan.options.tag_policy is TagPolicy.KEEP:
        return None
    needed = gradle_runs_on(pinned.latest)
    instructions = [i for other in plan.stages if other.stage.root_stage() is stage_plan.stage
                    for i in other.stage.instructions]
    runs = [i for i in instructions if i.keyword == "RUN"]
    wrapper = next((i.line for i in runs if _GRADLEW.search(i.body)), None)
    installed = next((i.line for i in runs if _GRADLE.search(i.body)), None)
    if needed is None or (wrapper is None and installed is None):
        return None
    keep = (f", or migrate with --tag-policy keep for an organisation registry that serves java {pinned.version}"
            if pinned.served else f" (Wolfi has no java {pinned.version} stream, so --tag-policy keep cannot help)")
    prefix = f"{familiar}: "
    fails = (f"the Chainguard image's latest tag serves java {pinned.latest}, on which Gradle runs from {needed} "
             "on: the build fails before it compiles anything")
    if wrapper is None:
        assert installed is not None
        text = "\n".join(i.raw for i in instructions)
        found = _DOWNLOADED.search(text) or _VERSION_VARIABLE.search(text)
        if found is None or _key(found.group(1)) >= _key(needed):
            return None
        return "MIG222", installed, (f"{prefix}`gradle` is Gradle {found.group(1)}, which the Dockerfile downloads, "
                                     f"and {fails}; install Gradle {needed} or later{keep}")
    properties = plan.files.text(_WRAPPER_PROPERTIES)
    version = match.group(1) if properties and (match := _DISTRIBUTION.search(properties)) else None
    if version is not None and _key(version) >= _key(needed):
        return None
    if version is not None:
        return "MIG222", wrapper, (f"{prefix}`./gradlew` runs Gradle {version} ({_WRAPPER_PROPERTIES}), and {fails}; "
                                   f"upgrade the wrapper (`./gradlew wrapper --gradle-version {needed}` on java "
                                   f"{pinned.version}, then the build scripts){keep}")
    unread = (f"{prefix}`./gradlew` runs the Gradle version of the project's wrapper, which this tool cannot read (no "
              f"{_WRAPPER_PROPERTIES} in a build context on disk), and the Chainguard image's latest tag serves java "
              f"{pinned.latest}: Gradle runs on it from {needed} on")
    newest = gradle_runs_until(pinned.version)
    if newest is not None and _key(newest) < _key(needed):
        return "MIG222", wrapper, (f"{unread}, and a project built on java {pinned.version} has a wrapper that runs on "
                                   f"it, Gradle {newest} at most, so the build fails; the wrapper must support java "
                                   f"{pinned.latest} (`./gradlew wrapper --gradle-version {needed}`){keep}")
    return "MIG223", wrapper, (f"{unread}; a project built on java {pinned.version} may have a wrapper that new, or an "
                               f"older one (Gradle {gradle_runs_on(pinned.version) or 'releases'} and later run on "
                               f"java {pinned.version}), which fails the build before it compiles anything: check "
                               f"distributionUrl in {_WRAPPER_PROPERTIES} and, if it is older than {needed}, upgrade "
                               f"it (`./gradlew wrapper --gradle-version {needed}`){keep}")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
