"""A jar the start command names is copied when a download writes it, as rewrite.uncarried's download_targets
reads curl and wget (the one reader): a URL's last name is the file only when the download keeps it."""

from __future__ import annotations

from migration_tools import final_stage, migrate

_JAVA = ("FROM eclipse-temurin:21-jre\nWORKDIR /opt/app\nRUN {download}\nCOPY app.jar app.jar\n"
         'CMD ["java", "-javaagent:/opt/app/agent.jar", "-jar", "app.jar"]\n')
_COPIED = "COPY --from=builder /opt/app/agent.jar /opt/app/agent.jar"


def test_a_download_that_writes_the_jar_is_copied_through_wrappers_and_directories() -> None:
    for download in ("nice wget -q -P /opt/app https://example.com/dist/agent.jar",
                     "sh -c 'curl -fsSL -o agent.jar https://example.com/dist/a.jar'",
                     "curl -fsSL --output-dir /opt/app -O https://example.com/dist/agent.jar"):
        assert _COPIED in final_stage(migrate(_JAVA.format(download=download))), download


def test_a_download_that_writes_another_name_or_standard_output_does_not_make_the_jar() -> None:
    """The builder has no /opt/app/agent.jar: a COPY --from of it would fail the build (was copied: the URL's
    last name was read as the file whatever the options said)."""
    for download in ("curl -fsSL https://example.com/dist/agent.jar | sha256sum",
                     "wget -q -O other.jar https://example.com/dist/agent.jar"):
        assert _COPIED not in final_stage(migrate(_JAVA.format(download=download))), download
