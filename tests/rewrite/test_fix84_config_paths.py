"""Adversary round 14, H2 and H3: a config file the final stage copies from the build context names a path the
migration renames (rules/dockerhub.yaml renamed_paths): nginx's `proxy_cache_path /var/cache/nginx/api` (Chainguard's
nginx has no /var/cache/nginx and uid 65532 cannot create it: nginx stops at start), php-fpm.conf's
`include=/usr/local/etc/php-fpm.d/*.conf` (the pool moved to /etc/php/php-fpm.d: no pool, php-fpm stops). The
output kept them silently, status ok. Now the builder renames the path in its copy (I MIG578), or, with no builder
to do it, E MIG579 names the file, the line and the path."""

from __future__ import annotations

from pathlib import Path

from migration_tools import builder_stage, codes, errors, final_stage, messages, migrate, status

from migrator.model import Severity

_NGINX = ("FROM nginx:1.27-alpine\nCOPY default.conf /etc/nginx/conf.d/default.conf\n"
          "COPY static/ /usr/share/nginx/html/\nEXPOSE 8080\n")
_CACHE = ("proxy_cache_path /var/cache/nginx/api levels=1:2 keys_zone=api:10m;\n"
          "# proxy_temp_path /var/cache/nginx/old;\n"
          "server {\n    listen 8080;\n    client_body_temp_path /var/cache/nginx/client_temp;\n"
          "    location / { proxy_cache api; proxy_pass http://backend:3000/; }\n}\n")
_SED_CACHE = ("RUN sed -i -E -e ':a' -e 's#(^|[^[:alnum:]_/.-])/var/cache/nginx([^[:alnum:]_.-]|$)#"
              "\\1/var/lib/nginx/tmp\\2#' -e 'ta' /etc/nginx/conf.d/nginx.default.conf\n")


def _nginx_context(tmp_path: Path, conf: str) -> Path:
    (tmp_path / "default.conf").write_text(conf)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.html").write_text("hi\n")
    return tmp_path


def test_nginx_cache_and_temp_paths_are_renamed_in_the_builders_copy(tmp_path: Path) -> None:
    result = migrate(_NGINX, context=_nginx_context(tmp_path, _CACHE))
    builder = builder_stage(result)
    assert "USER root\n" + _SED_CACHE + "\n#" in builder
    assert ("COPY --from=builder /etc/nginx/conf.d/nginx.default.conf /etc/nginx/conf.d/nginx.default.conf\n"
            in final_stage(result))
    found = messages(result, "MIG578")
    assert found == ["default.conf (line 1: /var/cache/nginx) names a path the Chainguard image keeps elsewhere: the "
                     "builder renames it in its copy, /etc/nginx/conf.d/nginx.default.conf (/var/cache/nginx -> "
                     "/var/lib/nginx/tmp), which the runtime takes; change it in your file too"]
    assert "MIG578" in codes(result, Severity.INFO) and "MIG579" not in codes(result)
    assert (tmp_path / "default.conf").read_text() == _CACHE  # (the user's file is left as it is)
    assert status(result) == "ok"


def test_a_full_nginx_conf_with_temp_paths(tmp_path: Path) -> None:
    (tmp_path / "nginx.conf").write_text(
        "pid /var/run/nginx.pid;\nevents {}\nhttp {\n    client_body_temp_path /var/cache/nginx/client_temp;\n"
        "    proxy_temp_path /var/cache/nginx/proxy_temp;\n    server { listen 8080; }\n}\n")
    result = migrate("FROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\nEXPOSE 8080\n", context=tmp_path)
    assert "/var/lib/nginx/tmp\\2#' -e 'ta' /etc/nginx/nginx.conf\n" in builder_stage(result)
    assert messages(result, "MIG578")[0].startswith("nginx.conf (line 4: /var/cache/nginx)")
    assert "/var/run" not in "".join(messages(result, "MIG578"))  # (/var/run is there, and 65532's)
    assert status(result) == "ok"


def test_a_conf_that_names_no_renamed_path_gets_no_step(tmp_path: Path) -> None:
    result = migrate(_NGINX, context=_nginx_context(tmp_path, _CACHE.replace("/var/cache/nginx", "/var/lib/nginx/tmp")))
    assert "sed -i" not in result.dockerfile
    assert "MIG578" not in codes(result) and "MIG579" not in codes(result)
    assert status(result) == "ok"


def test_without_the_context_nothing_is_read() -> None:
    result = migrate(_NGINX)
    assert "MIG578" not in codes(result) and "MIG579" not in codes(result)


_PHP = ("FROM php:8.3-fpm\nRUN docker-php-ext-install pdo_mysql opcache\n"
        "COPY docker/php-fpm.conf /usr/local/etc/php-fpm.conf\nCOPY docker/pool.conf /usr/local/etc/php-fpm.d/www.conf\n"
        "COPY . /var/www/html\nEXPOSE 9000\n")


def test_php_fpm_include_of_the_moved_pool_directory_is_renamed(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    conf = "[global]\nerror_log = /proc/self/fd/2\ndaemonize = no\ninclude=/usr/local/etc/php-fpm.d/*.conf\n"
    (tmp_path / "docker" / "php-fpm.conf").write_text(conf)
    (tmp_path / "docker" / "pool.conf").write_text("[www]\nlisten = 9000\npm = static\npm.max_children = 2\n")
    (tmp_path / "index.php").write_text("<?php\n")
    result = migrate(_PHP, context=tmp_path)
    builder = builder_stage(result)
    step = ("RUN sed -i -E -e ':a' -e 's#(^|[^[:alnum:]_/.-])/usr/local/etc/php-fpm\\.d([^[:alnum:]_.-]|$)#"
            "\\1/etc/php/php-fpm.d\\2#' -e 'ta' /etc/php/php-fpm.conf\n")
    assert step in builder
    assert builder.index(step) < builder.index("/runtime-libs")  # (before the runtime's files are gathered)
    assert "COPY --from=builder /runtime-libs/etc/php/ /etc/php/\n" in final_stage(result)
    assert messages(result, "MIG578")[0].startswith("docker/php-fpm.conf (line 4: /usr/local/etc/php-fpm.d)")
    assert "MIG579" not in codes(result)
    assert (tmp_path / "docker" / "php-fpm.conf").read_text() == conf
    assert status(result) == "ok"


def test_without_a_builder_to_rename_it_an_error_names_the_file_the_line_and_the_path(tmp_path: Path) -> None:
    (tmp_path / "default.conf").write_text(_CACHE)
    text = ("FROM nginx:1.27\nCOPY default.conf /etc/nginx/conf.d/default.conf\n"
            "RUN apt-get update && apt-get install -y supervisor\nCMD [\"supervisord\"]\n")
    result = migrate(text, context=tmp_path)
    assert "sed -i" not in result.dockerfile
    assert errors(result, "MIG579") == [
        "default.conf (line 1: /var/cache/nginx) names a path the Chainguard image does not have (it keeps it "
        "elsewhere), and no builder holds the file to rename it: the program stops at start; replace "
        "/var/cache/nginx with /var/lib/nginx/tmp in the file"]
    assert "MIG578" not in codes(result)
    assert status(result) == "broken"


def test_php_fpm_log_and_pid_under_docker_hubs_prefix_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "php-fpm.conf").write_text(
        "[global]\n; pid = /usr/local/var/run/old.pid\nerror_log = /usr/local/var/log/php-fpm.log\n"
        "include=/etc/php/php-fpm.d/*.conf\n")
    (tmp_path / "docker" / "pool.conf").write_text("[www]\nlisten = 9000\npm = static\npm.max_children = 2\n")
    (tmp_path / "index.php").write_text("<?php\n")
    result = migrate(_PHP, context=tmp_path)
    assert errors(result, "MIG579") == [
        "docker/php-fpm.conf (line 3: /usr/local/var) names a path the Chainguard image does not have: Docker Hub "
        "php-fpm's prefix, where its log and pid files were, and uid 65532 cannot create it: php-fpm stops at start "
        "(it cannot open the file); log to /proc/self/fd/2 (error_log, access.log) and leave pid unset, or name a "
        "directory the image has"]
    assert "MIG578" not in codes(result) and "sed -i" not in result.dockerfile
    assert status(result) == "broken"


def test_with_the_listen_80_rewrite_the_builder_switches_to_root_once(tmp_path: Path) -> None:
    conf = _CACHE.replace("listen 8080;", "listen 80;")
    result = migrate(_NGINX.replace("EXPOSE 8080", "EXPOSE 80"), context=_nginx_context(tmp_path, conf))
    builder = builder_stage(result)
    assert builder.count("USER root\n") == 1
    assert builder.index("listen[[:space:]]+") < builder.index("/var/lib/nginx/tmp\\2#")
    assert "MIG520" in codes(result) and "MIG578" in codes(result)
    assert status(result) == "ok"
