"""A relative COPY/ADD destination in a stage that sets no WORKDIR of its own is read against the source image's
WORKDIR (rules/chainguard-images.yaml `upstream`), not `/` (issue 9, adversary 7 D9): httpd's /usr/local/apache2,
tomcat's /usr/local/tomcat, php's /var/www/html. httpd's `COPY site/ htdocs/` was carried as /htdocs (nginx served
its default page, verdict ok) and tomcat's `COPY app.war webapps/` as /webapps/app.war (nothing deployed)."""

from __future__ import annotations

from migration_tools import builder_stage, final_stage, migrate


def test_httpd_site_by_a_path_relative_to_apache_s_workdir_is_served_from_nginx_s_root() -> None:
    result = migrate("FROM httpd:2.4\nCOPY site/ htdocs/\n")
    assert "COPY site/ /usr/share/nginx/html/" in builder_stage(result)
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/share/nginx/html /usr/share/nginx/html" in runtime
    assert "htdocs" not in result.dockerfile and "WORKDIR" not in result.dockerfile
    (moved,) = [f for f in result.findings if f.code == "MIG407"]
    assert "htdocs/ -> /usr/share/nginx/html/" in moved.message and "/usr/local/apache2/htdocs" in moved.message
    assert result.runtime is not None and result.runtime.status == "ok"


def test_httpd_workdir_inside_htdocs_is_renamed_and_the_relative_copy_follows_it() -> None:
    result = migrate("FROM httpd:2.4\nWORKDIR /usr/local/apache2/htdocs\nCOPY site/ .\n")
    assert "WORKDIR /usr/share/nginx/html\nCOPY site/ .\n" in builder_stage(result)
    assert "/usr/share/nginx/html /usr/share/nginx/html" in final_stage(result)
    assert "apache2" not in result.dockerfile


def test_a_relative_workdir_under_apache_s_workdir_is_moved_too() -> None:
    result = migrate("FROM httpd:2.4\nWORKDIR htdocs\nCOPY index.html .\n")
    assert "WORKDIR /usr/share/nginx/html\nCOPY index.html .\n" in builder_stage(result)
    assert "/usr/share/nginx/html" in final_stage(result) and "htdocs" not in result.dockerfile


def test_tomcat_war_by_a_relative_path_is_deployed_into_tomcat_s_webapps() -> None:
    result = migrate("FROM tomcat:9-jdk17\nCOPY app.war webapps/\n")
    assert "COPY app.war webapps/\n" in builder_stage(result)  # (the -dev image's WORKDIR is /usr/local/tomcat too)
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local/tomcat/webapps/app.war /usr/local/tomcat/webapps/app.war" in runtime
    assert "/webapps/app.war /webapps" not in runtime
    # only the app: the runtime image has its own Tomcat, which is not copied over nor given to uid 65532
    assert "/usr/local/tomcat /usr/local/tomcat" not in runtime and "WORKDIR" not in runtime
    assert not [f for f in result.findings if f.code == "MIG555"]
    assert result.runtime is not None and result.runtime.status == "unverified"


def test_tomcat_configuration_by_a_relative_path_goes_into_tomcat_s_conf() -> None:
    result = migrate("FROM tomcat:9\nCOPY server.xml conf/\nCOPY app.war webapps/ROOT.war\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local/tomcat/conf/server.xml /usr/local/tomcat/conf/server.xml" in runtime
    assert "/usr/local/tomcat/webapps/ROOT.war /usr/local/tomcat/webapps/ROOT.war" in runtime


def test_php_sources_by_a_relative_path_stay_in_var_www_html() -> None:
    result = migrate('FROM php:8.2-cli\nCOPY src/ ./\nCMD ["php", "index.php"]\n')
    assert "WORKDIR /var/www/html\nCOPY src/ ./\n" in builder_stage(result)
    runtime = final_stage(result)
    assert "WORKDIR /var/www/html\n" in runtime and "/var/www/html /var/www/html" in runtime
    assert any(f.code == "MIG544" and "/var/www/html" in f.message for f in result.findings)


def test_the_relative_destination_is_left_alone_where_the_image_s_workdir_is_the_root() -> None:
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y apache2\nCOPY site/ htdocs/\n"
    assert "COPY site/ htdocs/" in migrate(text).dockerfile


def test_redis_config_by_a_relative_path_is_carried_from_redis_s_data_directory() -> None:
    result = migrate('FROM redis:7\nCOPY redis.conf .\nCMD ["redis-server", "./redis.conf"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /data/redis.conf /data/redis.conf" in runtime  # (was /redis.conf: not in the builder)
    assert "WORKDIR /data\n" in runtime and "/data /data" not in runtime


def test_composer_s_own_workdir_is_app_as_on_chainguard_php() -> None:
    result = migrate("FROM composer:2 AS vendor\nCOPY composer.json composer.lock ./\nRUN composer install --no-dev\n"
                     "FROM php:8.2-fpm\nCOPY --from=vendor /app/vendor /var/www/html/vendor\n")
    assert "WORKDIR /" not in builder_stage(result)  # (WORKDIR / put composer.json where /app/vendor is not made)
    assert not [f for f in result.findings if f.code == "MIG544"]


def test_an_image_whose_chainguard_layout_is_unknown_gets_a_warning_naming_the_paths() -> None:
    result = migrate("FROM caddy:2\nCOPY Caddyfile /etc/caddy/Caddyfile\nCOPY site/ public/\n")
    assert "WORKDIR /srv\n" in builder_stage(result)
    runtime = final_stage(result)
    assert "WORKDIR /srv\n" in runtime and "/srv /srv" in runtime and "/public /public" not in runtime
    (warning,) = [f for f in result.findings if f.code == "MIG585"]
    assert warning.severity.value == "warning" and "/srv/public" in warning.message


def test_apache_configuration_by_a_relative_path_is_said_to_be_unread() -> None:
    result = migrate("FROM httpd:2.4\nCOPY site/ htdocs/\nCOPY my-httpd.conf conf/httpd.conf\n")
    (warning,) = [f for f in result.findings if f.code == "MIG408"]
    assert warning.line == 3 and "/usr/local/apache2/conf" in warning.message and "nginx" in warning.message


def test_a_site_built_in_another_stage_and_copied_into_relative_htdocs_is_served_by_nginx() -> None:
    result = migrate("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
                     "FROM httpd:2.4\nCOPY --from=build /app/dist ./htdocs/\n")
    assert "COPY --from=build /app/dist /usr/share/nginx/html/\n" in result.dockerfile
    assert "htdocs" not in result.dockerfile


def test_a_file_a_run_command_writes_into_relative_htdocs_is_built_and_said_to_be_unserved() -> None:
    result = migrate("FROM httpd:2.4\nCOPY site/ htdocs/\nRUN echo ok > htdocs/health.html\n")
    assert "WORKDIR /usr/local/apache2\n" in builder_stage(result)  # (the RUN writes there: the build works)
    (warning,) = [f for f in result.findings if f.code == "MIG408"]
    assert "/usr/local/apache2/htdocs/health.html" in warning.message and "/usr/share/nginx/html" in warning.message


def test_red_hat_s2i_images_work_in_app_root_src() -> None:
    result = migrate('FROM registry.access.redhat.com/ubi9/python-311\nCOPY app.py requirements.txt ./\n'
                     'RUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n')
    assert "WORKDIR /opt/app-root/src\n" in builder_stage(result)
    assert "/opt/app-root/src/app.py" in final_stage(result) or "/opt/app-root/src /opt/app-root/src" in final_stage(result)
