"""Adversary 6, N11: `go install` writes to $GOBIN, else $GOPATH/bin. On golang (GOPATH=/go) `CMD ["/go/bin/app"]`
works; the builder's go writes to its own GOPATH, which the runtime gets in /usr/local/bin, and the CMD kept
/go/bin/app (E MIG540 on the tool's own output). `GOBIN=/out go install` wrote to /out, and the runtime copied
/root/go/bin, which that builder never made (the build stopped there)."""

from __future__ import annotations

import pytest
from migration_tools import migrate

from migrator.model import Result

_GO = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"




def runtime_lines(result: Result) -> list[str]:
    return result.dockerfile.split("# Runtime stage", 1)[1].splitlines()


def errors(result: Result) -> list[str]:
    return [f.code for f in result.findings if f.severity.value == "error"]


@pytest.mark.parametrize(("command", "started"), [
    ('CMD ["/go/bin/app"]', 'CMD ["/usr/local/bin/app"]'),
    ("CMD /go/bin/app --port 8080", 'CMD ["/usr/local/bin/app", "--port", "8080"]'),
    ('ENTRYPOINT ["/go/bin/app"]\nCMD ["serve"]', 'ENTRYPOINT ["/usr/local/bin/app"]'),
])
def test_a_program_go_install_wrote_to_the_images_gopath_starts_where_the_runtime_has_it(
        command: str, started: str) -> None:
    result = migrate(_GO + f"RUN go install ./cmd/app\n{command}\n")
    lines = runtime_lines(result)
    assert "COPY --from=builder /root/go/bin/ /usr/local/bin/" in lines and started in lines
    assert result.runtime is not None and result.runtime.status == "ok" and not errors(result)
    assert any(f.code == "MIG518" and "/go/bin/app -> /usr/local/bin/app" in f.message for f in result.findings)


@pytest.mark.parametrize("install", ["RUN GOBIN=/out go install ./cmd/app", "ENV GOBIN=/out\nRUN go install ./cmd/app",
                                     "RUN GOPATH=/build go install ./cmd/app"])
def test_the_runtime_copies_from_where_gobin_or_gopath_made_go_install_write(install: str) -> None:
    directory = "/build/bin" if "GOPATH" in install else "/out"
    result = migrate(_GO + f'{install}\nCMD ["{directory}/app"]\n')
    lines = runtime_lines(result)
    assert f"COPY --from=builder {directory} {directory}" in lines and f'CMD ["{directory}/app"]' in lines
    assert not any("/root/go" in line for line in lines)
    assert result.runtime is not None and result.runtime.status == "ok" and not errors(result)


def test_a_program_started_by_name_is_left_as_written() -> None:
    result = migrate(_GO + 'RUN go install ./cmd/app\nCMD ["app"]\n')
    assert 'CMD ["app"]' in runtime_lines(result)
    assert not any(f.code == "MIG518" and "->" in f.message for f in result.findings)


def test_a_health_check_that_runs_the_program_runs_it_where_the_runtime_has_it() -> None:
    result = migrate(_GO + 'RUN go install ./cmd/app\nHEALTHCHECK --interval=30s CMD ["/go/bin/app", "health"]\n'
                     'CMD ["/go/bin/app"]\n')
    lines = runtime_lines(result)
    assert 'HEALTHCHECK --interval=30s CMD ["/usr/local/bin/app", "health"]' in lines
    assert not any('"/go/bin/' in line for line in lines)


def test_a_program_go_build_writes_where_the_command_names_it_is_not_moved() -> None:
    # (the go install writes a tool to GOPATH; the app is built to /go/bin/app itself, which the runtime copies)
    result = migrate(_GO + "RUN go install github.com/x/tool@latest && go build -o /go/bin/app .\n"
                     'CMD ["/go/bin/app"]\n')
    lines = runtime_lines(result)
    assert "COPY --from=builder /go/bin/app /go/bin/app" in lines and 'CMD ["/go/bin/app"]' in lines
