"""Defects of the seventh adversarial round, each with a minimal reproduction of our own."""

from __future__ import annotations

from migration_tools import final_stage, migrate


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
