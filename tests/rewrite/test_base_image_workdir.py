"""The working directory a stage inherits from Docker Hub's image (php's /var/www/html) in the runtime's
copies: copied when the builder has it, never as the whole root and never when the builder lacks it."""

from __future__ import annotations

from migration_tools import migrate

from migrator.parse.dockerfile import parse


def runtime_copies(text: str) -> list[str]:
    output = migrate(text).dockerfile
    runtime = output.split("# Runtime stage", 1)[1]
    return [i.body for i in parse(runtime).instructions if i.keyword == "COPY"]  # (flags are not in the body)


def test_files_copied_into_the_inherited_workdir_are_copied_from_it_not_from_the_root() -> None:
    # the build-argument paths of D11 mapped the workdir to "/": COPY --from=builder / / brought the
    # builder's shell and apk into the distroless runtime
    copies = runtime_copies("FROM php:8.3-fpm\nCOPY . .\nRUN composer install\n")
    assert copies == ["/var/www/html /var/www/html"]


def test_an_inherited_workdir_the_builder_lacks_is_not_copied() -> None:
    # nothing relied on /var/www/html, so the builder (php-fpm-dev starts in /app) has no such directory
    # and `COPY --from=builder /var/www/html` failed the build
    assert runtime_copies('FROM php:8.3-fpm\nRUN echo hi > /tmp/x\nCMD ["php-fpm"]\n') == []


def test_a_workdir_of_the_stages_own_is_still_copied() -> None:
    copies = runtime_copies("FROM php:8.3-fpm\nWORKDIR /srv/app\nRUN echo hi > notes.txt\n")
    assert copies == ["/srv/app /srv/app"]
