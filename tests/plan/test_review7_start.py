"""Start failures the seventh review found (issue 9, runnable by construction), each with a minimal
reproduction of our own: what the user sees in the migrated file and its findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.model import Options

# --- R7-1: a file that reaches /usr/local/bin without being named is not a pip console script --------------

WRITERS = {
    "tar": "RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /usr/local/bin\n",
    "make install": "RUN curl -fsSL https://example.com/x.tgz | tar xz && cd x && make install\n",
    "unzip": "RUN curl -fsSLo /tmp/x.zip https://example.com/x.zip && unzip /tmp/x.zip -d /usr/local/bin/\n",
    "cd and fetch": "RUN cd /usr/local/bin && curl -fsSLO https://example.com/x && chmod +x x\n",
    "GOBIN": "ENV GOBIN=/usr/local/bin\nRUN go install example.com/x@latest\n",
    "prefix": "RUN ./configure --prefix=/usr/local && make && make install\n",
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=list(WRITERS))
def test_a_program_written_into_usr_local_bin_without_its_name_keeps_its_path_and_is_copied(writer: str) -> None:
    result = migrate(f"FROM python:3.12-slim\n{writer}RUN pip install --no-cache-dir flask\n"
                     'CMD ["/usr/local/bin/x"]\n')
    runtime = final_stage(result)
    assert "/opt/venv/bin/x" not in result.dockerfile  # was: CMD ["/opt/venv/bin/x"], a file that is not there
    assert 'CMD ["/usr/local/bin/x"]' in runtime
    assert any(line.startswith("COPY --from=builder ") and line.endswith(" /usr/local/bin/x /usr/local/bin/x")
               for line in runtime.splitlines())
    assert not any("/usr/local/bin/x" in m for m in messages(result, "MIG515"))


def test_a_start_script_no_pip_install_names_keeps_its_path() -> None:
    result = migrate("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCMD [\"/usr/local/bin/tool\"]\n")
    assert "/opt/venv/bin/tool" not in result.dockerfile
    assert 'CMD ["/usr/local/bin/tool"]' in result.dockerfile


def test_a_console_script_of_a_package_pip_names_starts_from_the_venv_though_a_run_writes_there() -> None:
    # review 8, R8-1: `pip install gunicorn` certainly wrote /opt/venv/bin/gunicorn; a tar -C (or make install)
    # into /usr/local/bin is no reason to keep a path only pip would have written (the copy of it failed the build)
    result = migrate("FROM python:3.12-slim\n" + WRITERS["tar"]
                     + "RUN pip install --no-cache-dir gunicorn\nCMD [\"/usr/local/bin/gunicorn\", \"app:app\"]\n")
    assert 'CMD ["/opt/venv/bin/gunicorn", "app:app"]' in final_stage(result)
    assert not messages(result, "MIG573")


def test_a_script_pip_may_install_from_an_unread_file_keeps_its_path_when_a_run_writes_there() -> None:
    result = migrate("FROM python:3.12-slim\n" + WRITERS["tar"] + "COPY requirements.txt .\n"
                     "RUN pip install --no-cache-dir -r requirements.txt\nCMD [\"/usr/local/bin/gunicorn\", \"app:app\"]\n")
    assert "/opt/venv/bin/gunicorn" not in final_stage(result).split("CMD")[-1]
    # not silent: the copy of /usr/local/bin/gunicorn fails the build when pip was its only source
    assert any("/usr/local/bin/gunicorn" in m and "/opt/venv/bin/gunicorn" in m for m in messages(result, "MIG573"))


@pytest.mark.parametrize("install", ["gunicorn==22.0.0", "'gunicorn[gevent]>=21'", "-r requirements.txt",
                                     "--upgrade -i https://pypi.org/simple gunicorn"])
def test_a_console_script_pip_installs_starts_from_the_venv(install: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir {install}\n"
                     'CMD ["/usr/local/bin/gunicorn", "app:app"]\n')
    assert 'CMD ["/opt/venv/bin/gunicorn", "app:app"]' in final_stage(result)


def test_a_script_named_after_the_package_pip_installs_starts_from_the_venv() -> None:
    result = migrate("FROM python:3.12-slim\nRUN pip install --no-cache-dir my_tool\n"
                     'CMD ["/usr/local/bin/my-tool"]\n')
    assert 'CMD ["/opt/venv/bin/my-tool"]' in final_stage(result)


R7_1D = """FROM python:3.12 AS builder
RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /usr/local/bin
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
FROM python:3.12-slim
COPY --from=builder /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY --from=builder /usr/local/bin/ /usr/local/bin/
CMD ["/usr/local/bin/x"]
"""


def test_a_builder_bin_tree_holding_more_than_console_scripts_is_still_copied() -> None:
    result = migrate(R7_1D)
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime
    assert "COPY --from=builder /usr/local/bin/ /usr/local/bin/\n" in runtime  # was: dropped, x gone
    assert 'CMD ["/usr/local/bin/x"]' in runtime  # was: CMD ["/opt/venv/bin/x"], no error
    assert "/opt/venv/bin/x" not in result.dockerfile


def test_a_console_script_pip_names_starts_from_the_venv_beside_a_kept_builder_bin_tree() -> None:
    result = migrate(R7_1D.replace("-r requirements.txt", "gunicorn").replace('CMD ["/usr/local/bin/x"]',
                                                                           'CMD ["/usr/local/bin/gunicorn"]'))
    runtime = final_stage(result)
    assert 'CMD ["/opt/venv/bin/gunicorn"]' in runtime and "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_builder_bin_tree_of_console_scripts_only_still_comes_from_the_venv() -> None:
    result = migrate(R7_1D.replace("RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /usr/local/bin\n", "")
                     .replace("/usr/local/bin/x", "/usr/local/bin/celery"))
    runtime = final_stage(result)
    assert "/usr/local/bin" not in runtime
    assert 'CMD ["/opt/venv/bin/celery"]' in runtime


def test_a_program_the_runtime_lacks_at_usr_local_bin_is_an_error_again() -> None:
    # the builder's bin tree is dropped (only pip writes there), and the start command names a file no pip
    # install is known to write: it keeps its path, and the runtime has no such file
    result = migrate(R7_1D.replace("RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /usr/local/bin\n", ""))
    assert 'CMD ["/usr/local/bin/x"]' in final_stage(result)
    assert any("/usr/local/bin/x" in m for m in messages(result, "MIG540"))


# --- P-2 residual: a console script the user copies by name from a builder whose pip moved to the venv ------

P2 = """FROM python:3.12 AS builder
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
FROM python:3.12-slim
COPY --from=builder /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY --from=builder /usr/local/bin/gunicorn /usr/local/bin/gunicorn
COPY . /app
WORKDIR /app
ENTRYPOINT ["/usr/local/bin/gunicorn"]
CMD ["app:app"]
"""


def test_a_console_script_copied_by_name_from_the_builder_comes_from_the_venv() -> None:
    result = migrate(P2)
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime
    # was: COPY --from=builder /usr/local/bin/gunicorn ..., a file the builder no longer has: the build failed
    assert "COPY --from=builder /opt/venv/bin/gunicorn /usr/local/bin/gunicorn\n" in runtime
    assert 'ENTRYPOINT ["/usr/local/bin/gunicorn"]' in runtime
    assert any("/usr/local/bin/gunicorn" in m and "/opt/venv/bin" in m for m in messages(result, "MIG515"))
    assert "MIG540" not in {f.code for f in result.findings}


def test_a_file_the_builder_writes_itself_is_copied_from_where_it_was() -> None:
    result = migrate(P2.replace("RUN pip install", "RUN cp /bin/true /usr/local/bin/gunicorn && pip install"))
    assert "COPY --from=builder /usr/local/bin/gunicorn /usr/local/bin/gunicorn\n" in final_stage(result)


# --- G1: a build-context file RUN cp puts in place is judged as its COPY form is, on a python stage ---------

G1 = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
RUN cp bin/run /usr/local/bin/run
CMD ["/usr/local/bin/run"]
"""


def test_an_extensionless_context_file_put_in_place_by_run_cp_gets_a_shell_like_its_copy_form() -> None:
    copied = migrate(G1.replace("RUN cp bin/run", "COPY bin/run"))
    result = migrate(G1)
    head = "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache python-3 py3-pip bash tzdata\n"
    assert copied.dockerfile.startswith(head)  # the rule this follows
    assert result.dockerfile.startswith(head)  # was: distroless python, no finding: a script could not start
    assert any("/usr/local/bin/run" in m and "may be a script" in m for m in messages(result, "MIG542"))


def test_the_same_file_read_from_the_context_is_judged_by_what_it_is(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "run").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64))
    binary = migrate(G1, Options(context=tmp_path))
    assert final_stage(binary).startswith("cgr.dev/chainguard/python:latest\n")


@pytest.mark.parametrize("maker", ["curl -fsSLo bin/run https://example.com/run && ", "make && "])
def test_a_file_a_run_step_makes_before_copying_it_is_not_taken_for_the_context_file(maker: str) -> None:
    result = migrate(G1.replace("RUN cp bin/run", f"RUN {maker}cp bin/run"))
    assert "\nFROM cgr.dev/chainguard/python:latest\n" in result.dockerfile


def test_a_start_path_only_an_unread_pip_install_can_have_written_is_kept_with_a_warning() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir .\n"
                     'CMD ["/usr/local/bin/myapp"]\n')
    assert 'CMD ["/usr/local/bin/myapp"]' in final_stage(result)
    assert any("/usr/local/bin/myapp" in m and "line 4" in m and "/opt/venv/bin/myapp" in m
               for m in messages(result, "MIG573"))


@pytest.mark.parametrize("step", ["RUN find /usr/local -depth -name '*.pyc' -delete\n",
                                  "RUN ./configure --prefix=/usr && make && make install\n",
                                  "RUN chmod -R a+rX /usr/local/bin\n"])
def test_a_step_that_only_reads_the_directory_or_installs_elsewhere_does_not_stop_the_move(step: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nRUN pip install --no-cache-dir supervisor\n{step}"
                     'CMD ["/usr/local/bin/supervisord"]\n')
    assert 'CMD ["/opt/venv/bin/supervisord"]' in final_stage(result)


def test_a_builder_that_runs_a_console_script_runs_it_from_the_venv_and_does_not_keep_its_bin_tree() -> None:
    result = migrate(R7_1D.replace("RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /usr/local/bin\n",
                                   "RUN pip install celery && /usr/local/bin/celery --version\n")
                     .replace("/usr/local/bin/x", "/usr/local/bin/celery"))
    builder, runtime = result.dockerfile.split("\nFROM ", 1)
    assert "RUN pip install celery && /opt/venv/bin/celery --version\n" in builder  # was: not found, build failed
    assert "/usr/local/bin" not in runtime  # the builder's /usr/local/bin has nothing: the COPY would fail
    assert 'CMD ["/opt/venv/bin/celery"]' in runtime


def test_a_build_step_running_a_console_script_in_a_single_stage_original_runs_it_from_the_venv() -> None:
    result = migrate("FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n"
                     "RUN /usr/local/bin/django-admin --version\nCMD [\"python\", \"-m\", \"http.server\"]\n")
    assert "RUN /opt/venv/bin/django-admin --version\n" in result.dockerfile


def test_a_builder_that_downloads_into_usr_local_bin_keeps_its_bin_tree() -> None:
    result = migrate(R7_1D.replace("| tar -xz -C /usr/local/bin", "-o /usr/local/bin/x"))
    assert "COPY --from=builder /usr/local/bin/ /usr/local/bin/\n" in final_stage(result)


@pytest.mark.parametrize("base", ["FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                                  "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"])
def test_run_cp_and_copy_of_a_context_file_get_the_same_runtime_on_other_languages_too(base: str) -> None:
    results = [migrate(f"{base}{form} bin/run /usr/local/bin/run\nCMD [\"/usr/local/bin/run\"]\n")
               for form in ("RUN cp", "COPY")]
    heads = [r.dockerfile.split("\n", 2)[:2] for r in results]
    assert heads[0] == heads[1]
    assert heads[0][0] == "FROM cgr.dev/chainguard/wolfi-base:latest" and heads[0][1].endswith(" bash")
