"""Review 21 S21-1 and S21-5: what an entrypoint script runs, and a setup script the runtime drops.

S21-1: a kept start script named by its bare name (`ENTRYPOINT ["entrypoint.sh"]`, found on the PATH) ran
usermod and groupadd (Wolfi's shadow; busybox has adduser/addgroup only): the stage kept on wolfi-base installed
nothing, and no finding said the container exits at start. The script is now read where exec finds it, and
shadow's commands are in rules/tools.yaml: installed where the runtime has apk, E MIG563 (W MIG564 when the step
is guarded) where it has not.
S21-5: a php-fpm image whose ENTRYPOINT script writes a config file, then `exec "$@"`: the php-fpm runtime starts
php-fpm itself and never runs the script, with no finding at all. The setup it loses is now E MIG248 (W MIG249
when the script cannot be read)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, final_stage, messages, migrate

DEBIAN = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends openssh-client "
          "&& rm -rf /var/lib/apt/lists/*\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"entrypoint.sh\"]\n"
          'CMD ["sleep", "infinity"]\n')
ACCOUNTS = '#!/bin/sh\nset -e\nusermod -u 1000 nobody\ngroupadd -g 2000 extra\nexec "$@"\n'


def _context(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


def test_a_kept_script_found_on_the_path_gets_the_package_of_what_it_runs(tmp_path: Path) -> None:
    result = migrate(DEBIAN, context=_context(tmp_path, "entrypoint.sh", ACCOUNTS))
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 "RUN apk add --no-cache openssh-client shadow tzdata\n"
                                 "COPY entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"entrypoint.sh\"]\n"
                                 'CMD ["sleep", "infinity"]\n')
    assert "MIG313" in codes(result) and not codes(result, "error")
    assert result.runtime is not None and result.runtime.status == "single-stage"


NODE = ('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCOPY entrypoint.sh /entrypoint.sh\n'
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["node", "server.js"]\n')


def _node_context(tmp_path: Path, script: str) -> Path:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    return _context(tmp_path, "entrypoint.sh", script)


def test_a_kept_script_on_a_runtime_without_apk_that_runs_usermod_cannot_start(tmp_path: Path) -> None:
    result = migrate(NODE, context=_node_context(tmp_path, '#!/bin/sh\nset -e\nusermod -u 1000 node\nexec "$@"\n'))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest\n") and 'ENTRYPOINT ["/entrypoint.sh"]' in runtime
    assert "shadow" not in runtime
    [message] = errors(result, "MIG563")
    assert message.startswith("the start script `/entrypoint.sh` runs `usermod`, which node:latest does not have "
                              "(Wolfi package shadow): the container fails at start")
    assert result.runtime is not None and (result.runtime.status, result.runtime.reason) == ("broken", message)


def test_a_guarded_usermod_is_a_warning(tmp_path: Path) -> None:
    script = '#!/bin/sh\nset -e\nif command -v usermod >/dev/null; then usermod -u 1000 node; fi\nexec "$@"\n'
    result = migrate(NODE, context=_node_context(tmp_path, script))
    assert "MIG563" not in codes(result)
    [message] = messages(result, "MIG564")
    assert "runs `usermod`, which node:latest does not have (Wolfi package shadow)" in message
    assert result.runtime is not None and result.runtime.status == "shell-kept"


FPM = ('FROM php:8.3-fpm-alpine\nCOPY index.php /var/www/html/index.php\nCOPY docker-entrypoint.sh '
       '/docker-entrypoint.sh\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["php-fpm"]\n')
SECRET = ('#!/bin/sh\nset -e\nmkdir -p /etc/app\necho "<?php \\$secret = \\"$(head -c 16 /dev/urandom | od -An '
          '-tx1 | tr -d \\" \\\\n\\")\\";" > /etc/app/secret.php\nexec "$@"\n')


def _fpm_context(tmp_path: Path, script: str | None) -> Path:
    (tmp_path / "index.php").write_text('<?php require "/etc/app/secret.php"; echo $secret;\n')
    if script is not None:
        (tmp_path / "docker-entrypoint.sh").write_text(script)
    return tmp_path


def test_the_setup_a_dropped_php_fpm_entrypoint_did_is_an_error(tmp_path: Path) -> None:
    result = migrate(FPM, context=_fpm_context(tmp_path, SECRET))
    assert final_stage(result) == ("cgr.dev/chainguard/php:latest-fpm\n"
                                   "COPY --from=builder /var/www/html/index.php /var/www/html/index.php\n"
                                   "COPY --from=builder /docker-entrypoint.sh /docker-entrypoint.sh\nEXPOSE 9000\n")
    [message] = errors(result, "MIG248")
    assert message.startswith("`/docker-entrypoint.sh` (not run: the php-fpm image starts php-fpm itself) did this "
                              "at every start, which the runtime does not: `mkdir -p /etc/app`; `echo ")
    assert "(it writes /etc/app/secret.php)" in message and "`head" not in message and "`exec" not in message
    assert [f.line for f in result.findings if f.code == "MIG248"] == [4]
    # php-fpm starts; the error says what is lost (often optional setup: not a start failure that refuses the file)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_env_to_config_and_exports_are_setup_too(tmp_path: Path) -> None:
    script = ('#!/bin/sh\nset -e\necho "starting" >&2\nenvsubst < /etc/app.tmpl > /usr/local/etc/php-fpm.d/app.conf'
              '\nexport APP_ENV=prod\nexec "$@"\n')
    result = migrate(FPM, context=_fpm_context(tmp_path, script))
    [message] = errors(result, "MIG248")
    assert ("`envsubst < /etc/app.tmpl > /usr/local/etc/php-fpm.d/app.conf`; `export APP_ENV=prod` (it writes "
            "/usr/local/etc/php-fpm.d/app.conf)") in message and "starting" not in message


def test_a_script_that_only_hands_over_is_said_to_be_dropped(tmp_path: Path) -> None:
    script = '#!/bin/sh\nset -e\nif [ "${1#-}" != "$1" ]; then\n\tset -- php-fpm "$@"\nfi\necho hello\nexec "$@"\n'
    result = migrate(FPM, context=_fpm_context(tmp_path, script))
    assert "MIG248" not in codes(result) and "MIG249" not in codes(result) and not codes(result, "error")
    [message] = messages(result, "MIG545")
    assert message.endswith("; /docker-entrypoint.sh is not run, and does no other setup at start")
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_dropped_script_this_tool_cannot_read_is_a_warning(tmp_path: Path) -> None:
    result = migrate(FPM, context=_fpm_context(tmp_path, None))
    [message] = messages(result, "MIG249")
    assert message.startswith("`/docker-entrypoint.sh` (not run: the php-fpm image starts php-fpm itself) is "
                              "dropped, and this tool could not read it")
    assert "warning" in [f.severity.value for f in result.findings if f.code == "MIG249"]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_docker_hubs_own_entrypoint_is_dropped_silently() -> None:
    result = migrate('FROM php:8.3-fpm\nENTRYPOINT ["docker-php-entrypoint"]\nCMD ["php-fpm"]\n')
    assert "MIG248" not in codes(result) and "MIG249" not in codes(result)
