"""Rust builds for a musl target on Chainguard's rust, which has no musl standard library and no rustup: made
for the builder's own glibc target into the directory the musl build wrote (plan.rust_targets, MIG231)."""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan
from migrator.rewrite.command import Cmd, Context, Outcome, Token

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.plan.rust_targets import ConfiguredTarget

_QUOTES = "\"'"


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    targets = ctx.stage.missing_targets
    if cmd.name == "cargo" and cmd.line in ctx.stage.config_targets:
        return _configured(cmd, ctx.stage.config_targets[cmd.line])
    if not targets or len(cmd.words) < 3:
        return None
    if cmd.name == "cargo":
        return _cargo(cmd, targets)
    if cmd.name == "rustup" and cmd.words[1].value == "target" and cmd.words[2].value == "add":
        return _rustup_target_add(cmd)
    return None


def _cargo(cmd: Cmd, targets: dict[str, str]) -> Outcome | None:
    from migrator.plan.rust_targets import target_command

    subcommand = target_command([w.value or "" for w in cmd.words])
    at = _option(cmd.words, "--target")
    if at is None or subcommand is None:
        return None
    index, value = at
    target = _value_text(value, index == cmd.words.index(value))
    if target not in targets:
        return None
    outcome = Outcome(program_kept=True)
    words = [cmd.word_index(i) for i in range(index, cmd.words.index(value) + 1)]
    if subcommand == "cargo install":  # (cargo install puts the program in its root's bin, whatever the target)
        outcome.delete = set(words)
        written = "`cargo install` for the builder's own target"
    else:
        directory = targets[target]
        own = _option(cmd.words, "--target-dir")
        if own is not None:  # (`--target-dir out`: the musl build wrote out/<target>/release)
            directory = _value_text(own[1], own[0] == cmd.words.index(own[1]))
            outcome.delete = {cmd.word_index(i) for i in range(own[0], cmd.words.index(own[1]) + 1)}
        outcome.replace = _target_dir(words, value, directory)
        written = f"`{subcommand} --target-dir {directory}/{target}`"
    outcome.findings.append(finding("MIG231", cmd.line, (
        f"`{subcommand} --target {target}` made as {written}: Chainguard's rust has the standard library of "
        "the build machine's glibc target only, and no rustup to add a musl one, so the build would fail; the "
        "program goes where the musl build put it and links glibc dynamically (it runs on glibc-dynamic). "
        "Install the `rustup` package in the builder to keep the musl target")))
    return outcome


# deletes `target = ...` (or `build.target = ...`) from a cargo config: cargo then builds for its own target
_UNSET_TARGET = "sed -i -E '/^[[:space:]]*(build[.])?target[[:space:]]*=/d'"


def _configured(cmd: Cmd, configured: ConfiguredTarget) -> Outcome | None:
    """`cargo build` whose project's cargo config sets a musl target: the config's target line deleted before it
    (cargo has no way to unset a configured target on its command line), and the build made into the directory
    the musl build wrote (`--target-dir target/<target>`), as for `--target` (_cargo)."""
    from migrator.plan.rust_targets import target_command

    subcommand = target_command([w.value or "" for w in cmd.words])
    if subcommand is None or _option(cmd.words, "--target") is not None:
        return None
    target, config = configured.target, configured.config
    outcome = Outcome(program_kept=True)
    outcome.replace[0] = f"{_UNSET_TARGET} {config} && {cmd.tokens[0].text}"
    written = f"`{subcommand}` for the builder's own target"
    if subcommand != "cargo install":  # (cargo install puts the program in its root's bin, whatever the target)
        own = _option(cmd.words, "--target-dir")
        if own is not None:  # (`--target-dir out`: the musl build wrote out/<target>/release)
            value = own[1]
            joined = own[0] == cmd.words.index(value)
            moved = f"{_value_text(value, joined)}/{target}"
            outcome.replace[cmd.tokens.index(value)] = f"--target-dir={moved}" if joined else moved
            directory = moved
        else:
            directory = f"{configured.directory}/{target}"
            ends = [i for i, w in enumerate(cmd.tokens) if w.value == "--"]  # (`cargo run -- ARGS`: the program's)
            if ends:
                outcome.replace[ends[0]] = f"--target-dir {directory} --"
            else:
                last = len(cmd.tokens) - 1
                outcome.replace[last] = f"{outcome.replace.get(last, cmd.tokens[last].text)} --target-dir {directory}"
        written = f"`{subcommand} --target-dir {directory}`"
    outcome.findings.append(finding("MIG231", cmd.line, (
        f"`{subcommand}` builds for {target}, which {config} (the project's cargo config) sets: made as "
        f"{written}, with that line deleted from the config first (cargo cannot unset a configured target on its "
        "command line): Chainguard's rust has the standard library of the build machine's glibc target only, and "
        "no rustup to add a musl one, so the build would fail; the program goes where the musl build put it and "
        "links glibc dynamically (it runs on glibc-dynamic). Install the `rustup` package in the builder to keep "
        "the musl target")))
    return outcome


def _rustup_target_add(cmd: Cmd) -> Outcome | None:
    from migrator.plan.rust_targets import is_missing_target

    named = [w for w in cmd.words[3:] if not w.is_option]
    if not named or any(w.is_option for w in cmd.words[3:]) or \
            not all(is_missing_target(w.text.strip(_QUOTES)) for w in named):
        return None
    listed = " ".join(w.text for w in named)
    return Outcome(remove=True, findings=[finding("MIG231", cmd.line, (
        f"`rustup target add {listed}` removed: Chainguard's rust has no rustup and no musl standard library; the "
        "stage's cargo build is made for the builder's own glibc target instead"))])


def _option(words: tuple[Token, ...], name: str) -> tuple[int, Token] | None:
    """(index of the option's word, the word that holds its value): `--target X` or `--target=X`."""
    for index, word in enumerate(words):
        text = word.text
        if text == name and index + 1 < len(words):
            return index, words[index + 1]
        if text.startswith(name + "="):
            return index, word
    return None


def _value_text(word: Token, joined: bool) -> str:
    """An option's value as written, without its quotes (`--target="$T"` and `--target "$T"` -> `$T`)."""
    text = word.text.partition("=")[2] if joined else word.text
    return text.replace("\"", "").replace("'", "")


def _target_dir(indexes: list[int], value: Token, directory: str) -> dict[int, str]:
    """The tokens of `--target X` (or `--target=X`) as `--target-dir DIR/X`, X's quoting kept."""
    text = value.text
    after = text.partition("=")[2] if len(indexes) == 1 else text
    quote = after[0] if after[:1] in ("\"", "'") else ""
    moved = f"{quote}{directory}/{after[len(quote):]}"
    if len(indexes) == 1:
        return {indexes[0]: f"--target-dir={moved}"}
    return {indexes[0]: "--target-dir", indexes[1]: moved}


def target_variables(plan: FilePlan) -> list[Finding]:
    """Rewrite, in place, where a migrated stage sets the variable that names a target its builder lacks for a
    cargo build without --target (`ENV CARGO_BUILD_TARGET=x86_64-unknown-linux-musl`): the build directory it
    names instead (CARGO_BUILD_TARGET_DIR=target/x86_64-unknown-linux-musl), so the build is for the builder's own
    target and its program where the musl build put it (MIG231)."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.rewrite.writer import stage_facts

    findings: list[Finding] = []
    for stage_plan in plan.stages:
        stage = stage_plan.stage
        if not stage_plan.migrated or not any(i.keyword == "RUN" and "cargo" in i.logical for i in stage.instructions):
            continue
        from migrator.plan.rust_targets import missing_targets  # (a cargo build: few files)

        facts = stage_facts(plan, stage_plan)
        named = {(m.variable, m.target) for m in missing_targets(facts) if m.variable}
        directory = facts.env.get("CARGO_TARGET_DIR") or "target"
        for position, item in enumerate(stage.items):
            if not isinstance(item, Instruction) or item.keyword not in ("ENV", "ARG", "RUN"):
                continue
            raw = item.raw
            for variable, target in named:
                pattern = rf"(?<![\w$]){variable}(=|[ \t]+)([\"']?){re.escape(target)}(?![\w.-])"
                if item.keyword != "ENV":
                    pattern = pattern.replace("(=|[ \\t]+)", "(=)")
                raw = re.sub(pattern, rf"{variable}_DIR\g<1>\g<2>{directory}/{target}", raw)
            if raw == item.raw:
                continue
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
            findings.append(finding("MIG231", item.line, (
                f"{', '.join(sorted(v for v, _ in named))} (a target Chainguard's rust has no standard library "
                f"for, and no rustup to add) made {', '.join(sorted(f'{v}_DIR' for v, _ in named))}: cargo builds "
                f"for the builder's own glibc target into the directory the musl build wrote ({directory}/...); the "
                "program links glibc dynamically (it runs on glibc-dynamic)")))
    return findings
