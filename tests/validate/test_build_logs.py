"""Finding the failing instruction in real build logs (captured from docker 20.10's BuildKit,
newer BuildKit and podman), and the argument lists the engine is given."""

from pathlib import Path

import pytest

from migrator.parse.dockerfile import parse
from migrator.validate.build import parse_check_output
from migrator.validate.build_failure import locate_failure
from migrator.validate.build_report import ValidateOptions
from migrator.validate.builders import Builder
from migrator.validate.engine import BUILDAH_RUN_STDIO, Engine, parse_size

DOCKERFILE = """\
FROM 127.0.0.1:5000/chainguard/python:latest-dev AS builder
WORKDIR /app
RUN python -m venv /app/venv
RUN echo hi && \\
    exit 3
FROM 127.0.0.1:5000/chainguard/python:latest
COPY --from=builder /app /app
"""

BUILDKIT_0_8_RUN = """\
#8 [builder 3/4] RUN python -m venv /app/venv
#8 sha256:cb6912fdf8e4996b08cc53c79f094cc486fc4d5198cf30b4852d183a555edac5
#8 DONE 4.2s

#9 [builder 4/4] RUN echo hi &&     exit 3
#9 sha256:d65f474435c6d370dc196c1d9b69ea0f85552fe7a9b11791f742b7049da9aec6
#9 0.055 hi
#9 ERROR: executor failed running [/bin/sh -c echo hi &&     exit 3]: exit code: 3
------
 > [builder 4/4] RUN echo hi &&     exit 3:
------
executor failed running [/bin/sh -c echo hi &&     exit 3]: exit code: 3
"""

BUILDKIT_0_8_METADATA = """\
#3 [internal] load metadata for 127.0.0.1:5000/chainguard/nope:latest
#3 ERROR: 127.0.0.1:5000/chainguard/nope:latest: not found
------
 > [internal] load metadata for 127.0.0.1:5000/chainguard/nope:latest:
------
failed to solve with frontend dockerfile.v0: failed to create LLB definition: 127.0.0.1:5000/chainguard/nope:latest: not found
"""

NEW_BUILDKIT = """\
#9 [linux/arm64 builder 4/4] RUN echo hi &&     exit 3
#9 0.311 hi
#9 ERROR: process "/bin/sh -c echo hi &&     exit 3" did not complete successfully: exit code: 3
------
 > [linux/arm64 builder 4/4] RUN echo hi &&     exit 3:
0.311 hi
------
Dockerfile:4
--------------------
   3 |     RUN python -m venv /app/venv
   4 | >>> RUN echo hi && \\
   5 | >>>     exit 3
--------------------
ERROR: failed to solve: process "/bin/sh -c echo hi &&     exit 3" did not complete successfully: exit code: 3
"""

PODMAN = """\
[1/2] STEP 1/4: FROM 127.0.0.1:5000/chainguard/python:latest-dev AS builder
[1/2] STEP 2/4: WORKDIR /app
--> Using cache 1234
[1/2] STEP 3/4: RUN python -m venv /app/venv
--> 5678
[1/2] STEP 4/4: RUN echo hi &&     exit 3
hi
Error: building at STEP "RUN echo hi &&     exit 3": while running runtime: exit status 3
"""

PODMAN_PULL = """\
[1/2] STEP 1/4: FROM 127.0.0.1:5000/chainguard/nope:latest AS builder
Error: creating build container: initializing source docker://127.0.0.1:5000/chainguard/nope:latest: reading manifest latest in 127.0.0.1:5000/chainguard/nope: manifest unknown
"""


def test_buildkit_0_8_failing_run():
    err = locate_failure(BUILDKIT_0_8_RUN, parse(DOCKERFILE))
    assert err.line == 4
    assert err.instruction == "RUN echo hi && exit 3"
    assert "hi" in err.log_tail.splitlines()
    assert "exit code: 3" in err.message
    assert "sha256:" not in err.log_tail


def test_buildkit_unknown_image():
    text = DOCKERFILE.replace("chainguard/python:latest-dev", "chainguard/nope:latest")
    err = locate_failure(BUILDKIT_0_8_METADATA, parse(text))
    assert err.line == 1
    assert "not found" in err.message


def test_new_buildkit_source_position_and_platform_prefix():
    err = locate_failure(NEW_BUILDKIT, parse(DOCKERFILE))
    assert err.line == 4
    assert "exit code: 3" in err.message
    # without the source excerpt the label alone (with its platform prefix) finds it too
    without = "\n".join(line for line in NEW_BUILDKIT.splitlines() if not line.startswith(("Dockerfile:", "   ")))
    assert locate_failure(without, parse(DOCKERFILE)).line == 4


def test_podman_logs():
    assert locate_failure(PODMAN, parse(DOCKERFILE)).line == 4
    text = DOCKERFILE.replace("chainguard/python:latest-dev", "chainguard/nope:latest")
    err = locate_failure(PODMAN_PULL, parse(text))
    assert err.line == 1
    assert "manifest unknown" in err.message


def test_docker_hub_names_are_normalised():
    df = parse("FROM python:3.12-slim\nRUN true\n")
    log = (
        "------\n > [internal] load metadata for docker.io/library/python:3.12-slim:\n------\n"
        "failed to solve: docker.io/library/python:3.12-slim: failed to resolve\n"
    )
    assert locate_failure(log, df).line == 1


def test_parse_error_line():
    df = parse("FROM x\nFOO bar\n")
    log = (
        "------\n > [internal] load build definition from Dockerfile:\n------\n"
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
        "dockerfile parse error line 2: unknown instruction: FOO\n"
    )
    assert locate_failure(log, df).line == 2


def test_unknown_log_gives_no_line_but_a_message():
    err = locate_failure("something odd happened\n", parse(DOCKERFILE))
    assert err.line is None
    assert err.message == "something odd happened"


def test_build_check_output():
    out = (
        'some progress\n{"warnings":[{"ruleName":"FromAsCasing","description":"The as keyword should match",'
        '"detail":"\'as\' and \'FROM\' keywords\' casing do not match","location":{"ranges":[{"start":{"line":3}}]}}]}'
    )
    found = parse_check_output(out)
    assert [(f.code, f.line) for f in found] == [("MIG609", 3)]
    assert found[0].message.startswith("FromAsCasing: ")
    assert parse_check_output("no json here") == []


def test_build_argv_is_a_plain_list(tmp_path: Path):
    b = Builder("buildkit", "20.10.24", "/usr/bin/docker", env={"DOCKER_BUILDKIT": "1"}, runner=["/usr/bin/docker"])
    b.network = "none"
    opts = ValidateOptions(build_args=["GREETING=hello world; rm -rf /"], target="runtime", secrets=["id=a,src=/x"])
    argv = Engine(b, opts).build_argv(tmp_path / "Dockerfile", tmp_path, ["linux/arm64"], "t:1", "runtime")
    assert argv[:3] == ["/usr/bin/docker", "build", "--progress=plain"]
    assert "--build-arg" in argv and "GREETING=hello world; rm -rf /" in argv
    assert argv[argv.index("--platform") + 1] == "linux/arm64"
    assert "--network=none" in argv and argv[-1] == str(tmp_path)
    assert "--load" not in argv
    bx = Builder("buildx", "v0.17.0", "/usr/bin/docker", builder_name="farm", driver="remote")
    argv = Engine(bx, ValidateOptions(builder_name="farm")).build_argv(
        tmp_path / "D", tmp_path, ["linux/amd64", "linux/arm64"], None, None
    )
    assert argv[:5] == ["/usr/bin/docker", "buildx", "build", "--builder", "farm"]
    assert argv[argv.index("--platform") + 1] == "linux/amd64,linux/arm64"


def test_buildah_builds_with_chroot_isolation_and_no_network_through_a_namespace(tmp_path: Path):
    b = Builder("buildah", "1.28.2", "/usr/bin/buildah", isolation="chroot")
    argv = Engine(b, ValidateOptions()).build_argv(tmp_path / "Dockerfile", tmp_path, ["linux/arm64"], "t:1", None)
    assert argv[:4] == ["/usr/bin/buildah", "build", "--isolation", "chroot"]
    assert not any(a.startswith("--network") or a.startswith("--pull") for a in argv)
    b.network = "none"  # chroot isolation refuses --network none: pulled first, then no network at all
    argv = Engine(b, ValidateOptions()).build_argv(tmp_path / "Dockerfile", tmp_path, ["linux/arm64"], "t:1", None)
    assert "--pull=never" in argv and not any(a.startswith("--network") for a in argv)
    b.isolation = "oci"
    argv = Engine(b, ValidateOptions()).build_argv(tmp_path / "Dockerfile", tmp_path, ["linux/arm64"], "t:1", None)
    assert "--network=none" in argv and "--pull=never" not in argv


@pytest.mark.parametrize(
    ("text", "size"),
    [("30.9 MB", 30_900_000), ("812 kB", 812_000), ("1.21 GB", 1_210_000_000), ("512 B", 512), (1234, 1234),
     ("", None), ("lots", None)],
)  # fmt: skip
def test_buildah_sizes(text, size):
    assert parse_size(text) == size


def test_buildah_run_stdio_refusal_is_explained():
    assert BUILDAH_RUN_STDIO.search('nginx: [emerg] open() "/dev/stdout" failed (13: Permission denied)')
    assert not BUILDAH_RUN_STDIO.search("open() /etc/nginx/x failed (13: Permission denied)")
