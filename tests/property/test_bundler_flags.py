"""Any mix of `bundle install` flags: the translation leaves no flag Bundler 4 removed, keeps every other
flag in its order, and translating its own output changes nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.rewrite.shell import apply_edits, rewrite_script
from migrator.rewrite.shell_syntax import simple_commands
from migrator.rules.loader import load_rules

_RULES = load_rules()
_GROUP = st.sampled_from(["development", "test", "assets", "ci"])
_REMOVED = st.one_of(
    st.sampled_from(["--deployment", "--frozen", "--clean", "--no-prune", "--system", "--no-deployment"]),
    st.builds(lambda f, g, sep: f"{f}{sep}{g}", st.sampled_from(["--path", "--shebang"]),
              st.sampled_from(["vendor/bundle", "ruby"]), st.sampled_from([" ", "="])),
    st.builds(lambda f, gs, form: f"{f}={':'.join(gs)}" if form else f"{f} {' '.join(gs)}",
              st.sampled_from(["--without", "--with"]), st.lists(_GROUP, min_size=1, max_size=3), st.booleans()),
)
_KEPT = st.sampled_from(["--jobs 4", "--retry=3", "--quiet", "--local", "--gemfile Gemfile", "-j8"])
_REMOVED_NAMES = ("--deployment", "--frozen", "--clean", "--no-prune", "--system", "--no-deployment", "--path",
                  "--shebang", "--without", "--with", "--binstubs")


def _install_words(script: str) -> list[str]:
    return next(list(c.words) for c in simple_commands(script) if c.words[:2] == ("bundle", "install"))


@settings(max_examples=300)
@given(st.lists(st.one_of(_REMOVED.map(lambda f: ("removed", f)), _KEPT.map(lambda f: ("kept", f))), max_size=6))
def test_no_removed_flag_survives_and_the_others_keep_their_order(flags: list[tuple[str, str]]) -> None:
    script = " ".join(["bundle install", *(text for _, text in flags)])
    result = rewrite_script(script, "wolfi", _RULES, 1)
    out = apply_edits(script, result.edits)
    words = _install_words(out)
    assert not any(w.partition("=")[0] in _REMOVED_NAMES for w in words), out
    assert " ".join(words[2:]) == " ".join(text for kind, text in flags if kind == "kept"), out
    assert bool(result.edits) == any(kind == "removed" for kind, _ in flags)
    again = rewrite_script(out, "wolfi", _RULES, 1)
    assert again.edits == [], out
