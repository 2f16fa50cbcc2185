"""Start scripts the Dockerfile writes itself, found unread by the sixth adversarial round (issue 9, runnable by
construction). N3: a script written by a redirected group of commands (`{ echo ...; echo ...; } > /start.sh`,
`( ... ) > f`), by printf with a double-quoted or `$'...'` format, or by tee, is read as `echo > f && echo >> f`
is. N4: with the app's own virtualenv on PATH, a start script a RUN writes onto PATH is that file (copied and
judged), never a guess that any name is in the venv's bin/. What the user sees: the runtime image, bash installed
where the script needs it, the start command, the findings, the verdict."""

from __future__ import annotations

import pytest
from migration_tools import migrate, verdict

from migrator.model import Result

NODE_APP = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
VENV_APP = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
            "RUN python -m venv /app/venv && /app/venv/bin/pip install -r requirements.txt\n"
            'ENV PATH="/app/venv/bin:$PATH"\n')






def codes(result: Result) -> set[str]:
    return {f"{f.severity.value[0].upper()} {f.code}" for f in result.findings}


BASH_WRITERS = {
    "brace group to /": ("RUN { echo '#!/bin/bash'; echo 'exec node server.js'; } > /start.sh && chmod +x /start.sh\n"
                         'CMD ["/start.sh"]\n'),
    "brace group onto PATH": ("RUN { echo '#!/bin/bash'; echo 'exec node server.js'; } > /usr/local/bin/start "
                              '&& chmod +x /usr/local/bin/start\nCMD ["start"]\n'),
    "subshell": ("RUN ( echo '#!/bin/bash'; echo 'exec node server.js' ) > /start.sh && chmod +x /start.sh\n"
                 'CMD ["/start.sh"]\n'),
    "group with && inside": ("RUN { echo '#!/bin/bash' && echo 'exec node server.js'; } > /start.sh\n"
                             'CMD ["/start.sh"]\n'),
    "printf double-quoted \\\\n": ('RUN printf "#!/bin/bash\\\\nexec node server.js\\\\n" > /start.sh '
                                   '&& chmod +x /start.sh\nCMD ["/start.sh"]\n'),
    "printf $'...'": ("RUN printf $'#!/bin/bash\\nexec node server.js\\n' > /start.sh\nCMD [\"/start.sh\"]\n"),
    "group piped to tee": ("RUN { echo '#!/bin/bash'; echo 'exec node server.js'; } | tee /start.sh > /dev/null "
                           '&& chmod +x /start.sh\nCMD ["/start.sh"]\n'),
    "tee fed a heredoc": ("RUN tee /start.sh <<EOF && chmod +x /start.sh\n#!/bin/bash\nexec node server.js\nEOF\n"
                          'CMD ["/start.sh"]\n'),
    "cat heredoc in a group": ("RUN { cat <<EOF && echo 'exec node server.js'; } > /start.sh\n#!/bin/bash\nEOF\n"
                               'CMD ["/start.sh"]\n'),
}


@pytest.mark.parametrize("writer", BASH_WRITERS.values(), ids=BASH_WRITERS.keys())
def test_a_bash_start_script_written_by_any_shell_form_gets_bash(writer: str) -> None:
    result = migrate(NODE_APP + writer)
    assert "FROM cgr.dev/chainguard/node:latest\n" not in result.dockerfile  # busybox sh only: no bash
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile
    status, reason = verdict(result)
    assert status == "single-stage"
    assert "bash is installed" in reason


def test_a_sh_start_script_written_by_a_group_gets_a_shell_but_no_bash() -> None:
    result = migrate(NODE_APP + "RUN { echo '#!/bin/sh'; echo 'exec node server.js'; } > /start.sh\n"
                     'CMD ["/start.sh"]\n')
    assert "bash" not in result.dockerfile
    status, reason = verdict(result)
    assert status in ("shell-kept", "single-stage")
    assert "/start.sh` is a shell script" in reason


def test_what_a_group_writes_to_another_file_or_to_stderr_is_not_in_the_script() -> None:
    writer = ("RUN { echo '#!/bin/bash'; echo note > /tmp/note; echo 'exec node server.js' 2>/dev/null; } "
              '> /start.sh\nCMD ["/start.sh"]\n')
    result = migrate(NODE_APP + writer)
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile


@pytest.mark.parametrize("destination", ["/usr/local/bin/start", "/usr/bin/start"])
def test_a_start_script_written_onto_path_beside_the_apps_own_venv_is_that_file(destination: str) -> None:
    result = migrate(VENV_APP + f"RUN printf '#!/bin/sh\\nexec gunicorn app:app\\n' > {destination} "
                                f'&& chmod +x {destination}\nCMD ["start"]\n')
    assert "FROM cgr.dev/chainguard/python:latest\n" not in result.dockerfile  # distroless: no shell
    status, reason = verdict(result)
    assert status in ("single-stage", "shell-kept")
    assert "`start` is a shell script" in reason
    assert "venv/bin/start" not in reason


def test_a_runtime_without_the_written_start_script_is_an_error_not_a_venv_guess() -> None:
    already_migrated = (
        "FROM cgr.dev/chainguard/python:latest-dev AS builder\nUSER root\nWORKDIR /app\nCOPY . .\n"
        "RUN python -m venv /app/venv && /app/venv/bin/pip install -r requirements.txt\n"
        "RUN printf '#!/bin/sh\\nexec gunicorn app:app\\n' > /usr/local/bin/start && chmod +x /usr/local/bin/start\n"
        "\nFROM cgr.dev/chainguard/python:latest\nENV PATH=\"/app/venv/bin:$PATH\"\nWORKDIR /app\n"
        "COPY --from=builder --chown=65532:65532 /app /app\nENTRYPOINT []\nCMD [\"start\"]\n")
    result = migrate(already_migrated)
    status, reason = verdict(result)
    assert status == "broken"
    assert "`start` is not on the PATH" in reason
    assert "E MIG540" in codes(result)


BASH_HEADS = {
    "echo >> with a variable": ("RUN echo '#!/bin/bash' > /start.sh && echo \"exec node $APP\" >> /start.sh\n"
                                'CMD ["/start.sh"]\n'),
    "group with a file read in": "RUN { echo '#!/bin/bash'; cat app.env; } > /start.sh\nCMD [\"/start.sh\"]\n",
    "one echo with a variable": 'RUN echo "#!/bin/bash\\nexec $APP" > /start.sh\nCMD ["/start.sh"]\n',
    "printf format with a variable": 'RUN printf "#!/bin/bash\\\\nexec node $APP" > /start.sh\nCMD ["/start.sh"]\n',
    "sh -c": ("RUN sh -c \"printf '#!/bin/bash\\\\nexec node server.js\\\\n' > /start.sh\"\n"
              'CMD ["/start.sh"]\n'),
    "set -e in a group": ("RUN { echo '#!/bin/bash'; set -e; echo 'exec node server.js'; } > /start.sh\n"
                          'CMD ["/start.sh"]\n'),
}


@pytest.mark.parametrize("writer", BASH_HEADS.values(), ids=BASH_HEADS.keys())
def test_a_written_script_whose_first_line_is_known_is_read_by_it(writer: str) -> None:
    result = migrate(NODE_APP + writer)
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile
    assert "bash is installed" in verdict(result)[1]


def test_a_file_overwritten_with_unknown_text_is_not_read_by_its_first_text() -> None:
    alpine_app = NODE_APP.replace("node:20-slim", "node:20-alpine")  # (no bash: an unread script is not bash's)
    result = migrate(alpine_app + "RUN echo '#!/bin/bash' > /start.sh && cat start.tpl > /start.sh\n"
                     'CMD ["/start.sh"]\n')
    assert "bash" not in result.dockerfile.rsplit("\nRUN npm ci", 1)[0]
    assert "bash is installed" not in verdict(result)[1]


@pytest.mark.parametrize("writer", ["cat start.tpl > /start.sh", "envsubst < start.tpl > /start.sh"])
def test_a_start_script_written_from_text_the_tool_cannot_read_is_taken_as_bash_when_the_image_had_bash(
        writer: str) -> None:
    result = migrate(NODE_APP + f"RUN {writer} && chmod +x /start.sh\nCMD [\"/start.sh\"]\n")
    assert "RUN apk add --no-cache nodejs npm bash" in result.dockerfile  # node:20-slim had bash
    assert "bash is installed" in verdict(result)[1]


def test_a_program_a_run_downloads_by_redirect_onto_path_is_copied_and_needs_no_shell() -> None:
    result = migrate(NODE_APP + "RUN curl -fsSL https://example.com/app > /usr/local/bin/app "
                     '&& chmod +x /usr/local/bin/app\nCMD ["app"]\n')
    runtime = result.dockerfile.rsplit("\nFROM ", 1)[-1]
    assert runtime.startswith("cgr.dev/chainguard/node:latest\n")
    assert "/usr/local/bin/app /usr/local/bin/app\n" in runtime  # (it was left in the builder: MIG540)
    assert verdict(result)[0] == "ok"


def test_an_unread_start_script_run_through_sh_c_gets_bash_where_the_image_had_it() -> None:
    result = migrate(NODE_APP + 'RUN cat start.tpl > /start.sh\nCMD ["sh", "-c", "/start.sh"]\n')
    assert "RUN apk add --no-cache nodejs npm bash" in result.dockerfile
