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
from migrator.regex import lazy as lazy_re

# build tools that read or write the current directory when given no path
_CWD_TOOLS = frozenset({"cargo", "npm", "yarn", "pnpm", "go", "mvn", "mvnw", "gradle", "gradlew", "make", "cmake",
                        "composer", "bundle", "dotnet", "poetry", "uv", "javac", "jar", "mix", "rake", "bun",
                        "npx", "tar", "unzip", "git", "wget", "curl", "./configure", "meson", "ninja"})
_RELATIVE = lazy_re(r"^(\./|\.\./|\.$|[\w.-]+/|[\w.-]+\.(txt|json|toml|lock|py|js|ts|sh|jar|war|gemspec|csproj"
                       r"|sln|xml|ya?ml|cfg|ini|gradle|mod|sum|c|cc|cpp|go|rs|rb|php|zip|tar|gz|tgz)$)")


def default_workdir(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, list[Finding]]:
    """`WORKDIR <upstream default>` for a stage that relied on it, when the new image's differs."""
    stage = stage_plan.stage
    image = stage_plan.image
    if stage.parent is not None or stage.ref is None or image is None:
        return "", []
    upstream = plan.rules.upstream_defaults(stage.ref.short_name, stage.ref.tag).workdir
    current = plan.rules.image_model(image).workdir or "/"
    if upstream == current or not relies_on_default(stage.instructions):
        return "", []
    message = (f"WORKDIR {upstream} written: the stage used paths relative to {stage.ref.short_name}'s default "
               f"working directory, and {image_name(image)} starts in {current}")
    return f"WORKDIR {upstream}{newline}", [finding("MIG544", stage.from_item.line, message)]


def relies_on_default(instructions: list[Instruction]) -> bool:
    """Does the stage use the working directory before it sets one?"""
    for instruction in instructions:
        keyword = instruction.keyword
        if keyword == "WORKDIR":
            return False
        if keyword in ("COPY", "ADD") and _relative_destination(instruction):
            return True
        if keyword == "RUN" and _run_uses_cwd(instruction):
            return True
        if keyword in ("CMD", "ENTRYPOINT") and any(_RELATIVE.match(w) for w in _words(instruction)[:2]):
            return True
    return False


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
    from migrator.rewrite.shell import simple_commands

    for script, first_line in run_scripts(instruction):
        for command in simple_commands(script, first_line):
            words = strip_env_prefix(command.words)
            if not words:
                continue
            if words[0] in _CWD_TOOLS or words[0].startswith("./"):
                return True
            if any(_RELATIVE.match(w) and "://" not in w and "=" not in w for w in words[1:]):
                return True
    return False
