"""Rewrite the shell script of a RUN instruction for Wolfi: packages, housekeeping, users.

The script is read through its tree-sitter-bash parse (rewrite.shell_syntax). Every change is an
`Edit` on the original text, so whatever is not touched stays byte for byte. Commands are removed
together with the operator that joined them; package and user commands are rewritten word by word so
that the layout of `\\` continuations survives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from migrator.findings import area
from migrator.findings import packages as pcodes
from migrator.model import Finding, Severity
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome, PackageList, StageKnowledge, Token
from migrator.rewrite.packages import MANAGERS, WRAPPERS
from migrator.rewrite.shell_syntax import Source, command_words, literal, parsed, walk
from migrator.rewrite.users import USER_COMMANDS
from migrator.rewrite.wrappers import is_variable, wrapper_words
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.findings import shell as scodes
else:
    scodes = area("shell")  # (imported at the first shell code said)


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str  # replace script[start:end] with text


@dataclass
class ShellRewrite:
    edits: list[Edit]  # non-overlapping, sorted by start
    findings: list[Finding]  # absolute Dockerfile lines
    installs_packages: bool  # the rewritten script runs apk add/del (needs root)
    manages_users: bool  # the rewritten script adds users or groups (needs root)
    empty: bool  # the edits left nothing worth running: the caller drops the RUN
    parsed: bool  # False: syntax error, nothing changed

    def apply(self, script: str) -> str:
        return apply_edits(script, self.edits)


def apply_edits(script: str, edits: list[Edit]) -> str:
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts.append(script[position : edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(script[position:])
    return "".join(parts)


_PLAIN_WORDS = {"word", "raw_string", "number", "string_content"}  # cannot hold a command


# --- the rewrite -------------------------------------------------------------------------------

_SEPARATORS = {"comment", "heredoc_body", "heredoc_redirect"}
_STATEMENT_TYPES = {
    "command", "list", "pipeline", "redirected_statement", "subshell", "compound_statement",
    "if_statement", "for_statement", "c_style_for_statement", "while_statement",
    "variable_assignment", "declaration_command", "negated_command", "case_statement",
    "function_definition",
}


def rewrite_script(script: str, family: str, rules: RuleSet, first_line: int,
                   knowledge: StageKnowledge | None = None, errexit: bool = False) -> ShellRewrite:
    """Translate package, housekeeping and user commands of one RUN body (or heredoc body).

    `knowledge` is what the stage's other RUN lines install (from a first pass over the stage);
    without it the script is read twice, so that a repository set up before an install knows what
    that install needs. `errexit`: the script runs under `set -e` from its first line.
    """
    try:
        src = parsed(script, first_line)
    except Exception as exc:  # never raise on user input
        return _untouched(first_line, f"RUN command could not be parsed ({exc}): left untouched")
    if src.root.has_error:
        return _untouched(first_line, "RUN command could not be parsed by the shell parser: left untouched")
    if knowledge is None:
        probe = StageKnowledge(probing=True)
        try:  # noqa: SIM105 (contextlib is not imported on the hot path)
            _program_edits(src, _Rewriter(src, Context(family, rules, stage=probe)))
        except Exception:  # a bug of ours is reported by the real pass below
            pass
        from migrator.rewrite.housekeeping import fetched_tools

        knowledge = StageKnowledge(missing=probe.missing, installed=probe.installed | fetched_tools(script),
                                   sets_up_repositories=probe.sets_up_repositories)
    rewriter = _Rewriter(src, Context(family, rules, stage=knowledge), errexit or knowledge.errexit)
    try:
        edits = _program_edits(src, rewriter)
        result = apply_edits(script, edits)
        empty = bool(edits) and _is_trivial_script(result)
        if rewriter.failing:
            try:  # noqa: SIM105 (contextlib is not imported on the hot path)
                _note_hidden_failures(result, edits, rewriter, first_line)
            except Exception:  # a note on the messages: never worth failing the rewrite
                pass
    except Exception as exc:  # a bug of ours must not break the migration of the whole file
        return _untouched(first_line, f"RUN command could not be rewritten ({exc!r}): left untouched")
    return ShellRewrite(
        edits=edits,
        findings=rewriter.findings,
        installs_packages=rewriter.installs,
        manages_users=rewriter.users,
        empty=empty,
        parsed=True,
    )


def _program_edits(src: Source, rewriter: _Rewriter) -> list[Edit]:
    statements = _statements(src.root)
    rewriter.ctx.variables = _package_lists(src)
    removed, edits = rewriter.sequence(statements)
    if removed:
        edits = [Edit(src.start(statements[0]), src.end(statements[-1]), "")]
    edits += _list_edits(src, rewriter.ctx.variables, edits)
    if rewriter.tool_insert is not None:
        insert, finding = rewriter.tool_insert
        if any(e.start < insert.start < e.end for e in edits):
            rewriter.ctx.stage.tools_placed = False  # it stood in removed text: the next use places it
        else:
            edits.append(insert)
            rewriter.findings.append(finding)
            rewriter.installs = True
    return _normalise(edits)


_LIST_VALUE = lazy_re(r"^[A-Za-z0-9.+_:=~<>*-]+(?:\s+[A-Za-z0-9.+_:=~<>*-]+)*$")


def _package_lists(src: Source) -> dict[str, PackageList]:
    """Literal assignments that could list packages (`buildDeps='gcc libc6-dev make'`), by name; the
    value node is remembered to rewrite it when an install uses the variable."""
    found: dict[str, PackageList] = {}
    for node in walk(src.root):
        if node.type != "variable_assignment":
            continue
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        text = literal(src, value) if value is not None else None
        if name is None or value is None or text is None or not _LIST_VALUE.match(text.strip()):
            continue
        span = (src.start(value), src.end(value), src.slice(value))
        found[src.slice(name)] = PackageList(text.split(), src.line(src.start(node)), span=span)
    return found


def _list_edits(src: Source, variables: dict[str, PackageList], edits: list[Edit]) -> list[Edit]:
    """Write the translated names back into the assignments the installs used."""
    out: list[Edit] = []
    for variable in variables.values():
        if variable.translated is None or variable.translated == variable.words or variable.span is None:
            continue
        start, end, written = variable.span
        if any(e.start < end and start < e.end for e in edits):
            continue  # the assignment itself was removed or rewritten
        quote = written[0] if written[:1] in ("'", '"') else ""
        laid_out = _in_its_layout(written, variable.words, variable.translated) if quote else None
        text = laid_out if laid_out is not None else " ".join(variable.translated)
        out.append(Edit(start, end, f"{quote}{text}{quote}" if quote or " " not in text else f"'{text}'"))
    return out


def _in_its_layout(written: str, words: list[str], translated: list[str]) -> str | None:
    """The translated names laid out as the quoted list was (one name per continued line, its indentation, what
    comes before the first name and after the last): the user's style, not one long line. None for a list on one
    line, or one whose names cannot be found in order."""
    inner = written[1:-1]
    if "\n" not in inner or len(words) < 2 or not translated:
        return None
    first = inner.find(words[0])
    second = inner.find(words[1], first + len(words[0])) if first >= 0 else -1
    last = inner.rfind(words[-1])
    if first < 0 or second < 0 or last < second:
        return None
    separator = inner[first + len(words[0]):second]
    return inner[:first] + separator.join(translated) + inner[last + len(words[-1]):]


def _untouched(line: int, message: str) -> ShellRewrite:
    finding = scodes.RUN_UNPARSED.finding(line, message)
    return ShellRewrite([], [finding], False, False, False, False)


def _normalise(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and edit.start < out[-1].end:
            raise AssertionError(f"overlapping edits {out[-1]} {edit}")
        out.append(edit)
    return out


def _is_trivial_script(text: str) -> bool:
    """Nothing left but `set -eux`, `true`, `:` (alone or joined by && / ||)?"""
    if not text.strip(" \t\n\\;"):
        return True
    src = parsed(text, 1)
    return not src.root.has_error and all(_is_trivial(src, node) for node in _statements(src.root))


def _is_trivial(src: Source, node: Node) -> bool:
    if node.type == "list":
        return all(_is_trivial(src, item) for item in _flatten_list(node)[0])
    if node.type != "command":
        return False
    assignments, words = command_words(node)
    return not assignments and bool(words) and literal(src, words[0]) in ("set", "true", ":")


def _statements(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type not in _SEPARATORS]


def _spans_edits(
    spans: list[tuple[int, int]], removed: list[bool], forward: Callable[[int, int], bool] | None = None
) -> list[Edit]:
    """Edits deleting the removed items of a sequence together with their separators.

    A run of removed items takes the separator after it (`b && ` of `a && b && c`: the next item
    moves to where the run began, keeping the line layout) when `forward(first, last)` allows it;
    otherwise, and always for a run at the end, the separator before it.
    """
    edits: list[Edit] = []
    for index, last in _removed_runs(removed):
        at_end = last + 1 == len(spans)
        if index == 0 or (not at_end and forward is not None and forward(index, last)):
            edits.append(Edit(spans[index][0], spans[last + 1][0], ""))
        else:
            edits.append(Edit(spans[index - 1][1], spans[last][1], ""))
    return edits


def _removed_runs(removed: list[bool]) -> Iterator[tuple[int, int]]:
    """(first, last) index of each run of removed items, in order."""
    index = 0
    while index < len(removed):
        if not removed[index]:
            index += 1
            continue
        last = index
        while last + 1 < len(removed) and removed[last + 1]:
            last += 1
        yield index, last
        index = last + 1


Result = tuple[bool, list[Edit]]  # (removed entirely, edits when kept)


class _Rewriter:
    def __init__(self, src: Source, ctx: Context, errexit: bool = False) -> None:
        self.src = src
        self.ctx = ctx
        self.findings: list[Finding] = []
        self.installs = False
        self.users = False
        self.errexit = errexit or _shebang_errexit(src.text)
        self.failing: list[tuple[int, str, int]] = []  # (finding index, node type, start) of failing commands
        self.tool_insert: tuple[Edit, Finding] | None = None  # `apk add PKG && ` before a tool's first use

    # sequences ------------------------------------------------------------------------------

    def sequence(self, items: list[Node]) -> Result:
        results = [self.statement(item) for item in items]
        removed = [r[0] for r in results]
        if not items or not any(removed):
            return False, [e for r in results for e in r[1]]
        if all(removed):
            return True, []
        spans = [(self.src.start(n), self.src.end(n)) for n in items]
        edits = _spans_edits(spans, removed, lambda first, last: True)
        return False, edits + [e for r in results if not r[0] for e in r[1]]

    def chain(self, node: Node) -> Result:
        items, operators = _flatten_list(node)
        return self._chain(items, operators, [self.statement(item) for item in items], self.src.end(node))

    def _chain(self, items: list[Node], operators: list[str], results: list[Result], end: int) -> Result:
        """`a && b || c`: a removed command counts as `true`, and the chain is simplified.

        `end` is where the last item ends (after a redirect that tree-sitter hangs on the list).
        """
        if not any(gone for gone, _ in results):
            return False, [e for _, item_edits in results for e in item_edits]
        fate = _chain_fate([gone for gone, _ in results], operators)
        if fate is None:
            return True, []
        spans = [(self.src.start(n), self.src.end(n)) for n in items]
        spans[-1] = (spans[-1][0], end)
        edits = _spans_edits(
            spans, [f == "drop" for f in fate], lambda first, last: operators[first - 1] == operators[last]
        )
        for span, status, (_, item_edits) in zip(spans, fate, results, strict=True):
            if status == "true":
                edits.append(Edit(span[0], span[1], "true"))
            elif status == "keep":
                edits.extend(item_edits)
        return False, edits

    # statements ------------------------------------------------------------------------------

    def statement(self, node: Node) -> Result:
        handler = {
            "command": self.command,
            "list": self.chain,
            "pipeline": self.pipeline,
            "redirected_statement": self.redirected,
            "subshell": self.group,
            "compound_statement": self.group,
            "if_statement": self.if_statement,
            "for_statement": self.loop,
            "c_style_for_statement": self.loop,
            "while_statement": self.loop,
            "variable_assignment": self.assignment,
            "declaration_command": self.declaration,
        }.get(node.type)
        if handler is None:
            return self.other(node)
        return handler(node)

    def group(self, node: Node) -> Result:
        return self.sequence(_statements(node))

    def loop(self, node: Node) -> Result:
        body = node.child_by_field_name("body")
        for child in node.children:
            if child != body:
                self.nested(child)
        if body is None:
            return False, []
        return self.sequence(_statements(body))

    def if_statement(self, node: Node) -> Result:
        bodies: list[list[Node]] = []
        for clause in [node, *[c for c in node.children if c.type in ("elif_clause", "else_clause")]]:
            condition, body = _split_clause(clause)
            for part in condition:
                self.nested(part)
            bodies.append(body)
        results = [self.sequence(body) for body in bodies]
        if all(gone for gone, _ in results) and all(_is_test(self.src, n) for n in _conditions(node)):
            return True, []
        edits: list[Edit] = []
        for body, (gone, body_edits) in zip(bodies, results, strict=True):
            if gone and body:
                edits.append(Edit(self.src.start(body[0]), self.src.end(body[-1]), ":"))
            else:
                edits.extend(body_edits)
        return False, edits

    def pipeline(self, node: Node) -> Result:
        items = _statements(node)
        setup = self._setup_script(items)
        if setup is not None:
            self.findings.extend(self._failing(node, setup))
            return setup.remove, []
        results = [self.statement(item) for item in items]
        if results and results[-1][0]:
            return True, []  # `echo ... | debconf-set-selections`
        edits: list[Edit] = []
        for item, (gone, item_edits) in zip(items, results, strict=True):
            edits.extend([Edit(self.src.start(item), self.src.end(item), "true")] if gone else item_edits)
        return False, edits

    def redirected(self, node: Node) -> Result:
        """`cmd > file`. tree-sitter hangs the redirect of `a && b > f` on the whole list, while the
        shell applies it to `b` only: the last item of such a list gets the redirect."""

        body = node.child_by_field_name("body")
        targets = [
            literal(self.src, dest) or self.src.slice(dest)
            for redirect in node.children_by_field_name("redirect")
            for dest in redirect.children_by_field_name("destination")
        ]
        if body is not None and body.type == "list":
            items, operators = _flatten_list(body)
            results = [self.statement(item) for item in items[:-1]]
            results.append(self._redirect_verdict(items[-1], targets))
            return self._chain(items, operators, results, self.src.end(node))
        return self._redirect_verdict(body or node, targets)

    def _redirect_verdict(self, body: Node, targets: list[str]) -> Result:
        from migrator.rewrite import housekeeping

        outcome = housekeeping.redirect_targets(targets, self.src.line(self.src.start(body)), self.ctx)
        if outcome is not None:
            self.findings.extend(self._failing(body, outcome))
            if outcome.remove:
                return True, []
        if body.type == "redirected_statement":  # no body: a bare `> file`
            return False, []
        return self.statement(body)

    def assignment(self, node: Node) -> Result:
        from migrator.rewrite import housekeeping

        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        inner = [self._cmd(c) for c in walk(value) if c.type == "command"] if value is not None else []
        line = self.src.line(self.src.start(node))
        found = housekeeping.assignment(self.src.slice(name) if name else "", inner, line)
        if found is not None:
            self.findings.append(found)
            return True, []
        self.nested(node)
        return False, []

    def declaration(self, node: Node) -> Result:
        from migrator.rewrite import housekeeping

        names = [
            self.src.slice(c.child_by_field_name("name") or c)
            for c in node.named_children
            if c.type == "variable_assignment"
        ]
        keyword = node.children[0].type if node.children else ""
        others = [c for c in node.named_children if c.type != "variable_assignment"]
        found = None
        if keyword == "export" and names and not others:
            found = housekeeping.assignment_names(names, self.src.line(self.src.start(node)))
        if found is not None:
            self.findings.append(found)
            return True, []
        self.nested(node)
        return False, []

    def command(self, node: Node) -> Result:
        cmd = self._cmd(node)
        if cmd is None:
            return False, []
        outcome = self._translate(cmd)
        for child in node.children:
            if child.type != "command_name" and child.named_child_count:
                self.nested(child)
        dropped = _dropped_wrappers(cmd, self.ctx)
        if outcome is None:
            self._tool_use(node, cmd)
            self.findings.extend(_hidden_manager(cmd, self.ctx))
            outcome = self._source_paths(node, cmd) or (Outcome() if dropped else None)
            if outcome is None:
                return False, []
        elif not outcome.remove and outcome.whole is None and (paths := self._source_paths(node, cmd)):
            outcome.findings += paths.findings
            outcome.fails = outcome.fails or paths.fails
            for index, text in paths.replace.items():
                outcome.replace.setdefault(index, text)
        if dropped is not None and outcome.whole is None and not outcome.remove:
            outcome.delete |= dropped[0]
            outcome.findings.append(dropped[1])
        if outcome.program_kept:
            self._tool_use(node, cmd)
        if outcome.adds:
            self._add_tools(cmd, outcome)
        self.findings.extend(self._failing(node, outcome))
        self.installs = self.installs or outcome.installs
        self.users = self.users or outcome.users
        if outcome.remove:
            return True, []
        if _binds_tighter(node):
            _grouped(cmd, outcome)
        return False, _token_edits(cmd, outcome, self.src.start(node), self.src.end(node))

    def _source_paths(self, node: Node, cmd: Cmd) -> Outcome | None:
        from migrator.rewrite import source_paths

        return source_paths.check(cmd, self.ctx, self.src.text[: self.src.start(node)], self.src)

    def _failing(self, node: Node, outcome: Outcome) -> list[Finding]:
        """The outcome's findings. When the command stays and fails on Wolfi, its error findings are
        noted, to say later whether the shell hides that failure in the rewritten script."""
        if outcome.fails and not outcome.remove:
            for offset, found in enumerate(outcome.findings):
                if found.severity is Severity.ERROR:
                    self.failing.append((len(self.findings) + offset, node.type, self.src.start(node)))
        return outcome.findings

    def other(self, node: Node) -> Result:
        """Statements we do not restructure (case, functions, `!`): rewrite what sits inside."""
        edits: list[Edit] = []
        for child in node.children:
            if child.type in ("command_substitution", "process_substitution"):
                self.nested(child)
            elif child.type in _STATEMENT_TYPES:
                gone, inner = self.statement(child)
                edits.extend(self._emptied(child) if gone else inner)
            elif child.named_child_count:
                edits.extend(self.other(child)[1])
        return False, edits

    def _emptied(self, node: Node) -> list[Edit]:
        """A statement that must stay syntactically (function body, case branch): make it `:`."""
        inner = _statements(node) if node.type in ("compound_statement", "subshell") else [node]
        if not inner:
            return []
        return [Edit(self.src.start(inner[0]), self.src.end(inner[-1]), ":")]

    def nested(self, node: Node) -> None:
        """Commands that cannot be rewritten in place (substitutions, conditions): report only."""
        if node.type in _PLAIN_WORDS:
            return  # nothing inside (called for every argument of every command)
        for child in walk(node):
            if child.type == "command":
                self._report_nested(child)

    def _report_nested(self, node: Node) -> None:
        cmd = self._cmd(node)
        if cmd is None:
            return
        outcome = self._translate(cmd)
        if outcome is None:
            self._tool_use(node, cmd)
            return
        if outcome.fails and _is_query(cmd):
            message = (f"`{' '.join(t.text for t in cmd.words)}` only asks the source's package manager, which Wolfi "
                       "does not have: where it stands (a command substitution or a condition) it answers nothing "
                       "and the RUN goes on, so what depended on its answer no longer happens: check it")
            self.findings.append(pcodes.PACKAGE_QUERY_UNANSWERED.finding(cmd.line, message))
            return
        if not outcome.changes:
            self.findings.extend(self._failing(node, outcome))
            return
        finding = pcodes.UNSUPPORTED_PACKAGE_COMMAND.finding(
            cmd.line,
            f"`{' '.join(t.text for t in cmd.words)}` cannot be translated where it stands (a "
            "command substitution or a condition): left as written; it fails on Wolfi",
        )
        self.findings.extend(self._failing(node, Outcome(fails=True, findings=[finding])))

    def _tool_use(self, node: Node, cmd: Cmd) -> None:
        """A command the stage runs: noted in the first pass; in the second, when its image lacks it and
        no apk add came before, `apk add --no-cache PKG && ` goes in front of it (rewrite/tools.py)."""
        from migrator.rewrite import tools

        stage = self.ctx.stage
        if stage.probing:
            tools.note_use(cmd, stage.uses)
        elif tools.is_pending_use(cmd, stage) and self.tool_insert is None:
            anchor = _insertion_point(node)
            text = f"apk add --no-cache {' '.join(tools.pending_packages(stage))} && "
            finding = pcodes.TOOLS_ADDED.finding(cmd.line, tools.added_message(stage))
            self.tool_insert = (Edit(self.src.start(anchor), self.src.start(anchor), text), finding)
            stage.tools_placed = True

    def _add_tools(self, cmd: Cmd, outcome: Outcome) -> None:
        """The stage's first lasting `apk add` also installs the tools its image lacks."""
        from migrator.rewrite import tools

        stage = self.ctx.stage
        written = set((outcome.whole or "").split()) if outcome.whole is not None else {t.value for t in cmd.words}
        packages = [p for p in tools.pending_packages(stage) if p not in written]
        if stage.probing or not packages or self.tool_insert is not None:
            return
        if outcome.whole is not None:  # (`docker-php-ext-install zip` -> `apk add --no-cache php-zip`: its text)
            outcome.whole = f"{outcome.whole} {' '.join(packages)}"
        else:
            tokens = cmd.tokens
            last = max(i for i in range(len(tokens)) if i not in outcome.delete)
            outcome.replace[last] = f"{outcome.replace.get(last, tokens[last].text)} {' '.join(packages)}"
        outcome.findings.append(pcodes.TOOLS_ADDED.finding(cmd.line, tools.added_message(stage)))
        stage.tools_placed = True

    def _setup_script(self, items: list[Node]) -> Outcome | None:
        """`curl -fsSL https://deb.nodesource.com/setup_20.x | bash -`: a script that adds a repository."""
        from migrator.rewrite.packages import repository_setup
        from migrator.rewrite.repositories import served_by, setup_script_url

        if len(items) < 2 or items[0].type != "command" or items[-1].type != "command":
            return None
        fetch, run = self._cmd(items[0]), self._cmd(items[-1])
        if fetch is None or run is None or run.name not in ("sh", "bash", "dash", "ash"):
            return None
        url = setup_script_url(fetch)
        if url is None:
            return None
        return repository_setup(fetch.line, f"`{fetch.words[0].text} {url} | {run.words[0].text}`", self.ctx,
                                served_by(url), piped=True)

    def _translate(self, cmd: Cmd) -> Outcome | None:
        from migrator.rewrite import (
            bundler_flags,
            housekeeping,
            packages,
            php_helpers,
            rust_targets,
            s2i_scripts,
            users,
        )

        for translate in (packages.translate, users.translate, php_helpers.translate, bundler_flags.translate,
                          rust_targets.translate, housekeeping.translate, s2i_scripts.translate):
            outcome: Outcome | None = translate(cmd, self.ctx)
            if outcome is not None:
                return outcome
        return None

    def _cmd(self, node: Node) -> Cmd | None:
        assignments, words = command_words(node)
        if not words:
            return None
        prefix = [self.src.token(a) for a in assignments]
        tokens = [self.src.token(w) for w in words]
        first = int(len(tokens) > 1 and tokens[0].value is None and is_variable(tokens[0].text))  # `$SUDO apt-get`
        wrappers = first + wrapper_words([t.value for t in tokens[first:]])  # sudo, env A=b, timeout 600, exec...
        wrapped = (tokens[wrappers].value or "").rsplit("/", 1)[-1] if wrappers < len(tokens) and wrappers else ""
        translated = wrapped in MANAGERS or wrapped in WRAPPERS or (first and wrapped in USER_COMMANDS)
        if not translated and tokens[0].value != "sudo":
            wrappers = 0  # (`timeout 60 make`: the image needs timeout, which the tools check looks for)
        return Cmd(tuple(prefix + tokens[:wrappers]), tuple(tokens[wrappers:]), self.src.line(self.src.start(node)))


def _dropped_wrappers(cmd: Cmd, ctx: Context) -> tuple[set[int], Finding] | None:
    """`eatmydata apt-get install ...`, `chronic make`: a wrapper Wolfi has no package for (rules/tools.yaml) and
    the stage's image lacks, without which the step means the same (rewrite.wrappers `drop`): the indexes of its
    words in `cmd.tokens` and the finding that says so. (fakeroot, which changes what the step sees, stays:
    MIG314.)"""
    from migrator.rewrite.wrappers import WRAPPERS, dropped_wrappers  # (not packages' WRAPPERS)

    tokens = cmd.tokens
    start = next((i for i, t in enumerate(tokens) if not t.text.split("=", 1)[0].isidentifier() or "=" not in t.text),
                 len(tokens))  # (after the `NAME=value` assignments)
    model = ctx.rules.image_facts(ctx.stage.image_name) if ctx.stage.image_name else None
    found = [(first, end, name) for first, end, name in dropped_wrappers([t.value for t in tokens], start)
             if model is None or not model.has_program(name)]
    if not found:
        return None
    indexes = {i for first, end, _ in found for i in range(first, end)}
    message = "; ".join(f"`{' '.join(t.text for t in tokens[first:end])}` dropped: Wolfi has no package for "
                        f"{name}, and {WRAPPERS[name].drop}, so the step runs the same without it"
                        for first, end, name in found)
    return indexes, pcodes.WRAPPER_DROPPED.finding(cmd.line, message)


def _hidden_manager(cmd: Cmd, ctx: Context) -> list[Finding]:
    """`sh -c "apt-get install -y curl"`, `xargs apt-get install -y < list`, `$PM install -y curl`: a
    package manager migrator cannot rewrite where it stands, which fails on Wolfi."""
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.wrappers import expanded_manager, hidden_manager

    managers = frozenset(name for name in (*MANAGERS, *WRAPPERS) if name != "apk")
    if cmd.words[0].value is None:
        variables = {name: v.words for name, v in (ctx.stage.variables | ctx.variables).items()}
        found = expanded_manager(cmd.words[0].text, variables, managers)
    else:
        found = hidden_manager([t.value for t in cmd.words], managers)
    if found is None:
        return []
    how, manager = found
    text = " ".join(t.text for t in cmd.words)
    message = (f"`{text if len(text) <= 80 else text[:77] + '...'}` runs {manager} through {how}, where migrator "
               f"does not translate it: left as written; {manager} does not exist in Wolfi. Write the command "
               "on its own (apk add ...)")
    return [pcodes.UNSUPPORTED_PACKAGE_COMMAND.finding(cmd.line, message)]


_SIMULATE = {"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"}
_QUERY_OPTIONS = {"-l", "--list", "-L", "--listfiles", "-s", "--status", "-S", "--search", "--get-selections", "-q",
                  "--query", "-qa"}


def _is_query(cmd: Cmd) -> bool:
    """`apt-get -s install x`, `apt-cache policy x`, `dpkg -l`, `dpkg-query -W`, `rpm -q`: asks, changes nothing."""
    options = {w.value for w in cmd.words[1:] if w.is_option}
    if cmd.name in ("apt-cache", "dpkg-query", "apt-config"):
        return True
    if cmd.name in ("apt-get", "apt"):
        return bool(options & _SIMULATE)
    return cmd.name in ("dpkg", "rpm") and bool(options & _QUERY_OPTIONS)


_INSERT_THROUGH = {"pipeline", "redirected_statement", "negated_command"}


def _insertion_point(node: Node) -> Node:
    """Where `apk add ... && ` can go in front of a command: before its pipeline or redirection, and
    outside a command substitution (whose output apk's would pollute)."""
    anchor = node
    while anchor.parent is not None and anchor.parent.type in _INSERT_THROUGH:
        anchor = anchor.parent
    current = anchor
    while current.parent is not None:
        if current.parent.type in ("command_substitution", "process_substitution"):
            anchor = current.parent
            while anchor.parent is not None and anchor.parent.type not in ("program",):
                anchor = anchor.parent
            break
        current = current.parent
    return anchor


def _note_hidden_failures(result: str, edits: list[Edit], rewriter: _Rewriter, first_line: int) -> None:
    """Say in each failing command's error finding when the rewritten script would carry on after it. It
    stays an error: the build passes, but the image lacks what the command did."""
    import bisect
    import itertools

    from migrator.rewrite.failures import hidden_reason, set_commands

    src = parsed(result, first_line)
    nodes = {(node.type, src.start(node)): node for node in walk(src.root)}
    sets = set_commands(src.root)
    ordered = sorted(edits, key=lambda e: e.end)
    ends = [e.end for e in ordered]
    shifts = [0, *itertools.accumulate(len(e.text) - (e.end - e.start) for e in ordered)]
    for index, kind, start in rewriter.failing:
        moved = start + shifts[bisect.bisect_right(ends, start)]  # what the edits before it added or removed
        node = nodes.get((kind, moved))
        reason = hidden_reason(node, rewriter.errexit, rewriter.ctx.stage.pipefail, sets) if node is not None else None
        if reason is not None:
            found = rewriter.findings[index]
            message = (f"{found.message.rstrip('.')}. The shell hides this failure ({reason}): the RUN step "
                       "passes, and the image lacks what the command was to do")
            rewriter.findings[index] = Finding(found.code, found.severity, found.line, message)


def _shebang_errexit(script: str) -> bool:
    """`#!/bin/bash -e` (or `-ex`, `-o errexit`) on the first line of a heredoc script."""
    first = script.lstrip("\n").split("\n", 1)[0]
    if not first.startswith("#!"):
        return False
    from migrator.rewrite.failures import shell_flags

    return shell_flags(first[2:].split()[1:])[0]


def _binds_tighter(node: Node) -> bool:
    """Does the command stand where `x && y` in its place would be read otherwise: after or before `||`,
    in a pipeline, after `!`, with a redirection?"""
    parent = node.parent
    if parent is not None and parent.type == "redirected_statement":
        return True  # `b > log`: `{ b1 && b2; } > log`, the output of both
    if parent is None or parent.type in ("pipeline", "negated_command"):
        return parent is not None
    return parent.type == "list" and any(child.type == "||" for child in parent.children)


def _grouped(cmd: Cmd, outcome: Outcome) -> None:
    """A command that became `b1 && b2` where `&&` would bind otherwise is put in braces: `a || b` ->
    `a || { b1 && b2; }`, not `(a || b1) && b2`."""
    if outcome.whole is not None:
        if " && " in outcome.whole:
            outcome.whole = "{ " + outcome.whole + "; }"
        return
    if not any(" && " in text for text in outcome.replace.values()):
        return
    tokens = cmd.tokens
    kept = [i for i in range(len(tokens)) if i not in outcome.delete]
    first, last = kept[0], kept[-1]
    outcome.replace[first] = "{ " + outcome.replace.get(first, tokens[first].text)
    outcome.replace[last] = outcome.replace.get(last, tokens[last].text) + "; }"


def _deletions_by_line(tokens: tuple[Token, ...], removed: list[bool]) -> list[Edit]:
    """Edits deleting the removed words of one command, keeping a line break (`\\` newline) that a run
    of removed words crosses or starts after when a kept word follows on the run's last line:
    `install --without a \\ NL --path x --jobs 4` -> `install \\ NL --jobs 4`. Otherwise a run goes
    with the space before it (after it, at the start), as _spans_edits does; a break is never left with
    nothing after it on its line."""
    edits: list[Edit] = []
    for index, last in _removed_runs(removed):
        breaks = [k for k in range(max(index, 1), last + 1) if tokens[k - 1].line != tokens[k].line]
        if index == 0:
            end = tokens[last + 1].start if last + 1 < len(tokens) else tokens[last].end
            edits.append(Edit(tokens[index].start, end, ""))
        elif last + 1 < len(tokens) and breaks and tokens[last + 1].line == tokens[last].line:
            split = breaks[-1]
            if split > index:
                edits.append(Edit(tokens[index - 1].end, tokens[split - 1].end, ""))
            edits.append(Edit(tokens[split].start, tokens[last + 1].start, ""))
        else:
            edits.append(Edit(tokens[index - 1].end, tokens[last].end, ""))
    return edits


def _token_edits(cmd: Cmd, outcome: Outcome, start: int, end: int) -> list[Edit]:
    if outcome.whole is not None:
        return [Edit(start, end, outcome.whole)]
    tokens = cmd.tokens
    removed = [i in outcome.delete for i in range(len(tokens))]
    edits = _deletions_by_line(tokens, removed) if any(removed) else []
    for index, text in outcome.replace.items():
        if index not in outcome.delete and tokens[index].text != text:
            edits.append(Edit(tokens[index].start, tokens[index].end, text))
    return edits


def _flatten_list(node: Node) -> tuple[list[Node], list[str]]:
    """Items and the operators between them of a left-nested `&&`/`||` list."""
    items: list[Node] = []
    operators: list[str] = []
    for child in node.children:
        if child.type == "list":
            inner_items, inner_operators = _flatten_list(child)
            items.extend(inner_items)
            operators.extend(inner_operators)
        elif child.type in ("&&", "||"):
            operators.append(child.type)
        elif child.is_named and child.type not in _SEPARATORS:
            items.append(child)
    return items, operators


def _chain_fate(removed: list[bool], operators: list[str]) -> list[str] | None:
    """keep / drop / true for each item of `a op b op c` (left-associative), treating removed
    items as `true`; None when the whole chain amounts to `true`."""
    fate: list[str] = []
    constant = removed[0]  # everything so far amounts to `true`
    fate.append("drop" if removed[0] else "keep")
    for gone, operator in zip(removed[1:], operators, strict=True):
        if constant:
            if operator == "||":
                fate.append("drop")  # `true || x`: x never runs
            else:
                fate.append("drop" if gone else "keep")
                constant = gone
        elif gone:
            fate.append("drop" if operator == "&&" else "true")  # `x && true` is x; `x || true` stays
        else:
            fate.append("keep")
    if constant or all(f == "drop" for f in fate):
        return None
    return fate


def _split_clause(clause: Node) -> tuple[list[Node], list[Node]]:
    """(condition statements, body statements) of an if/elif/else clause."""
    condition: list[Node] = []
    body: list[Node] = []
    seen_then = clause.type == "else_clause"
    for child in clause.children:
        if child.type == "then":
            seen_then = True
        elif child.is_named and child.type not in _SEPARATORS | {"elif_clause", "else_clause"}:
            (body if seen_then else condition).append(child)
    return condition, body


def _conditions(node: Node) -> list[Node]:
    found: list[Node] = []
    for clause in [node, *[c for c in node.children if c.type == "elif_clause"]]:
        found.extend(_split_clause(clause)[0])
    return found


def _is_test(src: Source, node: Node) -> bool:
    if node.type in ("test_command", "negated_command"):
        return node.type == "test_command" or all(_is_test(src, c) for c in node.named_children)
    if node.type == "command":
        _, words = command_words(node)
        return bool(words) and literal(src, words[0]) in ("test", "[", "command", "type", "which")
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        return body is not None and _is_test(src, body)
    return False

