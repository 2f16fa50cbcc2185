"""Version drift from `:latest`: the source pins a major version that the Chainguard image no longer serves.

`FROM mcr.microsoft.com/dotnet/aspnet:6.0` becomes `aspnet-runtime:latest`, which is ASP.NET 10: a
net6.0 app does not start there. Ruby 2.7 becomes 4.0, Node 18 becomes 26. The image change itself is
right; the user must learn that the language version moved (rules/wolfi/versions.yaml).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from migrator.findings import finding
from migrator.model import Finding, TagPolicy
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import glob_match
from migrator.rewrite.gemfile import (
    another_ruby,
    app_gemfile,
    context_copies,
    copy_sources,
    gemfile_on_unpinned_ruby,
    unread_gemfile,
)
from migrator.rewrite.gradle import old_gradle


def version_drift(plan: FilePlan) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for stage_plan in plan.stages:
        ref = stage_plan.stage.ref
        if ref is None or not stage_plan.migrated or ref.familiar in seen:
            continue
        if (unpinned := gemfile_on_unpinned_ruby(plan, stage_plan)) is not None:
            seen.add(ref.familiar)
            found.append(unpinned)
            continue
        if not ref.tag:
            continue
        if (moved := os_python_drift(stage_plan, ref.short_name, ref.tag)) is not None:
            seen.add(ref.familiar)
            found.append(finding("MIG220", stage_plan.stage.from_item.line, f"{ref.familiar}: {moved}"))
            continue
        if _installs_pinned_stream(stage_plan.base_packages, ref.short_name, ref.tag):
            continue  # kept on wolfi-base with the very stream the source pinned (openjdk-17-default-jdk)
        drift = _drift(ref.short_name, ref.tag, plan.options.tag_policy)
        if drift is not None:
            seen.add(ref.familiar)
            pin = _copied_pin_file(plan, stage_plan, ref.short_name, ref.tag)
            wrapper = old_gradle(plan, stage_plan, ref.familiar, ref.short_name, ref.tag)
            if wrapper is not None:
                found.append(finding(*wrapper))
            elif pin is not None:
                found.append(finding("MIG221", pin[1], _pinned_by_the_app(ref.familiar, pin[0], ref.short_name,
                                                                         ref.tag, plan.options.tag_policy)))
            elif (unread := unread_gemfile(plan, stage_plan, ref.familiar, ref.short_name, ref.tag)) is not None:
                found.append(unread)
            else:
                found.append(finding("MIG220", stage_plan.stage.from_item.line, f"{ref.familiar}: {drift}"))
    return found


_OS_PYTHON = re.compile(r"(?<![\w.+-])python(3(?:\.\d+)?)(?:-(?:minimal|dev|pip|venv|full|distutils))?(?![\w.+-])")
_INSTALL = re.compile(r"\b(?:apt-get|apt|apk|yum|dnf|microdnf)\b[^\n]*?\b(?:install|add)\b")


def os_python_drift(stage_plan: StagePlan, repository: str, tag: str) -> str | None:
    """MIG220's message when the source stage took Python from its distribution's packages (`apt-get install
    python3` on ubuntu:18.04: Python 3.6; rules/python-libraries.yaml `distro_python`) and the Chainguard stage's
    python (Wolfi's python-3, the newest stream) is another minor version."""
    from migrator.plan.versions import newest

    named = [match.group(1) for i in stage_plan.stage.instructions if i.keyword == "RUN" and _INSTALL.search(i.body)
             for match in _OS_PYTHON.finditer(i.body)]
    release = _distro_python(repository, tag) if named else None  # (the table read only when python3 is installed)
    if release is None:
        return None
    installed = next((version for version in reversed(named) if "." in version), release)
    latest = newest("python")
    if installed is None or not latest or installed == latest:
        return None
    distutils = ", such as distutils in 3.12" if tuple(map(int, installed.split("."))) < (3, 12) else ""
    return (f"the source installs python3 from its distribution's packages, Python {installed} there; the "
            f"Chainguard stage's python (Wolfi's python-3) is {latest}, a different minor version: check that the "
            f"app and its pinned libraries run on {latest} (modules removed since {installed}{distutils}; wheels for "
            "the new version), or upgrade them")


def _distro_python(repository: str, tag: str) -> str | None:
    """The python3 version of a distribution release (`ubuntu`, `18.04` -> 3.6), when the table knows it."""
    from migrator.rules.data import builtin_data

    for row in builtin_data("python-libraries.yaml").get("distro_python") or []:
        if not any(glob_match(repository, pattern) for pattern in row.get("match") or []):
            continue
        releases = {str(k): str(v) for k, v in (row.get("releases") or {}).items()}
        if "*" in releases:
            return releases["*"]
        word = tag.split("-", 1)[0]
        candidates = [word, ".".join(word.split(".")[:2])]
        return next((releases[c] for c in candidates if c in releases), None)
    return None


def _copied_pin_file(plan: FilePlan, stage_plan: StagePlan, repository: str, tag: str) -> tuple[str, int] | None:
    """A file in which the app pins the language version (`.ruby-version`), copied into a stage built on this
    image, by name or with a directory that holds it on disk (the whole context, `app/`): (name, COPY line)."""
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None or not pinned.pin_files:
        return None
    root = stage_plan.stage
    for instruction in context_copies(plan, root):
        sources = copy_sources(instruction.body)
        for name in pinned.pin_files:
            if any(posixpath.basename(s.rstrip("/")) == name for s in sources):
                return name, instruction.line
            inside = [posixpath.normpath(posixpath.join(s, name)) for s in sources]  # `COPY . .`, `COPY app/ ./`
            found = next((path for path in inside if plan.files.kind(path) is not None), None)
            if found is not None:
                return found, instruction.line
    gemfile = app_gemfile(plan, root) if pinned.language == "ruby" else None
    if gemfile is not None and gemfile.text is not None and another_ruby(gemfile.text, pinned.latest) is not None:
        return gemfile.source, gemfile.line
    return None


def _pinned_by_the_app(familiar: str, pin_file: str, repository: str, tag: str, policy: TagPolicy) -> str:
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    assert pinned is not None
    language, version, latest = pinned.language, pinned.version, pinned.latest
    way = (f"migrate with --tag-policy keep for an organisation registry that serves {language} {version}, or "
           if pinned.served and policy is not TagPolicy.KEEP else "")
    return (f"{familiar}: the build copies `{pin_file}`, in which the app pins {language} {version}, and the "
            f"Chainguard image's latest tag serves {language} {latest}: bundler refuses a Gemfile whose ruby is not "
            f"the interpreter's, so the build fails; {way}move the app (`{pin_file}`, Gemfile.lock) to {latest}")


def _installs_pinned_stream(packages: tuple[str, ...], repository: str, tag: str) -> bool:
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag) if packages else None
    return pinned is not None and pinned.served and any(
        f"-{pinned.stream}-" in f"{name}-" for name in packages)


def _drift(repository: str, tag: str, policy: TagPolicy) -> str | None:
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None:
        return None
    language, version, latest, streams = pinned.language, pinned.version, pinned.latest, ", ".join(pinned.streams)
    if policy is TagPolicy.KEEP:
        if pinned.served:
            return None
        return (f"{language} {version} is not among the versions Wolfi ships ({streams}): no versioned "
                f"tag serves it; move the app to {latest} (or the nearest stream)")
    if not pinned.differs:
        return None
    keep = (f"an organisation registry serves {language} {version} with --tag-policy keep" if pinned.served else
            f"no Wolfi stream serves {version} ({streams}), so --tag-policy keep cannot either: upgrade the app")
    kind = "major" if pinned.significant == 1 or version.split(".")[0] != latest.split(".")[0] else "minor"
    return (f"the source pins {language} {version}; the Chainguard image's latest tag serves {language} "
            f"{latest}, a different {kind} version: check that the app runs on {latest}; {keep}")


# how a language version appears in its paths: /opt/venv/lib/python3.12, /gems/ruby/3.3.0/gems
_PATH_FORMS = {"python": "python{}", "ruby": "ruby/{}.0"}


@lru_cache(maxsize=64)
def version_paths(repository: str, tag: str | None, policy: TagPolicy) -> dict[str, str]:
    """Path fragments naming the source's language version -> the fragment of the version the Chainguard
    image serves, when the two differ (`python3.12` -> `python3.14` on python:latest)."""
    from migrator.rules.data import builtin_data

    data = builtin_data("wolfi/versions.yaml")
    source = next((s for s in data.get("sources") or [] if glob_match(repository, s["match"])), None)
    if source is None or not tag:
        return {}
    form = _PATH_FORMS.get(source.get("language") or "")
    match = re.search(source["tag"], tag) if form is not None else None
    if form is None or match is None or match.group(1).count(".") != 1:
        return {}
    version, latest = match.group(1), str(data["languages"][source["language"]]["latest"])
    served = version if policy is TagPolicy.KEEP else latest
    return {} if served == version else {form.format(version): form.format(served)}
