from migrator.validate.dockerfile import parse


def test_continuations_comments_and_lines():
    df = parse(
        "# syntax=docker/dockerfile:1\n"
        "FROM base AS Build\n"
        "RUN echo a && \\\n"
        "    # a comment inside\n"
        "\n"
        "    echo b\n"
        "FROM other\n"
        "COPY --from=build --chown=1:1 /a /b\n"
    )
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "FROM", "COPY"]
    run = df.instructions[1]
    assert (run.line, run.end_line) == (3, 6)
    assert run.original == "RUN echo a && echo b"
    assert [s.name for s in df.stages] == ["build", None]
    copy = df.instructions[3]
    assert copy.flags == {"from": "build", "chown": "1:1"}
    assert copy.rest == "/a /b"
    assert df.stage_by_ref("Build") is df.stages[0]
    assert df.stage_by_ref("0") is df.stages[0]
    assert df.stage_by_ref("1", before=1) is None


def test_escape_directive_and_exec_form():
    df = parse('# escape=`\nFROM x\nRUN a `\n  b\nCMD ["python", "app.py"]\nENTRYPOINT python app.py\n')
    assert df.escape == "`"
    assert df.instructions[1].original == "RUN a b"
    assert df.instructions[2].exec_form == ["python", "app.py"]
    assert df.instructions[3].exec_form is None


def test_heredoc_lines_are_consumed():
    df = parse("FROM x\nRUN <<EOF\nset -e\necho hi\nEOF\nCOPY <<-END /etc/x\n\thello\n\tEND\nUSER 1\n")
    kinds = [(i.keyword, i.line, i.end_line) for i in df.instructions]
    assert kinds == [("FROM", 1, 1), ("RUN", 2, 5), ("COPY", 6, 8), ("USER", 9, 9)]
    assert df.instructions[1].heredocs == ["set -e\necho hi"]


def test_from_platform_and_healthcheck_exec_form():
    df = parse('FROM --platform=$BUILDPLATFORM golang:1 AS b\nHEALTHCHECK --interval=5s CMD ["/x", "-h"]\n')
    assert df.stages[0].platform == "$BUILDPLATFORM"
    assert df.stages[0].image == "golang:1"
    assert df.instructions[1].exec_form == ["/x", "-h"]
