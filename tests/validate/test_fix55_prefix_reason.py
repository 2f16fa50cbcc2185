"""The start verdict of a program a `pip install --prefix=P` wrote names P/bin, where pip put it: it named the
virtualenv's bin/ (/opt/venv/bin/gunicorn), which the stage's pip never wrote into, because /opt/venv/bin comes
first on the runtime's PATH and its contents were guessed."""

from __future__ import annotations

import pytest
from migration_tools import migrate, verdict

PREFIX = ("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install {option} -r requirements.txt\n"
          "ENV PYTHONPATH={site} PATH={tree}/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n")


@pytest.mark.parametrize("tree", ["/opt/py", "/srv/deps"])
@pytest.mark.parametrize("form", ["--prefix {tree}", "--prefix={tree}", "--target {tree}"])
def test_the_verdict_names_the_tree_pip_wrote(tree: str, form: str) -> None:
    site = f"{tree}/lib/python3.11/site-packages" if form.startswith("--prefix") else tree
    result = migrate(PREFIX.format(option=form.format(tree=tree), site=site, tree=tree))
    assert verdict(result) == ("ok", f"`gunicorn` found (copied to {tree}/bin/gunicorn)")


def test_an_upgrade_of_pip_into_the_virtualenv_does_not_put_the_program_there() -> None:
    text = PREFIX.format(option="--prefix /opt/py", site="/opt/py/lib/python3.11/site-packages", tree="/opt/py")
    result = migrate(text.replace("RUN pip install", "RUN pip install --upgrade pip setuptools wheel && pip install"))
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /opt/py/bin/gunicorn)")


def test_a_pip_install_into_the_virtualenv_still_fills_its_bin() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "RUN pip install --prefix /opt/py -r extra.txt\nENV PATH=/opt/py/bin:$PATH\n"
                     "CMD [\"gunicorn\", \"app:app\"]\n")
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /opt/venv/bin/gunicorn)")


def test_a_pip_install_naming_the_program_puts_it_in_the_virtualenv() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install gunicorn && pip install "
                     "--prefix /opt/py -r requirements.txt\nENV PATH=/opt/py/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n")
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /opt/venv/bin/gunicorn)")
