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
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.records import dataclass
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rewrite.gradle import old_gradle


def version_drift(plan: FilePlan) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for stage_plan in plan.stages:
        ref = stage_plan.stage.ref
        if ref is None or not stage_plan.migrated or ref.familiar in seen:
            continue
        if (unpinned := _gemfile_on_unpinned_ruby(plan, stage_plan)) is not None:
            seen.add(ref.familiar)
            found.append(unpinned)
            continue
        if not ref.tag:
            continue
        if _installs_pinned_stream(stage_plan.base_packages, ref.short_name, ref.tag):
            continue  # kept on wolfi-base with the very stream the source pinned (openjdk-17-default-jdk)
        drift = _drift(ref.short_name, ref.tag, plan.options.tag_policy)
        if drift is not None:
            seen.add(ref.familiar)
            pin = _copied_pin_file(plan, stage_plan, ref.short_name, ref.tag)
            wrapper = old_gradle(plan, stage_plan, ref.familiar, ref.short_name, ref.tag)
            if wrapper is not None:
                found.append(finding("MIG222", wrapper[0], wrapper[1]))
            elif pin is not None:
                found.append(finding("MIG221", pin[1], _pinned_by_the_app(ref.familiar, pin[0], ref.short_name,
                                                                         ref.tag, plan.options.tag_policy)))
            elif (unread := _unread_gemfile(plan, stage_plan, ref.familiar, ref.short_name, ref.tag)) is not None:
                found.append(unread)
            else:
                found.append(finding("MIG220", stage_plan.stage.from_item.line, f"{ref.familiar}: {drift}"))
    return found


def _copied_pin_file(plan: FilePlan, stage_plan: StagePlan, repository: str, tag: str) -> tuple[str, int] | None:
    """A file in which the app pins the language version (`.ruby-version`), copied into a stage built on this
    image, by name or with the whole build context when the context on disk has it: (name, COPY line)."""
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None or not pinned.pin_files:
        return None
    root = stage_plan.stage
    for instruction in _context_copies(plan, root):
        sources = _copy_sources(instruction.body)
        for name in pinned.pin_files:
            if any(posixpath.basename(s.rstrip("/")) == name for s in sources):
                return name, instruction.line
            if any(posixpath.normpath(s) == "." for s in sources) and plan.files.kind(name) is not None:
                return name, instruction.line
    gemfile = _app_gemfile(plan, root) if pinned.language == "ruby" else None
    if gemfile is not None and gemfile.text is not None and _another_ruby(gemfile.text, pinned.latest) is not None:
        return gemfile.source, gemfile.line
    return None


# `ruby '3.3.3'`, `ruby "~> 3.3"`, `ruby('>= 3.1', '< 4.0')`: the line, and each requirement on it
_GEMFILE_RUBY = lazy_re(r"""(?m)^[ \t]*ruby[ \t]*\(?[ \t]*((?:['"][^'"\n]*['"][ \t]*,?[ \t]*)+)""")
_REQUIREMENT = lazy_re(r"""['"]\s*(=|!=|>=|<=|>|<|~>)?\s*(\d+(?:\.\d+)*)\s*['"]""")
_BUNDLE = lazy_re(r"(?<![\w.-])bundle(?:r)?\s+(?:install|exec|check|update|lock|config)(?![\w-])")


@dataclass(frozen=True)
class Gemfile:
    """The Gemfile the build's bundler reads: the COPY that brings it (or the first bundler RUN, when no COPY
    names it), its path in the build context, and its text when the context on disk has it."""

    line: int
    source: str
    text: str | None


def _app_gemfile(plan: FilePlan, root: Stage) -> Gemfile | None:
    """The Gemfile of a build that runs bundler (None when none does). It is looked for where the COPY
    sources put it: `COPY Gemfile Gemfile.lock ./`, `COPY Gemfile* ./`, `COPY . .`, and a directory copied
    whole (`COPY app/ ./`: app/Gemfile)."""
    bundle = next((i for i in _runs(plan, root) if _BUNDLE.search(i.body)), None)
    if bundle is None:
        return None
    named: Gemfile | None = None
    for instruction in _context_copies(plan, root):
        for source in _copy_sources(instruction.body):
            for candidate in _gemfile_candidates(source):
                text = plan.files.text(candidate)
                if text is not None:
                    return Gemfile(instruction.line, candidate, text)
            if named is None and _names_gemfile(source):
                named = Gemfile(instruction.line, _gemfile_candidates(source)[0], None)
    if named is None and _WRITES_GEMFILE.search("\n".join(i.body for i in _runs(plan, root))):
        return None  # the build writes its own Gemfile (`echo "gem 'x'" > Gemfile`, `bundle init`)
    return named or Gemfile(bundle.line, "Gemfile", None)


_WRITES_GEMFILE = lazy_re(r">>?\s*(?:\S*/)?Gemfile\b(?!\.)|\bbundle\s+init\b")


def _runs(plan: FilePlan, root: Stage) -> list[Instruction]:
    return [i for other in plan.stages if other.stage.root_stage() is root for i in other.stage.instructions
            if i.keyword == "RUN"]


def _gemfile_candidates(source: str) -> list[str]:
    """Where a COPY source can hold the Gemfile: itself (`Gemfile`, `Gemfile*`), or inside it (a directory)."""
    folder, name = posixpath.split(posixpath.normpath(source.rstrip("/")))
    if glob_match("Gemfile", name):
        return [posixpath.join(folder, "Gemfile")]
    return [posixpath.normpath(posixpath.join(source, "Gemfile"))]


def _names_gemfile(source: str) -> bool:
    return glob_match("Gemfile", posixpath.basename(source.rstrip("/"))) or posixpath.normpath(source) == "."


def _context_copies(plan: FilePlan, root: Stage) -> list[Instruction]:
    """The COPY and ADD steps from the build context in the stages built on `root`'s image."""
    return [i for other in plan.stages if other.stage.root_stage() is root for i in other.stage.instructions
            if i.keyword in ("COPY", "ADD") and "--from" not in i.body]


def _another_ruby(gemfile: str, latest: str) -> str | None:
    """The Ruby version the Gemfile pins (`ruby '3.3.3'`: 3.3; bundler checks it as strictly as `.ruby-version`),
    or the requirement (`~> 3.3`), when the version latest serves does not meet it.
    Patch levels are not known here, so a requirement is judged by major.minor (no alarm on a patch)."""
    match = _GEMFILE_RUBY.search(gemfile)
    if match is None:
        return None
    for operator, version in _REQUIREMENT.findall(match.group(1)):
        if not _meets(_minor(latest), operator or "=", version):
            return f"{operator} {version}" if operator not in ("", "=") else ".".join(version.split(".")[:2])
    return None


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in [*version.split("."), "0"][:2])


def _meets(served: tuple[int, ...], operator: str, version: str) -> bool:
    wanted = _minor(version)
    if operator == "~>":  # ~> 3.3: >= 3.3, < 4; ~> 3.3.1: >= 3.3.1, < 3.4
        parts = [int(p) for p in version.split(".")]
        upper = (parts[0] + 1, 0) if len(parts) <= 2 else (parts[0], parts[1] + 1)
        return wanted <= served < upper
    checks = {"=": served == wanted, "!=": True, ">=": served >= wanted, ">": served >= wanted,
              "<": served < wanted, "<=": served <= wanted}
    return checks[operator]


def _unread_gemfile(plan: FilePlan, stage_plan: StagePlan, familiar: str, repository: str,
                    tag: str) -> Finding | None:
    """The source pinned a Ruby that latest does not serve, and the build runs bundler on a Gemfile that is not on
    disk to read: nothing shows that the app accepts the new Ruby, and a Gemfile that pins its own (Rails writes
    `ruby "3.3.3"` into every new app's) makes bundler refuse it. An error, as for a Gradle wrapper out of reach
    (MIG222): the build fails unless the app says otherwise."""
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None or pinned.language != "ruby":
        return None
    gemfile = _app_gemfile(plan, stage_plan.stage)
    if gemfile is None or gemfile.text is not None:
        return None
    where = (f"`{gemfile.source}` is not in the build context {plan.options.context}"
             if plan.options.context is not None else "there is no build context on disk")
    way = (f"migrate with --tag-policy keep for an organisation registry that serves ruby {pinned.version}, or "
           if pinned.served and plan.options.tag_policy is not TagPolicy.KEEP else "")
    return finding("MIG221", gemfile.line, (
        f"{familiar}: the source pins ruby {pinned.version}, the Chainguard image's latest tag serves ruby "
        f"{pinned.latest}, and the build runs bundler on a Gemfile this tool cannot read ({where}): a Gemfile that "
        f"pins its ruby (`ruby '{pinned.version}.x'`, as Rails apps do) is refused by bundler on another Ruby, so "
        f"the build fails unless the app accepts {pinned.latest}; give the build context with --context DIR to have "
        f"the Gemfile read, {way}move the app (Gemfile, Gemfile.lock) to {pinned.latest}"))


def _gemfile_on_unpinned_ruby(plan: FilePlan, stage_plan: StagePlan) -> Finding | None:
    """`FROM ruby` or `ruby:slim` (no version in the tag, so no MIG220) whose Gemfile pins another Ruby than
    the Chainguard image's latest: bundler refuses it all the same."""
    from migrator.plan.versions import newest, pinned_version
    from migrator.rules.data import builtin_data

    ref = stage_plan.stage.ref
    if ref is None or (ref.tag and pinned_version(ref.short_name, ref.tag) is not None):
        return None
    sources = builtin_data("wolfi/versions.yaml").get("sources") or []
    if not any(s["language"] == "ruby" and glob_match(ref.short_name, s["match"]) for s in sources):
        return None
    latest = newest("ruby")
    gemfile = _app_gemfile(plan, stage_plan.stage)
    if gemfile is None or gemfile.text is None or (version := _another_ruby(gemfile.text, latest)) is None:
        return None
    return finding("MIG221", gemfile.line, (
        f"{ref.familiar}: the build copies `{gemfile.source}`, in which the app pins ruby {version} (`ruby` "
        f"line), and the Chainguard image's latest tag serves ruby {latest}: bundler refuses a Gemfile "
        f"whose ruby is not the interpreter's, so the build fails; migrate with --tag-policy keep for "
        f"an organisation registry that serves ruby {version}, or move the app (Gemfile, "
        f"Gemfile.lock) to {latest}"))


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


def _copy_sources(body: str) -> list[str]:
    words = [w for w in body.split() if not w.startswith("--")]
    if body.lstrip().startswith("["):
        import json

        try:
            words = [str(w) for w in json.loads(body.strip())]
        except ValueError:
            return []
    return words[:-1]


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
    form = _PATH_FORMS.get(source["language"])
    match = re.search(source["tag"], tag)
    if form is None or match is None or match.group(1).count(".") != 1:
        return {}
    version, latest = match.group(1), str(data["languages"][source["language"]]["latest"])
    served = version if policy is TagPolicy.KEEP else latest
    return {} if served == version else {form.format(version): form.format(served)}
