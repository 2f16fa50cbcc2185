"""Review 21 R21-2: a source-image path the start script runs in any form, not only after `exec`.

A kept start script ran `/usr/local/bin/node server.js "$@" &` then `wait $!`: Chainguard's node is /usr/bin/node
(Docker Hub's /usr/local/bin/node is not there), so the script exits 127 at start, yet the tool said nothing
(runtime single-stage). fix80 judged only the steps whose failure ends the script (`exec`, the last command); every
command the script runs whenever it starts is now judged: a background job, a pipeline's member, `cmd || exit 1`,
a step in `( )` or `{ }`, behind `nohup` or `su-exec USER`: E MIG540, runtime broken, the script's line named. The
script is the user's file and is copied as it is. A step the script survives on purpose (`|| true`, a look-up
guards it, an `if`'s condition) is not judged."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, errors, migrate

from migrator.model import Result

DOCKERFILE = """\
FROM node:22-alpine
RUN apk add --no-cache bash su-exec
WORKDIR /app
COPY package.json server.js start.sh ./
RUN npm install --omit=dev
ENTRYPOINT ["./start.sh"]
"""


def _migrate(tmp_path: Path, body: str) -> Result:
    files = {"Dockerfile": DOCKERFILE, "package.json": '{"name": "app", "version": "1.0.0"}\n',
             "server.js": "require('http').createServer().listen(3000)\n", "start.sh": f"#!/bin/bash\n{body}"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "start.sh").chmod(0o755)
    return migrate(DOCKERFILE, context=tmp_path)


@pytest.mark.parametrize(("body", "line"), [
    ('/usr/local/bin/node server.js "$@" &\nwait $!\n', '/usr/local/bin/node server.js "$@"'),  # (the review's)
    ("/usr/local/bin/node server.js &\nwait\n", "/usr/local/bin/node server.js"),
    ("/usr/local/bin/node server.js | tee /tmp/app.log\n", "/usr/local/bin/node server.js"),
    ("/usr/local/bin/node migrate.js || exit 1\nexec node server.js\n", "/usr/local/bin/node migrate.js"),
    ("/usr/local/bin/node worker.js &\nexec node server.js\n", "/usr/local/bin/node worker.js"),  # (never runs)
    ("set -e\n/usr/local/bin/node server.js 2>&1 | tee /tmp/app.log &\nwait\n", "/usr/local/bin/node server.js"),
    ("(/usr/local/bin/node server.js)\n", "/usr/local/bin/node server.js"),
    ("{ /usr/local/bin/node server.js; }\n", "/usr/local/bin/node server.js"),
    ("nohup /usr/local/bin/node server.js > /tmp/app.log 2>&1 &\nwait\n", "nohup /usr/local/bin/node server.js"),
    ("su-exec node /usr/local/bin/node server.js\n", "su-exec node /usr/local/bin/node server.js"),
])
def test_a_source_image_path_the_script_runs_in_any_form_is_an_error(tmp_path: Path, body: str, line: str) -> None:
    result = _migrate(tmp_path, body)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG540")
    assert f"the start script `./start.sh` runs /usr/local/bin/node (`{line}" in error
    assert "Chainguard node is /usr/bin/node" in error and "The script is copied as it is" in error
    assert codes(result, "error") == ["MIG540"]
    assert 'ENTRYPOINT ["./start.sh"]' in result.dockerfile  # (the script is the user's: not rewritten)
    assert "COPY package.json server.js start.sh ./" in result.dockerfile


@pytest.mark.parametrize("body", [
    "/usr/bin/node server.js &\nwait $!\n",  # (Chainguard's own path)
    "/usr/local/bin/node --version || true\nexec node server.js\n",  # (survived on purpose)
    "/usr/local/bin/node migrate.js\nexec node server.js\n",  # (no `set -e`: the script goes on, as fix80's)
    "/usr/local/bin/node --version | head -n 1\nexec node server.js\n",  # (a pipeline the script goes on past)
    "if [ -x /usr/local/bin/node ]; then /usr/local/bin/node server.js & fi\nexec node server.js\n",
    "if /usr/local/bin/node -e 1; then echo old; fi\nexec node server.js\n",  # (an `if`'s condition)
    "node server.js &\nwait $!\n",
])
def test_a_step_the_script_survives_or_a_path_the_image_has_is_not_said(tmp_path: Path, body: str) -> None:
    result = _migrate(tmp_path, body)
    assert "MIG540" not in codes(result)
    assert result.runtime is not None and result.runtime.status != "broken"
