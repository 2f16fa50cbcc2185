"""Finding codes for the 'validate' area (`migrate validate`: static checks of a migrated Dockerfile,
then real builds and smoke runs).

MIG601-MIG619 are static checks (no engine); MIG620-MIG639 come from the builder and the builds.
"""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code(
        "MIG601",
        Severity.ERROR,
        "Shell-form RUN in a final stage that has no shell",
        "The final stage is based on a distroless image (python, static, glibc-dynamic, jre, ...) that "
        "has no /bin/sh, so a shell-form `RUN cmd` cannot run there: the build fails with `/bin/sh: no "
        "such file or directory`. Do the work in a builder stage (`-dev` image) and `COPY --from` its "
        'result, or use the exec form (`RUN ["/usr/bin/python", "-c", "..."]`) for a command that '
        "needs no shell. On an image that has a shell the same RUN is reported as a warning when the "
        "image is not known, and as info otherwise: a runtime stage that runs commands keeps build tools "
        "and a shell around that an attacker could use.",
    ),
    Code(
        "MIG602",
        Severity.ERROR,
        "Shell-form CMD, ENTRYPOINT or HEALTHCHECK in a final stage that has no shell",
        '`CMD python app.py` (shell form) is run as `/bin/sh -c "python app.py"`. The distroless runtime '
        "images have no shell, so the container fails to start. Use the exec form: "
        '`CMD ["python", "app.py"]`. Even where a shell exists the exec form is better: the program '
        "runs as PID 1 and receives SIGTERM. Severity is warning when the base image is unknown or has "
        "a shell.",
    ),
    Code(
        "MIG603",
        Severity.ERROR,
        "COPY --from names no earlier stage",
        "`COPY --from=NAME` must name a stage defined above it (by its `AS` name or its index) or an "
        "image reference. A bare name that matches no stage is pulled as the image "
        "`docker.io/library/NAME`, which is almost never what was meant (a typo in the stage name, or "
        "a stage that was renamed or removed by the migration).",
    ),
    Code(
        "MIG604",
        Severity.ERROR,
        "The final stage runs as root",
        "The migrated image should run as a non-root user: the Chainguard runtime images default to "
        "`nonroot` (uid 65532). A final `USER root` / `USER 0` (often left over from installing "
        "packages) undoes that; so does a final stage on an image that runs as root (wolfi-base, go, "
        "gcc-glibc, Debian/Ubuntu/Alpine bases) without a `USER` instruction. Switch back with "
        "`USER nonroot` (or `USER 65532`) after the steps that need root.",
    ),
    Code(
        "MIG605",
        Severity.ERROR,
        "The entrypoint needs a file that the final stage does not copy",
        "`ENTRYPOINT`/`CMD` of the final stage refer to a file (a script such as `app.py`, a jar, a "
        "binary such as `/app/server`) that no `COPY`/`ADD` of the final stage puts there. In a "
        "multi-stage build only what is copied into the last stage exists at run time: copy it from "
        "the build context or `COPY --from=builder`. Relative paths are resolved against the stage's "
        "WORKDIR. A path outside the WORKDIR may come from the base image, so it is a warning.",
    ),
    Code(
        "MIG606",
        Severity.WARNING,
        "The final stage is a -dev (build) image",
        "`-dev` images carry a shell, apk, compilers and other build tools. They belong in builder "
        "stages; the final stage should use the runtime image (`python:latest`, not "
        "`python:latest-dev`) and copy the built artefacts in.",
    ),
    Code(
        "MIG607",
        Severity.ERROR,
        "No FROM instruction",
        "A Dockerfile needs at least one `FROM`; nothing can be built or validated without one.",
    ),
    Code(
        "MIG608",
        Severity.WARNING,
        "COPY --from names a stage that is defined later",
        "`COPY --from=NAME` refers to a stage defined further down. Builders resolve stage names in "
        "order, so this copies from an image called NAME instead; move the stage above.",
    ),
    Code(
        "MIG609",
        Severity.WARNING,
        "BuildKit build check",
        "A warning of BuildKit's own build checks (`docker buildx build --call=check`), e.g. "
        "FromAsCasing, JSONArgsRecommended, UndefinedVar. Only reported when the builder supports them "
        "(buildx with BuildKit 0.15 or newer).",
    ),
    Code(
        "MIG610",
        Severity.ERROR,
        "The entrypoint is a shell script, and the final image has no shell",
        "The command the final stage starts is a shell script (`docker-entrypoint.sh`, a `#!/bin/sh` "
        "file in the build context), but the final image is distroless: there is no /bin/sh to run "
        "it, so the container cannot start. Do what the script does in the Dockerfile (ENV, WORKDIR, "
        "exec-form CMD), rewrite it in the app's language, or use an image with a shell "
        "(wolfi-base) for the final stage.",
    ),
    Code(
        "MIG611",
        Severity.ERROR,
        "COPY --chown names a user the final image does not have",
        "BuildKit (and buildah) resolve a COPY or ADD `--chown` name in the image's own /etc/passwd and "
        "/etc/group. The final stage is on a Chainguard image, which has only Wolfi's base accounts and its "
        "own user (nonroot or node, java, php, nginx: uid 65532), and no RUN of the stage makes the name (nor "
        "installs a package), so `--chown=nextjs:nodejs` stops the build. Use the uid the stage runs as "
        "(`--chown=65532:65532`), a name the image has, or make the user in the stage.",
    ),
    Code(
        "MIG612",
        Severity.ERROR,
        "Shell-form RUN in a build stage whose image has no shell",
        "A RUN in shell form runs `/bin/sh -c`. A build stage on a distroless image, directly or through "
        "`FROM <stage>` (a `FROM base AS final-build` whose base is aspnet-runtime), has no /bin/sh, so the "
        "build stops at that RUN. Build the stage on the image's `-dev` variant (shell, apk), and copy only "
        "the results into the distroless runtime.",
    ),
    Code(
        "MIG620",
        Severity.ERROR,
        "No usable builder",
        "`migrate validate` needs one of: `docker buildx`, a Docker engine with a client that can use its "
        "built-in BuildKit (`DOCKER_BUILDKIT=1 docker build`, client older than 23), `buildah` or "
        "`podman`. On Debian/Ubuntu: `apt-get install docker.io` (and start dockerd), or "
        "`apt-get install podman` / `buildah`. The static checks are still reported; exit code 3.",
    ),
    Code(
        "MIG621",
        Severity.ERROR,
        "No emulation for a requested platform",
        "Building for another CPU architecture runs that architecture's binaries in RUN steps, which "
        "needs QEMU user-mode emulation registered with binfmt_misc "
        "(`/proc/sys/fs/binfmt_misc/qemu-aarch64` says `enabled`). On Debian/Ubuntu: "
        "`apt-get install qemu-user-static binfmt-support`. Or build on a native node: "
        "`--builder NAME` passes a buildx builder (remote, Kubernetes or with native arm64 nodes) "
        "through. The platform is reported as skipped; exit code 3.",
    ),
    Code(
        "MIG622",
        Severity.ERROR,
        "No permission to use the container engine",
        "The Docker socket (or podman's) refused the connection: run as root, add the user to the "
        "`docker` group, or use rootless podman/buildah. Exit code 3.",
    ),
    Code(
        "MIG623",
        Severity.ERROR,
        "The build failed",
        "The migrated Dockerfile did not build for this platform. The failing instruction's line and "
        "the tail of its log are reported. Exit code 1.",
    ),
    Code(
        "MIG624",
        Severity.ERROR,
        "The smoke run failed",
        "The built image's default command (or the `--smoke` arguments) exited non-zero or could not "
        "start (for instance the entrypoint is missing, or needs a shell the runtime image does not "
        "have). A program still running when the timeout ends (a server) counts as started and passes. "
        "Exit code 1.",
    ),
    Code(
        "MIG625",
        Severity.WARNING,
        "The Dockerfile frontend image of `# syntax=` could not be pulled",
        "A `# syntax=docker/dockerfile:1` directive makes BuildKit pull that frontend image (from Docker "
        "Hub) to parse the file. Without network access, or behind a mirror that lacks it, every build "
        "fails at its first step, before any line is built. `migrate validate` then builds a copy of the "
        "file without the directive (line numbers unchanged) with the builder's built-in Dockerfile "
        "frontend, and reports the builds of that copy. A file that needs the newest frontend's syntax may "
        "still fail there; builds with network access use the image. Drop the directive (or point it at "
        "a frontend image your registry mirrors) to build offline.",
    ),
)
