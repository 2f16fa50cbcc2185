"""Options that take a value, read by one helper (parse/options): each case here was read wrongly by a
hand-written loop that knew only `-x VALUE` as separate words, or dropped every word with a dash."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

_GO = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o app . && cp app /usr/local/bin/\n"


@pytest.mark.parametrize("entrypoint", [
    '["tini", "-g", "app", "--port", "8080"]',  # the app's own options were dropped with tini's
    '["tini", "-g", "--", "app", "--port", "8080"]',
    '["dumb-init", "-r", "15:2", "app", "--port", "8080"]',  # `15:2`, -r's value, became the program
])
def test_an_init_wrapper_is_removed_with_its_options_only(entrypoint: str) -> None:
    result = migrate(_GO + f"ENTRYPOINT {entrypoint}\n")
    runtime = final_stage(result)
    assert 'ENTRYPOINT ["app", "--port", "8080"]\n' in runtime
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app\n" in runtime  # the program it starts
    assert "MIG540" not in {f.code for f in result.findings}


def test_a_heredoc_fed_to_a_shell_behind_clustered_sudo_options_is_translated() -> None:
    # `-Eu root`: u takes root; root was taken for the program, so the script stayed apt-get on Wolfi
    result = migrate("FROM debian:12\nRUN <<EOF sudo -Eu root sh\napt-get update && apt-get install -y curl\nEOF\n"
                     "CMD [\"curl\"]\n")
    assert "apk add --no-cache curl\n" in result.dockerfile and "apt-get" not in result.dockerfile


def test_su_with_clustered_options_names_the_user_not_the_shell() -> None:
    result = migrate("FROM php:8.3-cli\nWORKDIR /var/www\nCOPY . .\nRUN su -ls /bin/sh deploy -c true\n"
                     "CMD [\"php\", \"artisan\", \"serve\"]\n")
    (message,) = [f.message for f in result.findings if f.code == "MIG413"]
    assert "deploy is not" in message and "/bin/sh is not" not in message
    shipped = migrate("FROM php:8.3-cli\nWORKDIR /var/www\nCOPY . .\nRUN su -ls /bin/sh www-data -c true\n"
                      "CMD [\"php\", \"artisan\", \"serve\"]\n")  # php's www-data: the builder creates it
    assert "RUN adduser -D www-data\n" in shipped.dockerfile and "MIG413" not in [f.code for f in shipped.findings]


def test_a_static_server_with_clustered_options_serves_its_directory_not_the_port() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
                     "CMD [\"npx\", \"serve\", \"-sl\", \"3000\", \"build\"]\n")
    assert "COPY --from=builder /app/build /usr/share/nginx/html\n" in result.dockerfile


@pytest.mark.parametrize("install", ["npm ci --omit dev", "npm ci --omit=dev", "npm ci --only production"])
def test_an_install_without_dev_dependencies_is_not_pruned_again(install: str) -> None:
    result = migrate(f"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD [\"node\", \"server.js\"]\n")
    assert "npm prune" not in result.dockerfile and "MIG517" not in {f.code for f in result.findings}


def test_an_install_with_dev_dependencies_is_pruned() -> None:
    # `--omit optional` keeps dev dependencies; `optional` is --omit's value, not a package to install
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit optional\nCMD [\"node\", \"server.js\"]\n")
    assert "RUN npm prune --omit=dev\n" in result.dockerfile
