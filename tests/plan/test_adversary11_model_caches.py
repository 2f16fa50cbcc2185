"""Adversary 11, F16: Hugging Face model caches that D14's rule missed: `ENV HF_HOME=/models` + a `transformers`
pipeline(...) built in a RUN, and a model downloaded by a build-context script (`RUN python download_model.py`). At
start the app re-downloaded (or, as uid 65532, could not write the cache). Both are copied to the runtime."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tools import final_stage, migrate

BASE = "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
START = 'COPY . .\nCMD ["uvicorn", "main:app"]\n'


def test_a_pipeline_built_in_a_run_under_hf_home_is_copied() -> None:
    text = (BASE + "ENV HF_HOME=/models\n"
            "RUN python -c \"from transformers import pipeline; pipeline('sentiment-analysis', model='x/y')\"\n" + START)
    assert "COPY --from=builder --chown=65532:65532 /models /models" in final_stage(migrate(text))


def test_a_model_a_context_script_downloads_is_copied_to_the_runtime_user_s_home(tmp_path: Path) -> None:
    (tmp_path / "download_model.py").write_text("from huggingface_hub import snapshot_download\n"
                                                "snapshot_download('x/y')\n")
    (tmp_path / "requirements.txt").write_text("huggingface_hub\n")
    text = BASE + "COPY download_model.py .\nRUN python download_model.py\n" + START
    runtime = final_stage(migrate(text, context=tmp_path))
    assert "/root/.cache/huggingface /home/nonroot/.cache/huggingface" in runtime


def test_a_script_with_a_function_called_pipeline_is_not_a_model_download(tmp_path: Path) -> None:
    (tmp_path / "etl.py").write_text("def pipeline(rows):\n    return rows\n\npipeline([])\n")
    (tmp_path / "requirements.txt").write_text("requests\n")
    text = BASE + "COPY etl.py .\nRUN python etl.py\n" + START
    assert ".cache/huggingface" not in migrate(text, context=tmp_path).dockerfile
