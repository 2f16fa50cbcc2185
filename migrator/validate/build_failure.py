"""Finding the failing instruction of a build in its log (BuildKit plain progress, podman, buildah)."""

from __future__ import annotations

import re

from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.plan.stages import Stage, StagedFile, split_stages
from migrator.validate import static
from migrator.validate.build_report import BuildError
from migrator.validate.process import tail
from migrator.validate.source import instruction_at, one_line


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _norm_image(ref: str) -> str:
    ref = ref.strip().split("@", 1)[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    slash = ref.rfind("/")
    if ref.rfind(":") <= slash:
        ref += ":latest"
    return ref.lower()


def image_refs(df: Dockerfile, args: dict[str, str]) -> list[tuple[Instruction, str]]:
    """(instruction, normalized image) for every FROM and COPY --from that names an image."""
    out = []
    staged = split_stages(df)
    for stage in staged.stages:
        ref = static.substitute(stage.image_text, args)
        if staged.stage_by_reference(ref, before=stage.index) is None and ref.lower() != "scratch":
            out.append((stage.from_item, _norm_image(ref)))
        for ins in stage.instructions:
            src = ins.flags.get("from") if ins.keyword in ("COPY", "ADD") else None
            if src:
                src = static.substitute(src, args)
                if staged.stage_by_reference(src, before=stage.index) is None:
                    out.append((ins, _norm_image(src)))
    return out


def _stage_for_label(staged: StagedFile, label: str | None) -> Stage | None:
    if not label:
        return None
    if label.startswith("stage-") and label[6:].isdigit():
        idx = int(label[6:])
        return staged.stages[idx] if idx < len(staged.stages) else None
    return staged.stage_by_reference(label)


def _match_instruction(df: Dockerfile, text: str, stage_label: str | None, step: int | None) -> Instruction | None:
    want = _norm(text)
    staged = split_stages(df)
    stage = _stage_for_label(staged, stage_label)
    if stage is None and stage_label is None and len(staged.stages) == 1:
        stage = staged.stages[0]
    pools = []
    if stage is not None:
        if step == 1 or want.startswith("from "):
            return stage.from_item
        pools.append(stage.instructions)
    pools.append(df.instructions)
    for pool in pools:
        for ins in pool:
            if _norm(one_line(ins)) == want:
                return ins
        # heredocs and long commands: BuildKit may print only the first line
        for ins in pool:
            cand = _norm(one_line(ins))
            if want and (cand.startswith(want) or want.startswith(cand)) and ins.keyword != "FROM":
                return ins
    return None


_BK_HEADER = re.compile(r"^#(\d+) (\[.*?\] .*|FROM .*|\[internal\] .*)$")


_BK_FAILED = re.compile(r"^ > (.*):\s*$")


_BK_STEP = re.compile(
    r"^\[(?:(?P<plat>[a-z0-9]+/[a-z0-9]+(?:/[a-z0-9]+)?) )?(?:(?P<stage>[^\] ]+) )?"
    r"(?P<n>\d+)/(?P<m>\d+)\] (?P<instr>.*)$",
    re.S,
)


_SOURCE_LINE = re.compile(r"^([\w./-]*(?:Dockerfile|Containerfile|dockerfile)[\w.-]*):(\d+)$")


_PODMAN_STEP = re.compile(r"^(?:\[\d+/\d+\] )?STEP \d+(?:/\d+)?: (.*)$")


_PODMAN_ERR = re.compile(r'building at STEP "(.*?)":', re.S)


def locate_failure(
    log: str, df: Dockerfile, build_args: dict[str, str] | None = None, filename: str | None = None
) -> BuildError:
    """Find the failing instruction in a build log (BuildKit plain progress, podman/buildah)."""
    lines = log.splitlines()
    args = static.global_args(df, dict(build_args or {}))
    message = ""
    for line in reversed(lines):
        s = line.strip()
        if s and not s.startswith("#") and s != "------" and not s.startswith(">"):
            message = s
            break
    if not message:
        message = lines[-1].strip() if lines else "the build failed"

    # newer BuildKit prints the source position itself ("Dockerfile:12")
    for line in lines:
        s = line.strip()
        m = _SOURCE_LINE.match(s)
        if filename and s.startswith(filename + ":") and s[len(filename) + 1 :].isdigit():
            m = re.match(r"^(.*):(\d+)$", s)
        if m:
            n = int(m.group(2))
            ins = instruction_at(df, n)
            if ins is not None:
                return BuildError(ins.line, one_line(ins), _bk_tail(lines, None, message), message)

    # BuildKit: "------\n > [builder 4/4] RUN exit 3:\n------"
    failed_label = None
    for i, line in enumerate(lines):
        m = _BK_FAILED.match(line)
        if m and i > 0 and lines[i - 1].strip() == "------":
            failed_label = m.group(1)
            break
    if failed_label is not None:
        vertex = None
        for line in lines:
            h = _BK_HEADER.match(line)
            if h and h.group(2).strip() == failed_label.strip():
                vertex = h.group(1)
        ins = None
        if failed_label.startswith("[internal] load metadata for "):
            ins = _by_image(df, args, failed_label.split(" for ", 1)[1])
        elif failed_label.startswith("[internal] load build definition"):
            ins = _by_parse_error(df, message)
        elif failed_label.startswith("FROM "):
            ins = _by_image(df, args, failed_label[5:])
        else:
            st = _BK_STEP.match(failed_label)
            if st:
                instr = st.group("instr")
                if instr.upper().startswith("FROM "):
                    ins = _by_image(df, args, instr[5:]) or _match_instruction(
                        df, instr, st.group("stage"), int(st.group("n"))
                    )
                else:
                    ins = _match_instruction(df, instr, st.group("stage"), int(st.group("n")))
        if ins is None:
            ins = _by_message(df, args, message)
        return BuildError(
            ins.line if ins else None,
            one_line(ins) if ins else failed_label,
            _bk_tail(lines, vertex, message),
            message,
        )

    # podman / buildah
    m = _PODMAN_ERR.search(log)
    step_text = m.group(1) if m else None
    if step_text is None:
        for line in lines:
            sm = _PODMAN_STEP.match(line.strip())
            if sm:
                step_text = sm.group(1)
    ins = None
    if step_text:
        ins = _match_instruction(df, step_text, None, None)
    if ins is None:
        ins = _by_message(df, args, message) or _by_parse_error(df, message)
    return BuildError(ins.line if ins else None, one_line(ins) if ins else step_text, tail(log), message)


def _bk_tail(lines: list[str], vertex: str | None, message: str) -> str:
    if vertex is None:
        return tail("\n".join(lines))
    prefix = f"#{vertex} "
    out = []
    for line in lines:
        if line.startswith(prefix):
            body = line[len(prefix) :]
            # drop the timestamp BuildKit puts in front of a step's output ("0.123 text")
            body = re.sub(r"^\d+\.\d+ ", "", body)
            if re.match(r"^sha256:[0-9a-f]{64}$", body):
                continue
            out.append(body)
    if message and (not out or out[-1] != message):
        out.append(message)
    return tail("\n".join(out))


def _by_image(df: Dockerfile, args: dict[str, str], ref: str) -> Instruction | None:
    want = _norm_image(ref)
    for ins, image in image_refs(df, args):
        if image == want:
            return ins
    return None


def _by_message(df: Dockerfile, args: dict[str, str], message: str) -> Instruction | None:
    text = message.lower()
    best = None
    for ins, image in image_refs(df, args):
        bare = image.removesuffix(":latest")
        if (image in text or (bare and re.search(re.escape(bare) + r"(?![\w.-])", text))) and best is None:
            best = ins
    return best


def _by_parse_error(df: Dockerfile, message: str) -> Instruction | None:
    m = re.search(r"line (\d+)", message)
    if not m:
        return None
    return instruction_at(df, int(m.group(1)))
