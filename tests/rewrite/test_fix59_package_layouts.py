"""Debian's configuration layouts of packages whose Wolfi package reads its configuration elsewhere
(rules/package-layouts.yaml; adversary round 11, F13 and F14).

- Debian's nginx reads /etc/nginx/sites-enabled/*; Wolfi's nginx has no sites-* directories and reads conf.d/*.conf:
  `ln -s ... /etc/nginx/sites-enabled/app` failed the build, a site copied to sites-available/default was never read.
- Debian's supervisord reads /etc/supervisor/supervisord.conf, which includes conf.d/*.conf; Wolfi's reads
  /etc/supervisord.conf, which includes nothing: the programs never started, and supervisord forked into the
  background (PID 1 exited).
"""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, messages, migrate

from migrator.model import Options, Severity

INCLUDE = "printf '[include]\\nfiles = /etc/supervisor/conf.d/*.conf\\n' >> /etc/supervisord.conf"
# Debian's nginx.conf, in place of Wolfi's example (no include of conf.d, a server of its own on port 80)
NGINX_CONF = ("printf 'user nobody;\\nworker_processes auto;\\nerror_log stderr notice;\\npid /run/nginx.pid;\\n"
              "events {\\n    worker_connections 768;\\n}\\nhttp {\\n    include /etc/nginx/mime.types;\\n"
              "    default_type application/octet-stream;\\n    sendfile on;\\n    keepalive_timeout 65;\\n"
              "    access_log /dev/stdout;\\n    include /etc/nginx/conf.d/*.conf;\\n}\\n' > /etc/nginx/nginx.conf"
              # and Debian's default site (sites-enabled/default), which serves /var/www/html
              " && mkdir -p /etc/nginx/conf.d && printf 'server {\\n    listen 80 default_server;\\n    server_name _;\\n"
              "    root /var/www/html;\\n    index index.html index.htm;\\n    location / {\\n"
              "        try_files $uri $uri/ =404;\\n    }\\n}\\n' > /etc/nginx/conf.d/default.conf")

UBUNTU_SITE = ("FROM ubuntu:22.04\n"
               "RUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*\n"
               "COPY site.conf /etc/nginx/sites-available/app\n"
               "RUN ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app "
               "&& rm /etc/nginx/sites-enabled/default\n"
               "COPY build/ /var/www/app/\n"
               "EXPOSE 80\n"
               'CMD ["nginx", "-g", "daemon off;"]\n')


def test_a_debian_site_is_written_to_conf_d_and_its_links_are_dropped() -> None:
    result = migrate(UBUNTU_SITE)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 f"RUN apk add --no-cache nginx && {NGINX_CONF}\n"
                                 "COPY site.conf /etc/nginx/conf.d/app.conf\n"
                                 "RUN rm /etc/nginx/conf.d/default.conf\n"
                                 "COPY build/ /var/www/app/\n"
                                 "EXPOSE 80\n"
                                 'CMD ["nginx", "-g", "daemon off;"]\n')
    moved = messages(result, "MIG225")
    assert moved[0].startswith("`printf ... > /etc/nginx/nginx.conf`, `printf ... > /etc/nginx/conf.d/default.conf` "
                               "added: Wolfi's nginx.conf (nginx-mainline-config, nginx's own example) includes no "
                               "conf.d, serves /var/lib/nginx/html")
    assert moved[1].startswith("/etc/nginx/sites-available/app -> /etc/nginx/conf.d/app.conf: ")
    assert any(m.startswith("`ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app` removed") for m in moved)
    assert any(m.startswith("`rm /etc/nginx/sites-enabled/default`: /etc/nginx/sites-enabled/default -> "
                            "/etc/nginx/conf.d/default.conf: ") for m in moved)
    assert "MIG226" not in codes(result)


def test_the_laravel_one_container_site_in_sites_available_default_is_read_from_conf_d(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "nginx.conf").write_text("server { listen 80; root /var/www/html/public; }\n")
    (tmp_path / "docker" / "supervisord.conf").write_text("[supervisord]\nnodaemon=true\n[program:fpm]\n"
                                                         "command=php-fpm -F\n")
    text = ("FROM php:8.2-fpm\n"
            "RUN apt-get update && apt-get install -y nginx supervisor && docker-php-ext-install pdo_mysql\n"
            "WORKDIR /var/www/html\n"
            "COPY . .\n"
            "COPY docker/nginx.conf /etc/nginx/sites-available/default\n"
            "COPY docker/supervisord.conf /etc/supervisor/conf.d/supervisord.conf\n"
            "EXPOSE 80\n"
            'CMD ["/usr/bin/supervisord", "-c", "/etc/supervisor/conf.d/supervisord.conf"]\n')
    result = migrate(text, Options(context=tmp_path))
    out = result.dockerfile
    assert "COPY docker/nginx.conf /etc/nginx/conf.d/default.conf\n" in out
    assert "sites-" not in out
    assert (f"RUN apk add --no-cache nginx supervisor && apk add --no-cache php-pdo_mysql && {NGINX_CONF}\n"
            in out)
    # supervisord's start command names its own file, which sets nodaemon: the line stays, nothing is included
    assert out.endswith('CMD ["/usr/bin/supervisord", "-c", "/etc/supervisor/conf.d/supervisord.conf"]\n')
    assert INCLUDE not in out
    assert messages(result, "MIG225")[1] == (
        "/etc/nginx/sites-available/default -> /etc/nginx/conf.d/default.conf: Debian's nginx reads "
        "/etc/nginx/sites-enabled/*; Wolfi's nginx has no sites-available or sites-enabled and reads "
        "/etc/nginx/conf.d/*.conf")


def test_a_site_file_copied_into_the_directory_keeps_its_name_with_the_conf_suffix() -> None:
    text = ("FROM debian:12\n"
            "RUN apt-get update && apt-get install -y nginx-light\n"
            "COPY default.conf /etc/nginx/sites-enabled/\n"
            "COPY shop.example.org /etc/nginx/sites-available/shop.example.org\n"
            "RUN rm -f /etc/nginx/sites-enabled/default /tmp/setup\n"
            'CMD ["nginx", "-g", "daemon off;"]\n')
    out = migrate(text).dockerfile
    assert "COPY default.conf /etc/nginx/conf.d/default.conf\n" in out
    assert f"RUN apk add --no-cache nginx && {NGINX_CONF}\n" in out  # (Debian's nginx-light is Wolfi's nginx)
    assert "COPY shop.example.org /etc/nginx/conf.d/shop.example.org.conf\n" in out
    assert "RUN rm -f /etc/nginx/conf.d/default.conf /tmp/setup\n" in out


def test_a_debian_nginx_serving_var_www_html_gets_debians_configuration() -> None:
    text = ("FROM debian:bookworm-slim\n"
            "RUN apt-get update \\\n"
            "    && apt-get install -y nginx\n"
            "COPY public/ /var/www/html/\n"
            'CMD ["nginx", "-g", "daemon off;"]\n')
    result = migrate(text)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 # (debian:bookworm's time zone database, MIG317)
                                 "COPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n"
                                 f"RUN apk add --no-cache nginx && {NGINX_CONF}\n"
                                 "COPY public/ /var/www/html/\n"
                                 'CMD ["nginx", "-g", "daemon off;"]\n')
    started = migrate(text.replace('CMD ["nginx", "-g", "daemon off;"]', 'CMD ["nginx", "-c", "/app/nginx.conf"]'))
    assert "printf" not in started.dockerfile  # its own configuration: Wolfi's files are not read


def test_a_directory_of_sites_is_an_error_and_stays_as_written(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "app").write_text("server { listen 80; }\n")
    text = ("FROM ubuntu:24.04\n"
            "RUN apt-get update && apt-get install -y nginx\n"
            "COPY sites/ /etc/nginx/sites-available/\n"
            'CMD ["nginx", "-g", "daemon off;"]\n')
    result = migrate(text, Options(context=tmp_path))
    assert "COPY sites/ /etc/nginx/sites-available/\n" in result.dockerfile
    assert errors(result, "MIG226")[0].startswith("/etc/nginx/sites-available/: Debian's nginx reads")


def test_a_stage_with_its_own_nginx_conf_keeps_the_debian_directories_with_an_error() -> None:
    text = ("FROM ubuntu:22.04\n"
            "RUN apt-get update && apt-get install -y nginx\n"
            "COPY nginx.conf /etc/nginx/nginx.conf\n"
            "COPY app.conf /etc/nginx/sites-available/app.conf\n"
            "RUN ln -s /etc/nginx/sites-available/app.conf /etc/nginx/sites-enabled/\n"
            'CMD ["nginx", "-g", "daemon off;"]\n')
    result = migrate(text)
    assert "COPY app.conf /etc/nginx/sites-available/app.conf\n" in result.dockerfile
    assert "RUN ln -s /etc/nginx/sites-available/app.conf /etc/nginx/sites-enabled/\n" in result.dockerfile
    # the COPY makes sites-available itself; the ln fails for want of sites-enabled (review 18, S18-2)
    assert [f.line for f in result.findings if f.code == "MIG226" and f.severity is Severity.ERROR] == [5]
    assert errors(result, "MIG226")[0].startswith("/etc/nginx/sites-enabled left as written")


PYTHON_SUPERVISOR = ("FROM python:3.11-slim\n"
                     "RUN apt-get update && apt-get install -y --no-install-recommends supervisor "
                     "&& rm -rf /var/lib/apt/lists/*\n"
                     "WORKDIR /app\n"
                     "COPY . .\n"
                     "COPY docker/app.conf /etc/supervisor/conf.d/app.conf\n"
                     "EXPOSE 8000\n"
                     'CMD ["/usr/bin/supervisord"]\n')


def test_supervisor_reads_the_debian_conf_d_and_stays_in_the_foreground() -> None:
    result = migrate(PYTHON_SUPERVISOR)
    out = result.dockerfile
    assert f"RUN apk add --no-cache supervisor && {INCLUDE}\n" in out
    assert "COPY docker/app.conf /etc/supervisor/conf.d/app.conf\n" in out
    assert out.endswith('CMD ["/usr/bin/supervisord", "-n"]\n')
    moved = messages(result, "MIG225")
    assert moved[0].startswith("`printf ... >> /etc/supervisord.conf` added: ")
    assert moved[1].startswith("-n added to `/usr/bin/supervisord`: no file the stage copies sets nodaemon=true")


def test_supervisor_is_not_told_n_when_the_copied_file_sets_nodaemon(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "app.conf").write_text("[supervisord]\nnodaemon = true\n\n[program:web]\ncommand=gunicorn\n")
    result = migrate(PYTHON_SUPERVISOR, Options(context=tmp_path))
    assert result.dockerfile.endswith('CMD ["/usr/bin/supervisord"]\n')
    assert INCLUDE in result.dockerfile


def test_the_debian_main_supervisor_config_moves_to_wolfis_path_in_the_copy_and_the_start_command() -> None:
    text = ("FROM debian:bookworm-slim\n"
            "RUN apt-get update && apt-get install -y supervisor\n"
            "COPY supervisord.conf /etc/supervisor/supervisord.conf\n"
            "COPY programs/ /etc/supervisor/conf.d/\n"
            "CMD supervisord -c /etc/supervisor/supervisord.conf\n")
    result = migrate(text)
    out = result.dockerfile
    assert "COPY supervisord.conf /etc/supervisord.conf\n" in out
    assert "COPY programs/ /etc/supervisor/conf.d/\n" in out  # the own main file includes it
    assert "printf" not in out
    assert out.endswith("CMD supervisord -n -c /etc/supervisord.conf\n")
    assert codes(result).count("MIG225") == 3


def test_packages_installed_otherwise_are_left_alone() -> None:
    # (Alpine's supervisor.d was left alone here too, but Wolfi's supervisord.conf does not include it: G3 of
    # adversary round 12, tests/rewrite/test_fix72_layouts.py)
    no_nginx = ("FROM debian:12\n"
                "RUN apt-get update && apt-get install -y curl\n"
                "COPY site /etc/nginx/sites-available/site\n")
    result = migrate(no_nginx)
    assert "COPY site /etc/nginx/sites-available/site\n" in result.dockerfile
    assert "MIG225" not in codes(result)


def test_every_row_names_a_wolfi_package_and_absolute_paths() -> None:
    from migrator.rules.data import builtin_data
    from migrator.rules.loader import builtin_rules_dir

    wolfi = set((builtin_rules_dir() / "wolfi" / "packages.txt").read_text().split())
    wolfi |= {line.split("\t")[0] for line in (builtin_rules_dir() / "wolfi" / "provides.tsv").read_text().splitlines()}
    rows = builtin_data("package-layouts.yaml")["package_layouts"]
    assert {row["package"] for row in rows} == {"nginx", "supervisor"}
    for row in rows:
        assert row["package"] in wolfi
        moved = [*(row.get("directories") or []), *(row.get("files") or [])]
        assert (moved or row.get("config")) and all(m["from"].startswith("/etc/") and m["to"].startswith("/etc/") for m in moved)
