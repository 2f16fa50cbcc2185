"""Adversary 11 F19 (user part): an OS-package nginx kept on wolfi-base starts as root, and Wolfi's nginx is
built --user=nginx while no Wolfi package creates that user: the master stops with getpwnam("nginx") failed.
The stage creates the account its nginx runs as (the package's, or the `user` an nginx.conf it copies names)
first (MIG236)."""

from __future__ import annotations

from migration_tools import codes, migrate

NGINX_ALPINE = ("FROM alpine:3.19\nRUN apk add --no-cache nginx\nCOPY html/ /usr/share/nginx/html/\n"
                "EXPOSE 8080\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n")


def test_apk_nginx_on_wolfi_base_gets_its_nginx_user_before_it_starts():
    result = migrate(NGINX_ALPINE)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN adduser -D nginx\n"
                                        "RUN apk add --no-cache nginx\n")
    [created] = [f.message for f in result.findings if f.code == "MIG236"]
    assert "user nginx (a free uid) created" in created and "nginx package" in created
    assert "MIG562" not in codes(result)


def test_debian_nginx_conf_user_directive_names_the_account_created(tmp_path):
    (tmp_path / "nginx.conf").write_text("# user nobody;\nuser www-data;\nworker_processes auto;\n"
                                         "events { worker_connections 768; }\nhttp { server { listen 80; } }\n")
    text = ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*\n"
            "COPY nginx.conf /etc/nginx/nginx.conf\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n")
    result = migrate(text, context=tmp_path)
    assert "\nRUN adduser -D www-data\n" in result.dockerfile  # (33, Debian's uid, is Wolfi's xfs: a free one)
    assert "adduser -D nginx" not in result.dockerfile  # the directive, not the build default, names the account
    [created] = [f.message for f in result.findings if f.code == "MIG236"]
    assert "nginx.conf written at line 3" in created and "user www-data;" in created


def test_nginx_user_created_by_the_stage_is_not_created_twice():
    text = NGINX_ALPINE.replace("RUN apk add --no-cache nginx\n",
                                "RUN apk add --no-cache nginx && addgroup -S nginx && adduser -S -G nginx nginx\n")
    result = migrate(text)
    assert result.dockerfile.count("adduser") == 1 and "MIG236" not in codes(result)


def test_no_account_without_the_package_or_on_chainguards_nginx():
    assert "adduser" not in migrate("FROM alpine:3.19\nRUN apk add --no-cache curl\nCMD [\"curl\", \"-h\"]\n").dockerfile
    own = migrate("FROM nginx:1.25\nCOPY html/ /usr/share/nginx/html/\n")
    assert "adduser" not in own.dockerfile and "MIG236" not in codes(own)  # Chainguard's nginx has nginx
