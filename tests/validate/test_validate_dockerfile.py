"""What validation asks of the project's Dockerfile reader (migrator.validate.source)."""

from migrator.parse.dockerfile import parse
from migrator.validate.source import exec_form, instruction_at, one_line, read


def test_continued_instruction_is_reported_on_one_line():
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
    run = df.instructions[1]
    assert one_line(run) == "RUN echo a && echo b"
    assert [instruction_at(df, n) for n in (3, 4, 5, 6)] == [run] * 4
    assert instruction_at(df, 1) is None
    assert instruction_at(df, 8) is df.instructions[3]


def test_escape_directive_and_exec_form():
    df = parse('# escape=`\nFROM x\nRUN a `\n  b\nCMD ["python", "app.py"]\nENTRYPOINT python app.py\n')
    assert one_line(df.instructions[1]) == "RUN a b"
    assert exec_form(df.instructions[2]) == ["python", "app.py"]
    assert exec_form(df.instructions[3]) is None


def test_heredoc_lines_belong_to_their_instruction():
    df = parse("FROM x\nRUN <<EOF\nset -e\necho hi\nEOF\nCOPY <<-END /etc/x\n\thello\n\tEND\nUSER 1\n")
    starts = [getattr(instruction_at(df, n), "line", None) for n in range(1, 10)]
    assert starts == [1, 2, 2, 2, 2, 6, 6, 6, 9]
    assert one_line(df.instructions[1]) == "RUN <<EOF"


def test_healthcheck_exec_form():
    df = parse('FROM --platform=$BUILDPLATFORM golang:1 AS b\nHEALTHCHECK --interval=5s CMD ["/x", "-h"]\n')
    assert exec_form(df.instructions[1]) == ["/x", "-h"]
    assert exec_form(parse("FROM x\nHEALTHCHECK CMD /x -h\n").instructions[1]) is None


def test_text_the_reader_refuses_reads_as_empty():
    df, problem = read("# just a comment\nRUN true\n")
    assert df.instructions == [] and problem
    assert read("FROM x\n")[1] is None


def test_static_checks_report_text_the_reader_refuses():
    from migrator.validate.static import check

    found = check("FROM x\nfoo\nbar\nbaz\nqux\n")
    assert [f.code for f in found] == ["MIG607"]
    assert "line 2" in found[0].message
