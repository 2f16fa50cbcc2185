"""The issue-3 "Quality bar", as pure functions over Dockerfile text.

    problems = check_output(original, migrated, findings=result.findings)

Each problem is one human-readable line; an empty list means the output meets the bar.
This module reads Dockerfiles with its OWN small reader (directives, escape character,
continuations, comments inside continuations, heredocs, CRLF, BOM) on purpose: it must not
share the tool's parser, or a parser bug would hide itself.  No subprocess, no file I/O.

What is checked (see ``check_output``):
  * parser directives of the original still on lines 1..n of the output;
  * the output's final stage on the registry, not a ``-dev`` tag, with a ``-dev`` builder
    before it and at least two stages -- unless the final stage's base image could not be
    migrated, in which case an error finding (MIG202/MIG203/MIG205) must name that image
    and the stage must be left as it was, or the final stage is kept as one stage on
    wolfi-base/chainguard-base (a base image) and a MIG542 finding says so;
  * no RUN in a stage that sits on a distroless image (the final stage in particular);
  * no shell-form CMD / ENTRYPOINT / HEALTHCHECK and no exec-form ``sh -c`` in the final
    stage when it is distroless;
  * no apt / apt-get / yum / dnf / microdnf in any stage on the registry;
  * no ``apk add``/``apk del``/user command in a stage on the registry while the stage runs as a
    user other than root (image defaults, ``USER`` and stage chains followed);
  * every name ``apk add`` installs is a Wolfi package or virtual name, or an error finding names
    it (when the caller passes the Wolfi names);
  * every ``COPY --from`` / ``RUN --mount=from=`` names an existing stage (any case, or a
    numeric index of an earlier stage) or an external image with a registry or tag;
  * the final stage copies something from a builder when the original copied anything;
  * original comments and neutral instructions (LABEL, VOLUME, STOPSIGNAL) survive
    byte for byte; CRLF line endings and a UTF-8 BOM are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_REGISTRY = "cgr.dev/chainguard"
NOT_MIGRATABLE_CODES = frozenset({"MIG202", "MIG203", "MIG205"})
# A stage before the last that only builds or carries files for later stages, on an image no rule knows,
# is kept as it is (it builds as before) with this warning naming the image.
KEPT_BUILD_STAGE_CODE = "MIG214"
# A final stage with no command of its own (a base image), or whose command needs the OS packages it
# installs, is kept as one stage on wolfi-base / chainguard-base, and a warning with this code says so.
SINGLE_STAGE_CODE = "MIG542"
BOM = "\ufeff"

# Chainguard runtime images that carry a (busybox) shell even without the -dev tag
# (../shared/docs/chainguard-facts.md, "Everywhere"); every other non -dev image has none.
SHELL_IMAGES = frozenset({
    "node", "jdk", "maven", "gradle", "go", "rust", "dotnet-sdk", "dotnet-runtime", "tomcat",
    "gcc-glibc", "busybox", "wolfi-base", "chainguard-base",
})
# Chainguard images whose default user is root (chainguard-facts.md, "Everywhere"); every other
# image, -dev variants included, runs as its nonroot user.
ROOT_IMAGES = frozenset({"go", "gcc-glibc", "wolfi-base", "chainguard-base", "postgres"})
# Shell + apk images with no -dev variant: accepted as the builder of a plain-distro file.
BUILDER_BASES = frozenset({"wolfi-base", "chainguard-base"})

_DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"<<(-?)[ \t]*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z_][A-Za-z0-9_]*))")
_PKG_MANAGER = re.compile(
    r"(?:^|[;&|(){}`!\n]|\bthen\b|\bdo\b|\belse\b|\bsudo\b|\bxargs\b|\bexec\b|=\S*)\s*"
    r"(apt-get|apt|yum|dnf|microdnf)(?=\s|$)",
    re.MULTILINE,
)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
# Instructions a migration has no reason to rewrite (EXPOSE may legitimately move off a port < 1024).
_NEUTRAL = frozenset({"LABEL", "VOLUME", "STOPSIGNAL", "MAINTAINER"})


# --------------------------------------------------------------------------- reading


@dataclass
class Instruction:
    keyword: str  # upper case
    text: str  # the instruction's physical lines joined (continuations and inner comments kept)
    body: str  # arguments with continuations joined and inner comments removed
    line: int  # 1-based first line
    heredocs: list[str] = field(default_factory=list)

    @property
    def flags(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for tok in self.body.split():
            if not tok.startswith("--"):
                break
            name, _, value = tok[2:].partition("=")
            out.setdefault(name.lower(), value)
            if name.lower() == "mount":
                out["mount:" + value] = value
        return out

    @property
    def args(self) -> str:
        """The body without leading --flags."""
        rest = self.body.lstrip()
        while rest.startswith("--"):
            parts = rest.split(None, 1)
            rest = parts[1].lstrip() if len(parts) > 1 else ""
        return rest


@dataclass
class Stage:
    index: int
    image: str  # as written (may contain $VARs)
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)
    text: str = ""  # raw text of the stage, FROM line to before the next FROM


@dataclass
class Dockerfile:
    bom: bool
    crlf: bool  # every line break is CRLF
    lines: list[str]  # physical lines without line ends (BOM removed)
    directives: list[tuple[str, str, str]]  # (name, value, raw line)
    escape: str
    global_args: dict[str, str]
    stages: list[Stage]
    comments: list[str]
    instructions: list[Instruction]


def read_dockerfile(text: str) -> Dockerfile:
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    breaks = re.findall(r"\r\n|\n|\r", text)
    crlf = bool(breaks) and all(b == "\r\n" for b in breaks)
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()

    directives: list[tuple[str, str, str]] = []
    i = 0
    seen: set[str] = set()
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES or m.group(1).lower() in seen:
            break
        seen.add(m.group(1).lower())
        directives.append((m.group(1).lower(), m.group(2), lines[i]))
        i += 1
    escape = "\\"
    for name, value, _ in directives:
        if name == "escape" and value in ("`", "\\"):
            escape = value

    cont = re.compile(re.escape(escape) + r"[ \t]*$")
    instructions: list[Instruction] = []
    comments: list[str] = []
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("#"):
            comments.append(raw)
            i += 1
            continue
        start = i
        parts: list[str] = []
        raw_lines = [raw]
        cur = raw
        while True:
            if cont.search(cur):
                parts.append(cont.sub("", cur))
                i += 1
                # comments and blank lines inside a continuation are skipped
                while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                    if lines[i].lstrip().startswith("#"):
                        comments.append(lines[i])
                    raw_lines.append(lines[i])
                    i += 1
                if i >= len(lines):
                    break
                cur = lines[i]
                raw_lines.append(cur)
            else:
                parts.append(cur)
                i += 1
                break
        logical = " ".join(p.strip() for p in parts if p.strip())
        split = logical.split(None, 1)
        keyword, body = split[0], (split[1] if len(split) > 1 else "")
        ins = Instruction(keyword.upper(), "\n".join(raw_lines), body.strip(), start + 1)
        if ins.keyword in ("RUN", "COPY", "ADD") or (
            ins.keyword == "ONBUILD" and body.split(None, 1)[:1] and body.split()[0].upper() in ("RUN", "COPY", "ADD")
        ):
            for m in _HEREDOC.finditer(body):
                strip_tabs = m.group(1) == "-"
                word = m.group(2) or m.group(3) or m.group(4)
                content: list[str] = []
                while i < len(lines):
                    line = lines[i]
                    i += 1
                    ins.text += "\n" + line
                    if (line.lstrip("\t") if strip_tabs else line) == word:
                        break
                    content.append(line.lstrip("\t") if strip_tabs else line)
                ins.heredocs.append("\n".join(content))
        instructions.append(ins)

    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            toks = [t for t in ins.body.split() if not t.startswith("--")]
            image = toks[0] if toks else ""
            name = toks[2] if len(toks) >= 3 and toks[1].lower() == "as" else None
            stages.append(Stage(len(stages), image, name, ins.line))
        elif not stages:
            if ins.keyword == "ARG":
                for tok in ins.body.split():
                    key, eq, value = tok.partition("=")
                    global_args[key] = expand(value.strip("\"'"), global_args) if eq else global_args.get(key, "")
        else:
            stages[-1].instructions.append(ins)
    for n, st in enumerate(stages):
        end = stages[n + 1].line - 1 if n + 1 < len(stages) else len(lines)
        st.text = "\n".join(lines[st.line - 1 : end]).rstrip()
    return Dockerfile(bom, crlf, lines, directives, escape, global_args, stages, comments, instructions)


def _raw_global_args(original_text: str | None, df: Dockerfile) -> dict[str, str]:
    """Global ARG defaults as written (not expanded)."""
    out: dict[str, str] = {}
    for ins in df.instructions:
        if ins.keyword == "FROM":
            break
        if ins.keyword == "ARG":
            for tok in ins.body.split():
                key, eq, value = tok.partition("=")
                if eq:
                    out[key] = value.strip("\"'")
    return out


def expand(value: str, args: dict[str, str]) -> str:
    """Expand $VAR / ${VAR} / ${VAR:-default} / ${VAR:+alt} with the given build args."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3)
        val = args.get(name, "")
        if op in (":-", "-"):
            return val if val else (word or "")
        if op in (":+", "+"):
            return (word or "") if val else ""
        return val

    return _VAR.sub(sub, value)


# --------------------------------------------------------------------------- image helpers


def split_image(ref: str) -> tuple[str, str]:
    """(repository path, tag) of an image reference; digest ignored."""
    ref = ref.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = ref.rsplit(":", 1)
        return repo, tag
    return ref, ""


def on_registry(ref: str, registry: str) -> bool:
    return ref.lower().startswith(registry.lower().rstrip("/") + "/")


def is_dev(ref: str) -> bool:
    _, tag = split_image(ref)
    return tag == "dev" or tag.endswith("-dev")


def image_name(ref: str) -> str:
    return split_image(ref)[0].rsplit("/", 1)[-1]


def is_builder_image(ref: str, registry: str) -> bool:
    return on_registry(ref, registry) and (is_dev(ref) or image_name(ref) in BUILDER_BASES)


def is_distroless(ref: str, registry: str) -> bool:
    if not on_registry(ref, registry) or is_dev(ref):
        return False
    repo, _ = split_image(ref)
    return repo.rsplit("/", 1)[-1] not in SHELL_IMAGES


def _stage_lookup(df: Dockerfile) -> dict[str, Stage]:
    return {st.name.lower(): st for st in df.stages if st.name}


def root_image(df: Dockerfile, stage: Stage) -> str:
    """Follow ``FROM <stage>`` chains to the real base image (build args expanded)."""
    names = _stage_lookup(df)
    seen = set()
    cur = stage
    while True:
        image = expand(cur.image, df.global_args)
        parent = names.get(image.lower())
        if parent is None or parent.index >= cur.index or parent.index in seen:
            return image
        seen.add(parent.index)
        cur = parent


def stage_chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and every stage it inherits from (nearest first)."""
    names = _stage_lookup(df)
    chain = [stage]
    cur = stage
    while True:
        parent = names.get(expand(cur.image, df.global_args).lower())
        if parent is None or parent.index >= cur.index or parent in chain:
            return chain
        chain.append(parent)
        cur = parent


def is_json_array(body: str) -> bool:
    body = body.strip()
    if not body.startswith("["):
        return False
    try:
        value = json.loads(body)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _finding_fields(f: object) -> tuple[str, str, str]:
    if isinstance(f, dict):
        code, sev, msg = f.get("code", ""), f.get("severity", ""), f.get("message", "")
    else:
        code, sev, msg = getattr(f, "code", ""), getattr(f, "severity", ""), getattr(f, "message", "")
    sev = getattr(sev, "value", sev)
    return str(code), str(sev), str(msg)


def _explained(findings: Iterable[object] | None, word: str) -> bool:
    """A warning/error finding whose message mentions ``word``."""
    for f in findings or ():
        _, sev, msg = _finding_fields(f)
        if sev in ("warning", "error") and word in msg.lower():
            return True
    return False


def error_finding_names(findings: Iterable[object], image: str, raw: str = "", *_also: str,
                        codes: frozenset[str] = NOT_MIGRATABLE_CODES, severities: tuple[str, ...] = ("error",)) -> bool:
    """Is there an error finding (MIG202/203/205) whose message names the image?"""
    candidates = {c for c in (image, raw, split_image(image)[0], split_image(raw)[0] if raw else "") if c}
    candidates |= {extra for extra in _also if extra}
    # Docker Hub references are usually named without their registry: docker.io/library/x -> x
    candidates |= {re.sub(r"^(?:docker\.io/)?(?:library/)?", "", c) for c in candidates}
    for f in findings:
        code, sev, msg = _finding_fields(f)
        if code in codes and sev in severities and any(c in msg for c in candidates):
            return True
    return False


def kept_single_stage(out: Dockerfile, findings: Iterable[object] | None, registry: str) -> bool:
    """The final stage stays one stage on wolfi-base/chainguard-base, and a MIG542 finding says so."""
    if not out.stages or findings is None:
        return False
    root = root_image(out, out.stages[-1])
    if not (on_registry(root, registry) and image_name(root) in BUILDER_BASES and not is_dev(root)):
        return False
    return any(_finding_fields(f)[0] == SINGLE_STAGE_CODE for f in findings)


def kept_on_parent_dev(findings: Iterable[object] | None, root: str) -> bool:
    """A final stage built FROM a stage on a -dev image stays there because its command needs a shell, and a
    warning (MIG541) names that image and says how to leave it; or the runtime is node's -dev image because the
    start command's yarn or pnpm could not be ported to npm, and a warning (MIG575) names it; or the runtime is the
    language's -dev image because the app runs programs of packages the original final stage installed (MIG238)."""
    name = root.rsplit("/", 1)[-1]
    for f in findings or ():
        code, severity, message = _finding_fields(f)
        if code == "MIG541" and severity == "warning" and f"stays on {name}" in message:
            return True
        if code in ("MIG575", "MIG238") and severity == "warning" and f"runtime {name}:" in message:
            return True
    return False


# --------------------------------------------------------------------------- checks


def check_directives(orig: Dockerfile, out: Dockerfile) -> list[str]:
    want = [raw.strip() for _, _, raw in orig.directives]
    got = [raw.strip() for _, _, raw in out.directives]
    if want and got[: len(want)] != want:
        return [f"parser directives {want} not kept on lines 1..{len(want)} (output starts {out.lines[:len(want)]})"]
    return []


_ROOT_COMMAND = re.compile(
    r"(?:^|[;&|(){}`!\n]|\bthen\b|\bdo\b|\belse\b|\bsudo\b)\s*"
    r"(apk\s+(?:add|del)|adduser|addgroup|useradd|groupadd|usermod|deluser|delgroup)(?=\s|$)",
    re.MULTILINE,
)


def _is_root(user: str) -> bool:
    return user.split(":")[0] in ("root", "0")


def stage_users(df: Dockerfile, registry: str) -> dict[int, str]:
    """The user each stage ends with: image default, USER lines, and what a parent stage left."""
    names = _stage_lookup(df)
    ends: dict[int, str] = {}
    for st in df.stages:
        parent = names.get(expand(st.image, df.global_args).lower())
        if parent is not None and parent.index < st.index:
            user = ends[parent.index]
        else:
            image = expand(st.image, df.global_args)
            user = "nonroot" if on_registry(image, registry) and image_name(image) not in ROOT_IMAGES else "root"
        for ins in st.instructions:
            if ins.keyword == "USER" and ins.body.split():
                user = ins.body.split()[0]
        ends[st.index] = user
    return ends


def check_root_commands(out: Dockerfile, registry: str) -> list[str]:
    """Package and user commands need root; Chainguard images (and -dev variants) run as nonroot."""
    problems = []
    ends = stage_users(out, registry)
    names = _stage_lookup(out)
    for st in out.stages:
        if not on_registry(root_image(out, st), registry):
            continue
        parent = names.get(expand(st.image, out.global_args).lower())
        if parent is not None and parent.index < st.index:
            user = ends[parent.index]
        else:
            user = "root" if image_name(expand(st.image, out.global_args)) in ROOT_IMAGES else "nonroot"
        for ins in st.instructions:  # the user each instruction runs as, USER lines followed
            if ins.keyword == "USER" and ins.body.split():
                user = ins.body.split()[0]
            if ins.keyword != "RUN" or _is_root(user):
                continue
            for chunk in [ins.args, *ins.heredocs]:
                m = _ROOT_COMMAND.search(chunk)
                if m:
                    problems.append(f"line {ins.line}: `{' '.join(m.group(1).split())}` runs as {user}, not root")
                    break
    return problems


_APK_VALUED = frozenset({"--virtual", "-t", "-X", "--repository", "--repositories-file", "--keys-dir"})


def apk_added_names(script: str) -> list[str]:
    """Package names the `apk add` commands of a script install (variables and virtuals left out)."""
    import shlex

    names: list[str] = []
    joined = re.sub(r"\\\n", " ", script)
    for line in joined.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = "#"
            words = list(lexer)
        except ValueError:
            continue
        virtuals: set[str] = set()
        index = 0
        while index < len(words):
            if words[index] == "apk" and words[index + 1 : index + 2] == ["add"]:
                index += 2
                while index < len(words) and not set(words[index]) <= set(";&|()<>"):
                    word = words[index]
                    if word in _APK_VALUED:
                        if word in ("--virtual", "-t") and index + 1 < len(words):
                            virtuals.add(words[index + 1])
                        index += 1
                    elif not word.startswith("-") and "$" not in word and "`" not in word and word not in virtuals:
                        names.append(re.split(r"[=<>~]", word, maxsplit=1)[0])
                    index += 1
            index += 1
    return names


def check_apk_names(out: Dockerfile, findings: Iterable[object] | None, wolfi_names: set[str],
                    registry: str) -> list[str]:
    """`apk add NAME` fails the build when Wolfi has no NAME: an error finding must say so."""
    problems = []
    errors = [msg for f in findings or () for _, sev, msg in [_finding_fields(f)] if sev == "error"]
    for st in out.stages:
        if not on_registry(root_image(out, st), registry):
            continue
        for ins in st.instructions:
            if ins.keyword != "RUN":
                continue
            for chunk in [ins.args, *ins.heredocs]:
                for name in apk_added_names(chunk):
                    if name not in wolfi_names and not any(f"`{name}`" in msg or f" {name} " in msg for msg in errors):
                        problems.append(f"line {ins.line}: `apk add {name}`: no such Wolfi package, and no error finding")
    return problems


def check_copy_from(out: Dockerfile) -> list[str]:
    problems = []
    names = _stage_lookup(out)
    for st in out.stages:
        for ins in st.instructions:
            refs: list[str] = []
            if ins.keyword in ("COPY", "ADD") and "from" in ins.flags:
                refs.append(ins.flags["from"])
            if ins.keyword == "RUN":
                for key, value in ins.flags.items():
                    if key.startswith("mount:"):
                        for opt in value.split(","):
                            k, _, v = opt.partition("=")
                            if k == "from" and v:
                                refs.append(v)
            for ref in refs:
                ref = ref.strip("\"'")
                if "$" in ref:
                    continue
                if ref.isdigit():
                    if int(ref) >= st.index:
                        problems.append(f"line {ins.line}: --from={ref} is not an earlier stage index")
                    continue
                if ref.lower() in names:
                    if names[ref.lower()].index >= st.index:
                        problems.append(f"line {ins.line}: --from={ref} names a stage defined later")
                    continue
                if "/" in ref or ":" in ref or "@" in ref:
                    continue  # an external image
                problems.append(f"line {ins.line}: --from={ref} names no stage and no image with registry/tag")
    return problems


def check_package_managers(out: Dockerfile, registry: str) -> list[str]:
    problems = []
    for st in out.stages:
        if not on_registry(root_image(out, st), registry):
            continue
        for ins in st.instructions:
            if ins.keyword not in ("RUN", "ONBUILD"):
                continue
            for chunk in [ins.args, *ins.heredocs]:
                m = _PKG_MANAGER.search(chunk)
                if m:
                    problems.append(f"line {ins.line}: `{m.group(1)}` left in a stage on {registry}")
                    break
    return problems


# Bundler 4 (Chainguard's ruby) removed these `bundle install` flags and answers a bare `bundle` with help
# (bundler.io/doc/upgrading.html; --binstubs: ruby/rubygems#8978); a build on the Chainguard image stops on them.
_BUNDLER_REMOVED = re.compile(
    r"\bbundle\s+(?:install|i)\b[^;&|\n]*?\s(--(?:binstubs|clean|deployment|frozen|no-prune|path|shebang|system|without|with))"
    r"(?=[\s=]|$)", re.MULTILINE)
_BUNDLER_OTHER_REMOVED = re.compile(
    r"\bbundle\s+(?:(?:check|binstubs)\b[^;&|\n]*?\s(--path)|(?:cache|package|pack)\b[^;&|\n]*?"
    r"\s(--(?:all|no-all|frozen|no-prune|path)))(?=[\s=]|$)", re.MULTILINE)
_BARE_BUNDLE = re.compile(r"(?:^|[;&|(){}`\n]|\bthen\b|\bdo\b|\belse\b)\s*(bundle)\s*(?=$|[;&|)}`\n])",
                          re.MULTILINE)


def check_bundler_flags(out: Dockerfile, registry: str, findings: Iterable[object] | None = None) -> list[str]:
    """`bundle install --without ...` or a bare `bundle` in a stage on the registry, which Bundler 4 refuses,
    unless a finding says the flags are only known at build time (MIG419)."""
    problems = []
    for st in out.stages:
        if not on_registry(root_image(out, st), registry):
            continue
        for ins in st.instructions:
            if ins.keyword != "RUN":
                continue
            exec_form = is_json_array(ins.args.strip())
            for chunk in [" ".join(json.loads(ins.args)) if exec_form else ins.args, *ins.heredocs]:
                joined = re.sub(r"\\\n", " ", chunk)
                m = _BUNDLER_REMOVED.search(joined) or _BUNDLER_OTHER_REMOVED.search(joined) or _BARE_BUNDLE.search(
                    joined)
                if m:
                    flag = next(g for g in m.groups() if g)
                    what = f"`{m.group(0).strip()}`" if flag != "bundle" else "a bare `bundle`"
                    problems.append(f"line {ins.line}: {what} in a stage on {registry}: Bundler 4 refuses it")
                    break
    return problems


def check_distroless_runs(out: Dockerfile, registry: str, single_stage: bool = False) -> list[str]:
    """RUN where no shell exists; RUN in the final stage (unless it is kept single-stage on purpose);
    apk where the image has no apk."""
    problems = []
    for st in out.stages:
        root = root_image(out, st)
        if on_registry(root, registry) and not is_builder_image(root, registry):
            for ins in st.instructions:
                if ins.keyword == "RUN" and any(re.search(r"\bapk\s+(add|upgrade|update|del)\b", c)
                                                for c in [ins.args, *ins.heredocs]):
                    problems.append(f"line {ins.line}: apk in a stage on {root}, which has no apk")
        final_chain = st.index == len(out.stages) - 1 and on_registry(root, registry) and not single_stage
        if not is_distroless(root, registry) and not final_chain:
            continue
        for ins in st.instructions:
            kw = ins.keyword
            if kw == "ONBUILD" and ins.body.split()[:1] and ins.body.split()[0].upper() == "RUN":
                kw = "ONBUILD RUN"
            if kw in ("RUN", "ONBUILD RUN"):
                shell_final = final_chain and not is_distroless(root, registry)
                where = "the final stage" if shell_final else f"a stage on distroless {root}"
                problems.append(f"line {ins.line}: {kw} in {where}")
    return problems


def check_final_stage(
    orig: Dockerfile, out: Dockerfile, findings: Iterable[object] | None, registry: str
) -> list[str]:
    problems: list[str] = []
    if not out.stages:
        return ["output has no FROM"]
    final = out.stages[-1]
    root = root_image(out, final)
    if not on_registry(root, registry):
        # Not migratable: an error finding must name the image and the stage must be untouched.
        once = _VAR.sub(lambda m: orig.global_args.get(m.group(1) or m.group(4), m.group(0)), final.image)
        raw_args = _raw_global_args(original_text=None, df=out)
        once_raw = _VAR.sub(lambda m: raw_args.get(m.group(1) or m.group(4), m.group(0)), final.image)
        if findings is None or not error_finding_names(findings, root, final.image, once, once_raw):
            problems.append(
                f"final stage base {final.image!r} is not on {registry} and no error finding "
                f"({'/'.join(sorted(NOT_MIGRATABLE_CODES))}) names it"
            )
        orig_texts = {st.text for st in orig.stages}
        if final.text not in orig_texts:
            problems.append(f"not-migrated final stage ({final.image}) was modified")
        return problems
    if is_dev(root) and not kept_on_parent_dev(findings, root):
        problems.append(f"final stage runs on a -dev image: {root}")
    if kept_single_stage(out, findings, registry):
        return problems
    unmigrated = [
        st for st in out.stages[:-1]
        if not on_registry(root_image(out, st), registry)
        and expand(st.image, out.global_args).lower() != "scratch"
        and findings is not None
        and error_finding_names(findings, root_image(out, st), st.image)
    ]
    if len(out.stages) < 2:
        problems.append("output is not multi-stage")
    if not unmigrated and not any(is_builder_image(root_image(out, st), registry) for st in out.stages[:-1]):
        problems.append(f"no builder stage on a {registry} -dev image (or wolfi-base)")
    for st in out.stages[:-1]:
        r = root_image(out, st)
        if on_registry(r, registry) and not is_builder_image(r, registry) and any(
            i.keyword == "RUN" for i in st.instructions
        ):
            problems.append(f"builder stage {st.name or st.index} runs RUN on {r}, not on a -dev image")
    if is_distroless(root, registry):
        chain = stage_chain(out, final)
        for kw in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            ins = next((i for st in chain for i in reversed(st.instructions) if i.keyword == kw), None)
            if ins is None:
                continue
            body = ins.body
            if kw == "HEALTHCHECK":
                if body.strip().upper() == "NONE":
                    continue
                m = re.search(r"(?:^|\s)CMD\s+(.*)$", body, re.IGNORECASE | re.DOTALL)
                if not m:
                    continue
                body = m.group(1)
            if not is_json_array(body):
                problems.append(f"line {ins.line}: shell-form {kw} in the distroless final stage")
            else:
                argv = json.loads(body)
                if argv and re.fullmatch(r"(/usr)?(/bin/)?(ba)?sh", argv[0]) and not _explained(findings, "shell"):
                    problems.append(f"line {ins.line}: {kw} runs a shell ({argv[0]}) in the distroless final stage")
        orig_copies = any(i.keyword in ("COPY", "ADD") for i in orig.instructions)
        inherits = len(stage_chain(out, final)) > 1
        copies_from_stage = any(
            i.keyword == "COPY" and "from" in i.flags and not ("/" in i.flags["from"] or ":" in i.flags["from"])
            for i in final.instructions
        )
        if orig_copies and not inherits and not copies_from_stage:
            problems.append("final stage copies nothing from a builder stage")
    return problems


def check_preserved(orig: Dockerfile, out: Dockerfile) -> list[str]:
    problems: list[str] = []
    out_lines = set(out.lines)
    for c in orig.comments:
        if c not in out_lines:
            problems.append(f"comment lost or altered: {c.strip()[:80]!r}")
    out_texts = {i.text for i in out.instructions}
    for ins in orig.instructions:
        if ins.keyword in _NEUTRAL and ins.text not in out_texts:
            problems.append(f"line {ins.line}: {ins.keyword} not kept byte for byte: {ins.text.splitlines()[0][:80]!r}")
    if orig.crlf and not out.crlf:
        problems.append("CRLF line endings not kept (output has LF line breaks)")
    if orig.bom and not out.bom:
        problems.append("UTF-8 BOM lost")
    return problems


def check_unmigrated_stages(
    orig: Dockerfile, out: Dockerfile, findings: Iterable[object] | None, registry: str
) -> list[str]:
    """Non-final stages left on a non-registry image must be untouched and explained."""
    problems = []
    out_names = {st.name.lower() for st in out.stages if st.name}
    orig_texts = {st.text for st in orig.stages}
    for st in out.stages[:-1]:
        image = expand(st.image, out.global_args)
        if image.lower() in out_names or image.lower() == "scratch" or on_registry(root_image(out, st), registry):
            continue
        kept = findings is not None and error_finding_names(findings, image, st.image, codes=frozenset(
            {KEPT_BUILD_STAGE_CODE}), severities=("warning",))
        if findings is not None and not kept and not error_finding_names(findings, image, st.image):
            problems.append(f"stage {st.index} ({st.image}) left off {registry} with no error finding naming it")
        if st.text not in orig_texts:
            problems.append(f"stage {st.index} ({st.image}) not migrated but modified")
    return problems


def check_output(
    original: str,
    migrated: str,
    findings: Iterable[object] | None = None,
    registry: str = DEFAULT_REGISTRY,
    wolfi_names: set[str] | None = None,
) -> list[str]:
    """Every way ``migrated`` misses the quality bar for ``original`` (empty list: fine).

    ``findings`` are the tool's findings (dicts from --json or Finding objects); without them
    a final stage that could not be migrated is always a problem.
    """
    findings = list(findings) if findings is not None else None
    orig = read_dockerfile(original)
    out = read_dockerfile(migrated)
    problems: list[str] = []
    problems += check_directives(orig, out)
    problems += check_final_stage(orig, out, findings, registry)
    problems += check_unmigrated_stages(orig, out, findings, registry)
    kept = kept_single_stage(out, findings, registry) or (
        bool(out.stages) and kept_on_parent_dev(findings, root_image(out, out.stages[-1])))
    problems += check_distroless_runs(out, registry, kept)
    problems += check_package_managers(out, registry)
    problems += check_bundler_flags(out, registry)
    problems += check_root_commands(out, registry)
    if wolfi_names is not None:
        problems += check_apk_names(out, findings, wolfi_names, registry)
    problems += check_copy_from(out)
    problems += check_preserved(orig, out)
    return problems


def check_idempotent(first: str, second: str, second_changed: bool) -> list[str]:
    problems = []
    if first != second:
        problems.append("not idempotent: migrating the output changes it again")
    if second_changed:
        problems.append("not idempotent: second run reports changed=true")
    return problems


def hadolint_errors(hadolint_json: str) -> list[str]:
    """The error-level findings of ``hadolint -f json`` output, as 'line N: CODE message'."""
    try:
        items = json.loads(hadolint_json or "[]")
    except ValueError:
        return [f"hadolint output is not JSON: {hadolint_json[:200]!r}"]
    return [f"line {i.get('line')}: {i.get('code')} {i.get('message')}" for i in items if i.get("level") == "error"]
