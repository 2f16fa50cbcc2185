"""Review 20 S20-7: the start script the php-fpm runtime drops put the application in place.

Docker Hub's application images (matomo) unpack the app into /usr/src/<app> and their entrypoint copies it into the
docroot volume at the first start. On the php-fpm runtime the ENTRYPOINT is dropped (MIG545: the image starts
php-fpm itself), and the runtime had an empty /var/www/html with only info findings. A plain copy of a directory
the stage makes is now done by a COPY (I MIG323); what no COPY can do is E MIG324. A start script that stays
(a runtime with a shell) gets the directory it copies from."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, errors, final_stage, messages, migrate

from migrator.api import start_error

FPM = ('FROM php:8.3-fpm-alpine\nRUN set -ex; \\\n\tcurl -fsSL -o app.tar.gz "https://example.invalid/app-1.0.tar.gz"; '
       '\\\n\ttar -xzf app.tar.gz -C /usr/src/; \\\n\trm app.tar.gz\nCOPY docker-entrypoint.sh /entrypoint.sh\n'
       'VOLUME /var/www/html\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["php-fpm"]\n')
SEED = ("#!/bin/sh\nset -e\nif [ ! -e index.php ]; then\n\t{line}\nfi\nexec \"$@\"\n")


def _context(tmp_path: Path, line: str) -> Path:
    (tmp_path / "docker-entrypoint.sh").write_text(SEED.format(line=line))
    return tmp_path


@pytest.mark.parametrize(("line", "source"), [
    ("tar cf - --one-file-system -C /usr/src/app . | tar xf -", "/usr/src/app"),
    ("cp -a /usr/src/app/. /var/www/html/", "/usr/src/app"),
    ("cd /var/www/html && rsync -a /usr/src/app/ ./ && chown -R www-data .", "/usr/src/app"),
])
def test_a_plain_copy_of_the_app_into_the_docroot_is_done_by_the_runtime(tmp_path: Path, line: str,
                                                                          source: str) -> None:
    result = migrate(FPM, context=_context(tmp_path, line))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/php:latest-fpm\n")
    assert runtime.index("COPY --from=builder --chown=65532:65532 /var/www/html /var/www/html\n") < runtime.index(
        f"COPY --from=builder --chown=65532:65532 {source} /var/www/html\n")  # (over what the stage put there)
    [message] = messages(result, "MIG323")
    assert message.startswith(f"/entrypoint.sh (not run: the php-fpm image starts php-fpm itself) copied {source} "
                              "into /var/www/html at start")
    assert "MIG324" not in codes(result) and not codes(result, "error")
    assert result.runtime is not None and result.runtime.status == "ok"


@pytest.mark.parametrize(("line", "said"), [
    ("rsync -a --exclude=config /usr/src/app/ /var/www/html/", "no plain copy of a directory"),
    ("tar xzf /usr/src/app.tar.gz -C /var/www/html", "/usr/src/app.tar.gz into /var/www/html"),
    ("cp -a /opt/elsewhere/. /var/www/html/", "no line of the stage makes /opt/elsewhere"),
])
def test_what_no_copy_can_do_is_an_error_that_the_app_is_missing(tmp_path: Path, line: str, said: str) -> None:
    result = migrate(FPM, context=_context(tmp_path, line))
    [message] = errors(result, "MIG324")
    assert said in message and "/var/www/html has no application in the runtime" in message
    assert "/usr/src/app /var/www/html" not in final_stage(result) and "MIG323" not in codes(result)
    # a runtime with no application is no migration to offer: printing and --write give the file as it was
    assert result.runtime is not None and (result.runtime.status, result.runtime.reason) == ("broken", message)
    assert start_error(result) is not None and start_error(result).code == "MIG324"


def test_a_script_that_seeds_nothing_is_dropped_as_before(tmp_path: Path) -> None:
    result = migrate(FPM, context=_context(tmp_path, "echo first start"))
    assert "MIG545" in codes(result) and "MIG323" not in codes(result) and "MIG324" not in codes(result)
    assert "/usr/src" not in final_stage(result)


def test_without_the_script_on_disk_nothing_is_said(tmp_path: Path) -> None:
    result = migrate(FPM, context=tmp_path)
    assert "MIG323" not in codes(result) and "MIG324" not in codes(result)


NODE = ("FROM node:20-alpine\nRUN curl -fsSL -o app.tar.gz https://example.invalid/a.tgz && tar -xzf app.tar.gz "
        "-C /usr/src/ && rm app.tar.gz\nCOPY docker-entrypoint.sh /entrypoint.sh\nWORKDIR /srv\n"
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["node", "server.js"]\n')


def test_a_start_script_the_runtime_keeps_gets_the_directory_it_seeds_from(tmp_path: Path) -> None:
    result = migrate(NODE, context=_context(tmp_path, "tar cf - -C /usr/src/app . | tar xf -"))
    runtime = final_stage(result)
    assert 'ENTRYPOINT ["/entrypoint.sh"]' in runtime
    assert "COPY --from=builder /usr/src/app /usr/src/app\n" in runtime
    assert result.runtime is not None and result.runtime.status == "shell-kept"
