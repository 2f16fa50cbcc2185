"""A VOLUME (or EXPOSE) restated in two stages of the chain is one volume (one port) of the original image: the
runtime stage declares it once. A volume of a stage the final one is built FROM exists owned by the runtime user,
as the final stage's own do (MIG527)."""

from __future__ import annotations

from migration_tools import final_stage, messages, migrate, status

BASE = "FROM python:3.12-slim AS base\nWORKDIR /app\n{base}COPY . .\nRUN pip install -r requirements.txt\n\n"


def app(base: str, final: str) -> str:
    return BASE.format(base=base) + f'FROM base AS final\n{final}CMD ["python", "app.py"]\n'


def test_a_volume_restated_in_the_final_stage_is_declared_once() -> None:
    result = migrate(app("VOLUME /data\n", "VOLUME /data\n"))
    runtime = final_stage(result)
    assert runtime.count("VOLUME") == 1 and "VOLUME /data\n" in runtime
    assert "COPY --from=final-build --chown=65532:65532 /data /data" in runtime
    assert status(result) == "ok"


def test_a_line_that_adds_paths_keeps_only_the_new_ones_in_its_own_form() -> None:
    runtime = final_stage(migrate(app('VOLUME ["/data", "/cache"]\n', "VOLUME /data/ /logs\nVOLUME [\"/cache\"]\n")))
    assert 'VOLUME ["/data", "/cache"]\nVOLUME /logs\nENTRYPOINT' in runtime
    assert runtime.count("VOLUME") == 2


def test_a_port_restated_is_exposed_once() -> None:
    runtime = final_stage(migrate(app("EXPOSE 8000\n", "EXPOSE 8000/tcp 9000\n")))
    assert "EXPOSE 8000\nEXPOSE 9000\n" in runtime and runtime.count("EXPOSE") == 2


def test_an_inherited_volume_exists_owned_by_the_runtime_user() -> None:
    result = migrate(app('VOLUME ["/data", "/cache"]\n', "VOLUME /logs\n"))
    runtime = final_stage(result)
    for path in ("/data", "/cache", "/logs"):
        assert f"COPY --from=final-build --chown=65532:65532 {path} {path}" in runtime
    assert any("/cache" in m for m in messages(result, "MIG527"))
