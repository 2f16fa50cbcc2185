"""Version drift from `:latest`: the source pins a major version that the Chainguard image no longer serves.

`FROM mcr.microsoft.com/dotnet/aspnet:6.0` becomes `aspnet-runtime:latest`, which is ASP.NET 10: a
net6.0 app does not start there. Ruby 2.7 becomes 4.0, Node 18 becomes 26. The image change itself is
right; the user must learn that the language version moved (rules/wolfi/versions.yaml).
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding, TagPolicy
from migrator.plan.planner import FilePlan
from migrator.regex import glob_match


def version_drift(plan: FilePlan) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for stage_plan in plan.stages:
        ref = stage_plan.stage.ref
        if ref is None or not stage_plan.migrated or not ref.tag or ref.familiar in seen:
            continue
        drift = _drift(ref.short_name, ref.tag, plan.options.tag_policy)
        if drift is not None:
            seen.add(ref.familiar)
            found.append(finding("MIG220", stage_plan.stage.from_item.line, f"{ref.familiar}: {drift}"))
    return found


def _drift(repository: str, tag: str, policy: TagPolicy) -> str | None:
    from migrator.rules.data import builtin_data

    data = builtin_data("wolfi/versions.yaml")
    source = next((s for s in data.get("sources") or [] if glob_match(repository, s["match"])), None)
    if source is None:
        return None
    match = re.search(source["tag"], tag)
    if match is None:
        return None
    version = match.group(1)
    language = source["language"]
    facts = data["languages"][language]
    latest, streams = str(facts["latest"]), [str(s) for s in facts["streams"]]
    served = any(_same_stream(version, s) for s in streams)
    if policy is TagPolicy.KEEP:
        if served:
            return None
        return (f"{language} {version} is not among the versions Wolfi ships ({', '.join(streams)}): no versioned "
                f"tag serves it; move the app to {latest} (or the nearest stream)")
    if version.split(".")[0] == latest.split(".")[0]:
        return None
    keep = (f"an organisation registry serves {language} {version} with --tag-policy keep" if served else
            f"no Wolfi stream serves {version} ({', '.join(streams)}), so --tag-policy keep cannot either: "
            "upgrade the app")
    return (f"the source pins {language} {version}; the Chainguard image's latest tag serves {language} "
            f"{latest}, a different major version: check that the app runs on {latest}; {keep}")


def _same_stream(version: str, stream: str) -> bool:
    """`3.11` is stream 3.11; `3` or `8` (a major only) matches any stream of that major."""
    parts, stream_parts = version.split("."), stream.split(".")
    return stream_parts[: len(parts)] == parts
