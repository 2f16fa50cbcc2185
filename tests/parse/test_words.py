"""parse.words.split gives shlex.split's words and errors, in linear time."""

from __future__ import annotations

import shlex
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrator.parse.words import split_words as split

TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\r'\"\\$=-é")), max_size=30)


def outcome(function, text: str, posix: bool) -> object:
    try:
        return function(text, posix=posix)
    except ValueError as exc:
        return f"ValueError: {exc}"


@settings(max_examples=3000, deadline=None)
@given(TEXT, st.booleans())
@example('"a\\', True)
@example('"a\\\\', True)
@example("a'b c'd \"e\\\"f\" '' \"\"", True)
@example("\"a b\"c d\"e f", False)
@example("\\", True)
def test_same_words_and_errors_as_shlex(text: str, posix: bool) -> None:
    assert outcome(split, text, posix) == outcome(shlex.split, text, posix)


@pytest.mark.parametrize("text", [
    "echo " + "a" * (1 << 20),
    "A=" + "a" * (1 << 20),
    "echo " + '"ab" ' * 200_000,
    "echo '" + "a b " * 250_000 + "'",
])
def test_a_mebibyte_is_split_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    words = split(text)
    assert time.perf_counter() - started < 2  # shlex: 20-30 s for the first two
    assert "".join(words).replace(" ", "") == text.replace(" ", "").replace('"', "").replace("'", "")


def test_nothing_in_migrator_splits_with_shlex() -> None:
    """shlex.split is quadratic in a word's length: every caller uses split_words (issue 13)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "migrator"
    callers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "shlex.split(" in p.read_text() and p.name != "words.py"]
    assert callers == []
