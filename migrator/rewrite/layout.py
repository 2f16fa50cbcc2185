"""Docker Hub's file layout in a Dockerfile's own lines, where Chainguard images differ.

- Debian's multiarch library directories (`/usr/lib/x86_64-linux-gnu/`, `/usr/lib/$(uname -m)-linux-gnu/`)
  do not exist on Wolfi, which keeps libraries in `/usr/lib/`: rewritten (mechanical).
- Cache mounts on Docker Hub's tool directories (`/usr/local/cargo`, `/usr/local/bundle`, `/go/pkg`)
  cache nothing on Chainguard images; `UV_PROJECT_ENVIRONMENT=/usr/local` installs where neither the
  interpreter nor the runtime stage looks: reported (rules/dockerhub.yaml says what to use).

- Paths Wolfi keeps elsewhere (rules/dockerhub.yaml `renamed_paths`): Docker Hub php's `$PHP_INI_DIR`
  and /usr/local/etc/php are /etc/php; Debian's /etc/ImageMagick-6 is /etc/ImageMagick-7. And what a
  `COPY --from` takes from a stage on a Docker Hub image (`copy_from_paths`): postgres's
  /usr/local/bin/pg_dump is /usr/bin/pg_dump on Chainguard's postgres.

`ln -s /usr/local/bin/python /usr/bin/python` is handled with the other shell commands (housekeeping.py).
"""

from __future__ import annotations

import posixpath
import re
from functools import partial

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, parse_instruction
from migrator.parse.words import split_words
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rules.data import builtin_data

# /usr/lib/x86_64-linux-gnu, /lib/aarch64-linux-gnu, /usr/lib/$(uname -m)-linux-gnu, /usr/lib/${ARCH}-linux-gnu,
# /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
_MULTIARCH = lazy_re(
    r"(?<![\w/])(?:/usr)?/lib/(?:(?:x86_64|aarch64|i386|i686|arm|s390x|powerpc64le|riscv64|\$\(uname -m\)|`uname -m`"
    r"|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)-linux-gnu(?:eabihf)?|\$\(dpkg-architecture -q ?DEB_HOST_MULTIARCH\))(?=/|\b|$)"
)
_MOUNT_TARGET = lazy_re(r"--mount=(\S*)")


def translate_layout(plan: FilePlan) -> list[Finding]:
    """Rewrite multiarch paths in the migrated stages, in place, and report Docker Hub-only paths."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.rewrite.package_layouts import port_layouts

    findings: list[Finding] = []
    for stage_plan in plan.stages:
        if not stage_plan.migrated:
            continue
        findings += port_layouts(plan, stage_plan)
        stage = stage_plan.stage
        for position, item in enumerate(stage.items):
            if not isinstance(item, Instruction):
                continue
            findings += _reported_paths(item) + _unread_paths(stage, item, _resolved_target(plan, stage_plan, item))
            relative = _relative_renamed(plan, stage_plan, item)
            if relative is not None:
                item = stage.items[position] = relative[0]
                findings.append(relative[1])
            renamed = _renamed(plan, stage, item)
            if renamed is not None:
                item = stage.items[position] = renamed[0]
                findings.append(renamed[1])
            if _copies_from_an_image(plan, item, stage.index) or not _MULTIARCH.search(item.raw):
                continue
            raw = _MULTIARCH.sub("/usr/lib", item.raw)
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
            paths = ", ".join(dict.fromkeys(m.group(0) for m in _MULTIARCH.finditer(item.raw)))
            findings.append(finding("MIG407", item.line, f"{paths} -> /usr/lib: Wolfi keeps shared libraries "
                                    "directly in /usr/lib, with no multiarch directory"))
    return findings


def _relative_renamed(plan: FilePlan, stage_plan: StagePlan, item: Instruction) -> tuple[Instruction, Finding] | None:
    """A relative COPY/ADD destination or WORKDIR that, read against the working directory in force (the source
    image's own where the stage sets none: httpd's /usr/local/apache2), names a path Wolfi keeps elsewhere
    (`COPY site/ htdocs/` on httpd is /usr/local/apache2/htdocs): written as the absolute path it becomes there
    (MIG407). Under a WORKDIR inside the renamed path, the WORKDIR line itself is renamed and the relative path
    follows it."""
    target = _relative_target(item)
    if target is None:
        return None
    stage = stage_plan.stage
    image = _image_of(stage)
    rules = [rule for rule in builtin_data("dockerhub.yaml").get("renamed_paths") or []
             if rule["from"].startswith("/") and rule.get("image") and glob_match(image, rule["image"])
             and rule.get("variable") not in _defined_variables(plan, stage)]
    if not rules:
        return None
    workdir = _workdirs(plan, stage_plan).get(item.line)
    if workdir is None:
        return None
    resolved = posixpath.normpath(posixpath.join(workdir, target))
    for rule in rules:
        old = rule["from"]
        if not _inside(resolved, old) or _inside(workdir, old):
            continue
        new = rule["to"] + resolved[len(old):] + ("/" if target.endswith("/") else "")
        cut = item.raw.rindex(target)
        raw = item.raw[:cut] + new + item.raw[cut + len(target):]
        why = f" ({rule['why']})" if rule.get("why") else ""
        message = (f"{target} -> {new}: in {image}, whose working directory is {workdir}, {target} is {resolved}; "
                   f"the Chainguard image keeps it at {rule['to']}{why}")
        return parse_instruction(raw, item.line, item.escape), finding("MIG407", item.line, message)
    return None


def _relative_target(item: Instruction) -> str | None:
    """The relative path a COPY/ADD writes to or a WORKDIR moves to, as written in the line; None otherwise."""
    if item.keyword not in ("COPY", "ADD", "WORKDIR") or item.heredocs:
        return None
    try:
        words = item.json_args() or split_words(item.body)
    except ValueError:
        return None
    words = [w for w in words if not w.startswith("--")]
    if not words or (item.keyword != "WORKDIR" and len(words) < 2):
        return None
    target = words[-1]
    if target.startswith(("/", "$", "~")) or "$" in target or target not in item.raw:
        return None
    return target


def _workdirs(plan: FilePlan, stage_plan: StagePlan) -> dict[int, str]:
    """The working directory each instruction of the stage runs in (from the source image's own WORKDIR)."""
    from migrator.rewrite.writer import stage_facts

    key = f"workdirs {stage_plan.stage.index}"
    if key not in plan.memo:
        plan.memo[key] = stage_facts(plan, stage_plan).workdir_at
    found: dict[int, str] = plan.memo[key]
    return found


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _renamed(plan: FilePlan, stage: Stage, item: Instruction) -> tuple[Instruction, Finding] | None:
    """The instruction with the paths Wolfi keeps elsewhere rewritten (MIG407), or None."""


    if item.keyword not in ("RUN", "COPY", "ADD", "ENV", "WORKDIR", "SHELL"):
        return None
    data = builtin_data("dockerhub.yaml")
    source = item.flags.get("from") if item.keyword in ("COPY", "ADD") else None
    origin = plan.staged.stage_by_reference(source, before=stage.index) if source else None
    if source and origin is None:
        return None  # COPY --from=an-image: the path is right in that image
    raw, done = item.raw, []
    image = _image_of(stage)
    defined = _defined_variables(plan, stage)
    for rule in data.get("renamed_paths") or []:
        if rule["from"] not in raw:
            continue  # (the common case, first: one substring test per rule and instruction)
        if rule.get("image") and not glob_match(image, rule["image"]):
            continue
        if rule.get("variable") in defined:
            continue
        pattern = re.escape(rule["from"]) + (r"(?![A-Za-z0-9_])" if rule["from"].startswith("$") else r"(?![\w.-])")
        changed = re.sub(r"(?<![\w/.-])" + pattern if not rule["from"].startswith("$") else pattern,
                         rule["to"].replace("\\", "\\\\"), raw)
        if changed != raw:
            raw = changed
            done.append(f"{rule['from']} -> {rule['to']}" + (f" ({rule['why']})" if rule.get("why") else ""))
    if origin is not None and plan.root_of(plan.stages[origin.index]).migrated:
        raw, moved = _copy_from_paths(raw, item, origin, data, plan)
        done += moved
    raw, moved = _version_paths(plan, stage, raw)
    done += moved
    if not done:
        return None
    message = ", ".join(dict.fromkeys(done)) + ": where the Chainguard image keeps it"
    return parse_instruction(raw, item.line, item.escape), finding("MIG407", item.line, message)


def _version_paths(plan: FilePlan, stage: Stage, raw: str) -> tuple[str, list[str]]:
    """`/opt/venv/lib/python3.12/...`, `/gems/ruby/3.3.0/...` on an image that serves another version: the
    language names these directories after its own version, so the path is the served version's."""
    from migrator.rewrite.drift import version_paths

    ref = stage.root_stage().ref
    moves = version_paths(ref.short_name, ref.tag, plan.options.tag_policy) if ref is not None else {}
    moves = moves or _distro_python_paths(plan, stage, raw)
    done = []
    for old, new in moves.items():
        changed = re.sub(rf"(?<=/){re.escape(old)}(?=/|$|[\"'\s:;])", partial(_served, new=new), raw)
        if changed != raw:
            raw = changed
            done.append(f"{old} -> {new} (the version the image serves names the directory)")
    return raw, done


_DISTRO_PYTHON = lazy_re(r"(?<![\w/.-])/usr/(?:bin|lib)/(python3\.\d+)(?=/|$|[\"'\s:;*])")


def _distro_python_paths(plan: FilePlan, stage: Stage, raw: str) -> dict[str, str]:
    """`apk add python3` then `setcap ... /usr/bin/python3.12`: the distribution's python3 was 3.12, Wolfi's
    python3 is its newest stream, so /usr/bin/python3.12 is not there; the path takes Wolfi's version."""
    from migrator.rules.data import builtin_data

    found = {m.group(1) for m in _DISTRO_PYTHON.finditer(raw)}
    if not found or stage.root_stage().ref is None:
        return {}
    chain = stage.chain()
    if not any(i.keyword == "RUN" and _installs_python3(i) for s in chain for i in s.instructions):
        return {}
    newest = "python" + str(builtin_data("wolfi/versions.yaml")["languages"]["python"]["latest"])
    return {old: newest for old in found if old != newest}


def _installs_python3(run: Instruction) -> bool:
    """`apk add python3`, `apt-get -y install python3`: any package manager's install, its options anywhere."""
    from migrator.rewrite.packages import run_package_commands

    return "python3" in run.raw and any("python3" in c.packages for c in run_package_commands(run))


def _served(match: re.Match[str], new: str) -> str:
    """The served version's name, except in Docker Hub's own /usr/local tree (not there at all: MIG412)."""
    text = match.string
    start = max(text.rfind(c, 0, match.start()) for c in " \t\n\"'=:") + 1
    return match.group(0) if text.startswith("/usr/local/", start) else new


def _copy_from_paths(raw: str, item: Instruction, origin: Stage, data: dict, plan: FilePlan  # type: ignore[type-arg]
                     ) -> tuple[str, list[str]]:
    """`COPY --from=pg /usr/local/bin/pg_dump ...` from a stage on postgres: /usr/bin/pg_dump. A rule `when:
    global-npm` moves only what the stage's own `npm install -g` put under node's global prefix."""

    try:
        words = item.json_args() or split_words(item.body)
    except ValueError:
        return raw, []
    if len(words) < 2 or words[-1] not in raw:
        return raw, []
    image = _image_of(origin)
    cut = raw.rindex(words[-1])  # the destination is left alone
    head, moved = raw[:cut], []
    for rule in data.get("copy_from_paths") or []:
        if not glob_match(image, rule["image"]):
            continue
        if rule.get("when") == "global-npm":
            changed = _global_npm_paths(head, rule, origin, plan)
        else:
            changed = re.sub(r"(?<![\w/.-])" + re.escape(rule["from"]), rule["to"], head)
        if changed != head:
            head = changed
            why = f" ({rule['why']})" if rule.get("why") else ""
            moved.append(f"{rule['from']} -> {rule['to']} in {image}{why}")
    return head + raw[cut:], moved


def _global_npm_paths(head: str, rule: dict, origin: Stage, plan: FilePlan) -> str:  # type: ignore[type-arg]
    """`head` with each path under the rule's `from` that the stage's global npm install wrote moved to `to`:
    a package's directory (`/usr/local/lib/node_modules/pm2`) or one of its programs (`/usr/local/bin/pm2-runtime`),
    and the directory itself when the rule says `whole` (node_modules: the global packages and npm's own). Left
    alone when the stage names the path itself (it made it), or sets npm's prefix."""
    from migrator.plan.ecosystems.node import global_packages
    from migrator.plan.facts import read_facts

    chain = origin.chain()
    text = "\n".join(i.raw for stage in chain for i in stage.instructions)
    if re.search(r"(?i)npm_config_prefix|--prefix|config\s+set\s+prefix", text):
        return head
    packages = {name for stage in chain for command in read_facts(stage).run_commands()
                for name in global_packages(tuple(command.words))}
    if not packages:
        return head
    programs = plan.rules.runtime_libs.get("npm_programs", {})

    old, new = rule["from"].rstrip("/"), rule["to"].rstrip("/")

    def moved(match: re.Match[str]) -> str:
        path = match.group(0)
        parts = path[len(old):].strip("/").split("/")
        name = "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
        # (the whole directory, `/usr/local/lib/node_modules/`, where the rule says the new one has just as much)
        installed = (not name and rule.get("whole")) or name in packages or bool(set(programs.get(name, ())) & packages)
        if not installed or re.search(rf"(?<![\w/.-]){re.escape(path.rstrip('/'))}(?![\w.-])", text):
            return path
        return new + path[len(old):]

    return re.sub(r"(?<![\w/.-])" + re.escape(old) + r"(?:/[^\s\"',]*)?(?![^\s\"',])", moved, head)


def _image_of(stage: Stage) -> str:
    """The Docker Hub image a stage is built on, through the stages it is built FROM."""
    ref = stage.root_stage().ref
    return ref.short_name if ref is not None else ""


def _defined_variables(plan: FilePlan, stage: Stage) -> set[str]:
    """Variables the Dockerfile itself sets for the stage (ARG, ENV, here and in its parents); once per
    stage (asked for each instruction, a stage of thousands was quadratic)."""
    key = f"defined variables {stage.index}"
    if key not in plan.memo:
        plan.memo[key] = _read_defined_variables(plan, stage)
    found: set[str] = plan.memo[key]
    return found


def _read_defined_variables(plan: FilePlan, stage: Stage) -> set[str]:
    names: set[str] = set(plan.staged.global_args)
    current: Stage | None = stage
    while current is not None:
        for instruction in current.instructions:
            if instruction.keyword in ("ARG", "ENV"):
                names.update(re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?==|\s|$)", instruction.body))
        current = current.parent
    return names


def _copies_from_an_image(plan: FilePlan, item: Instruction, before: int) -> bool:
    """`COPY --from=debian:12 /usr/lib/x86_64-linux-gnu/...`: the path is right in that image."""
    source = item.flags.get("from") if item.keyword in ("COPY", "ADD") else None
    return bool(source) and plan.staged.stage_by_reference(source or "", before=before) is None


def _unread_paths(stage: Stage, item: Instruction, resolved: str | None) -> list[Finding]:
    """MIG408 for a line that puts files where the Docker Hub image reads them and its Chainguard replacement
    does not (rules/dockerhub.yaml `unread_paths`: Apache's configuration, now that nginx serves the site).
    `resolved`: the absolute path of a relative destination (`COPY httpd.conf conf/` on httpd)."""
    if item.keyword not in ("COPY", "ADD", "RUN"):
        return []
    rules = builtin_data("dockerhub.yaml").get("unread_paths") or []
    text = item.raw if resolved is None else f"{item.raw} {resolved}"
    image = _image_of(stage) if any(rule["path"] in text for rule in rules) else ""
    return [finding("MIG408", item.line, f"{rule['path']}: {rule['why']}") for rule in rules
            if rule["path"] in text and glob_match(image, rule["image"])]


def _resolved_target(plan: FilePlan, stage_plan: StagePlan, item: Instruction) -> str | None:
    """The absolute path a relative COPY/ADD destination names, read in the WORKDIR in force; None otherwise."""
    target = _relative_target(item) if item.keyword != "WORKDIR" else None
    if target is None:
        return None
    image = _image_of(stage_plan.stage)
    if not any(glob_match(image, rule["image"]) for rule in builtin_data("dockerhub.yaml").get("unread_paths") or []):
        return None  # (no path of this image goes unread: the working directory is not needed)
    workdir = _workdirs(plan, stage_plan).get(item.line)
    return None if workdir is None or workdir == "/" else posixpath.normpath(posixpath.join(workdir, target))


def _reported_paths(item: Instruction) -> list[Finding]:
    if item.keyword not in ("RUN", "ENV", "ARG") or ("/usr/" not in item.raw and "/go/" not in item.raw):
        return []
    data = builtin_data("dockerhub.yaml")
    found: list[Finding] = []
    if item.keyword == "RUN":
        for mount in _MOUNT_TARGET.findall(item.raw):
            options = dict(part.partition("=")[::2] for part in mount.split(","))
            target = options.get("target") or options.get("dst") or options.get("destination") or ""
            for prefix, why in (data.get("cache_paths") or {}).items():
                if options.get("type") == "cache" and (target == prefix or target.startswith(prefix)):
                    found.append(finding("MIG408", item.line, f"cache mount on {target}: {why}; the mount "
                                         "caches nothing there"))
    for variable, values in (data.get("project_environments") or {}).items():
        for value in values:
            if re.search(rf"\b{variable}[= ]+[\"']?{re.escape(value)}/?[\"']?(\s|$)", item.raw):
                found.append(finding("MIG408", item.line, f"{variable}={value}: Docker Hub's python looks for "
                                     f"packages under {value}, Chainguard's does not, and the runtime stage copies "
                                     "the project environment only from a virtual environment: leave it unset "
                                     "(uv uses /<project>/.venv) or point it at a venv such as /opt/venv"))
    return found
