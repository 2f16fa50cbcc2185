"""Docker Hub httpd has no Chainguard image: nginx serves the static site instead (rules/images.yaml), from its own
root. The site a Dockerfile copies into Apache's htdocs goes there (adversary 6, N14: it stayed in htdocs, and
nginx served its default page while an info note said the content had moved)."""

from __future__ import annotations

from migration_tools import migrate


def test_the_site_copied_into_htdocs_is_served_from_nginx_s_root() -> None:
    result = migrate("FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n")
    builder, runtime = result.dockerfile.split("\n\n# Runtime stage")
    assert "COPY ./public-html/ /usr/share/nginx/html/" in builder
    assert "FROM cgr.dev/chainguard/nginx:latest\n" in runtime
    assert "COPY --from=builder /usr/share/nginx/html /usr/share/nginx/html" in runtime
    assert "apache2/htdocs" not in result.dockerfile
    assert any(f.code == "MIG407" and "/usr/share/nginx/html" in f.message for f in result.findings)


def test_apache_configuration_is_said_to_be_unread() -> None:
    result = migrate("FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n"
                     "COPY my-httpd.conf /usr/local/apache2/conf/httpd.conf\n")
    (warning,) = [f for f in result.findings if f.code == "MIG408"]
    assert warning.severity.value == "warning" and warning.line == 3 and "nginx" in warning.message


def test_the_path_is_kept_on_images_where_apache_serves_it() -> None:
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y apache2\nCOPY site/ /usr/local/apache2/htdocs/\n"
    assert "COPY site/ /usr/local/apache2/htdocs/" in migrate(text).dockerfile
