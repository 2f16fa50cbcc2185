"""`migrate validate` / `migrate doctor` without an engine: usage errors, no builder (exit 3)."""

import json

import pytest

from migrator.cli import main


@pytest.fixture
def no_engine(stubs, monkeypatch):
    monkeypatch.setenv("PATH", stubs.path)
    return stubs


def write(tmp_path, text):
    p = tmp_path / "Dockerfile"
    p.write_text(text)
    return p


def test_usage_errors(tmp_path, capsys):
    df = write(tmp_path, "FROM scratch\n")
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert main(["validate", str(df), "--platform", "arm64"]) == 2
    assert "os/arch" in capsys.readouterr().err
    assert main(["validate", str(df), "--platform", "linux/amd64,linux/amd64"]) == 2
    assert main(["validate", str(df), "--context", str(tmp_path / "nope")]) == 2
    assert main(["validate", str(df), "--smoke", "'unclosed"]) == 2
    assert main(["validate", str(df), "--timeout", "0"]) == 2
    assert main(["validate", str(df), "--no-such-option"]) == 2
    assert main(["validate"]) == 2


def test_no_builder_reports_static_findings_and_exits_3(tmp_path, no_engine, capsys):
    df = write(tmp_path, "FROM cgr.dev/chainguard/python:latest\nRUN pip install x\nUSER root\n")
    code = main(["validate", str(df), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    data = json.loads(captured.out)
    assert set(data) == {"builder", "static", "platforms", "comparison"}
    assert data["builder"]["name"] is None
    assert data["builder"]["problem"] == "no-builder"
    assert "apt-get install docker.io" in data["builder"]["message"]
    assert [f["code"] for f in data["static"]] == ["MIG601", "MIG604"]
    assert [(p["platform"], p["status"]) for p in data["platforms"]] == [
        ("linux/amd64", "skipped"),
        ("linux/arm64", "skipped"),
    ]
    assert data["comparison"] is None
    assert "install" in captured.err


def test_no_builder_human_output(tmp_path, no_engine, capsys):
    df = write(tmp_path, "FROM cgr.dev/chainguard/static:latest\nCOPY x /x\n")
    assert main(["validate", str(df), "--platform", "linux/amd64"]) == 3
    out = capsys.readouterr().out
    assert "builder: none usable" in out
    assert "skipped" in out
    assert "exit 3" in out


def test_doctor_without_engine(no_engine, capsys):
    assert main(["doctor", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["builder"]["name"] is None
    assert "linux/arm64" in data["platforms"]
    assert main(["doctor"]) == 3
    assert "builders tried" in capsys.readouterr().out


def test_doctor_with_a_stub_engine(stubs, binfmt, monkeypatch, capsys):
    monkeypatch.setenv("PATH", stubs.path)
    monkeypatch.setenv("MIGRATOR_BINFMT_DIR", str(binfmt))
    stubs.add(
        "docker",
        {
            "buildx": ("no\n", 1),
            "version --format": ('{"Client": {"Version": "20.10.24"}, "Server": {"Version": "20.10.24"}}', 0),
            "network inspect bridge": ("[]", 0),
        },
    )
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "will use: buildkit" in out
    assert "qemu-aarch64 (binfmt_misc)" in out


def test_unknown_engine_is_a_usage_error(tmp_path, capsys):
    df = tmp_path / "Dockerfile"
    df.write_text("FROM scratch\n")
    assert main(["validate", str(df), "--engine", "kaniko"]) == 2
    assert "--engine 'kaniko'" in capsys.readouterr().err
