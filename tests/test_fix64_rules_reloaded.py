"""fix64 item 7: a long-running process (the pull-request bot) that migrates with a user rules file reads the file
again once it is edited: the loader's cache is keyed by each file's path, modification time and size, and keeps only
the newest rules of the same paths."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.api import migrate_text
from migrator.model import Options
from migrator.rules import loader

TEXT = "FROM debian:12 AS b\nRUN apt-get install -y acme-tool\nFROM scratch\nCOPY --from=b /x /x\n"


def _installs(rules: Path) -> str:
    out = migrate_text(TEXT, Options(rules_files=(rules,))).dockerfile
    return next(line for line in out.splitlines() if "apk add" in line)


def test_an_edited_rules_file_is_read_again(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("family: debian\npackages:\n  acme-tool: [jq]\n")
    assert _installs(rules) == "RUN apk add --no-cache jq"
    before = rules.stat().st_mtime_ns
    rules.write_text("family: debian\npackages:\n  acme-tool: [yq]\n")  # (the same size)
    os.utime(rules, ns=(before + 10**9, before + 10**9))  # (a clock too coarse to tell the writes apart)
    assert _installs(rules) == "RUN apk add --no-cache yq"
    assert _installs(rules) == "RUN apk add --no-cache yq"
    assert [key for key in loader._cache if key and key[0][0] == rules] == [
        ((rules, before + 10**9, rules.stat().st_size),)]  # (the old rules are not kept)


def test_unchanged_rules_are_read_once(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("family: debian\npackages:\n  acme-tool: [jq]\n")
    assert loader.load_rules((rules,)) is loader.load_rules((rules,))
