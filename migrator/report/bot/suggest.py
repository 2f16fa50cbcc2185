"""Review suggestions: the migration as GitHub ```suggestion blocks on the changed lines.

GitHub only accepts review comments on lines that are part of the pull request's diff, so each
suggestion must lie inside the file's patch hunks (every line of an added file qualifies). Line
numbers are those of the checked-out head revision (side RIGHT). Suggestions already posted by an
earlier run (same file, same body) are not posted again.
"""

from __future__ import annotations

import difflib
import re

from migrator.report.bot import SUGGESTION_MARKER
from migrator.report.bot.comment import fence_for
from migrator.report.bot.github import ReviewComment

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def commentable_lines(patch: str | None) -> set[int]:
    """Right-side line numbers that appear in a unified-diff patch (added or context lines)."""
    lines: set[int] = set()
    if not patch:
        return lines
    current = 0
    in_hunk = False
    for line in patch.splitlines():
        match = _HUNK.match(line)
        if match:
            current = int(match.group(1))
            in_hunk = True
            continue
        if not in_hunk or line.startswith("\\"):
            continue
        if line.startswith("-"):
            continue
        lines.add(current)  # "+" or " " (context)
        current += 1
    return lines


def suggestion_body(replacement: list[str], note: str = "") -> str:
    text = "".join(line if line.endswith("\n") else line + "\n" for line in replacement)
    fence = fence_for(text)
    intro = f"{note}\n\n" if note else ""
    return f"{SUGGESTION_MARKER}\n{intro}{fence}suggestion\n{text}{fence}"


def suggestions(path: str, original: str, migrated: str, allowed: set[int] | None
                ) -> tuple[list[ReviewComment], int]:
    """Review comments that turn ``original`` into ``migrated``; and how many could not be placed
    (outside the diff). ``allowed`` None means every line may be commented (an added file)."""
    old = original.splitlines(keepends=True)
    new = migrated.splitlines(keepends=True)
    comments: list[ReviewComment] = []
    skipped = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # pure insertion: anchor on the line before (or after, at the top)
            if not old:
                skipped += 1
                continue
            if i1 > 0:
                first = last = i1
                replacement = [old[i1 - 1], *new[j1:j2]]
            else:
                first = last = 1
                replacement = [*new[j1:j2], old[0]]
        else:
            first, last = i1 + 1, i2
            replacement = new[j1:j2]
        if allowed is not None and not all(n in allowed for n in range(first, last + 1)):
            skipped += 1
            continue
        comments.append(ReviewComment(
            path=path, line=last, start_line=first if first < last else None,
            body=suggestion_body(replacement, "migrator suggests:"),
        ))
    return comments, skipped
