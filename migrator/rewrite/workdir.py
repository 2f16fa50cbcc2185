"""The working directory a stage relied on: Docker Hub's default, written out where Chainguard's differs.

Docker Hub's images mostly start in `/` (golang in /go, php in /var/www/html); Chainguard's node,
jre and php start in /app, rust and ruby in /work, jdk/maven/gradle in /home/build. A stage that
copies to a relative path, builds in the current directory or starts `./app` before any WORKDIR of
its own would now do it elsewhere, so the original default is written as its first instruction.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

# build tools that read or write the current directory when given no path
_CWD_TOOLS = frozenset({"cargo", "npm", "yarn", "pnpm", "go", "mvn", "mvnw", "gradle", "gradlew", "make", "cmake",
                        "composer", "bundle", "dotnet", "poetry", "uv", "javac", "jar", "mix", "rake", "bun",
                        "npx", "tar", "unzip", "git", "wget", "curl", "./configure", "meson", "ninja"})
_RELATIVE = lazy_re(r"^(\./|\.\./|\.$|[\w.-]+/|[\w.-]+\.(txt|json|toml|lock|py|js|ts|sh|jar|war|gemspec|csproj"
                       r"|sln|xml|ya?ml|cfg|ini|gradle|mod|sum|c|cc|cpp|go|rs|rb|php|zip|tar|gz|tgz)$)")


def default_workdir(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, list[Finding]]:
    """`WORKDIR <upstream default>` for a stage that relied on it, when the new image's differs; and what
    the stage's WORKDIR lines read through variables the file does not set (MIG568)."""
    text, notes = _upstream_default(plan, stage_plan, newline)
    return text, notes + _unset_variables(plan, stage_plan)


def _unset_variables(plan: FilePlan, stage_plan: StagePlan) -> list[Finding]:
    """A WORKDIR through a variable nothing in the file (nor the Chainguard image, nor the ENV written for what
    the source image set: dockerhub_homes) sets is read with "" for it, as BuildKit does: where the source image
    set it (python's PYTHON_VERSION, a base image's HOME), the original worked in another directory."""
    from migrator.rewrite.writer import stage_facts

    stage = stage_plan.stage
    if not any(i.keyword == "WORKDIR" and "$" in i.body for i in stage.instructions):
        return []
    own = {i.line for i in stage.instructions}
    ref = stage.root_stage().ref
    if ref is not None and ref.short_name == "scratch":
        return []  # (no environment: the original read the variable as empty too)
    source = "the base image" if ref is None else f"{ref.short_name}:{ref.tag}" if ref.tag else ref.short_name
    findings = []
    for line, directory, names in stage_facts(plan, stage_plan).unset_workdirs:
        if line in own:
            variables = ", ".join(f"${{{name}}}" for name in names)
            findings.append(finding("MIG568", line, f"{variables}: not set in this Dockerfile, so the directory is "
                                    f"{directory} (BuildKit reads an unset variable as empty); if {source} sets "
                                    "it, the original worked elsewhere: set it with ENV to keep that directory"))
    return findings


def _upstream_default(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, list[Finding]]:
    stage = stage_plan.stage
    image = stage_plan.image
    if stage.parent is not None or stage.ref is None or image is None:
        return "", []
    upstream = plan.rules.upstream_defaults(stage.ref.short_name, stage.ref.tag).workdir
    current = plan.rules.image_model(image).workdir or "/"
    if upstream == current or not _chain_relies_on_default(plan, stage):
        return "", []
    message = (f"WORKDIR {upstream} written: the stage used paths relative to {stage.ref.short_name}'s default "
               f"working directory, and {image_name(image)} starts in {current}")
    notes = [finding("MIG544", stage.from_item.line, message)]
    if not plan.rules.has_model(image):
        notes.append(_unknown_layout(plan, stage_plan, upstream))
    return f"WORKDIR {upstream}{newline}", notes


def _chain_relies_on_default(plan: FilePlan, root: Stage) -> bool:
    """Does the root stage, or a stage built FROM it (through its chain, before a WORKDIR of its own), use the
    working directory the source image set? The WORKDIR is written once, in the root."""
    return any(relies_on_default(chain_instructions(stage)) for stage in plan.staged.stages
               if stage.root_stage() is root)


def chain_instructions(stage: Stage) -> list[Instruction]:
    """The instructions of the stage's chain, the root's first: what a stage built FROM others runs after them."""
    return [i for s in stage.chain() for i in s.instructions]


def _unknown_layout(plan: FilePlan, stage_plan: StagePlan, upstream: str) -> Finding:
    """MIG585: the files keep the source image's places, on an image whose own layout the model does not give."""
    from migrator.rewrite.writer import stage_facts

    under = upstream.rstrip("/") + "/"
    placed = [path for path in stage_facts(plan, stage_plan).copy_destinations
              if path == upstream or path.startswith(under)]
    paths = ", ".join(dict.fromkeys(placed)) or upstream
    source = stage_plan.stage.ref.short_name if stage_plan.stage.ref else "the source image"
    return finding("MIG585", stage_plan.stage.from_item.line,
                   f"{paths}: under {upstream}, {source}'s working directory; {image_name(stage_plan.image or '')}'s "
                   "own layout is not in this tool's image model: check that it reads them there")


def relies_on_default(instructions: list[Instruction]) -> bool:
    """Does the stage use the working directory before it sets one?"""
    for instruction in instructions:
        keyword = instruction.keyword
        if keyword == "WORKDIR":  # `WORKDIR src` (or `\$HOME`) is relative: it is under the default
            return not instruction.body.strip().lstrip("\"'").startswith(("/", "$"))
        if keyword in ("COPY", "ADD") and _relative_destination(instruction):
            return True
        if keyword == "RUN" and _run_uses_cwd(instruction):
            return True
        if keyword in ("CMD", "ENTRYPOINT") and any(_relative_argument(w) for w in _words(instruction)):
            return True
    return False


def _relative_argument(word: str) -> bool:
    """`app.py`, `./server`, `opt/app.jar`, a class path `app:app/lib/*`, an option's `--config=conf/app.yml`:
    a start command's argument that names a file relative to the working directory."""
    if "://" in word:
        return False
    value = word.partition("=")[2] if word.startswith("-") and "=" in word else word
    return any(_RELATIVE.match(part) for part in value.split(":") if part)


def _words(instruction: Instruction) -> list[str]:
    argv = instruction.json_args()
    return argv if argv is not None else instruction.body.split()


def _relative_destination(instruction: Instruction) -> bool:
    if instruction.heredocs:
        return False
    words = [w for w in _words(instruction) if not w.startswith("--")]
    return len(words) >= 2 and not words[-1].startswith(("/", "$"))


def _run_uses_cwd(instruction: Instruction) -> bool:
    from migrator.plan.facts import run_scripts, strip_env_prefix
    from migrator.rewrite.shell_syntax import redirect_targets, simple_commands

    for script, first_line in run_scripts(instruction):
        if ">" in script and any(_RELATIVE.match(target) for target, _, _ in redirect_targets(script, first_line)):
            return True  # (`echo ok > htdocs/health.html`)
        for command in simple_commands(script, first_line):
            words = strip_env_prefix(command.words)
            if not words:
                continue
            if words[0] in _CWD_TOOLS or words[0].startswith("./"):
                return True
            if any(_RELATIVE.match(w) and "://" not in w and "=" not in w for w in words[1:]):
                return True
    return False
