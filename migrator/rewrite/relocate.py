"""Where a tree copied out of a builder must land in the runtime when the ecosystem says the original place is
not where the runtime image looks (`pip install --prefix=/install` + `COPY --from=b /install /usr/local`: under
/usr on Chainguard python; `pip install --user` output in /root/.local, or in ~/.local of the user the original ran
as, whom the runtime replaces by its nonroot user: the nonroot user's home).

The question is asked of the COPY that brings the tree out of the stage that made it, wherever that COPY is:
in the runtime stage itself, or in an intermediate stage (the original final stage kept as a builder after a
split, a stage in between) whose path the runtime then copies."""

from __future__ import annotations

from migrator.plan.facts import StageFacts
from migrator.plan.stages import Stage, StagedFile

_DEPTH = 8  # stages followed back (COPY --from chains are short; a loop cannot form, this only bounds the walk)


def replaced_homes(facts: StageFacts, keep_root: str | None) -> tuple[str, ...]:
    """The homes whose ~/.local the runtime's nonroot user (HOME=/home/nonroot) no longer reads: /root, and the
    home of the user the original stage ran as (/home/appuser of a `useradd --create-home appuser` it made). None
    when the runtime keeps the user: it runs as root (keep_root), or its copied /etc/passwd names the user as
    written; or when the Dockerfile sets HOME itself (`ENV HOME=/home/appuser`): the runtime keeps it, and Python
    reads that home's ~/.local."""
    from migrator.rewrite.writer import facts_with_parents

    if keep_root or facts.stage.copies_own_passwd() or "HOME" in facts_with_parents(facts.stage).env:
        return ()
    home = facts.home()
    return ("/root",) if home in (None, "/root") else ("/root", home)


def relocation(staged: StagedFile, ecosystem: str | None, stage: Stage, source: str,
               destination: str, homes: tuple[str, ...] = ("/root",)) -> tuple[str, str] | None:
    """(new destination, why) for `COPY --from=<stage> <source> <destination>`, or None: kept where it is.
    `homes`: replaced_homes of the stage the COPY is in. When `stage` did not make `source` itself but copied it in
    (`COPY --from=builder /install /usr/local`), the stage that did is asked about the path that copy read."""
    from migrator.parse.words import split_words
    from migrator.plan.copy_commands import moved_into
    from migrator.plan.ecosystems import ecosystem_for
    from migrator.rewrite.writer import facts_with_parents

    adjust = getattr(ecosystem_for(ecosystem), "adjust_copy", None)
    if adjust is None:
        return None
    moves: list[str] = []  # (`cp -r /install/. /usr/local/` lines the walk followed, for the why)
    for _ in range(_DEPTH):
        change: tuple[str, str] | None = adjust(facts_with_parents(stage), source, destination, homes)
        if change is not None:
            return change if not moves else (change[0], f"{change[1]}; {'; '.join(reversed(moves))}")
        earlier = None
        for instruction in reversed([i for s in stage.chain() for i in s.instructions]):
            if instruction.keyword != "COPY" or not instruction.flags.get("from"):
                continue
            try:
                words = instruction.json_args() or split_words(instruction.body)
            except ValueError:  # (an unclosed quote)
                continue
            if len(words) == 2 and words[1].rstrip("/") == source.rstrip("/"):
                earlier = (instruction, words[0])
                break
        if earlier is None:
            moved = moved_into(facts_with_parents(stage), source)
            if moved is None:
                return None
            moves.append(f"the RUN at line {moved[1]} put its contents in {source.rstrip('/') or '/'}")
            source = moved[0]  # (the same stage, or a parent: facts_with_parents reads them all)
            continue
        found = staged.stage_by_reference(earlier[0].flags["from"], before=stage.index)
        if found is None:
            return None
        stage, source = found, earlier[1]
    return None
