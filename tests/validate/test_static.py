from pathlib import Path

import pytest

from migrator.findings import catalog
from migrator.model import Severity
from migrator.validate.static import check, image_facts

CG = "cgr.dev/chainguard"
REPO = Path(__file__).resolve().parents[2]

GOOD = f"""\
FROM {CG}/python:latest-dev AS builder
WORKDIR /app
RUN python -m venv /app/venv
ENV PATH="/app/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py .

FROM {CG}/python:latest
WORKDIR /app
ENV PATH="/app/venv/bin:$PATH"
COPY --from=builder /app/venv /app/venv
COPY --from=builder /app/app.py .
ENTRYPOINT ["python", "app.py"]
"""


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_good_migration_has_no_findings():
    assert check(GOOD) == []


def test_every_code_is_catalogued():
    cat = catalog()
    for code in ("MIG601", "MIG602", "MIG603", "MIG604", "MIG605", "MIG606", "MIG607", "MIG608", "MIG609", "MIG610"):
        assert code in cat and cat[code].doc


def test_shell_form_run_in_distroless_final_is_an_error():
    text = GOOD + "RUN echo hi\n"
    found = check(text)
    assert codes(found) == ["MIG601"]
    assert found[0].severity is Severity.ERROR
    assert found[0].line == 15


def test_exec_form_run_is_fine_and_shell_image_is_info():
    assert check(GOOD + 'RUN ["/usr/bin/python", "-c", "print(1)"]\n') == []
    text = f"FROM {CG}/wolfi-base:latest\nRUN echo hi\nUSER nonroot\n"
    found = check(text)
    assert [(f.code, f.severity) for f in found] == [("MIG601", Severity.INFO)]


def test_unknown_base_is_a_warning():
    found = check("FROM registry.example.com/team/base:1\nUSER app\nRUN make\n")
    assert [(f.code, f.severity) for f in found] == [("MIG601", Severity.WARNING)]


def test_shell_form_cmd_entrypoint_healthcheck():
    text = GOOD.replace('ENTRYPOINT ["python", "app.py"]', "ENTRYPOINT python app.py") + "HEALTHCHECK CMD python -c 1\n"
    found = check(text)
    assert codes(found) == ["MIG602", "MIG602"]
    assert '["python", "app.py"]' in found[0].message
    assert "HEALTHCHECK NONE" not in text
    assert check(GOOD + "HEALTHCHECK NONE\n") == []


def test_copy_from_unknown_and_later_stage():
    text = f"""\
FROM {CG}/go:latest-dev AS build
COPY --from=later /x /x
FROM {CG}/static:latest AS later
COPY --from=biuld /out /out
COPY --from=5 /out /out
COPY --from=build /out /out2
COPY --from=ghcr.io/acme/tool:1 /tool /tool
COPY --from=0 /out /out3
"""
    found = check(text)
    assert [(f.code, f.line) for f in found] == [("MIG608", 2), ("MIG603", 4), ("MIG603", 5)]
    assert "docker.io/library/biuld" in found[1].message


def test_copy_from_through_build_arg_is_not_judged():
    text = f"ARG SRC=builder\nFROM {CG}/static:latest\nCOPY --from=$OTHER /a /a\n"
    assert check(text) == []


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("USER root\n", ["MIG604"]),
        ("USER 0:0\n", ["MIG604"]),
        ("USER root\nUSER nonroot\n", []),
        ("USER 65532\n", []),
    ],
)
def test_final_user(tail, expected):
    assert codes(check(GOOD + tail)) == expected


def test_root_by_default_base_without_user():
    found = check(f'FROM {CG}/wolfi-base:latest\nCMD ["/bin/sh", "-c", "echo"]\n')
    assert codes(found) == ["MIG604"]
    assert found[0].line == 1
    # ... while the user of a stage built FROM another stage is inherited
    text = f'FROM {CG}/python:latest AS base\nUSER root\nFROM base\nENTRYPOINT ["python"]\n'
    assert codes(check(text)) == ["MIG604"]


def test_entrypoint_file_not_copied():
    text = GOOD.replace("COPY --from=builder /app/app.py .\n", "")
    found = check(text)
    assert [(f.code, f.severity, f.line) for f in found] == [("MIG605", Severity.ERROR, 13)]
    assert "/app/app.py" in found[0].message


def test_entrypoint_file_checks_are_lenient_where_they_cannot_know():
    base = f"FROM {CG}/python:latest-dev AS builder\nWORKDIR /src\nFROM {CG}/static:latest\n"
    ok = [
        'COPY --from=builder /src/bin/ /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/server", "--port", "8080"]\n',
        'COPY --from=builder /src/out/server /app/server\nENTRYPOINT ["/app/server"]\n',
        'WORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/run"]\nCMD ["conf/app.yaml"]\n',
        'WORKDIR /app\nCOPY *.py ./\nENTRYPOINT ["python", "main.py"]\n',
        'ENTRYPOINT ["/usr/bin/python", "-m", "http.server"]\n',
        'ENTRYPOINT ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]\n',
    ]
    for tail in ok:
        assert codes(check(base + tail)) == [], tail
    found = check(base + 'ENTRYPOINT ["/opt/tool/bin/tool"]\n')
    assert [(f.code, f.severity) for f in found] == [("MIG605", Severity.WARNING)]
    found = check(base + 'WORKDIR /app\nCOPY a.py .\nCMD ["python", "b.py"]\n')
    assert [(f.code, f.severity) for f in found] == [("MIG605", Severity.ERROR)]


def test_dev_image_final_stage():
    found = check(f'FROM {CG}/python:latest-dev\nUSER nonroot\nENTRYPOINT ["python", "-c", "1"]\n')
    assert codes(found) == ["MIG606"]


def test_no_from():
    assert codes(check("# just a comment\nRUN true\n")) == ["MIG607"]


def test_target_selects_the_final_stage():
    text = GOOD + f"FROM {CG}/wolfi-base:latest AS debug\nRUN echo\n"
    assert "MIG604" in codes(check(text))
    assert check(text, target="1") == []
    assert codes(check(text, target="builder"))[0] == "MIG606"


def test_shell_script_entrypoint_on_distroless(tmp_path):
    (tmp_path / "start").write_text("#!/bin/sh\nexec python app.py\n")
    text = f'FROM {CG}/python:latest\nWORKDIR /app\nCOPY start /app/start\nENTRYPOINT ["/app/start"]\n'
    assert codes(check(text)) == []
    assert codes(check(text, context=tmp_path)) == ["MIG610"]
    assert codes(
        check(text.replace('/app/start"]', '/app/start.sh"]').replace("start /app/start", "start.sh /app/start.sh"))
    ) == ["MIG610"]


def test_registry_prefix_marks_chainguard_images():
    assert image_facts("127.0.0.1:5000/chainguard/python:latest").shell is False
    assert image_facts("registry.acme.dev/mirror/python:latest", ("registry.acme.dev/mirror",)).shell is False
    assert image_facts("python:3.12-slim").shell is True
    assert image_facts("python:3.12-slim").root is True
    assert image_facts("gcr.io/distroless/python3-debian12:nonroot").shell is False
    assert image_facts("scratch").shell is False


def test_samples_migrated_files_check_without_errors_in_the_checker():
    samples = sorted((REPO / "samples").glob("*/Dockerfile.migrated"))
    for path in samples:
        found = check(path.read_text(), context=path.parent)
        assert all(f.code.startswith("MIG6") for f in found), path
