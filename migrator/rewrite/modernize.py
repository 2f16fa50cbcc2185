"""Deprecated or misleading instructions in migrated stages, rewritten to their modern equivalent.

- `ADD local-file dest` -> `COPY`: ADD's extras (URLs, tar extraction) are not in use (hadolint DL3020);
  a source from a variable (`ADD $DIST /tmp/`) may be a URL: kept.
- `MAINTAINER name` -> `LABEL maintainer="name"`: MAINTAINER is deprecated (hadolint DL4000).
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.parse.words import split_words
from migrator.regex import lazy as lazy_re

_ARCHIVE = lazy_re(r"\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst))$", re.IGNORECASE)
_ADD_ONLY_FLAGS = {"checksum", "keep-git-dir", "unpack"}
_KEYWORD = lazy_re(r"^([ \t]*)(add)\b", re.IGNORECASE)
_MAINTAINER = lazy_re(r"^([ \t]*)(maintainer)\b", re.IGNORECASE)


def modernized(instruction: Instruction) -> tuple[str, Finding] | None:
    """The instruction's modern form and a finding saying so, or None to keep it."""
    return add_as_copy(instruction) or maintainer_as_label(instruction)


def maintainer_as_label(instruction: Instruction) -> tuple[str, Finding] | None:
    if instruction.keyword != "MAINTAINER":
        return None
    match = _MAINTAINER.match(instruction.raw)
    if match is None:
        return None
    name = instruction.body.strip().replace("\\", "\\\\").replace('"', '\\"')
    ending = "\r\n" if instruction.raw.endswith("\r\n") else "\n" if instruction.raw.endswith("\n") else ""
    keyword = "LABEL" if match.group(2).isupper() else "label"
    return f'{match.group(1)}{keyword} maintainer="{name}"{ending}', finding("MIG533", instruction.line)


def add_as_copy(instruction: Instruction) -> tuple[str, Finding] | None:
    if instruction.keyword != "ADD" or instruction.heredocs or _ADD_ONLY_FLAGS & set(instruction.flags):
        return None
    body = instruction.body
    try:
        words = instruction.json_args() or split_words(body)
    except ValueError:
        return None
    sources = words[:-1]
    if not sources or any("://" in s or s.startswith("git@") or "$" in s or _ARCHIVE.search(s) for s in sources):
        return None  # a URL, a repository, an archive ADD unpacks, or a variable that may hold any of them
    match = _KEYWORD.match(instruction.raw)
    if match is None:
        return None
    keyword = "COPY" if match.group(2).isupper() else "copy"
    raw = match.group(1) + keyword + instruction.raw[match.end():]
    return raw, finding("MIG528", instruction.line)
