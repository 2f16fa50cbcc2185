"""Static checks of a migrated Dockerfile: no engine, milliseconds.

    findings = check(text)                       # list[Finding], codes MIG601..MIG608
    findings = check(text, target="runtime", build_args={"BASE": "..."})

What a build would only reveal late (or never, for USER root) is caught here:
- the final stage has no shell-form RUN and no shell-form CMD/ENTRYPOINT/HEALTHCHECK when its image
  has no shell (MIG601, MIG602), nor has any other stage a shell-form RUN (MIG612);
- every ``COPY --from`` names an earlier stage or an image (MIG603, MIG608);
- the final user is not root (MIG604);
- files the entrypoint refers to are copied into the final stage (MIG605);
- the final stage is not a ``-dev`` image (MIG606);
- the entrypoint is not a shell script on an image without a shell (MIG610).
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding, Severity
from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.parse.words import split_words
from migrator.plan.facts import copies_into_directory, copy_landing
from migrator.plan.stages import Stage, split_stages
from migrator.records import dataclass
from migrator.validate.source import exec_form, read

# What each Chainguard image is like (shell, default user, -dev variants) comes from the one image
# model, rules/chainguard-images.yaml; only the upstream images below are described here.
# upstream images whose default user is root and that have a shell
UPSTREAM_ROOT_SHELL = frozenset(
    {
        "debian",
        "ubuntu",
        "alpine",
        "fedora",
        "centos",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "busybox",
        "python",
        "node",
        "golang",
        "ruby",
        "php",
        "openjdk",
        "eclipse-temurin",
        "maven",
        "gradle",
        "rust",
        "gcc",
        "nginx",
        "httpd",
    }
)

SCRIPT_EXTENSIONS = (
    ".py",
    ".pyc",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".jar",
    ".war",
    ".rb",
    ".php",
    ".dll",
    ".sh",
    ".pl",
    ".bin",
    ".exe",
)
# absolute paths that the base image provides (interpreters, libraries, system files)
SYSTEM_PREFIXES = (
    "/usr/bin/",
    "/bin/",
    "/usr/sbin/",
    "/sbin/",
    "/usr/lib",
    "/lib",
    "/etc/",
    "/proc/",
    "/dev/",
    "/sys/",
)
# options after which the next argument is not a file (python -m mod, -c code, node -e code, ...)
NOT_A_FILE_AFTER = frozenset({"-m", "-c", "-e", "--eval", "-p", "--print", "-r", "--require", "-W", "-X"})


@dataclass(frozen=True)
class ImageFacts:
    ref: str
    name: str  # last path component, lower case
    tag: str
    chainguard: bool
    shell: bool | None  # None: unknown
    root: bool | None  # default user is root; None: unknown
    dev: bool


def split_ref(ref: str) -> tuple[str, str]:
    """('127.0.0.1:5000/chainguard/python', 'latest-dev') from an image reference."""
    ref = ref.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, "latest"


def image_facts(ref: str, registries: tuple[str, ...] = ()) -> ImageFacts:
    repo, tag = split_ref(ref)
    name = repo.rsplit("/", 1)[-1].lower()
    path = "/" + repo.lower() + "/"
    chainguard = (
        repo.startswith("cgr.dev/")
        or "/chainguard/" in path
        or any(repo.startswith(r.rstrip("/") + "/") for r in registries if r)
    )
    dev = tag.endswith("-dev") or tag == "dev"
    shell: bool | None = None
    root: bool | None = None
    if ref.lower() == "scratch":
        shell, root, name = False, True, "scratch"
    elif chainguard:
        shell, root = _chainguard_shell_and_root(name, dev)
    elif repo.startswith("gcr.io/distroless/"):
        shell = "debug" in tag
        root = "nonroot" not in tag
    else:
        base = repo.lower().removeprefix("docker.io/").removeprefix("library/")
        if "/" not in base and name in UPSTREAM_ROOT_SHELL:
            shell, root = True, True
    return ImageFacts(ref, name, tag, chainguard, shell, root, dev)


def _chainguard_shell_and_root(name: str, dev: bool) -> tuple[bool | None, bool | None]:
    """From the image model: a -dev tag always has a shell; images the model lacks are unknown."""
    from migrator.rules import load_rules

    rules = load_rules()
    if name not in rules.chainguard:
        return (True if dev else None), None
    model = rules.image_facts(name)
    shell: bool | None = True if dev or model.shell else (False if model.known else None)
    return shell, model.uid == 0


def substitute(text: str, args: dict[str, str]) -> str:
    """Expand $VAR / ${VAR} / ${VAR:-default} with the ARG values known."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        default = m.group(4)
        value = args.get(name)
        if value:
            return value
        if default is not None:
            return default
        return m.group(0) if value is None else ""

    return re.sub(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\})", repl, text)


def _word(text: str, args: dict[str, str], escape: str) -> str:
    """A WORKDIR or COPY word with the ARG values known; one with quotes or an escape character as BuildKit
    reads it (`"/srv/\\$HOME"` is the directory /srv/$HOME, which the migration writes so)."""
    if not any(c in text for c in "\"'" + escape):
        return substitute(text, args)
    from migrator.parse.variables import process_word

    return process_word(text, args, escape)[0]


def global_args(df: Dockerfile, build_args: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for ins in df.instructions:
        if ins.keyword == "FROM":
            break
        if ins.keyword == "ARG":
            for word in shlex_split(ins.args):
                name, eq, default = word.partition("=")
                if name in build_args:
                    values[name] = build_args[name]
                elif eq:
                    values[name] = default
    return values


def shlex_split(text: str) -> list[str]:
    try:
        return split_words(text)
    except ValueError:
        return text.split()


class Checker:
    def __init__(
        self,
        df: Dockerfile,
        target: str | None,
        build_args: dict[str, str],
        registries: tuple[str, ...],
        context: Path | None = None,
        problem: str | None = None,
    ):
        self.df = df
        self.staged = split_stages(df)
        self.problem = problem  # why the reader refused the text, if it did
        self.context = context
        self.registries = registries
        self.args = global_args(df, build_args)
        self.findings: list[Finding] = []
        self.final = self._final_stage(target)

    def _final_stage(self, target: str | None) -> Stage | None:
        if not self.staged.stages:
            return None
        if target:
            stage = self.staged.stage_by_reference(target)
            if stage is not None:
                return stage
        return self.staged.stages[-1]

    def no_stage_reason(self) -> str:
        # the reader refuses text without FROM, and text that is mostly not instructions
        if self.problem is None or "no FROM" in self.problem or "no Dockerfile instructions" in self.problem:
            return "no FROM instruction"
        return self.problem

    def add(self, code: str, severity: Severity | None, line: int, message: str) -> None:
        f = finding(code, line, message)
        if severity is not None and severity != f.severity:
            f = Finding(f.code, severity, f.line, f.message)
        self.findings.append(f)

    # -- the chain of stages the final stage is built on (FROM builder AS final) -----------------
    def chain(self, stage: Stage) -> list[Stage]:
        """[root stage, ..., stage]: stages whose FROM names an earlier stage are followed."""
        out = [stage]
        seen = {stage.index}
        cur = stage
        while True:
            parent = self.staged.stage_by_reference(substitute(cur.image_text, self.args), before=cur.index)
            if parent is None or parent.index in seen:
                break
            out.append(parent)
            seen.add(parent.index)
            cur = parent
        return list(reversed(out))

    def base_facts(self, stage: Stage) -> ImageFacts:
        root = self.chain(stage)[0]
        return image_facts(substitute(root.image_text, self.args), self.registries)

    # -- checks -----------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        if self.final is None:
            self.add("MIG607", None, 0, f"{self.no_stage_reason()}: nothing to build")
            return self.findings
        self.check_copy_from()
        chain = self.chain(self.final)
        facts = self.base_facts(self.final)
        instructions = [ins for st in chain for ins in st.instructions]
        self.check_shell(instructions, facts)
        self.check_build_stage_shells()
        self.check_user(chain, instructions, facts)
        self.check_entrypoint_files(chain, instructions)
        self.check_chown_names(chain, instructions)
        if facts.dev and facts.chainguard:
            self.add(
                "MIG606",
                None,
                chain[0].from_item.line,
                f"the final stage is built on {facts.ref}: use the runtime image "
                f"({facts.name}:latest) and copy the build results in",
            )
        return sorted(self.findings, key=lambda f: (f.line, f.code))

    def check_copy_from(self) -> None:
        for stage in self.staged.stages:
            for ins in stage.instructions:
                if ins.keyword not in ("COPY", "ADD"):
                    continue
                ref = ins.flags.get("from")
                if not ref:
                    continue
                ref = substitute(ref, self.args)
                if "$" in ref:
                    continue  # decided by a build argument: cannot tell
                if self.staged.stage_by_reference(ref, before=stage.index) is not None:
                    continue
                later = self.staged.stage_by_reference(ref)
                if later is not None and later.index >= stage.index:
                    self.add(
                        "MIG608",
                        None,
                        ins.line,
                        f"COPY --from={ref} refers to stage {later.label.lower()}, which is defined at line "
                        f"{later.from_item.line}, not before this one",
                    )
                    continue
                if ref.isdigit():
                    self.add("MIG603", None, ins.line, f"COPY --from={ref}: there is no stage {ref} before this one")
                elif not re.search(r"[:/@.]", ref):
                    names = ", ".join(s.name.lower() for s in self.staged.stages[: stage.index] if s.name) or "none"
                    self.add(
                        "MIG603",
                        None,
                        ins.line,
                        f"COPY --from={ref} names no stage (stages above: {names}); it would pull the "
                        f"image docker.io/library/{ref}",
                    )

    def check_shell(self, instructions: list[Instruction], facts: ImageFacts) -> None:
        custom_shell = any(ins.keyword == "SHELL" for ins in instructions)
        if facts.shell is False and not custom_shell:
            sev, why = Severity.ERROR, f"{facts.ref} has no shell"
        elif facts.shell is None or custom_shell:
            sev, why = Severity.WARNING, f"{facts.ref} may have no shell"
        else:
            sev, why = Severity.INFO, f"{facts.ref} has a shell, but a runtime stage should not need one"
        for ins in instructions:
            if ins.keyword == "RUN" and exec_form(ins) is None:
                self.add(
                    "MIG601", sev, ins.line, f"shell-form RUN in the final stage: {why}; run it in a builder stage"
                )
            elif ins.keyword in ("CMD", "ENTRYPOINT") and exec_form(ins) is None and ins.body:
                form = json.dumps(shlex_split(ins.body))
                self.add(
                    "MIG602",
                    Severity.WARNING if sev is Severity.INFO else sev,
                    ins.line,
                    f"shell-form {ins.keyword} runs through /bin/sh: {why}; use the exec form {ins.keyword} {form}",
                )
            elif (
                ins.keyword == "HEALTHCHECK"
                and not ins.args.strip().upper().startswith("NONE")
                and exec_form(ins) is None
            ):
                self.add(
                    "MIG602",
                    Severity.WARNING if sev is Severity.INFO else sev,
                    ins.line,
                    f"shell-form HEALTHCHECK CMD runs through /bin/sh: {why}; use the exec form",
                )

    def check_build_stage_shells(self) -> None:
        """A shell-form RUN in a stage before the final one whose image, through its FROM <stage> chain, has no
        shell (the final stage's chain is check_shell's)."""
        assert self.final is not None
        for stage in self.staged.stages[:-1]:
            chain = self.chain(stage)
            runs = [i for i in stage.instructions if i.keyword == "RUN" and exec_form(i) is None]
            if not runs or any(i.keyword == "SHELL" for st in chain for i in st.instructions):
                continue
            facts = self.base_facts(stage)
            if facts.shell is False:
                for ins in runs:
                    self.add("MIG612", None, ins.line, f"shell-form RUN in stage '{stage.label}' on {facts.ref}, "
                             "which has no shell: build the stage on its -dev image")

    def check_user(self, chain: list[Stage], instructions: list[Instruction], facts: ImageFacts) -> None:
        user_ins = [ins for ins in instructions if ins.keyword == "USER"]
        if user_ins:
            last = user_ins[-1]
            user = substitute(last.body.strip(), self.args).split(":", 1)[0]
            if user in ("root", "0"):
                self.add("MIG604", None, last.line, f"the final USER is {last.body.strip()}: switch to nonroot (65532)")
        elif facts.root:
            self.add(
                "MIG604",
                None,
                chain[0].from_item.line,
                f"the final stage runs as root ({facts.ref} defaults to root and no USER follows): add USER nonroot",
            )

    def check_chown_names(self, chain: list[Stage], instructions: list[Instruction]) -> None:
        """COPY/ADD --chown=NAME on a Chainguard image: BuildKit looks NAME up in the image's /etc/passwd and
        /etc/group, so a name the image lacks and no RUN of the stage makes (nor a package it installs) stops
        the build."""
        from migrator.rewrite.copy_owners import image_accounts
        from migrator.rules import load_rules

        ref = substitute(chain[0].image_text, self.args)
        facts = image_facts(ref, self.registries)
        rules = load_rules()
        runs = "\n".join(ins.logical for ins in instructions if ins.keyword == "RUN")
        if not facts.chainguard or facts.name not in rules.chainguard or re.search(r"\bapk\b", runs):
            return
        known = image_accounts(rules.image_model(ref))
        for ins in instructions:
            owner = substitute(ins.flags.get("chown", ""), self.args) if ins.keyword in ("COPY", "ADD") else ""
            unknown = [p for p in dict.fromkeys(owner.split(":")) if p and "$" not in p and not p.isdigit()
                       and p not in known and not re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", runs)]
            if unknown:
                self.add("MIG611", None, ins.line, f"--chown={owner}: {facts.name} has no {' or '.join(unknown)} "
                         "and no RUN of the stage makes it: the build stops; use the uid the stage runs as (65532)")

    def check_entrypoint_files(self, chain: list[Stage], instructions: list[Instruction]) -> None:
        workdir: str | None = None
        covers: list[tuple[str, str]] = []  # (kind, path): "tree" covers path and below; "glob" fnmatch
        entry: tuple[Instruction, list[str]] | None = None
        cmd: tuple[Instruction, list[str]] | None = None
        for ins in instructions:
            if ins.keyword == "WORKDIR":
                path = _word(ins.body.strip(), self.args, ins.escape)
                workdir = posixpath.normpath(posixpath.join(workdir or "/", path))
            elif ins.keyword in ("COPY", "ADD"):
                covers.extend(self.copy_covers(ins, workdir or "/"))
            elif ins.keyword == "ENTRYPOINT":
                entry = (ins, self.argv(ins))
                cmd = None  # an ENTRYPOINT resets the CMD inherited from before
            elif ins.keyword == "CMD":
                cmd = (ins, self.argv(ins))
        argv = (entry[1] if entry else []) + (cmd[1] if cmd else [])
        if argv and self.base_facts(chain[-1]).shell is False and not any(i.keyword == "SHELL" for i in instructions):
            first_ins = entry[0] if entry and entry[1] else (cmd[0] if cmd else None)
            if first_ins is not None and self.is_shell_script(argv[0]):
                self.add(
                    "MIG610",
                    None,
                    first_ins.line,
                    f"{first_ins.keyword} starts {argv[0]}, a shell script, but "
                    f"{self.base_facts(chain[-1]).ref} has no shell to run it",
                )
        for i, (ins, token) in enumerate(self.tokens(entry, cmd)):
            if not self.is_file_arg(argv, i, token):
                continue
            path = token if token.startswith("/") else posixpath.join(workdir or "/", token)
            path = posixpath.normpath(path)
            if path.startswith(SYSTEM_PREFIXES) or self.covered(path, covers):
                continue
            in_workdir = not token.startswith("/") or (
                workdir is not None and path.startswith(workdir.rstrip("/") + "/")
            )
            sev = Severity.ERROR if in_workdir and workdir is not None else Severity.WARNING
            self.add(
                "MIG605",
                sev,
                ins.line,
                f"{ins.keyword} needs {path}, but no COPY/ADD of the final stage puts it there",
            )

    def is_shell_script(self, command: str) -> bool:
        if command.endswith((".sh", ".bash")):
            return True
        if self.context is None or ("/" in command.strip("/") and not command.startswith("/")):
            return False
        name = posixpath.basename(command)
        if not name:
            return False
        try:
            candidates = [self.context / name, *sorted(self.context.glob(f"*/{name}"))[:5]]
            for path in candidates:
                if path.is_file():
                    with path.open("rb") as fh:
                        first = fh.readline(200)
                    return bool(re.match(rb"#!\s*\S*/(?:env\s+)?(?:ba|da|a)?sh\b", first))
        except OSError:
            return False
        return False

    @staticmethod
    def tokens(
        entry: tuple[Instruction, list[str]] | None, cmd: tuple[Instruction, list[str]] | None
    ) -> Iterator[tuple[Instruction, str]]:
        for pair in (entry, cmd):
            if pair is not None:
                ins, args = pair
                for a in args:
                    yield ins, a

    def argv(self, ins: Instruction) -> list[str]:
        form = exec_form(ins)
        if form is not None:
            return [substitute(a, self.args) for a in form]
        # shell form: a simple command line is still worth checking for files; skip real scripts
        if not ins.body or re.search(r"[;&|<>`$()]", ins.body):
            return []
        return shlex_split(ins.body)

    @staticmethod
    def is_file_arg(argv: list[str], i: int, token: str) -> bool:
        if not token or token.startswith("-") or "://" in token or "=" in token or "$" in token:
            return False
        if i > 0 and argv[i - 1] in NOT_A_FILE_AFTER:
            return False
        if re.search(r":\w", token) and not token.startswith("/"):
            return False  # module:callable (gunicorn app:app), host:port
        if i == 0:
            return "/" in token  # a bare command is looked up on PATH
        return "/" in token.strip("/") or token.startswith("./") or token.lower().endswith(SCRIPT_EXTENSIONS)

    def copy_covers(self, ins: Instruction, workdir: str) -> list[tuple[str, str]]:
        form = exec_form(ins) if ins.body.startswith("[") else None
        words = form if form is not None else shlex_split(ins.body)
        words = [_word(w, self.args, ins.escape) for w in words]
        if ins.heredocs and words:
            words = [w for w in words if not w.startswith("<<")]
            if words:
                dest = posixpath.normpath(posixpath.join(workdir, words[-1]))
                return [("tree", dest)]
            return []
        if len(words) < 2:
            return []
        *srcs, dest_raw = words
        dest = posixpath.normpath(posixpath.join(workdir, dest_raw))
        dest_is_dir = copies_into_directory(dest_raw, len(srcs))
        out: list[tuple[str, str]] = []
        for src in srcs:
            base = posixpath.basename(src.rstrip("/"))
            if "$" in src or "$" in dest_raw:
                out.append(("tree", dest if dest_is_dir else posixpath.dirname(dest)))
            elif not dest_is_dir or src.rstrip("/") in ("", ".") or src.endswith("/") or "://" in src:
                out.append(("tree", dest))
            elif any(c in base for c in "*?["):
                out.append(("glob", posixpath.join(dest, base)))
                out.append(("tree", dest) if "." not in base else ("glob", posixpath.join(dest, base, "*")))
            elif "." in base:
                out.append(("tree", copy_landing(src, dest, dest_is_dir)))  # a file (or a directory named like one)
            else:
                out.append(("tree", dest))  # most likely a directory: its contents land in dest
        return out

    @staticmethod
    def covered(path: str, covers: list[tuple[str, str]]) -> bool:
        for kind, value in covers:
            if kind == "tree" and (path == value or value == "/" or path.startswith(value.rstrip("/") + "/")):
                return True
            if kind == "glob" and fnmatch.fnmatchcase(path, value):
                return True
        return False


def check(
    text: str,
    *,
    target: str | None = None,
    build_args: dict[str, str] | None = None,
    registries: tuple[str, ...] = (),
    context: Path | None = None,
) -> list[Finding]:
    """Static findings for a (migrated) Dockerfile; lines are 1-based lines of `text`.

    `context` (the build context directory) lets the checks look at files the entrypoint runs."""
    df, problem = read(text)
    return Checker(df, target, dict(build_args or {}), registries, context, problem).run()
