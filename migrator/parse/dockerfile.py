"""A lossless Dockerfile reader.

Every byte of the input belongs to exactly one item: a parser directive, a comment or blank line
(Trivia), or an Instruction whose `raw` spans its continuation lines, comments inside them and its
heredoc bodies. Joining the items' `raw` gives the input back, byte for byte; the rewriter replaces
the raw text of the items it changes and leaves the rest alone.

We read Dockerfiles ourselves rather than through dockerfile-parse because that library does not
read heredocs and drops `--platform` when it rewrites FROM lines; see tests/parse for the cases.
"""

from __future__ import annotations

import re

from migrator.model import MigratorError
from migrator.parse.words import split_words
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re

BOM = "\ufeff"
_LINE = lazy_re(r"[^\n]*\n|[^\n]+")
_DIRECTIVE = lazy_re(r"^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_DIRECTIVE_KEYS = frozenset({"syntax", "escape", "check"})  # BuildKit's: any other line ends the directives
_KEYWORD = lazy_re(r"^[ \t]*([A-Za-z]+)(?=\s|$)")
# a JSON list of strings without escapes: the strings are the text between the quotes
_PLAIN_STRING = r'"[^"\\\x00-\x1f]*"'
_PLAIN_JSON_LIST = lazy_re(rf"\[[ \t\n\r]*(?:{_PLAIN_STRING}(?:[ \t\n\r]*,[ \t\n\r]*{_PLAIN_STRING})*[ \t\n\r]*)?\]")
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass
class Heredoc:
    delimiter: str
    strip_tabs: bool  # <<-EOF
    quoted: bool  # <<'EOF' / <<"EOF": no expansion
    body: str  # the lines between the opening line and the delimiter line, as written
    body_offset: int  # offset of `body` inside the instruction's raw text
    body_line: int  # file line of the body's first line


@dataclass
class Instruction:
    raw: str
    line: int  # 1-based file line where the instruction starts
    keyword: str  # upper case, e.g. "RUN"
    logical: str  # the instruction as BuildKit sees it: continuations joined, comments removed, no heredocs
    heredocs: list[Heredoc] = field(default_factory=list)
    escape: str = "\\"

    @property
    def end_line(self) -> int:
        return self.line + self.raw.count("\n") - (1 if self.raw.endswith("\n") else 0)

    @property
    def args(self) -> str:
        """Everything after the keyword, flags included."""
        match = _KEYWORD.match(self.logical)
        return self.logical[match.end():].strip() if match else self.logical.strip()

    @property
    def flags(self) -> dict[str, str]:
        return dict(self._flags_and_body()[1])

    @property
    def body(self) -> str:
        """The arguments after the leading `--flag=value` options."""
        return self._flags_and_body()[2]

    def _flags_and_body(self) -> tuple[str, dict[str, str], str]:
        """(the logical text they were read from, its flags, its body): read once per text (a migration asks some
        400 times a file), again if the text is another."""
        known: tuple[str, dict[str, str], str] | None = self.__dict__.get("_read_flags")
        if known is None or known[0] is not self.logical:
            known = (self.logical, *split_flags(self.args))
            self.__dict__["_read_flags"] = known
        return known

    def json_args(self) -> list[str] | None:
        """The exec-form argument list, or None for shell form."""
        return json_argv(self.body)

    def words(self) -> list[str]:
        """The arguments: the exec-form list, else the body split as a shell would (quotes, escapes),
        else on whitespace where the quoting is unfinished."""
        words = self.json_args()
        if words is not None:
            return words

        try:
            return split_words(self.body)
        except ValueError:
            return self.body.split()

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.raw else "\n"


@dataclass
class Trivia:
    raw: str  # comment line(s), blank line, or parser directive
    line: int
    directive: tuple[str, str] | None = None

    @property
    def is_comment(self) -> bool:
        return self.raw.lstrip().startswith("#") and self.directive is None


Item = Instruction | Trivia


@dataclass
class Dockerfile:
    items: list[Item]
    bom: bool = False
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # what Docker would refuse (see parse(strict=True))
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message): legal but likely a mistake

    def render(self) -> str:
        return (BOM if self.bom else "") + "".join(item.raw for item in self.items)

    @property
    def instructions(self) -> list[Instruction]:
        return [item for item in self.items if isinstance(item, Instruction)]

    @property
    def newline(self) -> str:
        for item in self.items:
            if item.raw.endswith("\r\n"):
                return "\r\n"
            if item.raw.endswith("\n"):
                return "\n"
        return "\n"


def json_argv(text: str) -> list[str] | None:
    """`["python", "app.py"]` -> the list; None when the text is not a JSON list of strings (shell form)."""
    text = text.strip()
    if not text.startswith("["):
        return None
    if _PLAIN_JSON_LIST.fullmatch(text):  # the usual exec form, read without the json module (1 ms to import)
        return [part[1:-1] for part in re.findall(_PLAIN_STRING, text)]
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def argv_json(argv: list[str]) -> str:
    """`json.dumps(argv)` for a list of strings (the exec form we write), without the json module."""
    return "[" + ", ".join(_json_string(word) for word in argv) + "]"


def _json_string(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(_json_character(c) for c in text) + '"'


def _json_character(character: str) -> str:
    """As json.dumps escapes it (ensure_ascii): only printable ASCII stays as it is."""
    if character in _JSON_ESCAPES:
        return _JSON_ESCAPES[character]
    if " " <= character <= "~":
        return character
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def split_flags(args: str) -> tuple[dict[str, str], str]:
    """Split leading `--name=value` / `--name value` / `--flag` options from the rest."""
    flags: dict[str, str] = {}
    rest = args
    while rest.startswith("--"):  # (most instructions have none: asked a few hundred times a run)
        match = _FLAG.match(rest)
        if not match:
            break
        flags[match.group(1).lower()] = (match.group(2) or "").strip("\"'")
        rest = rest[match.end():]
    return flags, rest.strip()


_FLAG = lazy_re(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?\s*")


def parse(text: str, strict: bool = False) -> Dockerfile:
    """Read Dockerfile text. Raises MigratorError when the text cannot be a Dockerfile, and with
    `strict` also for what Docker would refuse (unknown instruction, malformed FROM, unclosed
    heredoc): a migration of such a file could only be worse. Validation reads leniently, to
    report the build's own error on the right line."""
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    lines = _LINE.findall(text)
    doc = Dockerfile(items=[], bom=bom)
    index = _read_directives(lines, doc)
    while index < len(lines):
        index = _read_item(lines, index, doc)
    _check_is_dockerfile(doc)
    if strict and doc.problems:
        raise MigratorError(doc.problems[0])
    return doc


def _read_directives(lines: list[str], doc: Dockerfile) -> int:
    index = 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index].rstrip("\r\n"))
        if not match:
            break
        key, value = match.group(1).lower(), match.group(2)
        if key not in _DIRECTIVE_KEYS:  # `# foo=bar`: a comment, and no directive after it
            break
        if key in doc.directives:
            doc.problems.append(f"line {index + 1}: only one '{key}' parser directive can be used")
            break
        doc.directives[key] = value
        if key == "escape" and value in ("`", "\\"):
            doc.escape = value
        doc.items.append(Trivia(lines[index], index + 1, (key, value)))
        index += 1
    return index


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _read_item(lines: list[str], index: int, doc: Dockerfile) -> int:
    line = lines[index]
    if _is_blank_or_comment(line):
        doc.items.append(Trivia(line, index + 1))
        return index + 1
    start = index
    parts: list[str] = []
    while True:
        content = lines[index].rstrip("\r\n")
        index += 1
        if line_continues(content, doc.escape):
            parts.append(content.rstrip(" \t")[:-1])
            # blank lines and comment lines inside a continued instruction belong to it
            skipped = index
            while index < len(lines) and _is_blank_or_comment(lines[index]):
                index += 1
            if index < len(lines):
                _note_swallowed(lines, skipped, index, start, doc)
                continue
            # the file ends inside the instruction: whatever a migration appends would join it
            doc.problems.append(f"line {start + 1}: the file ends inside this instruction (a '{doc.escape}' "
                                "continues it into nothing); remove that last escape character")
        else:
            parts.append(content)
        break
    logical = "".join(parts)
    instruction = Instruction(
        raw="".join(lines[start:index]),
        line=start + 1,
        keyword=_keyword(logical),
        logical=logical,
        escape=doc.escape,
    )
    if instruction.keyword in HEREDOC_INSTRUCTIONS or (
        instruction.keyword == "ONBUILD" and _keyword(instruction.args) in HEREDOC_INSTRUCTIONS
    ):
        index = _read_heredocs(lines, index, instruction, doc.problems)
    doc.items.append(instruction)
    return index


def _note_swallowed(lines: list[str], skipped: int, index: int, start: int, doc: Dockerfile) -> None:
    """`RUN a \\` + `# comment` + `CMD [...]`: the comment does not end the RUN, so CMD is a word of it.
    Docker reads it that way too; it is almost never what was meant, so it is said (MIG103)."""
    word = lines[index].split(None, 1)[0] if lines[index].strip() else ""
    if index > skipped and any(lines[i].strip() for i in range(skipped, index)) and word in INSTRUCTIONS:
        doc.warnings.append((index + 1, f"'{word}' continues the instruction of line "
                             f"{start + 1} (the comment before it does not end the '{doc.escape}' continuation)"))


def line_continues(content: str, escape: str) -> bool:
    """BuildKit's rule: the line ends in the escape character after one that is not (`echo C:\\\\\\` ends
    the instruction, as `echo a\\\\` does), or is that character alone."""
    stripped = content.rstrip(" \t")  # (not a form feed: `\\` then \f ends the instruction)
    if not stripped.endswith(escape):
        return False
    return len(stripped.lstrip()) == 1 or stripped[-2] != escape


def _keyword(logical: str) -> str:
    match = _KEYWORD.match(logical)
    return match.group(1).upper() if match else ""


def _read_heredocs(lines: list[str], index: int, instruction: Instruction, problems: list[str]) -> int:
    for strip_tabs, quote, delimiter in heredoc_markers(instruction.logical):
        body_start = index
        while index < len(lines):
            candidate = lines[index].rstrip("\r\n")
            if (candidate.lstrip("\t") if strip_tabs else candidate) == delimiter:
                break
            index += 1
        else:  # BuildKit refuses it too; anything appended would end up inside the heredoc
            problems.append(f"line {instruction.line}: heredoc <<{delimiter} is never closed "
                            f"(no line '{delimiter}' after it)")
        body = "".join(lines[body_start:index])
        offset = len(instruction.raw)  # the body follows what has been read so far
        instruction.heredocs.append(
            Heredoc(delimiter, strip_tabs, bool(quote), body, offset, body_start + 1)
        )
        end = min(index + 1, len(lines))
        instruction.raw += "".join(lines[body_start:end])
        index = end
    return index


def heredoc_markers(logical: str) -> list[tuple[bool, bool, str]]:
    """(strip tabs, quoted, delimiter) of each heredoc the instruction opens, read as BuildKit reads them:
    a word (quotes and `\\` escapes kept as written) that starts `<<`, `<<-` or `2<<`, and since
    dockerfile 1.16 `<< EOF` with blanks before the delimiter (not `<<- EOF`). `cat<<EOF`, `echo "<<EOF"`
    and `echo Don\\'t` open none; a word such as `<<EOF|` names the delimiter `EOF|`, as BuildKit does."""
    if "<<" not in logical:
        return []
    words = [m.group() for m in _SHELL_WORD.finditer(logical)]
    found: list[tuple[bool, bool, str]] = []
    for position, word in enumerate(words):
        match = _HEREDOC_WORD.match(word)
        if match is None:
            continue
        rest = match.group(2)
        if not rest and not match.group(1) and position + 1 < len(words):
            rest = words[position + 1]  # `<< EOF`
        delimiter = re.sub(r"""\\(.)|["']""", lambda m: m.group(1) or "", rest)
        if rest and delimiter and "<" not in rest:
            found.append((match.group(1) == "-", delimiter != rest, delimiter))
    return found


_SHELL_WORD = lazy_re(r"""(?:[^\s'"\\]|\\.?|'[^']*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$))+""")
_HEREDOC_WORD = lazy_re(r"^\d*<<(-?)(.*)$")


def parse_instruction(raw: str, line: int = 1, escape: str = "\\") -> Instruction:
    """Read one instruction's raw text (as produced by a rewrite) back into an Instruction."""
    doc = Dockerfile(items=[], escape=escape)
    lines = _LINE.findall(raw)
    index = 0
    while index < len(lines):
        index = _read_item(lines, index, doc)
        if isinstance(doc.items[-1], Instruction):
            break
    instruction = doc.items[-1]
    if not isinstance(instruction, Instruction):
        raise ValueError("no instruction in text")
    instruction.line = line
    return instruction


def _check_is_dockerfile(doc: Dockerfile) -> None:
    """Refuse what Docker would refuse: a file migrated from it could only be worse."""
    instructions = doc.instructions
    if not instructions:
        raise MigratorError("no Dockerfile instructions found")
    unknown = [i for i in instructions if i.keyword not in INSTRUCTIONS]
    if not any(i.keyword == "FROM" for i in instructions):
        raise MigratorError("not a Dockerfile: no FROM instruction")
    if len(unknown) > max(2, len(instructions) // 2):
        raise MigratorError(f"not a Dockerfile: line {unknown[0].line} starts with '{_first_word(unknown[0])}'")
    for instruction in instructions:
        problem = _instruction_problem(instruction)
        if problem:
            doc.problems.append(problem)
    first_from = next(i for i, item in enumerate(instructions) if item.keyword == "FROM")
    early = next((i for i in instructions[:first_from] if i.keyword != "ARG"), None)
    if early is not None:  # BuildKit: "no build stage in current context"
        doc.problems.append(f"line {early.line}: {early.keyword} before the first FROM (only ARG may come first)")


_STAGE_NAME = lazy_re(r"^(?:[A-Za-z][A-Za-z0-9_.-]*|.*\$.*)$")  # BuildKit's rule; ARGs are expanded later
_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def _first_word(instruction: Instruction) -> str:
    words = instruction.logical.split()
    return instruction.keyword or (words[0] if words else "?")


def _instruction_problem(instruction: Instruction) -> str | None:
    where = f"line {instruction.line}"
    if instruction.keyword not in INSTRUCTIONS:
        return f"{where}: unknown instruction '{_first_word(instruction)}' (Docker refuses this file)"
    if instruction.keyword == "ONBUILD":
        trigger = _keyword(instruction.args)
        if trigger not in INSTRUCTIONS or trigger in _NOT_TRIGGERS:
            return f"{where}: ONBUILD cannot trigger '{trigger or instruction.args}'"
    if instruction.keyword == "FROM":
        words = instruction.body.split()
        as_name = len(words) == 3 and words[1].lower() == "as"
        if len(words) not in (1, 3) or (len(words) == 3 and not as_name):
            return f"{where}: FROM takes IMAGE [AS NAME], got '{instruction.body or 'nothing'}'"
        if as_name and not _STAGE_NAME.match(words[2]):
            return f"{where}: '{words[2]}' is not a valid stage name"
    return None


@dataclass(frozen=True)
class FromParts:
    """Where the image and the stage name of a FROM instruction are in its raw text."""

    image: tuple[int, int]
    name: tuple[int, int] | None  # the word after AS


def from_parts(instruction: Instruction) -> FromParts | None:
    """Spans in `instruction.raw`, continuation lines and comments inside them included."""
    logical, positions = _logical_positions(instruction.raw, instruction.escape)
    keyword = _KEYWORD.match(logical)
    if keyword is None or keyword.group(1).upper() != "FROM":
        return None
    words = [m for m in re.finditer(r"\S+", logical[keyword.end():]) if not m.group().startswith("--")]
    if not words:
        return None

    def span(match: re.Match[str]) -> tuple[int, int]:
        start, end = keyword.end() + match.start(), keyword.end() + match.end()
        return positions[start], positions[end - 1] + 1

    named = len(words) >= 3 and words[1].group().lower() == "as"
    return FromParts(span(words[0]), span(words[2]) if named else None)


def _logical_positions(raw: str, escape: str) -> tuple[str, list[int]]:
    """The logical line (as _read_item joins it) and, for each of its characters, its offset in raw."""
    chars: list[str] = []
    positions: list[int] = []
    offset = 0
    continued = False
    for line in _LINE.findall(raw):
        content = line.rstrip("\r\n")
        if continued and _is_blank_or_comment(line):
            offset += len(line)
            continue
        if line_continues(content, escape):
            kept = len(content.rstrip(" \t")) - 1
            continued = True
        else:
            kept = len(content)
            continued = False
        chars.extend(content[:kept])
        positions.extend(range(offset, offset + kept))
        offset += len(line)
        if not continued:
            break
    return "".join(chars), positions
