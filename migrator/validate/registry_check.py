"""Before any build: do the Chainguard images the Dockerfile uses exist, with their tags, for every
requested platform? One registry request per image instead of minutes of building to find out.

    check = RegistryCheck(path, opts)
    report = validate(path, opts, before_build=check)   # refuses early: no build when an image fails

An image is checked when validation counts it as a Chainguard one (cgr.dev/..., a `/chainguard/`
path, or a `--registry` prefix), after ARG substitution with the build arguments. A stage
`FROM --platform=$BUILDPLATFORM` needs only this machine's platform; `--platform=linux/arm64`
only that one. A missing tag is MIG640, a missing platform MIG641 (error findings in the static
list); each requested platform that needs a missing image fails before building, on the FROM
line, and nothing is built. A registry that cannot be reached raises RegistryError (exit 2).
It runs only when a builder is usable: nothing would be built otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from migrator.parse.imageref import ImageRef, InvalidReference, parse_image
from migrator.plan.stages import split_stages
from migrator.records import dataclass
from migrator.validate import static
from migrator.validate.build_report import BuildError, PlatformResult, Report, ValidateOptions
from migrator.validate.builders import host_arch
from migrator.validate.source import instruction_at, one_line, read

if TYPE_CHECKING:
    from migrator.registry.resolve import ImageProblem


@dataclass(frozen=True)
class ImageUse:
    ref: ImageRef
    line: int
    platforms: tuple[str, ...]  # the requested platforms this use must offer


class RegistryCheck:
    def __init__(self, path: Path, opts: ValidateOptions) -> None:
        self.path = path
        self.opts = opts

    def __call__(self, report: Report) -> bool:
        """Add the registry's findings to the report; False (no builds) when an image is missing."""
        from migrator.registry.lookup import default_lookup
        from migrator.registry.resolve import image_problems

        lookup = default_lookup()
        problems: list[ImageProblem] = []
        for use in self.image_uses():
            problems += image_problems(lookup, use.ref, use.platforms, use.line)
        if not problems:
            return True
        report.static.extend(p.finding for p in problems)
        report.static.sort(key=lambda f: (f.line, f.code))
        report.platforms = [self._refused(platform, problems) for platform in self.opts.platforms]
        report.messages.append("nothing was built: the registry lacks an image the Dockerfile needs "
                               "(MIG640/MIG641 above)")
        return False

    def image_uses(self) -> list[ImageUse]:
        text = self.path.read_text(encoding="utf-8", errors="replace")
        df, _problem = read(text)
        args = static.global_args(df, _build_args(self.opts.build_args))
        staged = split_stages(df)
        uses: dict[tuple[str, int], ImageUse] = {}
        for stage in staged.stages:
            platforms = self._platforms_for(stage.platform)
            candidates = [(stage.image_text, stage.from_item.line, stage.index)]
            candidates += [(ins.flags["from"], ins.line, stage.index + 1) for ins in stage.instructions
                           if ins.keyword in ("COPY", "ADD") and ins.flags.get("from")]
            for text_ref, line, before in candidates:
                resolved = static.substitute(text_ref, args)
                if resolved.lower() == "scratch" or staged.stage_by_reference(resolved, before=before):
                    continue
                ref = self._chainguard_ref(resolved)
                if ref is not None:
                    uses.setdefault((resolved, line), ImageUse(ref, line, platforms))
        return list(uses.values())

    def _chainguard_ref(self, text: str) -> ImageRef | None:
        if "$" in text or not static.image_facts(text, self.opts.registries).chainguard:
            return None
        try:
            return parse_image(text)
        except InvalidReference:
            return None  # the build reports an invalid reference on its own

    def _platforms_for(self, flag: str | None) -> tuple[str, ...]:
        if not flag or "TARGETPLATFORM" in flag:
            return tuple(self.opts.platforms)
        if "BUILDPLATFORM" in flag:
            return (f"linux/{host_arch()}",)
        return (flag,) if "$" not in flag else tuple(self.opts.platforms)

    def _refused(self, platform: str, problems: list[ImageProblem]) -> PlatformResult:
        mine = [p.finding for p in problems if p.platform in (None, platform)]
        if not mine:
            return PlatformResult(platform, "skipped", reason="registry")
        first = mine[0]
        df, _problem = read(self.path.read_text(encoding="utf-8", errors="replace"))
        ins = instruction_at(df, first.line) if first.line else None
        return PlatformResult(
            platform,
            "failed",
            error=BuildError(
                first.line or None,
                one_line(ins) if ins else None,
                "\n".join(f"{f.code} {f.message}" for f in mine),
                "refused before building: the registry has no image for this platform"
                if first.code == "MIG641" else "refused before building: the registry has no such tag",
            ),
        )


def _build_args(pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)
