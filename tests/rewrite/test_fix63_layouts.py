"""Package layouts (rules/package-layouts.yaml) followed further: Alpine's nginx site directory (http.d), the
include supervisor needs when a stage built FROM the installing one copies the programs, and a directory of
nginx sites copied whole."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, messages, migrate

from migrator.model import Options

INCLUDE = "printf '[include]\\nfiles = /etc/supervisor/conf.d/*.conf\\n' >> /etc/supervisord.conf"


def test_an_alpine_site_in_http_d_is_read_from_conf_d() -> None:
    result = migrate("FROM alpine:3.20\n"
                     "RUN apk add --no-cache nginx\n"
                     "COPY site.conf /etc/nginx/http.d/site.conf\n"
                     "RUN rm /etc/nginx/http.d/default.conf\n"
                     'CMD ["nginx", "-g", "daemon off;"]\n')
    lines = result.dockerfile.splitlines()
    assert lines[0] == "FROM cgr.dev/chainguard/wolfi-base:latest"
    # Wolfi's nginx.conf includes no conf.d: one that does (in http, as Alpine's includes http.d), and Alpine's
    # default site, so the `rm` of it still finds it
    assert lines[1].startswith("RUN apk add --no-cache nginx && printf 'user nobody;")
    assert "    include /etc/nginx/conf.d/*.conf;\\n}\\n' > /etc/nginx/nginx.conf" in lines[1]
    assert lines[1].endswith("return 404;\\n    }\\n    location = /404.html {\\n        internal;\\n    }\\n}\\n' "
                             "> /etc/nginx/conf.d/default.conf")
    assert lines[2:] == ["COPY site.conf /etc/nginx/conf.d/site.conf", "RUN rm /etc/nginx/conf.d/default.conf",
                         'CMD ["nginx", "-g", "daemon off;"]']
    assert any(m.startswith("/etc/nginx/http.d/site.conf -> /etc/nginx/conf.d/site.conf: Alpine's nginx reads "
                            "/etc/nginx/http.d/*.conf") for m in messages(result, "MIG225"))
    assert "http.d" not in result.dockerfile


def test_a_debian_row_does_not_apply_to_alpine_nor_alpine_s_to_debian() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y nginx\n"
                     "COPY site.conf /etc/nginx/http.d/site.conf\n"
                     'CMD ["nginx", "-g", "daemon off;"]\n')
    assert "COPY site.conf /etc/nginx/http.d/site.conf\n" in result.dockerfile


def test_supervisor_installed_in_the_parent_stage_includes_the_child_s_programs() -> None:
    result = migrate("FROM debian:12 AS base\n"
                     "RUN apt-get update && apt-get install -y supervisor\n"
                     "FROM base AS app\n"
                     "COPY app.conf /etc/supervisor/conf.d/app.conf\n"
                     'CMD ["supervisord", "-n"]\n')
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS base\n"
                                        f"RUN apk add --no-cache supervisor && {INCLUDE}\n"
                                        "FROM base AS app\n")
    assert result.dockerfile.count("[include]") == 1


def test_a_child_that_starts_supervisord_with_its_own_file_gets_no_include() -> None:
    result = migrate("FROM debian:12 AS base\n"
                     "RUN apt-get update && apt-get install -y supervisor\n"
                     "FROM base AS app\n"
                     "COPY app.conf /etc/supervisor/conf.d/app.conf\n"
                     'CMD ["supervisord", "-n", "-c", "/etc/supervisor/conf.d/app.conf"]\n')
    assert "[include]" not in result.dockerfile


def _sites(tmp_path: Path, *names: str) -> None:
    (tmp_path / "sites").mkdir()
    for name in names:
        (tmp_path / "sites" / name).write_text("server { listen 80; }\n")


SITES = ("FROM debian:12\n"
         "RUN apt-get update && apt-get install -y nginx\n"
         "COPY sites/ /etc/nginx/sites-enabled/\n"
         'CMD ["nginx", "-g", "daemon off;"]\n')


def test_a_directory_of_conf_sites_is_copied_into_conf_d(tmp_path: Path) -> None:
    _sites(tmp_path, "app.conf", "api.conf", ".keep")
    result = migrate(SITES, Options(context=tmp_path))
    assert "COPY sites/ /etc/nginx/conf.d/\n" in result.dockerfile
    assert "MIG226" not in codes(result)
    assert "/etc/nginx/sites-enabled/ -> /etc/nginx/conf.d/: " in " ".join(messages(result, "MIG225"))


def test_sites_that_need_renaming_keep_the_error_and_name_each_file(tmp_path: Path) -> None:
    _sites(tmp_path, "app", "api.conf")
    result = migrate(SITES, Options(context=tmp_path))
    assert "COPY sites/ /etc/nginx/sites-enabled/\n" in result.dockerfile
    assert errors(result, "MIG226")[0].endswith(
        "(api.conf -> /etc/nginx/conf.d/api.conf, app -> /etc/nginx/conf.d/app.conf)")


def test_sites_with_a_subdirectory_or_without_the_context_keep_the_error(tmp_path: Path) -> None:
    _sites(tmp_path, "app.conf")
    (tmp_path / "sites" / "more").mkdir()
    assert errors(migrate(SITES, Options(context=tmp_path)), "MIG226")
    assert errors(migrate(SITES), "MIG226")


def test_an_alpine_stage_that_only_removes_the_default_site_still_finds_it() -> None:
    result = migrate("FROM alpine:3.20\n"
                     "RUN apk add --no-cache nginx\n"
                     "RUN rm /etc/nginx/http.d/default.conf\n"
                     'CMD ["nginx", "-g", "daemon off;"]\n')
    assert "> /etc/nginx/conf.d/default.conf\nRUN rm /etc/nginx/conf.d/default.conf\n" in result.dockerfile
