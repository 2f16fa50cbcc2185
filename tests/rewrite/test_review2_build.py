"""Second review, build side: what a RUN step does on the real Wolfi image (own minimal reproductions).

G1: files the app only reads stay root-owned; class 1: source-image paths and users as RUN arguments;
class 4: packages Wolfi splits or compiles in; class 7: build steps that depend on the source
distribution; class 2: finding texts that say what the output does.
"""

from __future__ import annotations

from migrator.api import migrate_text
from migrator.model import Options, Severity


def migrate(text: str, **options: object):
    return migrate_text(text, Options(**options))  # type: ignore[arg-type]


def runtime_of(dockerfile: str) -> str:
    return dockerfile.split("# Runtime stage", 1)[1]


def messages(result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def severities(result, code: str) -> set[Severity]:
    return {f.severity for f in result.findings if f.code == code}


# --- G1: libraries, PHP modules and ini files, and root-installed dependencies stay root-owned -------

PYTHON_APP_USER = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y libpq5
RUN useradd -r app
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
USER app
CMD ["python", "app.py"]
"""


def test_staged_libraries_and_a_root_installed_venv_are_not_chowned():
    runtime = runtime_of(migrate(PYTHON_APP_USER).dockerfile)
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/\n" in runtime
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime  # pip ran as root in the original
    assert "COPY --from=builder --chown=65532:65532 /app /app" in runtime  # the app's own directory


def test_php_modules_and_ini_files_are_not_chowned():
    text = """\
FROM php:8.3-cli
RUN apt-get update && apt-get install -y php8.3-redis libpq5
WORKDIR /app
COPY . .
USER www-data
CMD ["php", "server.php"]
"""
    runtime = runtime_of(migrate(text).dockerfile)
    assert "COPY --from=builder /runtime-libs/etc/php/conf.d/ /etc/php/conf.d/\n" in runtime
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/\n" in runtime
    assert "--chown" not in "".join(line for line in runtime.splitlines() if "/runtime-libs" in line)


def test_a_venv_the_app_user_installed_stays_the_app_users():
    text = """\
FROM python:3.12-slim
RUN useradd -m app
USER app
WORKDIR /home/app
COPY requirements.txt .
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
"""
    assert "COPY --from=builder --chown=65532:65532 /opt/venv /opt/venv" in runtime_of(migrate(text).dockerfile)


# --- class 4: packages Wolfi splits differently, or compiles into PHP ---------------------------------


def apk_line(dockerfile: str) -> list[str]:
    line = next(li for li in dockerfile.splitlines() if "apk add" in li and "bash" not in li.split())
    return line.split("apk add --no-cache ", 1)[1].split()


def test_debian_packages_that_wolfi_splits_install_the_program():
    result = migrate("""\
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y samba libldap-common apache2-bin php8.3-sqlite3 php8.3-mongodb php8.3-readline
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
""")
    names = apk_line(result.dockerfile)
    assert names == ["samba", "samba-server", "apache2", "php-8.3-pdo_sqlite", "php-8.3-pecl-mongodb"]
    assert not messages(result, "MIG302")  # every name is one apk accepts
    dropped = " ".join(messages(result, "MIG303"))
    assert "libldap-common" in dropped and "php8.3-readline" in dropped and "compiled into Wolfi's PHP" in dropped


def test_alpine_libcap_brings_setcap_and_builtin_php_extensions_are_dropped():
    result = migrate("""\
FROM alpine:3.20
RUN apk add --no-cache libcap libldap php83 php83-session php83-tokenizer php7-zlib ruby-dev
CMD ["/app"]
""")
    names = apk_line(result.dockerfile)
    assert names[:3] == ["libcap", "libcap-utils", "libldap"]  # setcap is in libcap-utils; no LDAP server
    assert "ruby-4.0-dev" in names  # the headers of the Ruby that ruby:latest serves
    assert not [n for n in names if "session" in n or "tokenizer" in n or "zlib" in n]
    assert not messages(result, "MIG302")


def test_debian_php_common_brings_its_extensions():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y php8.2-cli php8.2-xml
CMD ["php", "-v"]
""")
    names = apk_line(result.dockerfile)
    for extension in ("ctype", "iconv", "pdo", "phar", "posix", "dom", "simplexml", "xmlwriter"):
        assert f"php-8.2-{extension}" in names, extension


def test_ruby_headers_match_the_ruby_that_latest_serves():
    from migrator.rules.data import builtin_data
    from migrator.rules.loader import load_rules

    latest = builtin_data("wolfi/versions.yaml")["languages"]["ruby"]["latest"]
    rules = load_rules()
    for family, name in (("debian", "ruby-dev"), ("alpine", "ruby-dev"), ("fedora", "ruby-devel")):
        mapping = rules.package(family, name)
        assert mapping is not None and mapping.names == (f"ruby-{latest}-dev",), (family, mapping)
