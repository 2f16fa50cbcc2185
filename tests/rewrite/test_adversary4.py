"""The fourth adversarial report (/work/adversary4/REPORT.md): A1, A2 (the runtime's WORKDIR and COPY name the
directory the builder made, as BuildKit reads them), A3 (build-context file names quoted on the builder's
sed line), B1 (a `sh -c` string read as a command line), B2 (ONBUILD exec-form triggers the runtime cannot run)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from migration_tools import final_stage_instructions, migrate

from migrator.api import migrate_text
from migrator.model import Options
from migrator.parse.dockerfile import parse
from migrator.parse.variables import process_word


def app(lines: str) -> str:
    return f'FROM python:3.12-slim\n{lines}\nCOPY . .\nCMD ["python","app.py"]\n'


@pytest.mark.parametrize("lines, directory", [
    # an ENV that extends the build argument of its own name: in the runtime ${NAME} is the ENV's value
    ("ARG APP_HOME=/srv\nENV APP_HOME=${APP_HOME}/app\nWORKDIR $APP_HOME", "/srv/app"),
    ("ARG BASE=/opt\nENV BASE=$BASE/app\nWORKDIR $BASE/src", "/opt/app/src"),
    # a directory written with the argument before an ENV of that name replaced it
    ("ARG D=/srv\nWORKDIR $D\nENV D=/other", "/srv"),
    ("ARG D=/srv\nENV E=$D/app\nENV D=/other\nWORKDIR $E", "/srv/app"),
])
def test_an_env_replacing_a_build_argument_leaves_no_stale_reference(lines: str, directory: str) -> None:
    stage = final_stage_instructions(app(lines))
    assert ("WORKDIR", directory) in stage
    assert ("COPY", f"--from=builder --chown=65532:65532 {directory} {directory}") in stage


def test_a_build_argument_no_env_replaces_is_still_written_as_the_argument() -> None:
    stage = final_stage_instructions(app("ARG APP_HOME=/srv\nENV APP=${APP_HOME}/app\nWORKDIR $APP"))
    assert ("WORKDIR", "${APP_HOME}/app") in stage


# --- A3: build-context names on the builder's `RUN sed -i` line -----------------------------------------

NGINX_SITE = "FROM nginx:1.25\nCOPY nginx/ /etc/nginx/conf.d/\nEXPOSE 80\n"
ODD_NAMES = ["my site.conf", "it's.conf", 'say "hi".conf', "x;touch INJECTED;.conf", "a`id`.conf", "p|q&r.conf",
             "back\\slash.conf", "ok.conf"]


def _sed_words(dockerfile: str, tmp_path: Path) -> list[str]:
    """The file names the builder's sed gets, as a POSIX shell reads its RUN line."""
    line = next(x for x in dockerfile.splitlines() if x.startswith("RUN sed -i -E "))
    names = line.split(" -e 'ta' ", 1)[1]
    shown = subprocess.run(["sh", "-c", f"printf '%s\\0' {names}"], cwd=tmp_path, capture_output=True, check=True)
    return shown.stdout.decode().split("\0")[:-1]


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
def test_every_config_name_reaches_sed_as_one_word_and_runs_nothing(tmp_path: Path) -> None:
    (tmp_path / "nginx").mkdir()
    for name in [*ODD_NAMES, "dollar$HOME.conf"]:
        (tmp_path / "nginx" / name).write_text("server { listen 80; }\n")
    result = migrate(NGINX_SITE, context=tmp_path)
    words = _sed_words(result.dockerfile, tmp_path)
    assert sorted(words) == sorted(f"/etc/nginx/conf.d/{name}" for name in ODD_NAMES)
    assert not (tmp_path / "INJECTED").exists()
    assert [f.code for f in result.findings if f.code == "MIG535"] == ["MIG535"]  # the `$` name: not read


def test_a_config_name_with_a_line_break_is_left_to_the_user(tmp_path: Path) -> None:
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "two\nlines.conf").write_text("server { listen 80; }\n")
    (tmp_path / "nginx" / "ok.conf").write_text("server { listen 80; }\n")
    result = migrate(NGINX_SITE, context=tmp_path)
    sed = [x for x in result.dockerfile.splitlines() if x.startswith("RUN sed -i -E ")]
    assert len(sed) == 1 and sed[0].endswith(" /etc/nginx/conf.d/ok.conf")
    warned = [f for f in result.findings if f.code == "MIG535"]
    assert len(warned) == 1 and "nginx/two\\nlines.conf" in warned[0].message and "line break" in warned[0].message
    assert "lines.conf" not in result.dockerfile


# --- A2: a build argument after a directory that must be quoted ------------------------------------------

@pytest.mark.parametrize("lines, escape, directory", [
    ("ARG d=/app\nWORKDIR /it\\'s\nWORKDIR sub${d}", "\\", "/it's/sub/app"),
    ("ARG d=app\nWORKDIR '/srv/a\\b'\nWORKDIR $d", "\\", "/srv/a\\b/app"),
    ("WORKDIR /srv/\\$d\nARG d=app\nWORKDIR $d", "\\", "/srv/$d/app"),
    ('ARG d=app\nWORKDIR "/srv/x y"\nCOPY a.txt $d/a.txt\nWORKDIR $d', "\\", "/srv/x y/app"),
    ("ARG d=app\nWORKDIR '/srv/a`b'\nWORKDIR $d", "`", "/srv/a`b/app"),
])
def test_the_runtime_reads_back_the_builders_directory(lines: str, escape: str, directory: str) -> None:
    directive = f"# escape={escape}\n" if escape != "\\" else ""
    output = migrate(directive + app(lines)).dockerfile
    parsed = parse(output)
    final = parsed.instructions[[i.keyword for i in parsed.instructions].index("FROM", 2):]
    workdirs = [process_word(i.args, {"d": "app"}, escape)[0] for i in final if i.keyword == "WORKDIR"]
    assert workdirs == [directory]
    copies = [i for i in final if i.keyword == "COPY" and "--from=builder" in i.args]
    assert copies
    for copy in copies:  # (JSON or plain form: BuildKit processes the words alike)
        paths = copy.args.split(" ", 2)[2]
        words = json.loads(paths) if paths.startswith("[") else paths.split()
        assert [process_word(word, {"d": "app"}, escape)[0] for word in words] == [directory, directory]


# --- B1: the script a `sh -c` command line runs ----------------------------------------------------------

APT_SCRIPT = "#!/bin/sh\napt-get update && apt-get install -y libpq-dev\n"


@pytest.mark.parametrize("run", [
    'RUN bash -c "source ./install/env.sh && make"',
    "RUN sh -ec '. ./install/env.sh; make'",
    'RUN bash -o pipefail -c "CFLAGS=-O2 ./install/env.sh | tee log"',
    "RUN . ./install/env.sh && make",
    "RUN bash ./install/env.sh",
])
def test_the_script_a_command_line_runs_is_found_and_read(tmp_path: Path, run: str) -> None:
    (tmp_path / "install").mkdir()
    script = tmp_path / "install" / "env.sh"
    text = f"FROM python:3.12\nWORKDIR /app\nCOPY . .\n{run}\nCMD [\"python\",\"app.py\"]\n"
    script.write_text("#!/bin/sh\nexport CFLAGS=-O2\n")
    quiet = migrate_text(text, Options(context=tmp_path))
    assert not [f for f in quiet.findings if f.code in ("MIG414", "MIG415", "MIG417")]
    script.write_text(APT_SCRIPT)
    loud = migrate_text(text, Options(context=tmp_path))
    assert [(f.code, f.line) for f in loud.findings if f.code in ("MIG414", "MIG415", "MIG417")] == [("MIG415", 4)]
    assert "./install/env.sh" in next(f.message for f in loud.findings if f.code == "MIG415")


# --- B2: exec-form ONBUILD triggers of a program the distroless runtime lacks ------------------------------

def _trigger(trigger: str, env: str = "") -> tuple[str, list[str]]:
    result = migrate(f'FROM python:3.12-slim\nWORKDIR /app\n{env}COPY . .\n{trigger}\nCMD ["python","app.py"]\n')
    stage = result.dockerfile[result.dockerfile.index("\nFROM cgr.dev/chainguard/python:latest\n"):]
    return stage, [f.message for f in result.findings if f.code == "MIG525"]


@pytest.mark.parametrize("trigger, program", [
    ('ONBUILD RUN ["pip","install","-r","requirements.txt"]', "pip"),
    ('ONBUILD RUN ["python","-m","pip","install","-r","requirements.txt"]', "python -m pip"),
    ('ONBUILD RUN ["/usr/bin/curl","-fsSLo","/tmp/x","http://example.com/x"]', "curl"),
    ('ONBUILD ENTRYPOINT ["wget","-qO-","http://localhost/"]', "wget"),
])
def test_a_trigger_the_runtime_cannot_run_is_dropped_with_a_finding(trigger: str, program: str) -> None:
    stage, dropped = _trigger(trigger)
    assert "ONBUILD" not in stage
    assert len(dropped) == 1 and f"it runs {program}, which the runtime does not have" in dropped[0]


@pytest.mark.parametrize("trigger, env", [
    ('ONBUILD RUN ["python","manage.py","collectstatic","--noinput"]', ""),
    ('ONBUILD RUN ["gunicorn","--check-config","app:app"]', ""),  # the app's own program, not the image's
    ('ONBUILD RUN ["/app/bin/seed","--all"]', ""),
    ('ONBUILD RUN ["pip","install","-r","requirements.txt"]', "ENV PATH=/opt/venv/bin:$PATH\n"),  # a venv's pip
])
def test_a_trigger_whose_program_may_be_there_is_kept(trigger: str, env: str) -> None:
    stage, dropped = _trigger(trigger, env)
    assert f"\n{trigger}\n" in stage and not dropped


@pytest.mark.parametrize("trigger, kept, code", [
    ('ONBUILD RUN ["curl","-fsSLo","/tmp/x","http://example.com/x"]', False, "MIG525"),
    ('ONBUILD RUN ["npm","ci"]', True, None),
    ('ONBUILD RUN ["apt-get","install","-y","git"]', False, "MIG525"),  # (round 5 L1: judged as on distroless)
])
def test_a_runtime_with_a_shell_is_judged_by_its_programs_too(trigger: str, kept: bool, code: str | None) -> None:
    result = migrate(f'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n{trigger}\nCMD ["node","app.js"]\n')
    stage = result.dockerfile[result.dockerfile.index("\nFROM cgr.dev/chainguard/node:latest\n"):]
    assert (f"\n{trigger}\n" in stage) == kept
    assert [f.code for f in result.findings if f.code in ("MIG525", "MIG310")] == ([code] if code else [])
