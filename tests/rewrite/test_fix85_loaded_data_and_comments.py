"""Adversary round 14, low notes. (1) fontconfig came into the runtime only as a library pango loads (WeasyPrint's
libpangoft2): the ld.so closure copied libfontconfig.so but not /etc/fonts, so fontconfig found no configuration
and no fonts. A carried library's loaded libraries with data files bring those (rules/runtime-libs.yaml
`loaded_data`). (2) The runtime comment said "distroless: no shell" on redis, an image whose shell the image model
does not know: the comment says only what the model knows."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, final_stage, messages, migrate, status

from migrator.model import Severity

_WEASYPRINT = """FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "-m", "invoices"]
"""


def test_pango_brings_fontconfig_configuration(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("weasyprint==62.3\n")
    (tmp_path / "invoices").mkdir()
    (tmp_path / "invoices" / "__main__.py").write_text("import weasyprint\n")
    result = migrate(_WEASYPRINT, context=tmp_path)
    runtime = final_stage(result)
    assert "COPY --from=builder /runtime-libs/etc/fonts/ /etc/fonts/\n" in runtime
    assert "COPY --from=builder /runtime-libs/usr/share/fontconfig/ /usr/share/fontconfig/\n" in runtime
    assert "COPY --from=builder /runtime-libs/usr/share/fonts/ /usr/share/fonts/\n" in runtime
    assert " /usr/lib/libpangoft2-1.0.so.* " in result.dockerfile
    assert " /usr/lib/libfontconfig.so.* /etc/fonts/* /usr/share/fontconfig/*; do" in result.dockerfile
    assert "mkdir -p /runtime-libs/usr/lib /runtime-libs/etc/fonts " in result.dockerfile  # (COPY needs the dirs)
    assert any("pango" in m for m in messages(result, "MIG521"))
    assert not codes(result, Severity.ERROR)
    assert status(result) == "ok"


def test_a_library_without_loaded_data_copies_as_before() -> None:
    text = _WEASYPRINT.replace("libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation", "libpq5")
    result = migrate(text)
    assert "/etc/fonts" not in result.dockerfile and "fontconfig" not in result.dockerfile
    assert status(result) == "ok"


def test_the_runtime_comment_claims_no_shell_only_where_the_image_model_says_so() -> None:
    redis = migrate("FROM redis:7.2-alpine\nCOPY redis.conf /usr/local/etc/redis/redis.conf\n"
                    "CMD [\"redis-server\", \"/usr/local/etc/redis/redis.conf\"]\n")
    assert "# Runtime stage on redis (no package manager; its shell is not in this tool's image model)\n" in \
        redis.dockerfile
    assert "distroless" not in redis.dockerfile
    python = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    assert "# Runtime stage on python (distroless: no shell, no package manager)\n" in python.dockerfile
    assert status(python) == "ok"
