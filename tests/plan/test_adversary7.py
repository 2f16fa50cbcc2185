"""Defects of the seventh adversarial round, each with a minimal reproduction of our own."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate


def test_a_start_script_named_serve_is_not_the_npm_static_server() -> None:
    # D10: `COPY serve.sh /usr/local/bin/serve` + ENTRYPOINT ["serve"] was taken for the npm package `serve`: the
    # runtime became nginx serving the app's whole source tree, and the node server never ran
    result = migrate('FROM node:20-alpine\nWORKDIR /usr/src/app\nCOPY . .\nRUN npm ci\n'
                     'COPY serve.sh /usr/local/bin/serve\nEXPOSE 3000\nENTRYPOINT ["serve"]\n')
    runtime = final_stage(result)
    assert "nginx" not in runtime and "/usr/share/nginx/html" not in runtime
    assert "COPY --from=builder /usr/local/bin/serve /usr/local/bin/serve" in runtime


def test_npx_serve_of_a_build_is_still_a_static_site() -> None:
    result = migrate('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n'
                     'CMD ["npx", "serve", "-s", "build"]\n')
    assert "nginx" in final_stage(result)


def test_a_local_archive_add_unpacks_is_copied_as_its_directory() -> None:
    # D8: `ADD vendor.tar.gz /opt/vendor/` unpacks the archive there; the runtime copied /opt/vendor/vendor.tar.gz,
    # which the builder never has, and the build stopped at that COPY
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'ADD vendor.tar.gz /opt/vendor/\nCMD ["python", "app.py"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/vendor /opt/vendor" in runtime and "vendor.tar.gz" not in runtime


def test_an_archive_add_fetches_from_a_url_is_a_file() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'ADD https://example.com/data.tar.gz /opt/data/\nCMD ["python", "app.py"]\n')
    assert "/opt/data" in final_stage(result)


def test_a_build_output_with_a_variable_name_moved_to_a_known_path_is_copied_from_there() -> None:
    # review 12, P12-2: `mv /bin/app-$TARGETARCH /usr/local/bin/app` was not followed (E MIG540), as cp and install are
    result = migrate("FROM golang:1.22\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\n"
                     "RUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /bin/app-$TARGETARCH . && "
                     "mv /bin/app-$TARGETARCH /usr/local/bin/app\nCMD [\"app\"]\n")
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app" in final_stage(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_bash_script_installed_from_a_heredoc_gets_bash() -> None:
    # D5: `install -m 755 /dev/stdin /start.sh <<'SH'` writes the heredoc, as `tee /start.sh <<SH` does; it was taken
    # for a copy of /dev/stdin and the #!/bin/bash script went to node:latest, which has no bash
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "RUN install -m 755 /dev/stdin /start.sh <<'SH'\n#!/bin/bash\nexec node s.js\nSH\n"
                     'CMD ["/start.sh"]\n')
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert "apk add --no-cache nodejs npm bash" in result.dockerfile


def _node_app_with_start_script(context: Path, edit: str) -> str:
    (context / "package.json").write_text('{"scripts": {"start": "node s.js"}}')
    (context / "package-lock.json").write_text("{}")
    (context / "s.js").write_text("")
    (context / "start.sh").write_text("#!/bin/sh\nexec node s.js\n")
    return (f"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCOPY start.sh /start.sh\nRUN {edit}\n"
            'CMD ["/start.sh"]\n')


@pytest.mark.parametrize("edit", [
    "sed -i 's|#!/bin/sh|#!/bin/bash|' /start.sh",
    "sed -i '1s/.*/#!\\/bin\\/bash/' /start.sh",
    "sed -i -e 's@^#!/bin/sh$@#!/usr/bin/env bash@' /start.sh",
    "sed -Ei.bak 's/^#!\\/bin\\/(ba)?sh/#!\\/bin\\/bash/' /start.sh",
    "sed -i '1c #!/bin/bash' /start.sh",
    "chmod +x /start.sh && sed --in-place --expression='s,/bin/sh,/bin/bash,' /start.sh",
])
def test_a_context_sh_script_made_bash_by_sed_gets_bash(tmp_path: Path, edit: str) -> None:
    # D5, second form: the context's #!/bin/sh script turned into bash by `sed -i` was judged as sh: node:latest
    # (busybox sh, no bash) ran it, and /bin/bash was not there at any start
    result = migrate(_node_app_with_start_script(tmp_path, edit), context=tmp_path)
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert "apk add --no-cache nodejs npm bash" in result.dockerfile
    assert f"RUN {edit}\n" in result.dockerfile and "MIG584" not in codes(result)


def test_a_sed_edit_of_the_shebang_that_is_not_read_is_said() -> None:
    # a sed script file, a block: what line 1 becomes is not known; the script is judged as it was, with a warning
    for edit in ("sed -i -f fix.sed /start.sh", "sed -i '1{s/sh/bash/}' /start.sh", "sed -i '1d' /start.sh"):
        result = migrate('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCOPY start.sh /start.sh\n'
                         f'RUN {edit}\nCMD ["/start.sh"]\n')
        warned = [f for f in result.findings if f.code == "MIG584"]
        assert warned and warned[0].line == 6 and warned[0].severity.value == "warning", edit


def test_a_sed_edit_that_leaves_the_shebang_keeps_the_sh_script_on_node(tmp_path: Path) -> None:
    result = migrate(_node_app_with_start_script(tmp_path, "sed -i 's/node s.js/node --enable-source-maps s.js/' "
                                                 "/start.sh"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "bash" not in result.dockerfile and "MIG584" not in codes(result)


def test_a_bash_script_written_by_a_run_and_made_sh_by_sed_is_sh() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "RUN printf '#!/bin/bash\\nexec node s.js\\n' > /start.sh && sed -i '1s|bash|sh|' /start.sh\n"
                     'CMD ["/start.sh"]\n')
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n") and "apk add" not in result.dockerfile


@pytest.mark.parametrize("edit, bash", [("sed -i 's|#!/bin/sh|#!/bin/bash|' /setup.sh", True),
                                        ("sed -i 's|foo|bar|' /setup.sh", False)])
def test_a_run_step_that_runs_a_script_made_bash_by_sed_gets_bash(tmp_path: Path, edit: str, bash: bool) -> None:
    # the same rule for a script a RUN step runs (a stage kept on wolfi-base, which has busybox sh only)
    (tmp_path / "setup.sh").write_text("#!/bin/sh\necho set up\n")
    result = migrate(f"FROM alpine:3.19\nRUN apk add --no-cache curl\nCOPY setup.sh /setup.sh\nRUN {edit} && /setup.sh\n",
                     context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert ("RUN apk add --no-cache bash\n" in result.dockerfile) is bash
