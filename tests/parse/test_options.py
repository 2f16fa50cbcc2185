from __future__ import annotations

from migrator.parse.options import operands, scan


def test_values_attached_or_following_and_double_dash() -> None:
    scanned = scan(["-Dm755", "--owner=root", "--group", "staff", "-C/dir", "a", "--", "-b"], "mC", {"--group"})
    assert scanned.operands == ("a", "-b")
    assert scanned.value("-m") == "755" and scanned.value("-C") == "/dir" and scanned.value("--group") == "staff"
    assert scanned.has("-D") and scanned.value("--owner") == "root"


def test_an_equals_value_never_takes_the_next_word() -> None:
    assert operands(["--prefix=/x", "pkg"], "", {"--prefix"}) == ["pkg"]
