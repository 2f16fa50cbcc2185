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
