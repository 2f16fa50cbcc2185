"""The start check: can the final stage start its command on its image, as the engine runs it?

Each test is a migrated (or hand-written) Dockerfile a user could ship; the check must say what the
real Chainguard image would do with it.
"""

from __future__ import annotations

import pytest

from migrator.parse import parse
from migrator.rules import load_rules
from migrator.validate.startable import check_start

CG = "cgr.dev/chainguard"


def start(text: str, original_has_command: bool = True):
    report, problems = check_start(parse(text), load_rules(), CG, original_has_command)
    return report, {p.code for p in problems}


def test_interpreter_of_the_image_starts() -> None:
    report, codes = start(f'FROM {CG}/python:latest\nWORKDIR /app\nCOPY app.py .\nENTRYPOINT []\n'
                          'CMD ["python", "app.py"]\n')
    assert report is not None and report.status == "ok" and report.argv == ("python", "app.py")
    assert codes == set()


def test_image_entrypoint_and_cmd_compose_like_the_engine() -> None:
    # CMD ["npm", "start"] under node's entrypoint means `node npm start`: npm is no node script path
    report, _ = start(f'FROM {CG}/node:latest\nCMD ["npm", "start"]\n')
    assert report is not None and report.argv == ("/usr/bin/node", "npm", "start")
    report, _ = start(f'FROM {CG}/node:latest\nENTRYPOINT []\nCMD ["npm", "start"]\n')
    assert report is not None and report.argv == ("npm", "start") and report.status == "ok"


def test_entrypoint_in_a_later_stage_clears_the_inherited_cmd() -> None:
    text = (f'FROM {CG}/wolfi-base:latest AS base\nCMD ["/bin/sh"]\nFROM base\n'
            'COPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n')
    report, _ = start(text)
    assert report is not None and report.argv == ("/run.sh",)


def test_program_missing_from_the_image_is_broken() -> None:
    report, codes = start(f'FROM {CG}/glibc-dynamic:latest\nWORKDIR /app\nCOPY --from=b /app /app\n'
                          'ENTRYPOINT ["node", "server.js"]\n')
    assert report is not None and report.status == "broken" and "node" in report.reason
    assert "node image has it" in report.reason and codes == {"MIG540"}


def test_script_on_an_image_without_a_shell_is_broken() -> None:
    report, codes = start(f'FROM {CG}/jre:latest\nCOPY run.sh /app/run.sh\nENTRYPOINT ["/app/run.sh"]\n')
    assert report is not None and report.status == "broken" and report.need == "shell"
    assert codes == {"MIG507"}


def test_script_on_an_image_with_a_shell_is_shell_kept() -> None:
    report, codes = start(f'FROM {CG}/node:latest\nCOPY docker-entrypoint.sh /usr/local/bin/\n'
                          'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "server.js"]\n')
    assert report is not None and report.status == "shell-kept" and codes == {"MIG541"}
    assert "port what the script does" in report.reason


def test_sh_c_on_an_image_without_a_shell_is_broken() -> None:
    report, codes = start(f'FROM {CG}/python:latest\nENTRYPOINT ["/bin/sh", "-c", "python a.py && python b.py"]\n')
    assert report is not None and report.status == "broken" and codes == {"MIG505"}


def test_wrappers_are_seen_through_and_must_exist() -> None:
    report, _ = start(f'FROM {CG}/node:latest\nENTRYPOINT ["/usr/bin/dumb-init", "--"]\nCMD ["node", "a.js"]\n')
    assert report is not None and report.status == "ok" and report.program == "node"
    report, codes = start(f'FROM {CG}/static:latest\nCOPY --from=b /app /app\n'
                          'ENTRYPOINT ["/sbin/tini", "--", "/app"]\n')
    assert report is not None and report.status == "broken" and "/sbin/tini" in report.reason
    assert codes == {"MIG540"}


def test_program_on_path_from_a_copied_virtualenv() -> None:
    text = (f"FROM {CG}/python:latest-dev AS b\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install gunicorn\n"
            f'FROM {CG}/python:latest\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=b /opt/venv /opt/venv\n'
            'ENTRYPOINT []\nCMD ["gunicorn", "app:app"]\n')
    report, _ = start(text)
    assert report is not None and report.status == "ok" and "/opt/venv/bin/gunicorn" in report.reason


def test_virtualenv_not_copied_is_broken() -> None:
    text = (f"FROM {CG}/python:latest-dev AS b\nWORKDIR /app\nRUN uv sync\n"
            f'FROM {CG}/python:latest\nENV PATH="/app/.venv/bin:$PATH"\nWORKDIR /app/backend\n'
            "COPY --from=b /app/backend /app/backend\nENTRYPOINT []\nCMD [\"fastapi\", \"run\"]\n")
    report, codes = start(text)
    assert report is not None and report.status == "broken" and codes == {"MIG540"}


def test_console_script_needs_the_interpreter_of_its_virtualenv() -> None:
    text = (f"FROM {CG}/python:latest-dev AS b\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install x\n"
            f'FROM {CG}/glibc-dynamic:latest\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=b /opt/venv /opt/venv\n'
            'CMD ["x"]\n')
    report, _ = start(text)
    assert report is not None and report.status == "broken" and "no python" in report.reason


def test_a_glob_copied_into_a_path_directory_is_no_proof_either_way() -> None:
    # the glob's files are not on disk to read: supervisord may be among them, or not (issue 9: never an error);
    # the pipeline still tries other runtimes for it (pipeline.Attempt.rank)
    text = (f"FROM {CG}/wolfi-base:latest AS b\nCOPY bin/* /usr/local/bin/\n"
            f"FROM {CG}/glibc-dynamic:latest\nCOPY --from=b /usr/local/bin /usr/local/bin\n"
            'CMD ["supervisord"]\n')
    report, problems = start(text)
    assert report is not None and report.status == "unverified" and "`bin/*`" in report.reason
    assert problems == {"MIG589"}


def test_file_a_build_writes_into_an_output_directory() -> None:
    text = (f"FROM {CG}/dotnet-sdk:latest-dev AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -o /app\n"
            f'FROM {CG}/aspnet-runtime:latest\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT ["./web"]\n')
    report, _ = start(text)
    assert report is not None and report.status == "ok"


def test_jar_without_dash_jar_is_broken() -> None:
    report, codes = start(f'FROM {CG}/jre:latest\nWORKDIR /app\nCOPY app.jar .\nCMD ["app.jar"]\n')
    assert report is not None and report.status == "broken" and "-jar" in report.reason and codes == {"MIG540"}
    report, _ = start(f'FROM {CG}/jre:latest\nWORKDIR /app\nCOPY app.jar .\nENTRYPOINT ["/usr/bin/java", "-jar"]\n'
                      'CMD ["app.jar"]\n')
    assert report is not None and report.status == "ok"


def test_ruby_binstub_needs_env_the_ruby_image_lacks() -> None:
    report, _ = start(f'FROM {CG}/ruby:latest\nWORKDIR /app\nCOPY . /app\nENTRYPOINT []\n'
                      'CMD ["/app/bin/rails", "server"]\n')
    assert report is not None and report.status == "broken" and "ruby /app/bin/rails" in report.reason


def test_no_command_at_all() -> None:
    report, _ = start(f"FROM {CG}/static:latest\nCOPY --from=b /out /out\n")
    assert report is not None and report.status == "broken" and report.need == "no-command"
    report, _ = start(f"FROM {CG}/static:latest\nCOPY --from=b /out /out\n", original_has_command=False)
    assert report is not None and report.status == "ok"


def test_single_stage_on_wolfi_base() -> None:
    report, codes = start(f"FROM {CG}/wolfi-base:latest\nRUN apk add --no-cache curl jq\n")
    assert report is not None and report.status == "single-stage" and codes == {"MIG542"}
    report, _ = start(f'FROM {CG}/wolfi-base:latest\nRUN apk add --no-cache bash\nCMD ["/bin/bash"]\n')
    assert report is not None and report.status == "single-stage" and "base image" in report.reason
    report, _ = start(f'FROM {CG}/wolfi-base:latest\nRUN apk add --no-cache supervisor\nCMD ["supervisord"]\n')
    assert report is not None and report.status == "single-stage" and "supervisord" in report.reason


def test_untouched_final_stage_has_no_report() -> None:
    report, codes = start("FROM debian:12\nCMD [\"bash\"]\n")
    assert report is None and codes == set()


def test_image_outside_the_model_is_unverified() -> None:
    report, codes = start(f'FROM {CG}/tomcat:latest\nCMD ["catalina.sh", "run"]\n')
    assert report is not None and report.status == "unverified" and codes == {"MIG548"}
    # its own command (postgres' entrypoint) is not in the model either: not "an image of files"
    report, codes = start(f"FROM {CG}/postgres:latest\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
                          original_has_command=False)
    assert report is not None and report.status == "unverified" and codes == {"MIG548"}


@pytest.mark.parametrize("path, builder", [
    ("/usr/local/bundle", "ruby:latest-dev"),
    ("/go/bin/app", "go:latest-dev"),
    ("/usr/local/lib/python3.12/site-packages", "python:latest-dev"),
    ("/opt/java/openjdk", "jdk:latest-dev"),
    ("/usr/local/cargo/bin/app", "rust:latest-dev"),
])
def test_copy_from_a_path_only_docker_hub_images_have(path: str, builder: str) -> None:
    text = f"FROM {CG}/{builder} AS b\nRUN true\nFROM {CG}/static:latest\nCOPY --from=b {path} {path}\nCMD [\"/x\"]\n"
    _, codes = start(text)
    assert "MIG543" in codes


def test_copy_from_a_docker_hub_path_the_dockerfile_creates() -> None:
    for made in ("ENV GEM_HOME=/usr/local/bundle\nRUN bundle install", "RUN go build -o /go/bin/app ."):
        text = (f"FROM {CG}/ruby:latest-dev AS b\n{made}\nFROM {CG}/static:latest\n"
                "COPY --from=b /usr/local/bundle /usr/local/bundle\nCOPY --from=b /go/bin/app /app\nCMD [\"/app\"]\n")
        _, codes = start(text)
        assert "MIG543" in codes  # one of the two paths is still never made
    text = (f"FROM {CG}/go:latest-dev AS b\nRUN go build -o /go/bin/app .\nFROM {CG}/static:latest\n"
            "COPY --from=b /go/bin/app /app\nCMD [\"/app\"]\n")
    assert start(text)[1] == set()
