"""Shell structure: removals with their operators, heredocs, control flow, parse failures."""

from __future__ import annotations

import time

import pytest
from migration_tools import codes

from migrator.model import Severity
from migrator.rewrite.shell import Edit, ShellRewrite, apply_edits, rewrite_script
from migrator.rewrite.shell_syntax import SimpleCommand, simple_commands

# --- removing commands with the operator that joined them ------------------------------------------


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("apt-get update && make && apt-get clean", "make"),
        ("make && apt-get clean && make install", "make && make install"),
        ("make \\\n    && apt-get clean \\\n    && make install", "make \\\n    && make install"),
        ("make && \\\n    apt-get clean && \\\n    make install", "make && \\\n    make install"),
        ("apt-get update; make; rm -rf /var/lib/apt/lists/*;", "make;"),
        # a removed command counts as `true`
        ("apt-get update || true", ""),
        ("apt-get update || echo 'index refresh failed'", ""),
        ("make || apt-get clean", "make || true"),
        ("make && apt-get clean || echo failed", "make || echo failed"),
        ("apt-get update || exit 1 && make", "make"),
    ],
)
def test_removed_commands_take_their_operator(rewrite, script, expected):
    assert rewrite(script)[0] == expected


def test_removed_command_keeps_the_next_line_in_place(rewrite):
    script = "make \\\n    && apt-get clean \\\n    && rm -rf /tmp/* \\\n    && echo done"
    assert rewrite(script)[0] == "make \\\n    && rm -rf /tmp/* \\\n    && echo done"


def test_rm_keeps_the_paths_that_are_not_caches(rewrite):
    text, result = rewrite("rm -rf /var/lib/apt/lists/* /tmp/* /var/cache/apt/archives/*.deb /root/.cache")
    assert text == "rm -rf /tmp/* /root/.cache"
    assert codes(result) == ["MIG306"]


@pytest.mark.parametrize(
    "script",
    [
        "apt-get update && apt-get upgrade -y && apt-get clean && rm -rf /var/lib/apt/lists/*",
        "set -eux; apt-get update; apt-get install -y python3-venv; rm -rf /var/lib/apt/lists/*",
        "set -ex \\\n    && apt-get update \\\n    && apt-get dist-upgrade -y",
        "yum -y update && yum clean all && rm -rf /var/cache/yum",
        "apk update && apk upgrade",
        "set -o pipefail && DEBIAN_FRONTEND=noninteractive apt-get update -qq || true",
    ],
)
def test_run_left_with_nothing_is_empty(rewrite, script):
    family = "alpine" if script.startswith("apk") else "debian"
    _, result = rewrite(script, family=family)
    assert result.empty
    assert all(f.severity is Severity.INFO for f in result.findings)


def test_untouched_script_is_not_empty(rewrite):
    assert not rewrite("set -eux")[1].empty
    assert not rewrite("make && make install")[1].empty


# --- control flow ------------------------------------------------------------------------------------


def test_if_body_is_rewritten(rewrite):
    script = (
        'if [ "$WITH_PG" = "true" ]; then \\\n'
        "        apt-get update && apt-get install -y libpq-dev; \\\n"
        "    fi"
    )
    text, result = rewrite(script)
    assert text == (
        'if [ "$WITH_PG" = "true" ]; then \\\n        apk add --no-cache postgresql-dev; \\\n    fi'
    )
    assert result.installs_packages


def test_if_with_only_housekeeping_disappears(rewrite):
    text, result = rewrite('if [ -d /var/lib/apt/lists ]; then rm -rf /var/lib/apt/lists/*; fi')
    assert text == "" and result.empty


def test_if_branch_emptied_by_removal_gets_a_no_op(rewrite):
    script = "if grep -q buster /etc/os-release; then apt-get update; else make; fi"
    assert rewrite(script)[0] == "if grep -q buster /etc/os-release; then :; else make; fi"


def test_if_around_housekeeping_only_with_test_conditions_disappears(rewrite):
    script = "if command -v apt-get; then apt-get update; else apk update; fi; make"
    assert rewrite(script)[0] == "make"


def test_multi_distro_script(rewrite):
    script = (
        "if command -v apt-get >/dev/null; then apt-get update && apt-get install -y curl; "
        "elif command -v apk >/dev/null; then apk add curl; fi"
    )
    text, _ = rewrite(script)
    assert text == (
        "if command -v apt-get >/dev/null; then apk add --no-cache curl; "
        "elif command -v apk >/dev/null; then apk add --no-cache curl; fi"
    )


def test_subshell_pipe_and_loop(rewrite):
    script = (
        "(apt-get update && apt-get install -y git) 2>&1 | tee /tmp/apt.log; "
        "for p in curl wget; do apt-get install -y $p; done; "
        "{ apt-get update; }"
    )
    text, result = rewrite(script)
    assert text == (
        "(apk add --no-cache git) 2>&1 | tee /tmp/apt.log; for p in curl wget; do apk add --no-cache $p; done"
    )
    assert "MIG305" in codes(result)


def test_function_and_case_bodies_stay_valid(rewrite):
    script = 'f() { apt-get update; }; case "$X" in a) apt-get clean;; *) make;; esac; f'
    assert rewrite(script)[0] == 'f() { :; }; case "$X" in a) :;; *) make;; esac; f'


def test_debconf_pipeline_is_removed(rewrite):
    script = "echo 'tzdata tzdata/Areas select Etc' | debconf-set-selections && make"
    assert rewrite(script)[0] == "make"


def test_install_inside_a_command_substitution_is_reported_not_rewritten(rewrite):
    script = 'echo "$(apt-get install -y curl)"'
    text, result = rewrite(script)
    assert text == script
    assert codes(result) == ["MIG310"]


# --- heredoc bodies ------------------------------------------------------------------------------------

HEREDOC = """set -eux
# system packages
apt-get update
apt-get install -y --no-install-recommends \\
    curl \\
    build-essential
rm -rf /var/lib/apt/lists/*
useradd -m -u 1000 app
"""


def test_heredoc_body(rewrite):
    text, result = rewrite(HEREDOC, first_line=3)
    assert text == """set -eux
# system packages
apk add --no-cache \\
    curl \\
    build-base
adduser -D -u 1000 app
"""
    assert result.installs_packages and result.manages_users
    assert [(f.code, f.line) for f in result.findings] == [
        ("MIG306", 5), ("MIG301", 6), ("MIG306", 9), ("MIG401", 10)
    ]


def test_heredoc_with_only_housekeeping_is_empty(rewrite):
    _, result = rewrite("set -e\napt-get update\napt-get clean\n")
    assert result.empty


# --- parsing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    ["apt-get install -y curl && (", 'apt-get install -y "curl', "if true; then apt-get update", "echo $(("],
)
def test_unparsable_script_is_left_untouched(rewrite, script):
    text, result = rewrite(script, first_line=7)
    assert text == script
    assert not result.parsed and result.edits == [] and not result.empty
    [finding] = result.findings
    assert finding.code == "MIG403" and finding.line == 7 and finding.severity is Severity.WARNING
    assert "left untouched" in finding.message


def test_blank_lines_inside_continuations_do_not_split_the_command(rewrite):
    script = "apt-get install -y \\\n\n    curl \\\n        \n    git"
    text, result = rewrite(script)
    assert text == "apk add --no-cache \\\n\n    curl \\\n        \n    git"
    assert codes(result) == ["MIG301"]


def test_non_ascii_text_keeps_offsets_right(rewrite):
    script = 'echo "héllo wörld 🐳" && apt-get update && apt-get install -y curl && echo "ünïcode"'
    text, result = rewrite(script)
    assert text == 'echo "héllo wörld 🐳" && apk add --no-cache curl && echo "ünïcode"'
    for edit in result.edits:
        assert 0 <= edit.start <= edit.end <= len(script)


def test_edits_are_sorted_and_disjoint_and_apply_matches(rewrite):
    script = "apt-get update && apt-get install -y -q curl=1 libgdal-dev python3-venv && apt-get clean"
    text, result = rewrite(script)
    ends = [0]
    for edit in result.edits:
        assert isinstance(edit, Edit) and edit.start >= ends[-1]
        ends.append(edit.end)
    assert apply_edits(script, result.edits) == text == result.apply(script)


def test_untouched_text_is_kept_byte_for_byte(rewrite):
    script = "make  &&\tapt-get update   &&  echo   'a  b'  # trailing"
    assert rewrite(script)[0] == "make  &&\techo   'a  b'  # trailing"


def test_empty_script(rewrite):
    text, result = rewrite("")
    assert text == "" and result.parsed and result.edits == [] and result.findings == []


def test_rewrite_script_signature(rules):
    result = rewrite_script("apt-get install -y curl", "debian", rules, 12)
    assert isinstance(result, ShellRewrite)
    assert result.findings[0].line == 12


def test_fast_enough_for_a_pre_commit_hook(rules):
    script = " && ".join(["apt-get install -y curl git make"] * 50)
    rewrite_script("true", "debian", rules, 1)  # parser built once
    started = time.perf_counter()
    for _ in range(20):
        rewrite_script(script, "debian", rules, 1)
    assert (time.perf_counter() - started) / 20 < 0.05


# --- simple_commands ---------------------------------------------------------------------------------


def test_simple_commands_everywhere_in_order():
    script = (
        "set -eux; \\\n"
        "    pip install --no-cache-dir -r requirements.txt \\\n"
        "    && (cd /app && python -m compileall .) | tee log || true; \\\n"
        '    if [ -f x ]; then npm ci --omit=dev; fi; for f in *.txt; do cat "$f"; done'
    )
    found = simple_commands(script, first_line=5)
    assert [c.words for c in found] == [
        ("set", "-eux"),
        ("pip", "install", "--no-cache-dir", "-r", "requirements.txt"),
        ("cd", "/app"),
        ("python", "-m", "compileall", "."),
        ("tee", "log"),
        ("true",),
        ("npm", "ci", "--omit=dev"),
        ("cat", "$f"),
    ]
    assert [c.line for c in found] == [5, 6, 7, 7, 7, 7, 8, 8]
    assert all(isinstance(c, SimpleCommand) for c in found)
    pip = found[1]
    assert script[pip.start : pip.end] == "pip install --no-cache-dir -r requirements.txt"


def test_simple_commands_words_are_unquoted_and_expansions_kept():
    [cmd] = simple_commands("""FOO=1 go build -ldflags "-X main.v=$VERSION" -o '/out/app' "${SRC}"/cmd""")
    assert cmd.words == ("go", "build", "-ldflags", "-X main.v=$VERSION", "-o", "/out/app", "${SRC}/cmd")


def test_simple_commands_in_substitutions_and_heredoc_bodies():
    found = simple_commands('ARCH="$(uname -m)"\ncurl -o x "https://x/$(cat ver)"\n')
    assert [c.words[0] for c in found] == ["uname", "curl", "cat"]
    assert [c.line for c in found] == [1, 2, 2]


def test_simple_commands_of_unparsable_text_is_empty():
    assert simple_commands("echo (") == []


ODD_SCRIPTS = [
    "x=$(( 1 + 2 )) && [[ -n $x ]] && apt-get update",
    "apt-get install -y `cat pkgs` && echo `apt-get update`",
    "cat <<< 'hi' && diff <(apt-get update) /dev/null",
    "time apt-get update; exec apt-get install -y curl",
    "case $A in x|y) apt-get update ;; *) yum clean all ;; esac",
    "while ! apt-get update; do sleep 1; done",
    "until apt-get install -y curl; do sleep 1; done && apt-get clean",
    "! apt-get update || true",
    "apt-get install -y curl &\nwait",
    "set -- $PKGS && apt-get install -y \"$@\"",
    "for ((i=0; i<3; i++)); do apt-get update && break; done",
    "declare -a P=(curl git) && apt-get install -y \"${P[@]}\"",
    "apt-get update \\\n  # comment kept by a heredoc\n  && apt-get install -y curl",
    "useradd -m -G \"$(id -gn)\" bob",
    "sudo -u bob apt-get install -y curl",
    "apt-get install -y -- curl",
    "apt-get",
    "apk",
    "useradd",
    "",
    "   \\\n   ",
]


@pytest.mark.parametrize("script", ODD_SCRIPTS)
def test_odd_scripts_never_raise_and_stay_valid_shell(rewrite, script):
    text, result = rewrite(script)
    assert result.parsed or text == script
    if result.parsed and text.strip():
        from migrator.rewrite.shell_syntax import Source

        assert not Source(text, 1).root.has_error, text


# --- failures the shell hides (issue 14, item 4) ----------------------------------------------------

@pytest.mark.parametrize(
    ("script", "hidden"),
    [
        ("dpkg -i x.deb", None),
        ("dpkg -i x.deb; echo done", "no `set -e`"),
        ("set -eux; dpkg -i x.deb; echo done", None),
        ("set -e; dpkg -i x.deb && echo a; echo b", "inside an `&&` chain"),
        ("dpkg -i x.deb && echo a; echo b", "no `set -e`"),
        ("dpkg -i x.deb || true", "`||`"),
        ("dpkg -i x.deb || exit 1; echo ok", None),
        ("dpkg -i x.deb || { echo bad; exit 1; }", None),
        ("dpkg -i x.deb | tee log", "pipeline"),
        ("set -o pipefail; dpkg -i x.deb | tee log", None),
        ("if dpkg -i x.deb; then echo ok; fi", "condition"),
        ("for f in a b; do dpkg -i $f.deb; done", None),
        ("for f in a b; do dpkg -i $f.deb; echo $f; done", "no `set -e`"),
        ("(dpkg -i x.deb; echo x) && echo y", "no `set -e`"),
    ],
)
def test_a_failing_command_says_when_the_shell_hides_its_failure(rewrite, script, hidden):
    _, result = rewrite(script)
    [error] = [f for f in result.findings if f.code == "MIG307"]
    if hidden is None:
        assert "hides" not in error.message
    else:
        assert "hides this failure" in error.message and hidden in error.message


def test_the_bash_grammar_loads_without_the_package_init_and_the_package_still_works() -> None:
    """tree_sitter_bash's __init__ imports importlib.resources (tempfile, shutil, lzma...): 5 ms a run."""
    import subprocess
    import sys

    code = ("import sys\nfrom migrator.rewrite.shell_syntax import _parser\n"
            "tree = _parser().parse(b'apt-get install -y curl')\n"
            "print(tree.root_node.type, 'importlib.resources' in sys.modules, 'tempfile' in sys.modules)\n"
            "import tree_sitter_bash\nprint(tree_sitter_bash.language() is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["program", "False", "False", "True"]
