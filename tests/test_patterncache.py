"""The compiled-pattern cache of the command line: what comes out of it is the pattern `re` makes."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrator import patterncache

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = [
    (r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<quote>[\"']?)(?P<value>[^\"']*)(?P=quote)", 0),
    (r"^\s*#\s*migrate\s*:\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE),
    (r"(?<![\w/.-])/usr/(local/)?bin/gunicorn(?![\w.-])", 0),
    (r"  a (b) # spaced\n | c", re.VERBOSE),
    (rb"\x00+(?P<rest>.*)", re.DOTALL),
]
TEXTS = ["A=\"x y\" b", "  # MIGRATE: ignore=MIG301 ", "/usr/local/bin/gunicorn app", " ab c", "zz"]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    re.purge()  # re's own cache would answer before the compile step
    yield tmp_path
    patterncache.uninstall()
    re.purge()


def compile_all() -> list[re.Pattern[str]]:
    re.purge()
    return [re.compile(pattern, flags) for pattern, flags in PATTERNS]  # type: ignore[call-overload]


def matches(patterns: list[re.Pattern[str]]) -> list[object]:
    found: list[object] = []
    for pattern in patterns:
        for text in TEXTS:
            subject: str | bytes = text.encode() if isinstance(pattern.pattern, bytes) else text
            match = pattern.search(subject)  # type: ignore[arg-type]
            found.append(match and (match.span(), match.groups(), match.groupdict()))
    return found


def test_a_later_run_gets_the_same_patterns_from_the_cache(cache: Path) -> None:
    fresh = compile_all()
    assert patterncache.install(str(cache))
    assert compile_all() == fresh
    patterncache.save()
    patterncache.uninstall()

    assert patterncache.install(str(cache))
    assert len(patterncache._known) == len(PATTERNS)
    kept = compile_all()
    assert not patterncache._new  # every one from the cache
    assert kept == fresh  # the engine's code, flags and pattern are the same
    assert [p.groupindex for p in kept] == [p.groupindex for p in fresh]
    assert [p.groups for p in kept] == [p.groups for p in fresh]
    assert matches(kept) == matches(fresh)
    files = list(cache.iterdir())
    patterncache.save()  # nothing new: nothing written
    assert list(cache.iterdir()) == files


def test_a_damaged_cache_is_no_cache(cache: Path) -> None:
    assert patterncache.install(str(cache))
    fresh = compile_all()
    patterncache.save()
    patterncache.uninstall()
    [entry] = cache.iterdir()
    known = marshal.loads(entry.read_bytes())
    first, second = list(known)[:2]
    known[first] = marshal.dumps((0, [1, 2, 3], 0, {}, ()))  # code the engine refuses
    known[second] = b"\x00not marshal"
    entry.write_bytes(marshal.dumps(known))
    assert patterncache.install(str(cache))
    assert compile_all() == fresh
    patterncache.uninstall()

    entry.write_bytes(b"garbage")
    assert patterncache.install(str(cache)) and not patterncache._known
    assert compile_all() == fresh


def test_a_cache_that_cannot_be_written_is_not_an_error(cache: Path) -> None:
    blocked = cache / "file"
    blocked.write_text("")
    assert patterncache.install(str(blocked / "migrator"))
    assert compile_all()[0].match("a=b")
    patterncache.save()


def test_every_pattern_of_a_run_is_kept_as_re_makes_it(tmp_path: Path) -> None:
    """Whole runs, as the command line does them: what they keep rebuilds each pattern exactly."""
    env = {**os.environ, "MIGRATOR_NO_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    files = [ROOT / "samples" / name / "Dockerfile" for name in ("python-pip", "node-express", "go-static")]
    outputs = [subprocess.run([sys.executable, "-m", "migrator", str(path)], capture_output=True, text=True,
                              env=env, timeout=60, check=False) for path in files]
    [entry] = (tmp_path / "migrator").glob("patterns-*.marshal")
    known = marshal.loads(entry.read_bytes())
    assert len(known) > 30
    compiler = sys.modules.get("re._compiler") or sys.modules["sre_compile"]
    for (pattern, flags), kept in known.items():
        assert compiler._sre.compile(pattern, *marshal.loads(kept)) == compiler.compile(pattern, flags), pattern
    stamp = entry.stat().st_mtime_ns
    again = [subprocess.run([sys.executable, "-m", "migrator", str(path)], capture_output=True, text=True,
                            env=env, timeout=60, check=False) for path in files]
    assert [(d.returncode, d.stdout, d.stderr) for d in again] == [(d.returncode, d.stdout, d.stderr) for d in outputs]
    assert entry.stat().st_mtime_ns == stamp  # the same files compile nothing new


def test_the_cache_keeps_this_runs_patterns_first_up_to_its_size(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterncache, "MAX_ENTRIES", 4)
    assert patterncache.install(str(cache))
    for index in range(6):  # patterns made from a file's words: many, each seen once
        re.compile(f"word{index}")
    patterncache.save()
    patterncache.uninstall()
    [entry] = cache.iterdir()
    assert [pattern for pattern, _ in marshal.loads(entry.read_bytes())] == ["word0", "word1", "word2", "word3"]

    re.purge()
    assert patterncache.install(str(cache))
    re.compile("word3")  # from the cache
    re.compile("other")  # new: the cache is written, this run's two first
    patterncache.save()
    assert [pattern for pattern, _ in marshal.loads(entry.read_bytes())] == ["word3", "other", "word0", "word1"]
