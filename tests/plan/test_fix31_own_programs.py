"""A program the Dockerfile makes itself is the app's own, never the well-known program of the same name that
picks another runtime (`serve`, `http-server`: nginx serving the source tree). Adversary 8, E4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate

APP = "FROM node:18-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"

WRITERS = {
    "printf": 'RUN printf "#!/bin/sh\\nexec node server.js\\n" > /usr/local/bin/serve && chmod +x /usr/local/bin/serve\n',
    "echo": "RUN echo '#!/bin/sh' > /usr/local/bin/serve && echo 'exec node server.js' >> /usr/local/bin/serve "
            "&& chmod +x /usr/local/bin/serve\n",
    "cat heredoc": "RUN cat <<'EOF' > /usr/local/bin/serve\n#!/bin/sh\nexec node server.js\nEOF\n",
    "tee": "RUN printf '#!/bin/sh\\nexec node server.js\\n' | tee /usr/local/bin/serve && chmod +x /usr/local/bin/serve\n",
    "install stdin": "RUN install -m 755 /dev/stdin /usr/local/bin/serve <<'SH'\n#!/bin/sh\nexec node server.js\nSH\n",
    "download": "RUN curl -fsSL -o /usr/local/bin/serve https://example.com/serve.sh && chmod +x /usr/local/bin/serve\n",
    "relative path": "RUN printf '#!/bin/sh\\nexec node server.js\\n' > serve && chmod +x serve\n",
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_serve_the_dockerfile_writes_is_not_the_npm_static_server(writer: str) -> None:
    start = 'ENTRYPOINT ["./serve"]\n' if writer == "relative path" else 'ENTRYPOINT ["serve"]\n'
    result = migrate(APP + WRITERS[writer] + "EXPOSE 3000\n" + start)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest")
    assert "nginx" not in result.dockerfile and "MIG532" not in codes(result)
    assert "EXPOSE 3000\n" in runtime and start in runtime
    if writer != "relative path":
        assert re.search(r"COPY --from=builder (--chown=65532:65532 )?/usr/local/bin/serve /usr/local/bin/serve\n", runtime)
    assert result.runtime is not None and result.runtime.status in ("ok", "shell-kept")


def test_an_http_server_the_build_downloads_is_not_the_npm_one() -> None:
    result = migrate(APP + "RUN wget -O /usr/local/bin/http-server https://example.com/hs && "
                     'chmod +x /usr/local/bin/http-server\nCMD ["http-server", "dist"]\n')
    assert "nginx" not in result.dockerfile and "MIG532" not in codes(result)


def test_serve_installed_by_npm_is_still_the_static_server() -> None:
    result = migrate(APP.replace("npm ci", "npm ci && npm install -g serve && npm run build")
                     + 'CMD ["serve", "-s", "build"]\n')
    assert final_stage(result).startswith("cgr.dev/chainguard/nginx:latest") and "MIG532" in codes(result)


@pytest.mark.parametrize("copy", ["COPY serve /usr/local/bin/\n", "COPY ./scripts/serve /usr/local/bin/\n",
                                  "COPY bin/ /usr/local/bin/\n", "COPY scripts/* /usr/local/bin/\n",
                                  "RUN cp scripts/serve /usr/local/bin/\n"])
def test_a_serve_copied_onto_the_path_is_the_apps_own(copy: str) -> None:
    result = migrate(APP + copy + 'EXPOSE 3000\nENTRYPOINT ["serve"]\n')
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest") and "MIG532" not in codes(result)


def test_a_program_in_a_context_directory_copied_onto_the_path_is_found(tmp_path: Path) -> None:
    # with the build context on disk, `COPY bin/ /usr/local/bin/` is seen to hold bin/serve: the start check found
    # no `serve` (E MIG540 "no COPY puts it there")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "serve").write_text("#!/bin/sh\nexec node server.js\n")
    result = migrate(APP + 'COPY bin/ /usr/local/bin/\nEXPOSE 3000\nENTRYPOINT ["serve"]\n', context=tmp_path)
    assert "MIG540" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "shell-kept"


def test_a_wrapper_the_dockerfile_writes_over_an_image_program_is_what_starts() -> None:
    # /usr/local/bin/node, written by RUN, comes before the image's /usr/bin/node on PATH: the original started the
    # wrapper (and its options); the runtime did not get it and started the bare node
    result = migrate(APP + 'RUN printf "#!/bin/sh\\nexec /usr/bin/node --max-old-space-size=512 \\"\\$@\\"\\n" > '
                     '/usr/local/bin/node && chmod +x /usr/local/bin/node\nCMD ["node", "server.js"]\n')
    assert re.search(r"COPY --from=builder (--chown=65532:65532 )?/usr/local/bin/node /usr/local/bin/node\n",
                     final_stage(result))
    assert result.runtime is not None and result.runtime.status in ("ok", "shell-kept")


def test_a_tree_copied_into_the_root_does_not_make_every_program() -> None:
    result = migrate("FROM node:20-alpine\nWORKDIR /\nCOPY . .\nRUN npm ci && npm run build\n"
                     'CMD ["npx", "serve", "-s", "build"]\n')
    assert final_stage(result).startswith("cgr.dev/chainguard/nginx:latest") and "MIG532" in codes(result)
