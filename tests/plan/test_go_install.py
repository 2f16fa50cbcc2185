"""`go install` without -o: where the binary is, and whether the runtime's nonroot user can run it there.
Wolfi's base layout makes /root 0700 (wolfi-dev/os wolfi-baselayout.yaml), and the go image's GOPATH is /root/go."""

from __future__ import annotations

from migration_tools import final_stage, migrate


def go_install(env: str = "") -> str:
    return f"FROM golang:1.22\n{env}WORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install ./cmd/app\nCMD [\"app\"]\n"


def test_a_binary_go_install_put_under_root_reaches_the_runtime_outside_it() -> None:
    result = migrate(go_install())
    stage = final_stage(result)
    # was: COPY --from=builder /root/go/bin /root/go/bin, not on PATH (E MIG540), and closed to uid 65532
    assert "COPY --from=builder /root/go/bin/ /usr/local/bin/" in stage
    assert "/root/go/bin /root/go/bin" not in stage
    assert result.runtime is not None and result.runtime.status == "ok"


def test_docker_hub_gopath_keeps_its_path_and_is_on_path() -> None:
    stage = final_stage(migrate(go_install("ENV GOPATH=/go\n")))
    assert "COPY --from=builder /go/bin /go/bin" in stage
    assert 'ENV PATH="/go/bin:$PATH"' in stage


def test_gobin_on_the_default_path_needs_no_path_entry() -> None:
    stage = final_stage(migrate(go_install("ENV GOBIN=/usr/local/bin\n")))
    assert "COPY --from=builder /usr/local/bin /usr/local/bin" in stage
    assert "PATH" not in stage


def test_a_start_program_copied_under_root_on_a_nonroot_image_is_an_error() -> None:
    result = migrate("FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go install example.com/app@latest\n"
                     "FROM cgr.dev/chainguard/static\nCOPY --from=b /root/go/bin/app /root/go/bin/app\n"
                     "CMD [\"/root/go/bin/app\"]\n")
    assert any(f.code == "MIG540" and "/root 0700" in f.message for f in result.findings)
    assert result.runtime is not None and result.runtime.status == "broken"
