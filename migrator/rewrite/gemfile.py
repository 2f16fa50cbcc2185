"""The Gemfile a Ruby build's bundler reads, and the Ruby it pins (MIG221).

bundler refuses to run when the Gemfile's `ruby '3.3.3'` (or `ruby '~> 3.3'`) is not met by the interpreter,
so a build moved from ruby:3.3 to the Ruby the Chainguard image's latest tag serves fails there. The Gemfile is
looked for where the COPY sources put it and read from the build context on disk; when the source pinned
another Ruby and the Gemfile is out of reach, nothing shows the app accepts the new Ruby: an error too, as for a
Gradle wrapper out of reach (gradle.py, MIG222).
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding, TagPolicy
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.records import dataclass
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re

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


def app_gemfile(plan: FilePlan, root: Stage) -> Gemfile | None:
    """The Gemfile of a build that runs bundler (None when none does). It is looked for where the COPY
    sources put it: `COPY Gemfile Gemfile.lock ./`, `COPY Gemfile* ./`, `COPY . .`, and a directory copied
    whole (`COPY app/ ./`: app/Gemfile)."""
    bundle = next((i for i in _runs(plan, root) if _BUNDLE.search(i.body)), None)
    if bundle is None:
        return None
    named: Gemfile | None = None
    for instruction in context_copies(plan, root):
        for source in copy_sources(instruction.body):
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


def context_copies(plan: FilePlan, root: Stage) -> list[Instruction]:
    """The COPY and ADD steps from the build context in the stages built on `root`'s image."""
    return [i for other in plan.stages if other.stage.root_stage() is root for i in other.stage.instructions
            if i.keyword in ("COPY", "ADD") and "--from" not in i.body]


def another_ruby(gemfile: str, latest: str) -> str | None:
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


def unread_gemfile(plan: FilePlan, stage_plan: StagePlan, familiar: str, repository: str,
                    tag: str) -> Finding | None:
    """The source pinned a Ruby that latest does not serve, and the build runs bundler on a Gemfile that is not on
    disk to read: nothing shows that the app accepts the new Ruby, and a Gemfile that pins its own (Rails writes
    `ruby "3.3.3"` into every new app's) makes bundler refuse it. An error, as for a Gradle wrapper out of reach
    (MIG222): the build fails unless the app says otherwise."""
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag)
    if pinned is None or pinned.language != "ruby":
        return None
    gemfile = app_gemfile(plan, stage_plan.stage)
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


def gemfile_on_unpinned_ruby(plan: FilePlan, stage_plan: StagePlan) -> Finding | None:
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
    gemfile = app_gemfile(plan, stage_plan.stage)
    if gemfile is None or gemfile.text is None or (version := another_ruby(gemfile.text, latest)) is None:
        return None
    return finding("MIG221", gemfile.line, (
        f"{ref.familiar}: the build copies `{gemfile.source}`, in which the app pins ruby {version} (`ruby` "
        f"line), and the Chainguard image's latest tag serves ruby {latest}: bundler refuses a Gemfile "
        f"whose ruby is not the interpreter's, so the build fails; migrate with --tag-policy keep for "
        f"an organisation registry that serves ruby {version}, or move the app (Gemfile, "
        f"Gemfile.lock) to {latest}"))


def copy_sources(body: str) -> list[str]:
    words = [w for w in body.split() if not w.startswith("--")]
    if body.lstrip().startswith("["):
        import json

        try:
            words = [str(w) for w in json.loads(body.strip())]
        except ValueError:
            return []
    return words[:-1]
