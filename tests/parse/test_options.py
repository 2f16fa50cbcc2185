from __future__ import annotations

from migrator.parse.options import Scanned, operands, scan


def test_values_attached_or_following_and_double_dash() -> None:
    scanned = scan(["-Dm755", "--owner=root", "--group", "staff", "-C/dir", "a", "--", "-b"], "mC", {"--group"})
    assert scanned.operands == ("a", "-b")
    assert scanned.value("-m") == "755" and scanned.value("-C") == "/dir" and scanned.value("--group") == "staff"
    assert scanned.has("-D") and scanned.value("--owner") == "root"


def test_an_equals_value_never_takes_the_next_word() -> None:
    assert operands(["--prefix=/x", "pkg"], "", {"--prefix"}) == ["pkg"]


def test_an_attached_only_value_is_the_rest_of_its_word() -> None:
    # sed's -i: `-i.bak` has a backup suffix, `-i s/a/b/` has none (the next word is the script)
    assert scan(["-i.bak", "-e", "x", "f"], "e", attached_short="i").options == (("-i", ".bak"), ("-e", "x"))
    assert scan(["-i", "x", "f"], "e", attached_short="i") == Scanned((("-i", None),), ("x", "f"))
