"""migrator.regex.lazy: a pattern compiled at its first use, then the compiled pattern's own methods."""

from __future__ import annotations

import re
import subprocess
import sys

from migrator.regex import lazy


def test_behaves_as_the_compiled_pattern() -> None:
    pattern = lazy(r"(?P<word>[a-z]+)(\d*)", re.IGNORECASE)
    compiled = re.compile(r"(?P<word>[a-z]+)(\d*)", re.IGNORECASE)
    text = "abc12 De 7 x"
    assert pattern.match(text).group(0) == compiled.match(text).group(0)  # type: ignore[union-attr]
    assert pattern.findall(text) == compiled.findall(text)
    assert pattern.sub("-", text) == compiled.sub("-", text)
    assert pattern.subn("-", text, count=1) == compiled.subn("-", text, count=1)
    assert pattern.split(text) == compiled.split(text)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert pattern.fullmatch("abc") is not None and pattern.search("!! x") is not None
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)
    assert pattern.match == compiled.match or pattern.match.__self__.pattern == compiled.pattern  # type: ignore[attr-defined]


def test_nothing_is_compiled_until_used() -> None:
    code = ("import re\ncalls = []\noriginal = re.compile\n"
            "re.compile = lambda *a: calls.append(a) or original(*a)\n"
            "from migrator.regex import lazy\np = lazy('x+')\nbefore = len(calls)\np.search('axx')\n"
            "print(before, len(calls))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "1"]
