"""Re-judge 20 R20-1 and R20-5: two silent build failures that something else in the Dockerfile switched off.

R20-1: `PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] ...)" && cp "$PYBIN" ...` is E MIG412 (Wolfi's python is
/usr/bin/python3.X: PYBIN is empty, `cp ""` stops the build), but a later `&& echo built > /etc/motd` in the same
RUN hid it: tree-sitter-bash parses `a && b && echo x > f` as the whole list redirected, and a list under a
redirect read as a conditional assignment. The redirect belongs to the last command and never undoes the
assignment; a test's `[ -d /usr/local/bin ]` is no `unzip -d` that unpacked into the directory either.

R20-5: on php:latest-fpm-dev (no curl) a RUN that runs curl gets `apk add --no-cache curl`; an earlier
`docker-php-ext-install` (or `pecl install`) RUN, rewritten whole into `apk add --no-cache php-zip`, took the
tools and dropped them (they were added to the words its new text replaced): `curl: not found`, no finding."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, migrate, status

LISTING = 'PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] 2>/dev/null | head -n1)"'
COPY = 'cp "$PYBIN" /usr/local/bin/python3-cap'
PGADMIN = ('FROM python:3.12-alpine\nRUN apk add --no-cache bash libcap\nCOPY entrypoint.sh /entrypoint.sh\n'
           f'RUN {LISTING} && \\\n    {COPY} && \\\n'
           '    setcap CAP_NET_BIND_SERVICE=+eip /usr/local/bin/python3-cap && \\\n'
           '    echo "built" > /etc/motd\nENTRYPOINT ["/entrypoint.sh"]\n')


def test_a_later_redirect_in_the_run_does_not_hide_the_empty_variable() -> None:
    result = migrate(PGADMIN)
    [message] = errors(result, "MIG412")
    assert message.startswith(f'`{COPY}` left as written: "$PYBIN" is empty there')
    assert f"RUN {LISTING} && \\\n    {COPY} && \\\n" in result.dockerfile
    assert '    echo "built" > /etc/motd\n' in result.dockerfile
    assert status(result) == "single-stage"


STAGE = 'FROM python:3.12-slim\n{run}\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n'


@pytest.mark.parametrize("run", [
    f"RUN {LISTING}; {COPY}; echo built > /etc/motd",
    f"RUN {LISTING} && {COPY} | tee /tmp/log && echo built >> /etc/motd",
    f"RUN ({LISTING} && {COPY}) > /tmp/log 2>&1",
    f"RUN if [ -d /usr/local/bin ]; then {LISTING}; {COPY}; fi > /tmp/log",
    f"RUN for i in 1; do {LISTING}; {COPY}; done > /tmp/log",
    f"RUN {LISTING} && cat > /etc/motd <<EOF && {COPY}\nbuilt\nEOF",
])
def test_what_follows_or_wraps_the_copy_does_not_matter(run: str) -> None:
    result = migrate(STAGE.format(run=run))
    [message] = errors(result, "MIG412")
    assert '"$PYBIN" is empty there' in message
    assert run.removeprefix("RUN ") in result.dockerfile  # (left as written)
    assert status(result) == "ok"


@pytest.mark.parametrize("run", [
    f"RUN if {LISTING}; then {COPY}; fi > /tmp/log",  # (the condition: cp runs only where ls printed)
    f"RUN if [ -d /x ]; then {LISTING}; else {COPY}; fi > /tmp/log",  # (another branch)
    f"RUN {LISTING} || true && {COPY} > /tmp/log",
    f"RUN {LISTING} | cat && {COPY} > /tmp/log",  # (a pipeline's assignment is its own)
])
def test_an_assignment_the_copy_may_not_see_is_still_not_judged(run: str) -> None:
    result = migrate(STAGE.format(run=run))
    assert "MIG412" not in codes(result) and "MIG424" not in codes(result)


PHP = 'FROM php:8.3-fpm-alpine\n{before}\nRUN curl -fsSL -o /tmp/app.tar.gz "https://example.invalid/app.tar.gz"\n'


@pytest.mark.parametrize(("before", "installed"), [
    ("RUN docker-php-ext-install zip", "RUN apk add --no-cache php-zip curl\n"),
    ("RUN pecl install redis && docker-php-ext-enable redis", "RUN apk add --no-cache php-8.5-redis curl\n"),
    ("RUN docker-php-ext-install zip\nRUN docker-php-ext-install gd",
     "RUN apk add --no-cache php-zip curl\nRUN apk add --no-cache php-gd\n"),
])
def test_an_extension_install_before_the_curl_run_installs_curl_too(before: str, installed: str) -> None:
    result = migrate(PHP.format(before=before))
    assert installed in result.dockerfile
    assert '\nRUN curl -fsSL -o /tmp/app.tar.gz "https://example.invalid/app.tar.gz"\n' in result.dockerfile
    assert "curl added to apk add" in " ".join(f.message for f in result.findings if f.code == "MIG313")
    assert "MIG314" not in codes(result) and not codes(result, "error")
    assert status(result) == "ok"


def test_the_curl_in_the_extension_run_itself_is_installed_before_it() -> None:
    result = migrate('FROM php:8.3-fpm\nRUN docker-php-ext-install zip && curl -fsSLo /tmp/a.tgz https://x.invalid/a\n')
    assert "\nRUN apk add --no-cache php-zip curl && curl -fsSLo /tmp/a.tgz https://x.invalid/a\n" in result.dockerfile
    assert "MIG313" in codes(result) and status(result) == "ok"


@pytest.mark.parametrize(("source", "before"), [
    ("node:20-alpine", "RUN npm install -g pnpm"),
    ("ruby:3.3-alpine", "RUN gem install bundler"),
])
def test_other_dev_images_install_curl_after_their_own_installs(source: str, before: str) -> None:
    result = migrate(f"FROM {source}\n{before}\nRUN curl -fsSLo /tmp/a.tgz https://x.invalid/a\nCMD [\"true\"]\n")
    assert "\nRUN apk add --no-cache curl && curl -fsSLo /tmp/a.tgz https://x.invalid/a\n" in result.dockerfile
    assert "MIG313" in codes(result)
