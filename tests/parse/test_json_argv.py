"""The exec form is read and written without the json module, exactly as json reads and writes it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.parse.dockerfile import argv_json, json_argv


def json_reads(text: str) -> list[str] | None:
    """What json_argv gave when it always asked the json module."""
    text = text.strip()
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


WORDS = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["python", "app.py", "", " ", "a b", 'say "hi"', "C:\\path", "tab\there", "line\nbreak", "é", "😀", "\x7f",
     "\x00", "\udcff", "$HOME", "--bind=0.0.0.0:8000"])
SPACE = st.sampled_from(["", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\u00a0"])


@settings(max_examples=600, deadline=None)
@given(st.lists(WORDS, max_size=5))
def test_written_as_json_writes_it(argv: list[str]) -> None:
    assert argv_json(argv) == json.dumps(argv)
    assert json_argv(argv_json(argv)) == argv


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(SPACE, WORDS, SPACE), max_size=4), SPACE, st.sampled_from(["", ",", "]", "[", '"', "x", "\\"]))
def test_read_as_json_reads_it(parts: list[tuple[str, str, str]], inside: str, extra: str) -> None:
    for quote in (json.dumps, lambda word: '"' + word + '"'):  # escaped, and raw (control characters too)
        body = ",".join(f"{before}{quote(word)}{after}" for before, word, after in parts)
        for text in (f"[{body}{inside}]", f" [{inside}{body}]{extra}", f"[{body}{extra}]", f"{extra}[{body}]"):
            assert json_argv(text) == json_reads(text), text


def test_the_usual_exec_forms() -> None:
    assert json_argv('["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]') == ["gunicorn", "--bind", "0.0.0.0:8000",
                                                                              "app:app"]
    assert json_argv('[ ]') == [] and json_argv('["a",]') is None and json_argv("['a']") is None
    assert json_argv('["a\\u00e9", "b\\"c"]') == ["aé", 'b"c'] and json_argv("[1]") is None
    assert argv_json(["python", "-c", "print('é')"]) == '["python", "-c", "print(\'\\u00e9\')"]'
