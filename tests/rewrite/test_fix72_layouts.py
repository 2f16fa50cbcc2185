"""Configuration layouts on Wolfi, round 3 (review 18 S18-2, adversary round 12 G3 and G9).

- A COPY/ADD into Debian's nginx site directories makes the directory itself: no E MIG226 for it, even when the
  stage writes its own nginx.conf; a RUN that links into a directory nothing made keeps the error, naming it.
- `supervisord -c /etc/supervisor/supervisord.conf` becomes Wolfi's /etc/supervisord.conf, which includes
  nothing: the include of conf.d is appended as for the form without -c.
"""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, migrate

from migrator.model import Severity

OWN_NGINX = ("FROM debian:bookworm-slim\n"
             "RUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*\n"
             "COPY nginx.conf /etc/nginx/nginx.conf\n")


def test_a_copy_into_sites_enabled_is_no_error_when_the_stage_writes_its_own_nginx_conf() -> None:
    text = OWN_NGINX + ("COPY app.conf /etc/nginx/sites-enabled/app.conf\n"
                        "ADD api.conf /etc/nginx/sites-available/\n"
                        'CMD ["nginx", "-g", "daemon off;"]\n')
    result = migrate(text)
    assert "COPY app.conf /etc/nginx/sites-enabled/app.conf\n" in result.dockerfile
    assert "COPY api.conf /etc/nginx/sites-available/\n" in result.dockerfile  # (ADD of a local file: COPY)
    assert "MIG226" not in codes(result)


def test_a_link_into_a_directory_nothing_made_names_that_directory() -> None:
    text = OWN_NGINX + ("COPY app /etc/nginx/sites-available/app\n"
                        "RUN ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app\n"
                        'CMD ["nginx", "-g", "daemon off;"]\n')
    result = migrate(text)
    assert "RUN ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app\n" in result.dockerfile
    found = [f for f in result.findings if f.code == "MIG226"]
    assert [(f.line, f.severity) for f in found] == [(5, Severity.ERROR)]
    assert found[0].message.startswith("/etc/nginx/sites-enabled left as written")
    assert "mkdir -p /etc/nginx/sites-enabled`" in found[0].message
    assert "sites-available" not in found[0].message.split(";")[-1]


def test_a_link_after_its_mkdir_is_no_error() -> None:
    text = OWN_NGINX + ("COPY app /etc/nginx/sites-available/app\n"
                        "RUN mkdir -p /etc/nginx/sites-enabled \\\n"
                        " && ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app\n"
                        'CMD ["nginx", "-g", "daemon off;"]\n')
    assert "MIG226" not in codes(migrate(text))


DEBIAN_INCLUDE = "printf '[include]\\nfiles = /etc/supervisor/conf.d/*.conf\\n' >> /etc/supervisord.conf"
ALPINE_INCLUDE = "printf '[include]\\nfiles = /etc/supervisor.d/*.ini\\n' >> /etc/supervisord.conf"


def test_supervisord_started_with_debians_config_named_gets_the_include() -> None:
    for start in ('CMD ["/usr/bin/supervisord", "-c", "/etc/supervisor/supervisord.conf"]\n',
                  "CMD supervisord --configuration=/etc/supervisor/supervisord.conf -n\n",
                  'CMD ["supervisord"]\n'):
        text = ("FROM python:3.11-slim\n"
                "RUN apt-get update && apt-get install -y supervisor && rm -rf /var/lib/apt/lists/*\n"
                "COPY supervisord.conf /etc/supervisor/conf.d/supervisord.conf\n" + start)
        result = migrate(text)
        assert f"RUN apk add --no-cache supervisor && {DEBIAN_INCLUDE}\n" in result.dockerfile, start
        assert "/etc/supervisor/supervisord.conf" not in result.dockerfile


def test_supervisord_with_a_config_of_its_own_gets_no_include() -> None:
    text = ("FROM python:3.11-slim\n"
            "RUN apt-get update && apt-get install -y supervisor\n"
            "COPY supervisord.conf /etc/supervisor/conf.d/app.conf\n"
            'CMD ["supervisord", "-n", "-c", "/app/supervisord.conf"]\n')
    assert "printf '[include]" not in migrate(text).dockerfile


def test_alpines_supervisor_d_is_included_on_wolfi() -> None:
    for start in ('CMD ["supervisord", "-n", "-c", "/etc/supervisord.conf"]\n', 'CMD ["supervisord", "-n"]\n'):
        text = ("FROM python:3.11-alpine\n"
                "RUN apk add --no-cache supervisor\n"
                "COPY worker.ini /etc/supervisor.d/worker.ini\n" + start)
        result = migrate(text)
        assert f"RUN apk add --no-cache supervisor && {ALPINE_INCLUDE}\n" in result.dockerfile, start
        assert "COPY worker.ini /etc/supervisor.d/worker.ini\n" in result.dockerfile
        assert "MIG225" in codes(result)


def test_alpine_supervisor_with_its_own_supervisord_conf_is_left_alone() -> None:
    text = ("FROM python:3.11-alpine\n"
            "RUN apk add --no-cache supervisor\n"
            "COPY supervisord.conf /etc/supervisord.conf\n"
            "COPY worker.ini /etc/supervisor.d/worker.ini\n"
            'CMD ["supervisord", "-n", "-c", "/etc/supervisord.conf"]\n')
    assert "printf '[include]" not in migrate(text).dockerfile


PHP_SITE = ("server {\n    listen 80 default_server;\n    root /var/www/html/public;\n    index index.php;\n"
            "    include mime.types;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n"
            "        fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n    }\n}\n")
LEMP = ("FROM ubuntu:22.04\n"
        "RUN apt-get update && apt-get install -y nginx php8.1-fpm && rm -rf /var/lib/apt/lists/*\n"
        "RUN mkdir -p /run/php\n"
        "COPY docker/site.conf /etc/nginx/sites-available/default\n"
        "COPY . /var/www/html\n"
        'CMD ["/start.sh"]\n')


def test_a_debian_php_site_names_the_snippet_and_the_socket_wolfi_lacks(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "site.conf").write_text(PHP_SITE)
    result = migrate(LEMP, context=tmp_path)
    assert "COPY docker/site.conf /etc/nginx/conf.d/default.conf\n" in result.dockerfile
    found = errors(result, "MIG226")
    assert len(found) == 2, found
    assert found[0].startswith("docker/site.conf includes snippets/fastcgi-php.conf "
                               "(/etc/nginx/snippets/fastcgi-php.conf): no Wolfi package ships it")
    assert "fastcgi_pass unix:/run/php/php8.1-fpm.sock" in found[1] and "127.0.0.1:9000" in found[1]
    assert [f.line for f in result.findings if f.code == "MIG226"] == [4, 4]


def test_a_site_whose_includes_and_socket_are_provided_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "site.conf").write_text(PHP_SITE)
    (tmp_path / "docker" / "www.conf").write_text("[www]\nlisten = /run/php/php8.1-fpm.sock\n")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "fastcgi-php.conf").write_text("include fastcgi.conf;\n")
    text = LEMP.replace("COPY . /var/www/html\n", "COPY . /var/www/html\nCOPY snippets/ /etc/nginx/snippets/\n"
                        "COPY docker/www.conf /etc/php/8.1/fpm/pool.d/www.conf\n")
    assert "MIG226" not in codes(migrate(text, context=tmp_path))


def test_a_site_with_nginx_orgs_files_and_a_tcp_upstream_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "site.conf").write_text(
        PHP_SITE.replace("snippets/fastcgi-php.conf", "fastcgi_params").replace("unix:/run/php/php8.1-fpm.sock",
                                                                                 "127.0.0.1:9000")
        + "include /etc/letsencrypt/options-ssl-nginx.conf;\ninclude /etc/nginx/conf.d/*.conf;\n")
    assert "MIG226" not in codes(migrate(LEMP, context=tmp_path))


def test_a_start_script_that_runs_debians_service_helper_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "site.conf").write_text("server { listen 80; }\n")
    (tmp_path / "start.sh").write_text('#!/bin/bash\nservice php8.1-fpm start\nnginx -g "daemon off;"\n')
    result = migrate(LEMP.replace('CMD ["/start.sh"]\n', "COPY start.sh /start.sh\nCMD [\"/start.sh\"]\n"),
                     context=tmp_path)
    found = [f.message for f in result.findings if f.code == "MIG564"]
    assert any("runs `service`, which no Wolfi package provides" in m for m in found), found


def test_nodaemon_in_a_copied_directory_of_programs_keeps_the_start_command(tmp_path: Path) -> None:
    (tmp_path / "supervisor").mkdir()
    (tmp_path / "supervisor" / "app.conf").write_text("[supervisord]\nnodaemon=true\n[program:web]\ncommand=gunicorn\n")
    text = ("FROM python:3.11-slim\n"
            "RUN apt-get update && apt-get install -y supervisor\n"
            "COPY supervisor/ /etc/supervisor/conf.d/\n"
            'CMD ["supervisord"]\n')
    result = migrate(text, context=tmp_path)
    assert 'CMD ["supervisord"]\n' in result.dockerfile
    assert f"RUN apk add --no-cache supervisor && {DEBIAN_INCLUDE}\n" in result.dockerfile
