"""A stage as the engine builds it, read for the start check (migrator.validate.startable): its image's model
(rules/chainguard-images.yaml, followed through `FROM <stage>` chains), the ENV, WORKDIR and apk installs in
force, and what each COPY/ADD source put where.

    view = stage_view(stage, staged, rules, registry)
"""

from __future__ import annotations

import posixpath
import shlex
from collections import ChainMap
from collections.abc import Mapping

from migrator.parse.dockerfile import Instruction
from migrator.parse.variables import expand_args, process_word
from migrator.plan.facts import absolute, copies_into_directory, copy_landing, env_values, joined, workdir_after
from migrator.plan.stages import Stage, StagedFile, parse_arg
from migrator.records import dataclass, field
from migrator.rules.loader import ChainguardImage, Language, RuleSet

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin"


IMAGE_BIN_DIRS = frozenset({"/usr/bin", "/bin", "/usr/sbin", "/sbin"})


# directories an image has: a COPY to one of them, even without a trailing slash, copies into it (the
# /usr/local ones are first on every Chainguard image's PATH, chainguard-facts.md; not checked on the images)
_EXISTING_DIRECTORIES = IMAGE_BIN_DIRS | {"/usr/local/bin", "/usr/local/sbin", "/usr/lib", "/etc", "/tmp", "/var",
                                           "/usr", "/"}


@dataclass(frozen=True)
class Placed:
    """What one COPY/ADD source put into a stage."""

    path: str  # absolute destination of this source
    tree: bool  # a directory or unknown contents (globs, directories' contents)
    source: str  # the source path as written
    from_stage: Stage | None  # the stage copied from; None for the build context or an image
    external: bool  # copied from an image (`COPY --from=alpine ...`)
    text: str | None = None  # the file's text, when the Dockerfile writes it (`COPY <<EOF /start.sh`)


@dataclass
class StageView:
    """A stage as the engine builds it, parents included."""

    chain: list[Stage]
    image: str  # the root stage's image reference
    model: ChainguardImage | None  # None: not on the registry
    env: dict[str, str | None] = field(default_factory=dict)
    workdir: str = "/"
    placed: list[Placed] = field(default_factory=list)
    evidence: str = ""  # RUN text, ENV values and paths of the chain: what the Dockerfile creates
    runs: str = ""  # the RUN text alone: what the stage's commands make
    packages: list[str] = field(default_factory=list)  # apk add names

    def has_language(self, language: Language) -> bool:
        return self.model is not None and any(self.model.has_program(p) for p in language.programs if "*" not in p)

    @property
    def path_dirs(self) -> list[str]:
        value = self.env.get("PATH") or DEFAULT_PATH
        return [d.rstrip("/") or "/" for d in value.split(":") if d.startswith("/")]


def on_registry(reference: str, registry: str) -> bool:
    return reference.startswith(registry.rstrip("/") + "/")


def stage_view(stage: Stage, staged: StagedFile, rules: RuleSet, registry: str) -> StageView:
    chain = stage.chain()
    image = chain[0].resolved
    model = rules.image_model(image) if on_registry(image, registry) else None
    view = StageView(chain, image, model)
    if model is not None:
        view.env = {"PATH": DEFAULT_PATH, **dict(model.env)}
        view.workdir = model.workdir or "/"
    args: dict[str, str | None] = dict(staged.global_args)
    texts: list[str] = []
    for current in chain:
        for instruction in current.instructions:
            _read(instruction, view, args, staged, current, texts)
    view.evidence = "\n".join(texts)
    view.runs = "\n".join(run_text(i) for stage in chain for i in stage.instructions if i.keyword == "RUN")
    return view


def run_text(instruction: Instruction) -> str:
    """A RUN's text as its commands read: an exec-form RUN (`RUN ["pip", "install", "-r", "r.txt"]`) runs its argv,
    so the checks that read installs and files made see `pip install -r r.txt` as in the shell form."""
    argv = instruction.json_args()
    return instruction.raw if argv is None else f"{instruction.keyword} {shlex.join(argv)}"


def _read(instruction: Instruction, view: StageView, args: dict[str, str | None], staged: StagedFile,
          stage: Stage, texts: list[str]) -> None:
    keyword = instruction.keyword
    values: Mapping[str, str | None] = ChainMap(view.env, args)  # (a merged copy per line was quadratic)
    if keyword == "ARG":
        for name, value in parse_arg(instruction.body).items():
            args.setdefault(name, value)
    elif keyword == "ENV":  # one ENV line sees the values from before it, not its own
        view.env.update(env_values(instruction.body, values, instruction.escape))
        texts.append(instruction.body)
    elif keyword == "WORKDIR":
        view.workdir = workdir_after(instruction.body, view.workdir, values, instruction.escape)
        texts.append(view.workdir)
    elif keyword == "RUN":
        texts.append(run_text(instruction))
        view.packages += _apk_added(instruction)
    elif keyword in ("COPY", "ADD"):
        placed = placed_by(instruction, view.workdir, values, staged, stage)
        view.placed += placed
        texts += [p.path for p in placed]


def _expand(value: str, values: Mapping[str, str | None]) -> str:
    return expand_args(value, values)[0]


def _apk_added(instruction: Instruction) -> list[str]:
    """The names the RUN's `apk add` commands install, read with apk's option grammar (`apk --no-cache add`)."""
    from migrator.rewrite.packages import run_package_commands

    return [name for c in run_package_commands(instruction) if c.program == "apk" for name in c.packages]


def placed_by(instruction: Instruction, workdir: str, values: Mapping[str, str | None], staged: StagedFile,
            stage: Stage) -> list[Placed]:
    if instruction.heredocs:
        return _heredocs_placed(instruction, workdir, values)
    words = instruction.words()
    words = [w for w in words if not w.startswith("--")]
    if len(words) < 2:
        return []
    reference = instruction.flags.get("from")
    source_stage = staged.stage_by_reference(reference, before=stage.index) if reference else None
    external = bool(reference) and source_stage is None
    destination = words[-1]
    if instruction.json_args() is not None:  # the strings as written: BuildKit still reads quotes and escapes
        target = joined(process_word(destination, values, instruction.escape)[0], workdir)
        sources = [process_word(s, values, instruction.escape)[0] for s in words[:-1]]
    else:
        target = absolute(_expand(destination, values), workdir, values)
        sources = [_expand(s, values) for s in words[:-1]]
    # (`COPY app /usr/local/bin`: into the directory the image has)
    into_directory = copies_into_directory(destination, len(sources)) or target in _EXISTING_DIRECTORIES
    placed = []
    for source in sources:
        name = posixpath.basename(source.rstrip("/"))
        contents = source.endswith("/") or source in (".", "./") or any(c in name for c in "*?[") or not name
        if "://" in source:
            path = copy_landing(source, target, into_directory)
            placed.append(Placed(path, False, source, None, False))
        elif contents or not into_directory:
            placed.append(Placed(target, True, source, source_stage, external))
        else:
            # a file lands by its name inside the directory; a directory never does (its contents land in the
            # destination itself: `COPY --from=b /usr/local /usr` puts no /usr/local/bin/x in place)
            landing = copy_landing(source, target, into_directory)
            placed.append(Placed(landing, False, source, source_stage, external))
            if "." not in name:
                placed.append(Placed(target, True, source.rstrip("/") + "/", source_stage, external))
    return placed


def _heredocs_placed(instruction: Instruction, workdir: str, values: Mapping[str, str | None]) -> list[Placed]:
    """The files a `COPY <<EOF /start.sh` writes, with their text: one per heredoc, named by its delimiter
    inside a directory destination (or when there are several)."""
    targets = [w for w in instruction.body.split() if not w.startswith(("-", "<<"))]
    if not targets:
        return []
    destination = absolute(_expand(targets[-1], values), workdir, values)
    placed = []
    for index, heredoc in enumerate(instruction.heredocs):
        path = destination
        if copies_into_directory(targets[-1], 0) or len(instruction.heredocs) > 1:
            path = posixpath.join(destination, heredoc.delimiter)
        placed.append(Placed(path, False, f"<<{instruction.line}:{index}", None, False, heredoc.body))
    return placed
