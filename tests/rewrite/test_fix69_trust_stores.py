"""Adversary 12, G18: a company's root CA added with `update-ca-certificates` (or `keytool -importcert -cacerts`) in
a final stage that is split: the RUN moved to the builder and the runtime kept its own bundle, without the root, so
every TLS call to an internal service failed. The rebuilt store is now copied into the runtime."""

from __future__ import annotations

import pytest

from tests.migration_tools import final_stage, messages, migrate

_BUNDLE = "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"
_JAVA = "COPY --from=builder /etc/ssl/certs/java/cacerts /etc/ssl/certs/java/cacerts"

GO = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/api .

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY corp-root.crt /usr/local/share/ca-certificates/corp-root.crt
{rebuild}
COPY --from=build /out/api /usr/local/bin/api
USER 65534
ENTRYPOINT ["/usr/local/bin/api"]
"""


@pytest.mark.parametrize("rebuild", [
    "RUN update-ca-certificates",
    "RUN update-ca-certificates --fresh && echo done",
    "RUN cat /usr/local/share/ca-certificates/corp-root.crt >> /etc/ssl/certs/ca-certificates.crt",
])
def test_the_rebuilt_bundle_is_copied_into_the_runtime(rebuild: str) -> None:
    result = migrate(GO.format(rebuild=rebuild))
    runtime = final_stage(result)
    assert _BUNDLE in runtime.splitlines()
    assert [m for m in messages(result, "MIG503") if "CA bundle" in m and "/etc/ssl/certs/ca-certificates.crt" in m]


def test_a_python_app_gets_the_bundle_its_requests_ca_bundle_names() -> None:
    result = migrate("FROM python:3.11-slim\nCOPY corp-root.crt /usr/local/share/ca-certificates/corp-root.crt\n"
                     "RUN update-ca-certificates\nENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt\n"
                     "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
                     'COPY . .\nCMD ["python", "app.py"]\n')
    assert _BUNDLE in final_stage(result).splitlines()


@pytest.mark.parametrize("keytool", [
    "keytool -importcert -noprompt -cacerts -storepass changeit -alias corp -file /tmp/corp-root.crt",
    "keytool -import -trustcacerts -noprompt -alias corp -file /tmp/corp-root.crt -storepass changeit "
    "-keystore $JAVA_HOME/lib/security/cacerts",
])
def test_the_jvm_trust_store_keytool_edits_is_copied(keytool: str) -> None:
    result = migrate(f"FROM eclipse-temurin:17-jre\nCOPY corp-root.crt /tmp/corp-root.crt\nRUN {keytool}\n"
                     'COPY app.jar /app/app.jar\nENTRYPOINT ["java", "-jar", "/app/app.jar"]\n')
    runtime = final_stage(result)
    assert _JAVA in runtime.splitlines() and _BUNDLE not in runtime
    assert [m for m in messages(result, "MIG503") if "JVM's trust store" in m]


def test_installing_ca_certificates_alone_copies_nothing_more() -> None:
    """`update-ca-certificates` without a certificate of the stage's own: the runtime's bundle is as good."""
    result = migrate(GO.replace("COPY corp-root.crt /usr/local/share/ca-certificates/corp-root.crt\n", "")
                     .format(rebuild="RUN update-ca-certificates"))
    assert "/etc/ssl/certs" not in final_stage(result)


def test_a_keystore_of_the_app_is_not_the_jvm_s() -> None:
    result = migrate("FROM eclipse-temurin:17-jre\nCOPY corp-root.crt /tmp/corp-root.crt\n"
                     "RUN keytool -importcert -noprompt -alias corp -file /tmp/corp-root.crt -storepass secret "
                     "-keystore /app/truststore.jks\nCOPY app.jar /app/app.jar\n"
                     'ENTRYPOINT ["java", "-jar", "/app/app.jar"]\n')
    assert "/etc/ssl/certs" not in final_stage(result)
