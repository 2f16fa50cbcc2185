"""A HEALTHCHECK the runtime cannot run: ported to the runtime's own interpreter, or removed and said so.

Docker Hub images have curl or wget and a shell; Chainguard's runtimes have neither (Wolfi's busybox
has no wget, and python, jre, glibc-dynamic have no shell). An HTTP check of one URL is mechanical to
port where the runtime has an interpreter that can fetch it: node (`fetch`) and python (`urllib`),
in exec form, so no shell is needed. Anything else is removed with a finding that says so and why.
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, argv_json, json_argv
from migrator.parse.words import split_words
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage

_CMD = lazy_re(r"\bCMD(-SHELL)?\b", re.IGNORECASE)
_FAILURE_TAILS = (("||", "exit", "1"), ("||", "false"), ("||", "exit", "1;"))
# The options a ported check may keep: they change how the answer is shown or waited for, not what is
# asked (-I/--head: the ported GET answers what HEAD asks). Anything else (curl -k/--insecure, -H, -d, -X, -u,
# -F, -b, -E, -x, -K, wget --header, --no-check-certificate, -e check_certificate=off ...) changes the request,
# or is unknown: the check is not ported. Short options are read letter by letter (`-fsSk` is -f -s -S -k), as
# curl and wget read them.
_CURL_FLAGS = {"--fail", "--fail-early", "--fail-with-body", "--silent", "--show-error", "--location", "--verbose",
               "--head", "--include", "--no-progress-meter", "--no-buffer", "--compressed", "--retry-connrefused",
               "--retry-all-errors"}
_CURL_VALUES = {"--output", "--max-time", "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time",
                "--write-out", "--user-agent", "--dump-header"}
_CURL_SHORT_FLAGS, _CURL_SHORT_VALUES = "fsSLviINq#", "omwAD"
_WGET_FLAGS = {"--spider", "--quiet", "--no-verbose", "--server-response", "-nv", "-nc", "-nd", "-nH"}
_WGET_VALUES = {"--output-document", "--timeout", "--tries", "--user-agent", "--output-file", "--proxy"}
_WGET_SHORT_FLAGS, _WGET_SHORT_VALUES = "qSv", "OTtUoY"



def port_healthcheck(instruction: Instruction, image: ChainguardImage, newline: str) -> tuple[str, Finding] | None:
    """`HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1` as the runtime's interpreter runs it."""
    body = instruction.body.strip()
    match = _CMD.search(body)
    in_raw = _CMD.search(instruction.raw, len(instruction.keyword))
    if match is None or in_raw is None:
        return None
    command = body[match.end():].strip()
    script = _script_argv(command, image)
    if script is not None:
        line = instruction.raw[: in_raw.start()] + "CMD " + argv_json(script) + newline
        return line, finding("MIG552", instruction.line, f"HEALTHCHECK `{command}` ported: the script runs with "
                             f"{script[0]}, which the {image.name} image has, in exec form (its `#!` line may name "
                             f"/usr/bin/env or a shell, which that image lacks): {argv_json(script)}")
    check = _http_check(command)
    if check is None:
        return None
    url, strict = check
    argv = _interpreter_argv(image, url, strict)
    if argv is None:
        return None
    line = instruction.raw[: in_raw.start()] + "CMD " + argv_json(argv) + newline  # options as written
    return line, finding("MIG552", instruction.line, f"HEALTHCHECK `{command}` ported: {image.name} has no "
                         f"{_tool(command)}, {argv[0]} asks the same URL in exec form: {argv_json(argv)}")


def healthcheck_program(instruction: Instruction) -> str | None:
    """The program a HEALTHCHECK starts by its name or path, after the wrappers (`["healthcheck"]`,
    `/healthcheck.sh || exit 1`); None for none, a shell (`sh -c ...`), or a word with a variable."""
    from migrator.plan.startcommand import is_shell, unwrap

    body = instruction.body.strip()
    match = _CMD.search(body)
    if match is None or body.upper() == "NONE":
        return None
    words = _words(body[match.end():].strip())
    program = words[unwrap(words).program_index] if unwrap(words).program_index < len(words) else None
    if program is None or "$" in program or "`" in program or is_shell(program):
        return None
    return program


def removal(instruction: Instruction, image: ChainguardImage, why: str | None = None) -> Finding:
    """MIG510: the HEALTHCHECK removed, `why` (else: what it needs that the image lacks)."""
    body = instruction.body.strip()
    match = _CMD.search(body)
    command = body[match.end():].strip() if match else body
    exec_form = json_argv(command) is not None and not (match and match.group(1))
    words = _words(command)
    if exec_form:
        command = " ".join(words)
    if why is not None:
        return finding("MIG510", instruction.line, f"HEALTHCHECK removed from the runtime stage, where `{command}` "
                       f"would fail at every check (the container reported unhealthy): {why}; use your "
                       "orchestrator's probe (Kubernetes httpGet/tcpSocket), or a health-check program built into "
                       "the image")
    program = words[0].rsplit("/", 1)[-1] if words else ""
    missing = (program in ("curl", "wget", "nc") and program not in image.tools) or not image.has_program(program)
    needs = [f"`{program}`"] if words and missing else []
    if not exec_form and not image.shell:
        needs.append("a shell")
    what = " and ".join(needs) or "tools"
    return finding("MIG510", instruction.line, f"HEALTHCHECK removed from the runtime stage: `{command}` needs "
                   f"{what}, which {image.name} does not have; use your orchestrator's probe (Kubernetes "
                   "httpGet/tcpSocket), or a health-check program built into the image")


def _tool(command: str) -> str:
    words = _words(command)
    return words[0] if words else "curl"


# a script's interpreter, told by its extension: the image runs it without the `#!` line's /usr/bin/env
_INTERPRETERS = {".py": "python", ".js": "node", ".mjs": "node", ".rb": "ruby", ".php": "php"}


def _script_argv(command: str, image: ChainguardImage) -> list[str] | None:
    """`/opt/app/fetchstatus.py` (a script started by its path, no shell syntax): `python <script>`."""
    words = _words(command)
    for tail in _FAILURE_TAILS:  # `|| exit 1`: any failure is unhealthy either way
        if tuple(words[-len(tail):]) == tail:
            words = words[: -len(tail)]
    if not words or any(w in ("||", "&&", ";", "|", ">") or "$" in w for w in words):
        return None
    extension = "." + words[0].rsplit(".", 1)[-1] if "." in words[0].rsplit("/", 1)[-1] else ""
    interpreter = _INTERPRETERS.get(extension)
    if interpreter is None or not image.has_program(interpreter):
        return None
    return [interpreter, *words]


def _words(command: str) -> list[str]:
    argv = json_argv(command)
    if argv is not None:
        return [str(w) for w in argv]
    try:
        return split_words(command)
    except ValueError:
        return command.split()


def _http_check(command: str) -> tuple[str, bool] | None:
    """(url, fails on HTTP errors) of `curl -fsS URL || exit 1` / `wget -q --spider URL`, else None."""
    words = _words(command)
    if len(words) == 3 and words[0].rsplit("/", 1)[-1] in ("sh", "bash") and words[1] == "-c":
        return _http_check(words[2])  # ["/bin/sh", "-c", "curl -f ..."]
    if json_argv(command) is None:
        for tail in _FAILURE_TAILS:
            if tuple(words[-len(tail):]) == tail:
                words = words[: -len(tail)]
                break
    if not words or words[0] not in ("curl", "wget") or any(w in ("|", "||", "&&", ";", ">") for w in words):
        return None
    urls: list[str] = []
    strict, value_next = words[0] == "wget", False
    for word in words[1:]:
        if value_next:
            value_next = False
        elif word.startswith("-") and word != "-":
            option = _read_option(words[0], word)
            if option is None:
                return None  # it changes the request, or is not known to leave it alone
            strict, value_next = strict or option[0], option[1]
        elif word.startswith("http://") or word.startswith("https://"):
            urls.append(word)
        else:
            return None  # something else: a file, a host without a scheme
    if len(urls) != 1 or "'" in urls[0] or "\\" in urls[0] or "$" in urls[0]:
        return None
    return urls[0], strict


def _read_option(tool: str, word: str) -> tuple[bool, bool] | None:
    """(makes the check fail on HTTP errors, the next word is its value) of one option word of curl or wget;
    None for an option that changes the request or is not known."""
    if word.startswith("--"):
        name, has_value = word.split("=", 1)[0], "=" in word
        if tool == "wget" and name in _WGET_FLAGS and not has_value:
            return False, False
        if tool == "wget" and name in _WGET_VALUES:
            return False, not has_value
        if tool == "curl" and not has_value and (word in _CURL_FLAGS or word in _CURL_VALUES):
            return word in ("--fail", "--fail-with-body"), word in _CURL_VALUES
        return None
    if tool == "wget" and word in _WGET_FLAGS:  # -nv: one option of two letters
        return False, False
    flags, values = (_CURL_SHORT_FLAGS, _CURL_SHORT_VALUES) if tool == "curl" else (_WGET_SHORT_FLAGS,
                                                                                     _WGET_SHORT_VALUES)
    strict = False
    for index, letter in enumerate(word[1:], 1):
        if letter in values:  # its value is the rest of the word (`-m5`, `-qO-`), else the next word
            return strict, index == len(word) - 1
        if letter not in flags:
            return None
        strict = strict or (tool == "curl" and letter == "f")
    return strict, False


def _interpreter_argv(image: ChainguardImage, url: str, strict: bool) -> list[str] | None:
    if image.has_program("node"):
        # node may resolve localhost to ::1 first, where an app listening on 0.0.0.0 is not: curl tried both
        url = re.sub(r"^(https?://)localhost(?=[:/]|$)", r"\g<1>127.0.0.1", url)
        ok = "r.status<400?0:1" if strict else "0"
        return ["node", "-e", f"fetch('{url}').then(r=>process.exit({ok}),()=>process.exit(1))"]
    if image.has_program("python3"):
        if strict:
            return ["python3", "-c", f"import urllib.request; urllib.request.urlopen('{url}', timeout=10)"]
        return ["python3", "-c", "import urllib.request, urllib.error\ntry:\n    urllib.request.urlopen("
                f"'{url}', timeout=10)\nexcept urllib.error.HTTPError:\n    pass"]
    return None
