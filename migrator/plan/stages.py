"""Split a parsed Dockerfile into stages and resolve what each stage is built FROM."""

from __future__ import annotations

import posixpath
import re

from migrator.model import ExpansionError
from migrator.parse.dockerfile import Dockerfile, Instruction, Item
from migrator.parse.imageref import ImageRef, InvalidReference, parse_image
from migrator.parse.variables import expand_args
from migrator.parse.words import split_words
from migrator.records import dataclass, field
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re

_FROM_IMAGE = lazy_re(r"^(?P<lead>[ \t]*FROM(?:[ \t]+--[^\s]+)*[ \t]+)(?P<image>[^\s]+)", re.IGNORECASE)


@dataclass
class Stage:
    index: int
    from_item: Instruction
    items: list[Item] = field(default_factory=list)  # everything after the FROM line, up to the next FROM
    name: str | None = None  # the AS name, as written
    image_text: str = ""  # the image token as written (may hold ${ARGS})
    resolved: str = ""  # the image token after ARG expansion
    ref: ImageRef | None = None  # None: a stage reference, unresolvable, or invalid
    parent: Stage | None = None  # FROM <an earlier stage>
    unresolved_args: list[str] = field(default_factory=list)
    # FROM runner-${TARGETOS}-${TARGETARCH}: the stages the platform arguments can name, the chosen one first
    platform_stages: list[Stage] = field(default_factory=list)
    sh_is_bash: bool = False  # the source image's /bin/sh is bash (UBI, Fedora): its shell-form RUNs ran under bash

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    @property
    def instructions(self) -> list[Instruction]:
        return [item for item in self.items if isinstance(item, Instruction)]

    @property
    def platform(self) -> str | None:
        return self.from_item.flags.get("platform")

    def built_platform(self) -> str | None:
        """The `--platform` the stage's image is for: its own FROM's, or that of the stage it is built FROM."""
        stage: Stage | None = self
        while stage is not None:
            if stage.platform:
                return stage.platform
            stage = stage.parent
        return None

    def root_stage(self) -> Stage:
        stage = self
        while stage.parent is not None:
            stage = stage.parent
        return stage

    def chain(self) -> list[Stage]:
        """The root stage first, then each stage built FROM the one before it, ending with this one (a loop,
        not recursion: a chain of a thousand FROM stages would exceed Python's stack)."""
        chain = [self]
        while chain[-1].parent is not None:
            chain.append(chain[-1].parent)  # type: ignore[arg-type]
        chain.reverse()
        return chain

    def copies_own_passwd(self) -> bool:
        """Some stage of the chain copies an /etc/passwd (or a whole /etc) of its own in
        (`COPY --from=build /etc_passwd /etc/passwd`): its users are the ones that file names, not the image's."""
        from migrator.plan.facts import copies_into_directory, copy_landing

        for instruction in (i for stage in self.chain() for i in stage.instructions
                            if i.keyword in ("COPY", "ADD") and "/etc" in i.body):  # (its destination names /etc)
            words = [w for w in instruction.json_args() or split_words(instruction.body) if not w.startswith("--")]
            if len(words) < 2:
                continue
            sources, target = words[:-1], words[-1].rstrip("/") or "/"
            # (every image has an /etc directory: `COPY passwd /etc` puts the file inside it)
            into_directory = copies_into_directory(words[-1], len(sources)) or target == "/etc"
            for source in sources:
                if copy_landing(source, target, into_directory) == "/etc/passwd" or (
                        target == "/etc" and posixpath.basename(source.rstrip("/")) == "etc"):
                    return True  # (a whole etc: its contents land in /etc; not `COPY config/ /etc/`)
        return False


@dataclass
class StagedFile:
    preamble: list[Item]  # directives, global ARGs and comments before the first FROM
    stages: list[Stage]
    global_args: dict[str, str | None]

    named: dict[str, int] = field(default_factory=dict)  # lower-case name -> index of its first stage

    def stage_by_reference(self, reference: str, before: int | None = None) -> Stage | None:
        """Find a stage by name (case-insensitive) or index, as COPY --from and FROM do."""
        limit = len(self.stages) if before is None else before
        index = self.named.get(reference.lower())
        if index is not None and index < limit:
            return self.stages[index]
        if reference.isdigit() and int(reference) < limit:
            return self.stages[int(reference)]
        return None


# BuildKit's automatic platform arguments: defined for every FROM line, with the values of the platform
# the build runs on (BUILD*) and builds for (TARGET*)
PLATFORM_ARGS = frozenset({"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
                           "BUILDARCH", "BUILDVARIANT"})
# the values on a linux/amd64 machine, which picks the stage a platform-named FROM means there
NATIVE_PLATFORM = {"TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
                   "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": ""}


def _platform_stages(stage: Stage, staged: StagedFile, missing: list[str]) -> list[Stage]:
    """The earlier stages `FROM runner-${TARGETOS}-${TARGETARCH}` (or `FROM base-${VARIANT}`, an argument
    without a default) can name: the native platform's first. A FROM that is only arguments names an image."""

    unknown = set(missing)
    pattern = re.sub(r"\$\{?(\w+)\}?", lambda m: "*" if m.group(1) in unknown else m.group(0), stage.image_text)
    pattern = expand_args(pattern, staged.global_args)[0].lower()
    if not pattern.strip("*") or "/" in pattern or ":" in pattern:
        return []
    named = [s for s in staged.stages[: stage.index] if s.name and glob_match(s.name.lower(), pattern)]
    native = expand_args(stage.image_text, {**staged.global_args, **NATIVE_PLATFORM})[0].lower()
    return sorted(named, key=lambda s: (s.name or "").lower() != native)


def from_image_span(raw: str) -> tuple[int, int] | None:
    """Character span of the image token in a FROM instruction's raw text."""
    match = _FROM_IMAGE.match(raw)
    return match.span("image") if match else None


def split_stages(doc: Dockerfile) -> StagedFile:
    preamble: list[Item] = []
    stages: list[Stage] = []
    global_args: dict[str, str | None] = {}
    for item in doc.items:
        if isinstance(item, Instruction) and item.keyword == "FROM":
            stages.append(Stage(index=len(stages), from_item=item))
        elif stages:
            stages[-1].items.append(item)
        else:
            preamble.append(item)
            if isinstance(item, Instruction) and item.keyword == "ARG":
                try:
                    for name, value in parse_arg(item.body).items():
                        # a default may name earlier arguments: ARG BUILDER=rust:${RUST_VERSION}
                        global_args[name] = expand_args(value, global_args)[0] if value is not None else None
                except ExpansionError as exc:
                    raise exc.at(item.line) from None
    staged = StagedFile(preamble, stages, global_args)
    for stage in stages:
        try:
            _resolve(stage, staged)  # names the stage: later stages can refer to it
        except ExpansionError as exc:
            raise exc.at(stage.from_item.line) from None
        if stage.name is not None:
            staged.named.setdefault(stage.name.lower(), stage.index)
    return staged


def parse_arg(body: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for word in _split_words(body):
        name, sep, value = word.partition("=")
        values[name] = _unquote(value) if sep else None
    return values


def _split_words(text: str) -> list[str]:
    from migrator.parse.words import split_words

    try:
        return split_words(text, posix=False)
    except ValueError:
        return text.split()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _resolve(stage: Stage, staged: StagedFile) -> None:
    words = stage.from_item.body.split()
    if not words:
        return
    stage.image_text = words[0]
    if len(words) >= 3 and words[1].lower() == "as":
        stage.name = words[2]
    resolved, missing = expand_args(stage.image_text, staged.global_args)
    stage.resolved = resolved
    stage.unresolved_args = missing
    parent = staged.stage_by_reference(resolved, before=stage.index)
    if parent is None and missing:
        stage.platform_stages = _platform_stages(stage, staged, missing)
        parent = stage.platform_stages[0] if stage.platform_stages else None
        if parent is not None:
            stage.resolved = parent.name or resolved
    if parent is not None and "/" not in stage.resolved and ":" not in stage.resolved:
        stage.parent = parent
        return
    if missing or not resolved:
        return
    try:
        stage.ref = parse_image(resolved)
    except InvalidReference:
        stage.ref = None
