"""The third adversarial report (/work/adversary3/REPORT.md), R2 and R6: a WORKDIR read through a variable
the file does not set, or written with an escaped `$` or a quoted backslash. The runtime stage must work in
the directory BuildKit means and copy the app there; no line it writes may end in the escape character."""

from __future__ import annotations

import time

import pytest
from migration_tools import final_stage_instructions, migrate

from migrator.api import migrate_text
from migrator.model import MigratorError
from migrator.parse.dockerfile import parse
from migrator.parse.variables import dockerfile_word, escaped_word, process_word


def app(lines: str, escape: str = "") -> str:
    directive = f"# escape={escape}\n" if escape else ""
    return f'{directive}FROM python:3.12-slim\n{lines}\nCOPY . .\nCMD ["python","app.py"]\n'


@pytest.mark.parametrize("lines, workdir, copied", [
    # a variable the file does not set is "" (BuildKit), through ENV or ARG as written directly
    ("ENV APP=$HOME/app\nWORKDIR $APP", "/app", "/app /app"),
    ('ENV D="/srv/$NOPE/app"\nWORKDIR $D', "/srv/app", "/srv/app /srv/app"),
    ("WORKDIR $HOME/app", "/app", "/app /app"),
    ("ENV A=/srv B=$A/app\nWORKDIR $B", "/app", "/app /app"),  # (one ENV reads the values from before it)
    # a single-quoted value and an escaped `$` are the literal characters
    ("ENV D='/srv/$HOME'\nWORKDIR $D", '"/srv/\\$HOME"', '["/srv/\\\\$HOME", "/srv/\\\\$HOME"]'),
    ("WORKDIR /srv/\\$HOME", '"/srv/\\$HOME"', '["/srv/\\\\$HOME", "/srv/\\\\$HOME"]'),
    ("WORKDIR '/q\\$u'", '"/q\\\\\\$u"', '["/q\\\\\\\\\\\\$u", "/q\\\\\\\\\\\\$u"]'),
    # `\\` is one backslash and $b is unset: the directory /srv/a\, which must not end the line in `\`
    ("ENV D=/srv/a\\\\$b\nWORKDIR $D", '"/srv/a\\\\"', '["/srv/a\\\\\\\\", "/srv/a\\\\\\\\"]'),
])
def test_the_runtime_works_in_and_copies_the_directory_buildkit_means(lines: str, workdir: str, copied: str) -> None:
    stage = final_stage_instructions(app(lines))
    assert ("WORKDIR", workdir) in stage
    assert ("COPY", f"--from=builder --chown=65532:65532 {copied}") in stage
    # nothing swallowed (the first COPY: python:3.12-slim's time zone database, from static)
    assert [k for k, _ in stage] == ["FROM", "COPY", "WORKDIR", "COPY", "ENTRYPOINT", "CMD"]


def test_a_build_argument_without_a_value_stays_a_build_argument() -> None:
    stage = final_stage_instructions(app('ARG D="/srv/$NOPE/app"\nWORKDIR $D'))
    assert ("WORKDIR", "${D}") in stage and ("COPY", "--from=builder --chown=65532:65532 ${D} ${D}") in stage


def test_the_backtick_escape_directive_is_read_and_written_with_its_own_escape() -> None:
    output = migrate(app("WORKDIR /srv/`$HOME", escape="`")).dockerfile
    stage = output[output.index("\nFROM cgr.dev/chainguard/python:latest\n"):]
    assert '\nWORKDIR "/srv/`$HOME"\n' in stage
    assert '["/srv/`$HOME", "/srv/`$HOME"]' in stage


@pytest.mark.parametrize("value", ["/srv/$HOME", "/a\\", "/a\\$b", "/x'y\"z", "/a`b", "/my app", "/plain"])
@pytest.mark.parametrize("escape", ["\\", "`"])
def test_a_written_word_reads_back_as_the_value(value: str, escape: str) -> None:
    assert process_word(dockerfile_word(value, escape), {"HOME": "/root"}, escape)[0] == value
    assert process_word(escaped_word(value, escape), {"HOME": "/root"}, escape)[0] == value
    assert not dockerfile_word(value, escape).endswith(escape)


def test_words_are_processed_as_buildkit_does() -> None:
    values = {"A": "x", "E": ""}
    assert process_word("'$A' \"$A\" $A\\$A", values) == ("$A x x$A", [])
    assert process_word('"a\\b\\"c\\\\"', values) == ('a\\b"c\\', [])  # in quotes only \" \$ \\ escape
    assert process_word("${A:-d}${E:-d}${N:-d}${N}/${A:?no}", values) == ("xdd/x", ["N"])


# --- R4: the expansion bound was per value, not per file ---------------------------------------------


def test_many_references_to_a_large_value_are_refused_in_one_line() -> None:
    """16,000 lines of `ENV B<n>=$C`, C just under the 64 KB bound of one value: 1 GB and 7-18 s."""
    lines = ["FROM python:3.12-slim", "ENV A0=xx"]
    lines += [f"ENV A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 15)]
    lines += ["ENV C=${A14}${A14}"] + [f"ENV B{n}=$C" for n in range(16000)] + ['CMD ["python","a.py"]']
    started = time.process_time()
    with pytest.raises(MigratorError) as error:
        migrate_text("\n".join(lines) + "\n")
    assert time.process_time() - started < 5
    message = str(error.value)
    assert "\n" not in message and "expand to more than 32 MB in all" in message and message.startswith("line ")


def test_many_small_env_lines_take_linear_time() -> None:
    """30,000 `ENV B=x` lines took 5.5 s, and with 30,000 names 21 s (each ENV copied the environment)."""
    def seconds(count: int) -> float:
        text = "FROM python:3.12-slim\n" + "".join(f"ENV B{n}=x$B0\n" for n in range(count)) + "CMD python a.py\n"
        started = time.process_time()
        migrate_text(text)
        return time.process_time() - started

    small, large = seconds(2000), seconds(16000)
    assert large < 8 * small * 1.6 + 0.5, (small, large)


@pytest.mark.parametrize("lines, line, names, directory, copied", [
    ("WORKDIR /srv/${PYTHON_VERSION}", 2, "${PYTHON_VERSION}", "/srv", "/srv"),
    ("ENV APP=$HOME/app\nWORKDIR $APP", 3, "${HOME}", "/app", "/app"),
    ("ARG BASE=/opt/$NOPE\nENV APP=$BASE/app\nWORKDIR $APP", 4, "${NOPE}", "/opt/app", "${BASE}/app"),
])
def test_a_workdir_through_a_variable_the_file_does_not_set_is_said(lines: str, line: int, names: str,
                                                                      directory: str, copied: str) -> None:
    """R2: the base image may set it (python's PYTHON_VERSION): the directory differs from the original's."""
    result = migrate_text(app(lines))
    said = [f for f in result.findings if f.code == "MIG568"]
    assert [(f.line, f.message.split(":")[0]) for f in said] == [(line, names)]
    assert f"the directory is {directory} " in said[0].message
    assert f"COPY --from=builder --chown=65532:65532 {copied} {copied}\n" in result.dockerfile


@pytest.mark.parametrize("lines", ["ARG D\nWORKDIR $D/app", "ENV D=/srv\nWORKDIR $D/app", "WORKDIR /srv/\\$HOME",
                                   "ARG D=/srv\nWORKDIR ${D:-/x}/app"])
def test_a_workdir_through_variables_the_file_sets_or_declares_is_not_flagged(lines: str) -> None:
    assert "MIG568" not in {f.code for f in migrate_text(app(lines)).findings}


def test_the_runtime_check_and_the_script_finder_read_workdir_and_env_as_the_migration_does() -> None:
    from migrator.plan.facts import env_values, workdir_after

    assert workdir_after('"/srv/\\$HOME"', "/", {"HOME": "/root"}) == "/srv/$HOME"
    assert workdir_after("app", "/srv", {}) == "/srv/app"
    assert env_values("A=/x B=$A/y C='$A'", {"A": "/old"}) == {"A": "/x", "B": "/old/y", "C": "$A"}


def test_a_copy_into_a_directory_named_with_an_escaped_dollar_is_copied_as_that_directory() -> None:
    result = migrate_text('FROM python:3.12-slim\nCOPY . /srv/\\$HOME/\nRUN pip install -r /srv/\\$HOME/r.txt\n'
                          'CMD ["python","/srv/$HOME/app.py"]\n')
    assert '\nCOPY --from=builder ["/srv/\\\\$HOME", "/srv/\\\\$HOME"]\n' in result.dockerfile
    assert "\nCOPY --from=builder /srv /srv\n" not in result.dockerfile


def test_a_copied_file_named_through_a_variable_is_copied_by_the_name_it_expands_to() -> None:
    """A source `${JAR_FILE}.jar` lands as app.jar; with the `$` of a path now a character where the file's
    own reading made it, an unexpanded source name would have been copied as a literal `${JAR_FILE}.jar`."""
    result = migrate_text('FROM eclipse-temurin:17\nARG JAR_FILE=target/app\nCOPY ${JAR_FILE}.jar /opt/app/\n'
                          'COPY $NAME.conf /etc/x/\nRUN echo hi\nCMD ["java","-jar","/opt/app/app.jar"]\n')
    runtime = result.dockerfile[result.dockerfile.index("FROM cgr.dev/chainguard/jre:latest\n"):]
    assert "COPY --from=builder /opt/app/app.jar /opt/app/app.jar\n" in runtime
    assert "COPY --from=builder /etc/x /etc/x\n" in runtime  # ($NAME is unset: the file is /etc/x/.conf)
    assert "$" not in runtime.replace("${JAR_FILE}", "").replace("ARG JAR_FILE", "")


@pytest.mark.parametrize("lines", ["WORKDIR /srv/\\$HOME", "ENV D=/srv/a\\\\$b\nWORKDIR $D", "WORKDIR '/q\\$u'"])
def test_validate_reads_the_quoted_workdir_the_migration_writes(lines: str) -> None:
    """`migrate validate`'s static checks read `WORKDIR "/srv/\\$HOME"` as written, quotes included, and
    found app.py missing (MIG605) in the directory `/"/srv/\\$HOME"`."""
    from migrator.validate.static import check

    output = migrate_text(app(lines).replace('"app.py"', '"./app.py"')).dockerfile
    assert [f.code for f in check(output) if f.code == "MIG605"] == []


def test_a_workdir_through_an_unset_variable_on_scratch_is_the_original_directory() -> None:
    result = migrate_text("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nWORKDIR /srv/$NOPE\n"
                          "COPY --from=build /app /app\nCMD [\"/app\"]\n")
    assert "MIG568" not in {f.code for f in result.findings}


def test_a_workdir_through_a_variable_the_chainguard_image_sets_is_read_with_its_value() -> None:
    """The migrated builder runs on jdk:latest-dev, which sets JAVA_HOME: its WORKDIR $JAVA_HOME/app is under
    /usr/lib/jvm/default-jvm, and the runtime must copy that directory, not /app (absent: the build failed)."""
    result = migrate_text('FROM eclipse-temurin:21-jdk\nWORKDIR $JAVA_HOME/app\nCOPY . .\nRUN javac Main.java\n'
                          'CMD ["java","Main"]\n')
    runtime = result.dockerfile[result.dockerfile.index("FROM cgr.dev/chainguard/jre:latest\n"):]
    assert "WORKDIR /usr/lib/jvm/default-jvm/app\n" in runtime
    assert "/usr/lib/jvm/default-jvm/app /usr/lib/jvm/default-jvm/app\n" in runtime
    assert "MIG568" not in {f.code for f in result.findings}


GOPATH_BUILD = """\
FROM golang:1.22 AS build
COPY . ${GOPATH}/src/app
WORKDIR ${GOPATH}/src/app
RUN go build -o app .
FROM alpine:3.20
COPY --from=build /go/src/app/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
"""


def test_a_variable_the_source_image_set_is_written_and_read_with_its_value_not_called_unset() -> None:
    """review 5, R5-1: MIG568 said ${GOPATH} was unset and the directory /src/app, while the output sets
    GOPATH=/go (golang's) in that stage."""
    result = migrate_text(GOPATH_BUILD)
    assert "MIG568" not in {f.code for f in result.findings}
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/go:latest-dev AS build\n"
                                        'ENV GOPATH=/go PATH="/go/bin:$PATH"\nCOPY . ${GOPATH}/src/app\n')
    # read without a copy out of /go: the ENV is written all the same, so the directory stays /go/src/app
    alone = migrate(GOPATH_BUILD.replace("/go/src/app/app", "/app").replace("go build -o app", "go build -o /app"))
    assert 'ENV GOPATH=/go PATH="/go/bin:$PATH"\n' in alone.dockerfile
    [note] = [f for f in alone.findings if f.code == "MIG547"]
    assert "the stage reads $GOPATH, which golang set" in note.message
    assert "MIG568" not in {f.code for f in alone.findings}


def test_a_variable_the_source_image_is_not_known_to_set_is_still_said_unset() -> None:
    result = migrate_text(GOPATH_BUILD.replace("GOPATH", "APP_ROOT"))
    [said] = [f for f in result.findings if f.code == "MIG568"]
    assert said.message.startswith("${APP_ROOT}: not set in this Dockerfile, so the directory is /src/app")
    assert "ENV APP_ROOT" not in result.dockerfile


def test_the_start_check_reads_the_json_copy_words_the_migration_writes() -> None:
    """It read `["/srv/\\\\$HOME", ...]` with the escape kept and $HOME expanded: files placed in `/srv/\\`."""
    from migrator.plan.stages import split_stages
    from migrator.validate.stage_view import placed_by

    output = migrate_text(app("WORKDIR /srv/\\$HOME")).dockerfile
    staged = split_stages(parse(output))
    final = staged.stages[-1]
    copy = next(i for i in final.instructions if i.keyword == "COPY" and i.flags.get("from") == "builder")
    assert [(p.path, p.source) for p in placed_by(copy, "/", {}, staged, final)] == [("/srv/$HOME", "/srv/$HOME")]


@pytest.mark.parametrize("workdir", ["src", "\\$HOME"])
def test_a_first_workdir_relative_to_the_images_default_gets_that_default_written(workdir: str) -> None:
    """`WORKDIR src` on golang is /go/src, which the runtime copies; on the go image it was under another
    default, and the build failed copying /go/src (MIG543)."""
    result = migrate_text(f'FROM golang:1.22\nWORKDIR {workdir}\nCOPY . .\nRUN go build -o app .\nCMD ["./app"]\n')
    assert result.dockerfile.startswith(f"FROM cgr.dev/chainguard/go:latest-dev AS builder\nWORKDIR /go\nWORKDIR {workdir}\n")
    assert "MIG543" not in {f.code for f in result.findings}
