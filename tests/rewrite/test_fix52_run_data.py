"""Data a RUN of the final stage leaves outside the WORKDIR and the venv (NLTK data, a model cache, Django's
collectstatic output) is copied into the split runtime from where the program writes it; where that is not
readable, W MIG591 names the RUN (adversary 10, D14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

NLP_APP = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
{env}RUN {run}
COPY . .
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
"""


@pytest.mark.parametrize(("run", "env", "copy"), [
    ("python -m nltk.downloader -d /usr/local/share/nltk_data punkt stopwords", "",
     "COPY --from=builder /usr/local/share/nltk_data /usr/local/share/nltk_data"),
    ("python -c \"import nltk; nltk.download('punkt', download_dir='/usr/share/nltk_data')\"", "",
     "COPY --from=builder /usr/share/nltk_data /usr/share/nltk_data"),
    ("python -m nltk.downloader punkt", "ENV NLTK_DATA=/srv/nltk\n", "COPY --from=builder /srv/nltk /srv/nltk"),
    ("python -m nltk.downloader punkt", "", "COPY --from=builder /root/nltk_data /home/nonroot/nltk_data"),
    ("python -c \"from sentence_transformers import SentenceTransformer; SentenceTransformer('all-MiniLM-L6-v2')\"",
     "", "COPY --from=builder --chown=65532:65532 /root/.cache/huggingface /home/nonroot/.cache/huggingface"),
    ("huggingface-cli download bert-base-uncased", "ENV HF_HOME=/models\n",
     "COPY --from=builder --chown=65532:65532 /models /models"),
    ("python -c \"import torch; torch.hub.load('pytorch/vision', 'resnet18')\"", "ENV TORCH_HOME=/var/cache/torch\n",
     "COPY --from=builder --chown=65532:65532 /var/cache/torch /var/cache/torch"),
])
def test_data_a_run_leaves_is_copied_to_the_runtime(run: str, env: str, copy: str) -> None:
    result = migrate(NLP_APP.format(run=run, env=env))
    assert copy + "\n" in final_stage(result)
    assert not messages(result, "MIG591")


def test_data_a_run_of_the_final_stages_base_leaves_is_copied() -> None:
    result = migrate("FROM python:3.11-slim AS base\nWORKDIR /app\nRUN pip install nltk\n"
                     "RUN python -m nltk.downloader -d /usr/local/share/nltk_data punkt\n"
                     "FROM base AS final\nCOPY . .\nCMD [\"python\", \"main.py\"]\n")
    assert "COPY --from=final-build /usr/local/share/nltk_data /usr/local/share/nltk_data\n" in final_stage(result)


def test_a_default_under_the_home_of_the_runs_user_lands_in_the_runtime_users_home() -> None:
    result = migrate(NLP_APP.format(env="RUN useradd -m -d /home/app app\nUSER app\n",
                                    run="python -m nltk.downloader punkt"))
    # (the original user's files: the runtime user's, as every copy of a stage that ran as a user)
    assert "COPY --from=builder --chown=65532:65532 /home/app/nltk_data /home/nonroot/nltk_data\n" in final_stage(result)


def test_data_written_under_the_workdir_or_venv_needs_no_copy_of_its_own() -> None:
    for run in ("python -m nltk.downloader -d /app/nltk_data punkt", "python -m nltk.downloader -d nltk_data punkt",
                "python -m nltk.downloader -d /opt/venv/nltk_data punkt"):
        result = migrate(NLP_APP.format(run=run, env=""))
        assert "nltk" not in final_stage(result)
        assert not messages(result, "MIG591")


def test_data_at_a_path_the_file_does_not_show_is_named() -> None:
    result = migrate(NLP_APP.format(run="python -m nltk.downloader -d $DATA_DIR punkt", env=""))
    [message] = messages(result, "MIG591")
    assert message.startswith("`python -m nltk.downloader -d` writes NLTK data to a directory this tool cannot tell")
    assert "$DATA_DIR" in message


DJANGO = """\
FROM python:3.11-slim
{env}WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN {mkdir}python manage.py collectstatic --noinput
CMD ["gunicorn", "mysite.wsgi:application", "--bind", "0.0.0.0:8000"]
"""


def _django_context(tmp_path: Path, settings: str | None) -> Path:
    (tmp_path / "requirements.txt").write_text("django\ngunicorn\n")
    (tmp_path / "manage.py").write_text("")
    if settings is not None:
        (tmp_path / "mysite").mkdir()
        (tmp_path / "mysite" / "settings.py").write_text(f"import os\n{settings}\n")
    return tmp_path


@pytest.mark.parametrize(("env", "settings", "copy"), [
    ("ENV STATIC_ROOT=/var/www/static\n", None, "COPY --from=builder /var/www/static /var/www/static"),
    ("", 'STATIC_ROOT = "/var/www/static"', "COPY --from=builder /var/www/static /var/www/static"),
    ("", 'STATIC_ROOT = os.environ.get("STATIC_ROOT", "/srv/static")', "COPY --from=builder /srv/static /srv/static"),
    ("ENV STATIC_ROOT=/data/static\n", 'STATIC_ROOT = os.environ.get("STATIC_ROOT", "/srv/static")',
     "COPY --from=builder /data/static /data/static"),
])
def test_collectstatic_output_outside_the_workdir_is_copied(tmp_path: Path, env: str, settings: str | None,
                                                            copy: str) -> None:
    result = migrate(DJANGO.format(env=env, mkdir=""), context=_django_context(tmp_path, settings))
    assert copy + "\n" in final_stage(result)
    assert not messages(result, "MIG591")


def test_collectstatic_into_the_project_is_carried_with_the_sources(tmp_path: Path) -> None:
    result = migrate(DJANGO.format(env="", mkdir=""),
                     context=_django_context(tmp_path, 'STATIC_ROOT = BASE_DIR / "staticfiles"'))
    assert "static" not in final_stage(result).replace("chainguard/static:latest", "")  # (static's zones: MIG317)
    assert not messages(result, "MIG591")


def test_collectstatic_where_static_root_is_not_readable_is_named(tmp_path: Path) -> None:
    result = migrate(DJANGO.format(env="", mkdir=""), context=_django_context(tmp_path, None))
    [message] = messages(result, "MIG591")
    assert message.startswith("`python manage.py collectstatic --noinput` writes Django static files")
    # a RUN that makes the directory itself: the made directory is copied, as before, without the warning
    result = migrate(DJANGO.format(env="", mkdir="mkdir -p /var/www/static && "), context=tmp_path)
    assert "COPY --from=builder --chown=65532:65532 /var/www/static /var/www/static\n" in final_stage(result)
    assert not messages(result, "MIG591")
