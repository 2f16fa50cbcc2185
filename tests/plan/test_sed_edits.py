"""`sed -i` edits of a file's first line (its `#!` line), read when certain."""

from __future__ import annotations

import pytest

from migrator.plan.sed_edits import SedEdit, first_line_after


@pytest.mark.parametrize("first, script, after", [
    ("#!/bin/sh", "s|#!/bin/sh|#!/bin/bash|", "#!/bin/bash"),
    ("#!/bin/sh", r"1s/.*/#!\/bin\/bash/", "#!/bin/bash"),
    (None, r"1s/.*/#!\/bin\/bash/", "#!/bin/bash"),  # whatever line 1 was
    ("#!/bin/sh -e", "s@^#!/bin/sh@#!/usr/bin/env bash@", "#!/usr/bin/env bash -e"),
    ("#!/bin/sh", r"s/\(#!\/bin\/\)sh/\1bash/", "#!/bin/bash"),
    ("#!/bin/sh", "/^#!/s/sh$/bash/", "#!/bin/bash"),
    ("#!/bin/sh", "s/x/y/;1s/sh/bash/", "#!/bin/bash"),
    ("#!/bin/sh", "1c #!/bin/bash", "#!/bin/bash"),
    ("#!/bin/sh", "1c\\#!/bin/bash", "#!/bin/bash"),
    ("#!/bin/sh", "1i #!/bin/bash", "#!/bin/bash"),
    ("#!/bin/sh\r", r"s/\r$//", "#!/bin/sh"),
    ("#!/bin/sh", "2,$s/sh/bash/", "#!/bin/sh"),  # not line 1
    ("#!/bin/sh", "s/PORT/8080/", "#!/bin/sh"),
    ("#!/bin/sh", "$a exit 0", "#!/bin/sh"),
    (None, "s/PORT/8080/", None),
    (None, "s|^#!/bin/sh|#!/bin/bash|", "#!/bin/bash"),  # taken to match: the safe side, bash is installed
])
def test_a_certain_edit_of_line_one_is_read(first: str | None, script: str, after: str | None) -> None:
    result = first_line_after(first, [SedEdit("/start.sh", 3, script)])
    assert (result.text, result.unread) == (after, 0)


def test_an_extended_regex_is_read_as_such() -> None:
    assert first_line_after("#!/bin/sh", [SedEdit("/s", 3, "s/(sh)$/ba\\1/", True)]).text == "#!/bin/bash"
    assert first_line_after("#!/bin/sh", [SedEdit("/s", 3, "s/(sh)$/ba\\1/", False)]).text == "#!/bin/sh"


@pytest.mark.parametrize("first, script", [
    ("#!/bin/sh", None),  # (-f script.sed, -n, -z)
    ("#!/bin/sh", "1{s/sh/bash/}"),
    ("#!/bin/sh", "1d"),
    ("#!/bin/sh", r"s/^#![[:alpha:]/]*/#!\/bin\/bash/"),  # (a POSIX class is not translated)
    (None, "s|#!/bin/sh|#!/bin/dash|"),  # the line it would change is not known
])
def test_an_edit_that_may_change_line_one_unread_is_said(first: str | None, script: str | None) -> None:
    assert first_line_after(first, [SedEdit("/start.sh", 7, script)]).unread == 7


def test_edits_apply_in_order() -> None:
    edits = [SedEdit("/s", 3, "s|/bin/sh|/bin/bash|"), SedEdit("/s", 4, "s|bash|bash -e|")]
    assert first_line_after("#!/bin/sh", edits).text == "#!/bin/bash -e"


@pytest.mark.parametrize("words, parsed", [
    (["-i.bak", "s/a/b/", "f"], ("s/a/b/", False, ["f"], True)),  # the suffix only when attached
    (["-i", "s/a/b/", "f"], ("s/a/b/", False, ["f"], True)),
    (["-i", "-e", "s/a/b/", "-e", "1s/sh/bash/", "f", "g"], ("s/a/b/\n1s/sh/bash/", False, ["f", "g"], True)),
    (["--expression=s/a/b/", "--expression", "s/c/d/", "-E", "f"], ("s/a/b/\ns/c/d/", True, ["f"], False)),
    (["-ne", "s/a/b/p", "f"], (None, False, ["f"], False)),  # -n: what it writes is not the script's
    (["-f", "fix.sed", "-i", "f"], (None, False, ["f"], True)),
    (["-Ei", "s/(a)/b/", "f"], ("s/(a)/b/", True, ["f"], True)),
    ([], None),
])
def test_sed_options_are_read_with_the_shared_option_scanner(words: list[str],
                                                             parsed: tuple[object, ...] | None) -> None:
    from migrator.plan.sed_edits import _parse_options

    assert _parse_options(tuple(words)) == parsed
