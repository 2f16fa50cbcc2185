"""The registry step after render: pin the migration's image references by digest (`--pin`) and
check that their tags and platforms exist (`--verify-tags`).

    result = resolve_references(result, Options(pin=True, verify_tags=True))

Only the images in the target registry (`--registry` / `--org`) are looked at: those are the ones
the migration writes. Only the image token of a FROM line (or of a `COPY --from=IMAGE`, the zone files copied
from static) changes, to `NAME:TAG@sha256:...`;
references that are pinned already, or spelled with `${ARG}`, stay as written. Nothing is asked
of a registry when nothing needs it, so migrating pinned output is offline and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from migrator.findings import finding
from migrator.model import Finding, Options, Result, StageInfo
from migrator.parse import parse
from migrator.parse.imageref import ImageRef
from migrator.parse.pragmas import parse_pragmas
from migrator.plan.images import is_ours
from migrator.plan.stages import Stage, from_image_span, split_stages
from migrator.records import dataclass, replace
from migrator.registry.lookup import Lookup, default_lookup

MIGRATION_PLATFORMS = ("linux/amd64", "linux/arm64")  # what every migration promises to build


def resolve_references(result: Result, options: Options, lookup: Lookup | None = None) -> Result:
    pragmas = parse_pragmas(result.original)
    if not (options.pin or options.verify_tags) or pragmas.skip_file:
        return result
    lookup = lookup or default_lookup()
    doc = parse(result.dockerfile)
    stages = split_stages(doc).stages
    lines = _source_lines(result, stages)
    findings: list[Finding] = []
    pinned: dict[int, str] = {}
    for index, stage in enumerate(stages):
        ref = _target_ref(stage, options)
        if ref is None:
            continue
        if options.verify_tags:
            problems = check_image(lookup, ref, MIGRATION_PLATFORMS, lines[index])
            findings += problems
            if any(p.code == "MIG640" for p in problems):
                continue
        if options.pin and ref.digest is None and _pinnable(stage):
            digest = lookup.digest(ref)
            if digest is None:  # no such tag: nothing to pin, and the user must hear why
                findings += check_image(lookup, ref, (), lines[index])
                continue
            written = stage.image_text + ("" if ref.tag else ":latest")
            pinned[index] = f"{written}@{digest}"
            findings.append(finding("MIG642", lines[index], f"{written} pinned to {digest}"))
    copied = _resolve_copy_sources(stages, lines, options, lookup, findings)
    changes: dict[str, object] = {}
    if pinned or copied:
        for index, image in pinned.items():
            item = stages[index].from_item
            start, end = from_image_span(item.raw) or (0, 0)
            item.raw = item.raw[:start] + image + item.raw[end:]
        changes["dockerfile"] = doc.render()
        changes["stages"] = _pinned_stages(result, pinned, len(stages))
    kept = [f for f in findings if f.code not in options.ignore and f.code not in pragmas.ignored_at(f.line)]
    if kept:
        changes["findings"] = sorted([*result.findings, *kept], key=lambda f: (f.line, f.code))
    return replace(result, **changes) if changes else result  # type: ignore[arg-type]


@dataclass(frozen=True)
class ImageProblem:
    finding: Finding
    platform: str | None = None  # the missing platform (MIG641); None: the tag is missing (MIG640)


def check_image(lookup: Lookup, ref: ImageRef, platforms: Iterable[str], line: int) -> list[Finding]:
    """MIG640 when the tag is missing (with the nearest tags), else MIG641 per missing platform."""
    return [p.finding for p in image_problems(lookup, ref, platforms, line)]


def image_problems(lookup: Lookup, ref: ImageRef, platforms: Iterable[str], line: int) -> list[ImageProblem]:
    from migrator.registry.manifests import missing_platforms

    info = lookup.describe(ref)
    name = f"{ref.registry}/{ref.path}"
    tag = ref.digest or ref.tag or "latest"
    if info.digest is None:
        nearest = lookup.nearest_tags(ref) if ref.digest is None else []
        hint = f"; nearest tags: {', '.join(nearest)}" if nearest else "; the repository has no tag close to it"
        message = f"{name}:{tag}: the registry has no tag '{tag}' for {name}{hint}"
        return [ImageProblem(finding("MIG640", line, message))]
    offered = ", ".join(info.platforms) or "none"
    separator = "@" if ref.digest else ":"
    return [
        ImageProblem(
            finding("MIG641", line, f"{name}{separator}{tag} has no {platform} image (available: {offered})"),
            platform,
        )
        for platform in missing_platforms(platforms, info.platforms)
    ]


def _resolve_copy_sources(stages: list[Stage], lines: list[int], options: Options, lookup: Lookup,
                          findings: list[Finding]) -> bool:
    """`COPY --from=IMAGE` of an image in the target registry (the zone files the migration copies from static,
    MIG317): its tag checked and pinned as a FROM line's are, in the instruction's text. True when one changed."""
    from migrator.parse.imageref import parse_image

    changed = False
    for index, stage in enumerate(stages):
        for instruction in stage.instructions:
            source = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            if not source or "$" in source or "/" not in source or f"--from={source} " not in instruction.raw:
                continue
            try:
                ref = parse_image(source)
            except ValueError:
                continue
            if not is_ours(ref, options):
                continue
            if options.verify_tags:
                problems = check_image(lookup, ref, MIGRATION_PLATFORMS, lines[index])
                findings += problems
                if any(p.code == "MIG640" for p in problems):
                    continue
            if options.pin and ref.digest is None:
                digest = lookup.digest(ref)
                if digest is None:
                    findings += check_image(lookup, ref, (), lines[index])
                    continue
                written = source + ("" if ref.tag else ":latest")
                instruction.raw = instruction.raw.replace(f"--from={source} ", f"--from={written}@{digest} ", 1)
                findings.append(finding("MIG642", lines[index], f"{written} pinned to {digest}"))
                changed = True
    return changed


def _pinnable(stage: Stage) -> bool:
    """A literal reference on the FROM line itself (not `${BASE}`, not on a continuation line)."""
    return "$" not in stage.image_text and from_image_span(stage.from_item.raw) is not None


def _target_ref(stage: Stage, options: Options) -> ImageRef | None:
    """The stage's image when it is in the target registry (written by the migration), else None."""
    if stage.parent is not None or stage.ref is None:
        return None
    return stage.ref if is_ours(stage.ref, options) else None


def _source_lines(result: Result, stages: list[Stage]) -> list[int]:
    """For each stage of the output, the line of the original FROM it comes from (0 when unknown).

    Output stage i comes from original stage i; a split final stage adds one runtime stage at the
    end, which comes from the original final stage."""
    if not result.changed:
        return [s.from_item.line for s in stages]
    original = split_stages(parse(result.original)).stages
    count = len(stages)
    if not original or count not in (len(original), len(original) + 1):
        return [0] * count
    return [original[min(i, len(original) - 1)].from_item.line for i in range(count)]


def _pinned_stages(result: Result, images: dict[int, str], count: int) -> list[StageInfo]:
    if len(result.stages) != count:
        return result.stages
    return [replace(s, image=images[i]) if i in images else s for i, s in enumerate(result.stages)]
