"""Finding codes for base images (MIG2xx)."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code(
        "MIG201", Severity.INFO, "base image replaced",
        "The FROM line now names the matching Chainguard image: the `-dev` variant (shell, apk, "
        "compilers) for stages that build, the distroless image for the final stage. The mapping "
        "comes from rules/images.yaml; add your own with `--rules FILE`.",
    ),
    Code(
        "MIG202", Severity.ERROR, "unknown base image left untouched",
        "No image rule matches this base image (often a private or in-house image), so migrator "
        "cannot know what it contains and leaves the stage as it is. Add a rule for it in a rules "
        "file (`images:` with `match:`, `ecosystem:`, `builder:`, `runtime:`) and pass it with "
        "`--rules`, or migrate the image it is built from first.",
    ),
    Code(
        "MIG203", Severity.ERROR, "base image cannot be migrated",
        "The base image has no Chainguard equivalent (for example Windows images: Chainguard images "
        "are Linux only). The stage is left untouched; the message says why.",
    ),
    Code(
        "MIG204", Severity.WARNING, "digest pin dropped: re-pin after migration",
        "The source image was pinned by digest. A digest names one exact image, which cannot carry "
        "over to a different image, so the new FROM uses a tag. Pin the new image by digest once you "
        "have tested it (e.g. `crane digest cgr.dev/chainguard/python:latest`).",
    ),
    Code(
        "MIG205", Severity.ERROR, "FROM uses a build argument without a default",
        "The base image is chosen by a build argument that has no default value in the Dockerfile, "
        "so migrator cannot tell which image it is. Give the ARG a default or migrate with the value "
        "substituted.",
    ),
    Code(
        "MIG206", Severity.INFO, "already on a Chainguard image",
        "This stage already uses a Chainguard image (or one in your configured registry), so its FROM "
        "line is kept.",
    ),
    Code(
        "MIG207", Severity.INFO, "version tag replaced by latest",
        "Free Chainguard images only publish `latest` and `latest-dev`. The source's version tag is "
        "not kept; if your organisation has versioned tags, migrate with `--tag-policy keep` to keep "
        "the major(.minor) version.",
    ),
    Code(
        "MIG242", Severity.INFO, "a per-architecture Docker Hub image became a multi-architecture one",
        "Docker Hub publishes each official image once more per architecture (`amd64/node`, `arm64v8/python`): "
        "the same image, for that one platform. It is migrated as the official image it copies, and the "
        "Chainguard image serves amd64 and arm64 from one name: the platform of the build (`--platform`, or the "
        "machine's) chooses, where the original always got its one architecture. Pin it with "
        "`FROM --platform=linux/amd64` if the image must stay on that one.",
    ),
    Code(
        "MIG208", Severity.INFO, "build argument no longer used in FROM",
        "The FROM line used build arguments to pick the image; the migrated line names the Chainguard "
        "image directly, so those arguments no longer change the base image.",
    ),
    Code(
        "MIG209", Severity.INFO, "Alpine (musl) source image",
        "Wolfi is glibc-based. Binaries built for Alpine/musl must be rebuilt in the builder stage, "
        "never copied from an Alpine image.",
    ),
    Code(
        "MIG211", Severity.INFO, "what differs in the Chainguard image",
        "A note from the image rule about how the Chainguard image differs from the source image "
        "(paths, users, entrypoints, missing bundled tools). Rules carry these notes in `notes:`.",
    ),
    Code(
        "MIG212", Severity.INFO, "FROM names a stage through BuildKit's platform arguments",
        "`FROM runner-${TARGETOS}-${TARGETARCH}` names one of the Dockerfile's own stages, picked by the "
        "platform BuildKit builds for (TARGETOS, TARGETARCH, TARGETPLATFORM, BUILDPLATFORM... are defined "
        "for every FROM line). The stage is migrated as built FROM the one a linux/amd64 build picks, and "
        "the message names the others: every one of them is migrated the same way, so a build for another "
        "platform gets a migrated parent too.",
    ),
    Code(
        "MIG213", Severity.WARNING, "nginx start-up features the Chainguard image does not run",
        "Docker Hub's nginx image starts through /docker-entrypoint.sh, which renders /etc/nginx/templates/*.template "
        "with envsubst (NGINX_ENVSUBST_* settings) into /etc/nginx/conf.d and runs the scripts in "
        "/docker-entrypoint.d. Chainguard's nginx starts nginx directly: templates stay unrendered and the scripts "
        "never run, so a configuration that depends on them is missing at start. Render the templates at build "
        "time (envsubst in a builder stage, with the values as build arguments) or in your deployment, and run "
        "what the scripts did at build time.",
    ),
    Code(
        "MIG214", Severity.WARNING, "unknown image of a build stage kept as it is",
        "No image rule matches the base image of a stage that only builds or carries files for later "
        "stages (`COPY --from=` it, or a builder chain that does not end in the final image): "
        "`tonistiigi/xx`, `mlocati/php-extension-installer`, a project's own build image. The stage is "
        "left as it is, so it builds as before; it is not part of the final image, but what the "
        "migrated stages copy from it is: a binary built there against musl (an Alpine-based image) "
        "does not run on Wolfi's glibc. Add a rule for the image with `--rules` to migrate the stage "
        "too.",
    ),
    Code(
        "MIG215", Severity.WARNING, "file-source stage kept on its Docker Hub image",
        "A stage that is only `FROM IMAGE AS NAME` serves later stages as a source of files, and one of "
        "them copies a path that only Docker Hub's image has (nginx's /docker-entrypoint.d, php's "
        "docker-php-* helpers: the `dockerhub_paths` of rules/chainguard-images.yaml). Moved to the "
        "Chainguard image, that COPY would fail the build, so the stage is left on its image, exactly as a "
        "`COPY --from=IMAGE` of the same files would be. The build still pulls that image, and the final "
        "image carries those files (often shell scripts written for that image's layout, which need a "
        "shell): port what they do, or drop the COPY, to leave Docker Hub's image out.",
    ),
    Code(
        "MIG220", Severity.WARNING, "latest serves another language version than the source pinned",
        "The source image pins a language version (`mcr.microsoft.com/dotnet/aspnet:6.0`, `ruby:2.7`, "
        "`node:18`, `eclipse-temurin:17`, `python:3.11-slim`), and the Chainguard image's `latest` tag serves "
        "a different one (ASP.NET 10, Ruby 4.0, Node 26, Java 26, Python 3.14: the versions come with the tool, "
        "from the Wolfi package lists). What counts is the major version, and for Python and Ruby the minor "
        "one too: their minor releases change the C ABI of native extensions, remove modules and default "
        "gems. An app built for the old version may not build or start. Check it on the new version, or "
        "migrate with `--tag-policy keep` for an organisation registry with versioned tags; the message says "
        "whether Wolfi still ships the pinned version at all. Also said of a stage that took Python from its "
        "distribution's packages (`apt-get install python3` on ubuntu:18.04 installs Python 3.6; the release -> "
        "version table is rules/python-libraries.yaml `distro_python`: Debian 10 to 13, Ubuntu 18.04 to 24.04, "
        "Alpine 3.10 to 3.22, UBI 8 and 9) and now runs on Wolfi's python-3, the newest stream. A library pinned "
        "at a release older than the new Python supports is MIG433.",
    ),
    Code(
        "MIG221", Severity.ERROR, "the app pins a language version the latest image does not serve",
        "Besides the image tag, the build copies a file in which the app pins its language version "
        "(`.ruby-version`, which a Gemfile's `ruby file:` directive reads; or, read when the build context is "
        "on disk and the build runs bundler, the Gemfile's own `ruby '3.3.3'` line, or a requirement such as "
        "`ruby '~> 3.3'` that the new version does not meet), and the Chainguard image's "
        "`latest` tag serves another version: `bundle install` refuses to run when the Gemfile's Ruby is not "
        "the interpreter's, so the build fails. The Gemfile is looked for where the COPY sources put it "
        "(`COPY Gemfile* ./`, `COPY . .`, a directory copied whole: `COPY app/ ./` reads app/Gemfile). When the "
        "source pinned another Ruby and the build runs bundler on a Gemfile that is not on disk (no build context, "
        "or `--context DIR` without it), nothing shows that the app accepts the new Ruby: that is an error too, "
        "as for a Gradle wrapper out of reach (MIG222); a Gemfile read from disk without a `ruby` line of another "
        "version leaves only MIG220's warning. Give the build context with `--context DIR`, migrate with "
        "`--tag-policy keep` for an organisation registry that serves the pinned version, or move the app (the "
        "file and its Gemfile.lock) to the version `latest` serves. A Python project pins its interpreter the "
        "same way, read from the build context on disk where the stage copies or mounts it: `requires-python` "
        "in pyproject.toml (uv, pdm, `pip install .`), Poetry's `python` dependency, and for uv `.python-version` "
        "(or `uv python pin`), UV_PYTHON and `--python`; for pipenv the Pipfile's `[requires] python_version` "
        "(else Pipfile.lock's) "
        "(but not for `pipenv install --system` without `--deploy`, which installs with a warning). When the "
        "stage's python does not meet it, poetry, pdm, pipenv and pip refuse to install the project (the build "
        "fails), and uv downloads a managed CPython into the "
        "builder (~/.local/share/uv/python) that the virtualenv's interpreter links to and the runtime lacks (the "
        "app cannot start); the start check says the runtime is broken either way.",
    ),
    Code(
        "MIG222", Severity.ERROR, "the build's Gradle cannot run on the Java the latest image serves",
        "The stage builds with `./gradlew` on a Java image that pins an older Java (`java:8-jdk`, "
        "`openjdk:11`, `eclipse-temurin:17`, `amazoncorretto:8`, `maven:3-jdk-8`, `gradle:7-jdk17`), and the "
        "Chainguard image's `latest` tag serves the newest Java. A Gradle release runs only on the Java "
        "versions it knows (Gradle's compatibility matrix, in rules/wolfi/versions.yaml): an older wrapper "
        "stops before it compiles anything, so the build fails. When the build context is on disk the "
        "wrapper's version is read from gradle/wrapper/gradle-wrapper.properties (no finding when it is new "
        "enough). Otherwise it is unknown, and this is an error only where the pinned Java proves it too old: "
        "a project built on Java 8 to 16 runs its wrapper on that Java, which runs Gradle up to 8.14.x (Gradle 9 "
        "needs Java 17), older than any Gradle that runs on the latest Java; for a pinned Java 17 or later a new "
        "enough wrapper is possible, and MIG223 (a warning) is reported instead. A `gradle` the Dockerfile "
        "downloads (`gradle-4.10.3-bin.zip`, `ARG GRADLE_VERSION`) is judged by that version. Upgrade the "
        "wrapper (`./gradlew wrapper --gradle-version X`), or migrate with `--tag-policy keep` for an "
        "organisation registry that serves the pinned Java.",
    ),
    Code(
        "MIG223", Severity.WARNING, "the build's Gradle wrapper may not run on the Java the latest image serves",
        "As MIG222, but the wrapper cannot be read (no build context on disk) and the pinned Java is 17 or later: "
        "Gradle releases that run on it include ones that also run on the Java the image's `latest` tag serves "
        "(Gradle 9.4.0 and later run on Java 26, and on 17 to 25 too), so the wrapper may be new enough, or it "
        "may be older and stop the build before it compiles anything. The message names the version it needs: "
        "check `distributionUrl` in gradle/wrapper/gradle-wrapper.properties (the tool reads it when the build "
        "context is on disk, and then reports MIG222 or nothing), upgrade the wrapper if it is older, or migrate "
        "with `--tag-policy keep` for an organisation registry that serves the pinned Java.",
    ),
    Code(
        "MIG224", Severity.WARNING, "uv told to use the image's python instead of the .python-version one",
        "The build context's `.python-version` (which `uv init` fills with the developer's own Python) asks uv "
        "for another version than the stage's Chainguard python serves, while the project's `requires-python` "
        "(pyproject.toml) allows the image's version. uv would download the pinned CPython into the builder "
        "(~/.local/share/uv/python) and link the virtualenv to it, which the runtime image does not have: the "
        "app could not start. The uv command gets `--python python3`, so uv builds the virtualenv on the image's "
        "python (the runtime's). The app now runs on that version (MIG220 says which): check it, update "
        "`.python-version`, or migrate with `--tag-policy keep` for an organisation registry that serves the "
        "pinned one. A pin the project's requirement holds to is MIG221.",
    ),
    Code(
        "MIG225", Severity.WARNING, "configuration moved to where Wolfi's package reads it",
        "The stage installed a package with the distribution's package manager and put its configuration where "
        "that distribution's package reads it, which Wolfi's package of the same name does not (rules/"
        "package-layouts.yaml). Debian's nginx reads /etc/nginx/sites-enabled/*, Wolfi's has no sites-available "
        "or sites-enabled directories: a site copied into either directory is written as "
        "/etc/nginx/conf.d/NAME.conf, the `ln -s` that enables it is dropped (the link would fail the build, as "
        "the directory is not there) and an `rm` that disables one removes its conf.d file. `apk add nginx` "
        "installs nginx's own example nginx.conf, which includes no conf.d, serves /var/lib/nginx/html and runs "
        "its workers as a user wolfi-base lacks: the RUN that installs nginx writes Debian's instead (including "
        "conf.d/*.conf, workers as nobody) with Debian's default site as conf.d/default.conf (serving "
        "/var/www/html), unless the start command names its own configuration (`-c`). Debian's supervisord reads "
        "/etc/supervisor/supervisord.conf, which includes /etc/supervisor/conf.d/*.conf; Wolfi's reads "
        "/etc/supervisord.conf, which includes nothing (its `[include]` section is left commented): the "
        "RUN that installs supervisor appends an include of /etc/supervisor/conf.d to it, the Debian path in "
        "`-c` or a COPY destination becomes Wolfi's, and a start command that does not keep supervisord in the "
        "foreground (`-n`), where no file the stage copies sets `nodaemon=true`, gets `-n`: otherwise supervisord "
        "forks into the background and the container stops. A `-c` naming Wolfi's /etc/supervisord.conf (or "
        "Debian's path, rewritten to it) is no configuration of the stage's own: the include is appended all the "
        "same. Alpine's /etc/supervisord.conf includes /etc/supervisor.d/*.ini, Wolfi's nothing: the include "
        "is appended when the stage writes there. Alpine's nginx reads its sites from "
        "/etc/nginx/http.d/*.conf: they are written to conf.d the same way, with an nginx.conf that includes "
        "conf.d/*.conf in `http` and Alpine's default site (404 for everything) as conf.d/default.conf. A directory "
        "copied whole into a site directory (`COPY sites/ /etc/nginx/sites-enabled/`) goes to conf.d when the "
        "build context is on disk and each of its files is already named NAME.conf. Where a stage built FROM "
        "the one that installs the package copies the configuration, the installing RUN writes what it needs. "
        "Check that the service reads its configuration in the built image (`nginx -T`, `supervisorctl status`).",
    ),
    Code(
        "MIG226", Severity.ERROR, "configuration left where Wolfi's package does not read it",
        "As MIG225, but the tool cannot move the configuration: a directory or several files copied into "
        "Debian's nginx sites-available or sites-enabled, or Alpine's http.d (their names are not known, or some "
        "lack the .conf that conf.d/*.conf needs: the message lists where each file of a directory in the build "
        "context would go), or the stage writes its own main configuration (/etc/nginx/nginx.conf), which may "
        "include the Debian directories that Wolfi's package does not create, so a RUN that links or writes into "
        "one that no earlier line made fails (a COPY or ADD makes its destination's directories itself: no "
        "finding). Put the files in the directory Wolfi's package reads, named as it reads them, or create the "
        "directory the own configuration includes before writing into it. Also, when the build context is on "
        "disk, for a file the stage copies under /etc/nginx: an `include` of a file under /etc/nginx that no "
        "Wolfi package ships and no line of the stage creates (Debian's `snippets/fastcgi-php.conf`, from "
        "nginx-common: nginx stops at start), and a `fastcgi_pass` to Debian's php-fpm pool socket "
        "(`unix:/run/php/php8.1-fpm.sock`), where Wolfi's php-fpm does not listen (its pool listens on "
        "127.0.0.1:9000): every PHP request would get 502.",
    ),
    Code(
        "MIG227", Severity.WARNING, "the program the static runtime runs is built dynamically on the builder",
        "The final stage was `scratch` or distroless/static (no libc), which maps to static:latest, and it copies "
        "a program from a build that links glibc dynamically on its Chainguard builder: go:latest-dev has gcc, so "
        "cgo is on (golang:*-alpine had no C compiler, so its `go build` was static), and rust:latest-dev targets "
        "glibc (rust:*-alpine targets musl, static by default). On static:latest such a program cannot start "
        "(`exec /app: no such file or directory`), so the runtime is glibc-dynamic, which runs static and dynamic "
        "programs. To keep static:latest, ask the build for a static program (`CGO_ENABLED=0`, "
        "`RUSTFLAGS=\"-C target-feature=+crt-static\"`), which rules/static-builds.yaml recognises. A build run "
        "through a file of the project (`make build`, `./build.sh`, `just`, `task`) is read from the build context "
        "(with the scripts it runs); when it cannot be read (no context given, not copied from it), a stage that "
        "builds with go or cargo is taken to build a dynamic program: the finding says which file was not read. "
        "The finding names the build whose program the final stage copies (its `-o` output is the copied path, "
        "holds it or is in it); where every copied path is the output of a build that asks for a static program "
        "and of no dynamic one, the dynamic builds make programs the final stage does not take, and it stays on "
        "static:latest.",
    ),
    Code(
        "MIG228", Severity.INFO, "CGO_ENABLED=0 written where the source image had no C compiler",
        "A `go build` on golang:*-alpine, which has no C compiler, builds with cgo off: a static program, which "
        "the final `scratch` or distroless/static stage runs. The Chainguard go image has gcc, so the same build "
        "would turn cgo on and link glibc dynamically (any program that imports net or os/user), which "
        "static:latest cannot start. `ENV CGO_ENABLED=0` is written before the build, which is what the source "
        "image did implicitly; a stage that installs a C compiler (`apk add gcc`) had cgo on, and gets the "
        "glibc-dynamic runtime instead (MIG227). The same holds for a build run through `make`, a script, `just` "
        "or `task` on golang:*-alpine: written before it, unless its Makefile or script (read from the build "
        "context) asks for a static program itself or sets CGO_ENABLED otherwise.",
    ),
    Code(
        "MIG229", Severity.WARNING, "a .NET runtime with ICU, as the app is not known to be globalization-invariant",
        "A .NET app loads ICU at start and aborts without it (\"Couldn't find a valid ICU package installed on the "
        "system\") unless it runs globalization-invariant. runtime-deps (Debian, Ubuntu) ships ICU; glibc-dynamic, "
        "which it maps to, does not. The runtime stays glibc-dynamic when the app is known to be invariant: the "
        "source image's -alpine tag set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true (carried into the migrated "
        "stage), the Dockerfile sets it, or the app's project file in the build context (named as the started "
        "program, or the only one; or Directory.Build.props) sets `<InvariantGlobalization>true"
        "</InvariantGlobalization>`. Otherwise the runtime is dotnet-runtime, which has ICU (its .NET goes unused "
        "by a self-contained app); set InvariantGlobalization in the project to run on glibc-dynamic.",
    ),
    Code(
        "MIG231", Severity.WARNING, "a musl build made for the builder's own glibc target",
        "`cargo build --target x86_64-unknown-linux-musl` (or aarch64, or `$(uname -m)-unknown-linux-musl`) needs "
        "that target's standard library, which rustup added on Docker Hub's rust image. Chainguard's rust image "
        "has no rustup and Wolfi's rust is one toolchain, with the standard library of the build machine's own "
        "glibc target only: `rustup target add` and the build would fail (\"can't find crate for `std`\"). The "
        "build is made for the builder's own target, into the directory the musl build wrote (`--target-dir "
        "target/x86_64-unknown-linux-musl`, so every path that copies the program stays right, and each "
        "architecture builds its own; a target named by CARGO_BUILD_TARGET, set by ENV, ARG or on the command, "
        "becomes CARGO_BUILD_TARGET_DIR=target/<target>; a target set by the project's cargo config, "
        "`.cargo/config.toml` `[build] target`, read in the build context, has its line deleted from the config "
        "before the build, as cargo cannot unset it on its command line), `rustup target add` of such targets is "
        "removed, and "
        "the program, which "
        "now links glibc dynamically, runs on glibc-dynamic (a `scratch` final stage: MIG227). To keep a "
        "static program, build with `RUSTFLAGS=\"-C target-feature=+crt-static\"`; to keep musl, install the "
        "`rustup` package in the builder and add the target with it (then the stage is left as written).",
    ),
    Code(
        "MIG232", Severity.WARNING, "a .NET musl runtime identifier made the glibc one",
        "`dotnet publish -r linux-musl-x64` (the habit of the -alpine .NET images; also `--runtime`, "
        "`-p:RuntimeIdentifier=`, or a variable such as `RID=linux-musl-arm64` that the build reads) makes an app "
        "with a musl apphost, and when self-contained a musl .NET runtime. Chainguard's images are glibc (no "
        "/lib/ld-musl-*.so.1): such an app cannot start (`exec ./App: no such file or directory`). In the RUN, "
        "ARG and ENV lines of a stage on dotnet-sdk (and a global ARG such a stage declares), and in the RUN lines "
        "that run `dotnet publish/restore/build` in another migrated stage (a dotnet it installs), each musl "
        "identifier (a word of its own, not part of a URL or file name) becomes the glibc identifier of the same "
        "architecture: `linux-musl-x64` and the legacy `alpine-x64`, `alpine.3.18-arm64` become `linux-x64`, "
        "`linux-arm64`; an architecture held by a variable is kept (`linux-musl-$TARGETARCH` -> "
        "`linux-$TARGETARCH`); the operating system alone, `--os linux-musl` (SDK 6+, with `-a`), "
        "becomes `--os linux`. The directory a publish without `-o` writes to is named after the identifier "
        "(`bin/Release/net8.0/linux-musl-x64/publish`): where a RUN of the stage or a COPY --from it names it, it "
        "becomes the glibc one too.",
    ),
    Code(
        "MIG233", Severity.ERROR, "the .NET project file names a musl runtime identifier",
        "A project file of the build context (`.csproj`, `.fsproj`, `.vbproj`, Directory.Build.props) sets "
        "`<RuntimeIdentifier>linux-musl-...</RuntimeIdentifier>` (or a legacy `alpine-x64`), and the stage's "
        "`dotnet publish` gives no identifier of its own (`-r`, `--os`, `-a`, `-p:RuntimeIdentifier=`): "
        "the app is published for musl, which cannot start on the glibc of Chainguard's images. "
        "The project file is not the Dockerfile's to change: set the glibc identifier (`linux-x64`) there, or "
        "publish with `-r linux-x64`. The project read is the one the publish builds: its argument, else the "
        "project or solution in the directory it runs in, mapped back through the COPY lines to the build "
        "context, with the nearest Directory.Build.props above it; an error only when the app cannot start: "
        "self-contained (SelfContained, PublishAot, or a target before net8.0, where a runtime identifier implies "
        "it), or started by its musl apphost (`./App`, or a script); a framework-dependent app started as `dotnet "
        "App.dll` is MIG595.",
    ),
    Code(
        "MIG210", Severity.WARNING, "COPY --from names an external image",
        "A COPY --from names an image rather than a stage. migrator does not change it, but the "
        "files it copies were built for that image's libc and user: check that they work on Wolfi.",
    ),
    Code("MIG234", Severity.WARNING, "a package install may build native addons with a tool the -dev image lacks",
         "The stage was built on an image that shipped what a package manager builds native addons with: Docker "
         "Hub's full node tags are built FROM buildpack-deps and have python3, which node-gyp needs; "
         "node:latest-dev has gcc, make and node-gyp but no python. The migrated builder also runs a newer node "
         "than the source pinned, so an addon pinned in the lockfile (better-sqlite3, bcrypt, re2...) may have no "
         "prebuilt binary for it, and node-gyp then compiles it and stops at `gyp ERR! find Python`. When a "
         "lockfile of the build context (package-lock.json) shows a package with an install script, the tool adds "
         "python-3 to the builder's apk add itself (I MIG313); when it lists none, nothing is needed; this warning "
         "is given when no lockfile can be read: add python-3 to the builder if the build stops there, or migrate "
         "with --context so that the lockfile decides."),
    Code("MIG236", Severity.INFO, "an account a package's program runs as created in the stage",
         "The stage installs a package whose program runs as an account that no Wolfi package creates: Wolfi's "
         "nginx is built to run its workers as nginx (group nginx), and wolfi-base has neither, so an nginx "
         "started as root stops with `getpwnam(\"nginx\") failed`. An nginx.conf the stage copies in from the "
         "build context may name another account in its `user` directive (Debian's `user www-data;`), which "
         "fails the same way. The stage creates that account first, with busybox `adduser -D` (a user and a "
         "group of the same name, a free uid), as root; the user in force afterwards stays what it was."),
    Code("MIG237", Severity.ERROR, "yarn on node's -dev image cannot run a Yarn 2+ project",
         "The start command runs `yarn` on node's -dev image, whose /usr/bin/yarn is Wolfi's yarn 1.22; corepack "
         "is installed there but not enabled, and a `corepack enable` the builder ran does not reach a fresh "
         "runtime stage. The project's package.json names Yarn 2 or later in \"packageManager\" (and .yarnrc.yml "
         "names no yarnPath release): yarn 1.22.20+ refuses to run it, so the container exits at start. Enable "
         "corepack in the runtime stage (as root, then back to the image's user) with the corepack cache and Yarn "
         "cache the build used, or build the app in the builder and start it with node. When the original "
         "final stage ran `corepack enable` as root, the runtime repeats it with the builder's corepack cache "
         "(MIG239); what is left is the error."),
    Code("MIG238", Severity.WARNING, "the runtime keeps apk for programs the app runs",
         "The original final stage installed a package that provides programs (git, curl, openssh-client; "
         "rules/tools.yaml) and no RUN step of that stage runs them: the user put it in the image that runs the app, "
         "not in a builder, so the app runs it (lazygit execs `git`, a health check runs `curl`). A package a RUN "
         "step of the stage runs may have served the build only: MIG514 names it and it "
         "is not kept. The distroless runtime has neither the program nor a package manager, so the runtime is "
         "the language's -dev image, which installs the packages with apk (MIG569) as root and goes back to the "
         "image's user; where the language's runtime has no -dev image (static, glibc-dynamic: a Go or Rust "
         "binary) the final stage stays one stage on wolfi-base (busybox sh, apk, glibc; MIG542) with the "
         "packages, as the original kept them. The same holds when a library the app declares (requirements.txt, "
         "pyproject.toml, Pipfile, package.json, Gemfile, a .csproj; "
         "rules/library-programs.yaml) runs a program at run time that the original final stage installed with "
         "the OS package manager: pydub and openai-whisper run `ffmpeg`, pdf2image runs poppler's `pdftoppm`, "
         "ocrmypdf runs ghostscript's `gs`. The distroless runtime has neither the program nor a package manager, and "
         "copying a program such as ffmpeg with every library and data file it loads is not sound, so the "
         "runtime is the language's -dev image, which installs the packages with apk (MIG569) as root and goes "
         "back to the image's user. A library that drives a headless browser it downloaded in the builder "
         "(Puppeteer's Chrome for Testing at `npm ci`, Playwright's Chromium at `playwright install`; "
         "rules/browsers.yaml) needs the libraries the browser loads and a font, which the original may never have "
         "named (`playwright install --with-deps` ran apt-get): the -dev runtime installs them with apk and gets "
         "the browser from the builder's cache (~/.cache/puppeteer, ~/.cache/ms-playwright) in its user's home. "
         "To run on the distroless image, drop the package from the final stage (install it in a builder stage "
         "when only the build needs it), drop the library, or call a service that has the program (a browser "
         "service for a headless browser)."),
    Code("MIG239", Severity.INFO, "a Yarn 2+ project's cache and Yarn release reach the runtime",
         "Under Yarn Plug'n'Play there is no node_modules: .pnp.cjs loads each package from its zip archive in "
         "Yarn's cache. Yarn 4 keeps that cache in the home of the user who ran the install "
         "(~/.yarn/berry/cache, enableGlobalCache: true by default), which the runtime stage, given the app's "
         "directory, does not get, so every require would fail at start. `ENV YARN_ENABLE_GLOBAL_CACHE=false` "
         "before the install keeps the archives in the project's .yarn/cache, which the runtime copies with the "
         "app (set `enableGlobalCache: false` in .yarnrc.yml to say the same in the project). A yarn start kept on "
         "node's -dev runtime (MIG575) for a project whose package.json names Yarn 2+ in \"packageManager\" "
         "needs the release the original's corepack shim ran: the -dev image's /usr/bin/yarn is Wolfi's yarn "
         "1.22, which refuses such a project (MIG237). When the original ran `corepack enable`, the runtime runs it "
         "too, as root, then goes back to the image's user, and gets the corepack cache the builder's root filled "
         "(/root/.cache/node/corepack, or COREPACK_HOME) in its user's home, so yarn starts without the network."),
    Code("MIG240", Severity.ERROR, "the headless browser the app's library drives cannot run in the runtime",
         "The app declares an npm library that renders pages with a headless browser (puppeteer, puppeteer-core, "
         "playwright, @playwright/test; rules/browsers.yaml), and the runtime would not have a browser that starts. "
         "Either the original pointed the library at a browser of its distribution (Debian's or Alpine's chromium, "
         "google-chrome-stable, PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium): Wolfi packages no Chromium or Chrome, "
         "so there is none to install and the path does not exist. Let Puppeteer download its Chrome for Testing "
         "at `npm ci` instead (drop PUPPETEER_EXECUTABLE_PATH and PUPPETEER_SKIP_DOWNLOAD; depend on puppeteer, "
         "not puppeteer-core; Chrome for Testing is built for linux arm64 from Puppeteer 25.11 on only), or run "
         "`playwright install chromium` in the builder: the runtime is then node's -dev image, which installs the "
         "libraries the browser loads and a font with apk (MIG238), and gets the browser the builder downloaded. "
         "Or the library downloaded its browser, but the runtime has neither the shared libraries it loads (NSS, "
         "the accessibility and X libraries, GBM, a font) nor apk to install them. Either way the container starts "
         "and the first page render fails. Another way out is a browser that runs as a service (a browserless or "
         "chrome container), which the app reaches with puppeteer.connect or Playwright's connect."),
    Code("MIG241", Severity.INFO, "`playwright install --with-deps` loses the flag: the runtime installs the libraries",
         "`playwright install --with-deps` (and `install-deps`) installs the libraries its browsers load with "
         "apt-get, on Debian and Ubuntu only: on a Wolfi builder the step fails (MIG577). Where the runtime is node's "
         "-dev image that installs those libraries and a font with apk for the app's Playwright (MIG238, "
         "rules/browsers.yaml), the builder's `playwright install` only downloads the browser, without the flag, and "
         "the runtime gets the download from the builder's ~/.cache/ms-playwright (or PLAYWRIGHT_BROWSERS_PATH)."),
    Code("MIG243", Severity.ERROR, "a shared library the source runtime carried is missing from the runtime",
         "The original final image carried a shared library in its own layers (gcr.io/distroless/base and cc: "
         "OpenSSL's libssl.so.3 and libcrypto.so.3; alpine: those and zlib; rules/dockerhub.yaml "
         "`carried_libraries`) that the Chainguard runtime lacks (glibc-dynamic has glibc, libgcc and libstdc++ "
         "only), and the stage the binary comes from linked it (it installed the -dev package, a link line names "
         "-lssl, or its Cargo.lock has openssl-sys). Where that stage is migrated, it stages the libraries with "
         "everything they load and the runtime copies them (MIG521). This error is what is left: the stage is not "
         "migrated (an image this tool does not know), so its libraries are not where a Wolfi stage keeps them, "
         "and the binary stops at exec with 'error while loading shared libraries'. Copy the libraries into the "
         "final stage from a stage that has them for the same glibc, or build the binary fully static."),
    Code("MIG244", Severity.INFO, "the program the source image's entrypoint script put before the CMD is the "
         "ENTRYPOINT",
         "The stage sets only a CMD, and the source image's entrypoint script, which the stage inherited, put the "
         "image's program in front of it: Docker Hub node's docker-entrypoint.sh runs `CMD [\"server.js\"]` as "
         "`node server.js` (an option or a .js file), php's docker-php-entrypoint `CMD [\"-S\", ...]` as `php -S "
         "...`, redis's `CMD [\"/etc/redis.conf\"]` as `redis-server /etc/redis.conf` (rules/chainguard-images.yaml, "
         "upstream: entrypoint_execs). The Chainguard image has no such script, so the migrated stage says "
         "`ENTRYPOINT [\"node\"]` (the program) before the CMD, which is kept as written: the container runs the "
         "same command, whatever the image's own entrypoint is. A CMD that names a program is run as it is "
         "(`ENTRYPOINT []`, MIG506)."),
    Code("MIG245", Severity.WARNING, "the CMD starts the server program on an image whose ENTRYPOINT is not known",
         "The final stage's CMD starts the source image's server (`redis-server`, `mariadbd`, `mongod`), which "
         "Docker Hub's docker-entrypoint.sh ran as the command it is. The Chainguard image it runs on now is not "
         "in the image model, and some of Chainguard's service images have the server itself as their ENTRYPOINT "
         "(redis: `redis-server`, valkey, memcached): the container would then run `redis-server redis-server "
         "/etc/redis.conf`, and the server takes its own name for an argument and exits. Check the image's "
         "ENTRYPOINT (`docker inspect`, or its image config) and add `ENTRYPOINT []` before the CMD if it starts "
         "the server; images whose entrypoint is known to run a command (postgres, haproxy) give no warning."),
    Code("MIG248", Severity.ERROR, "setup a dropped start script did at every start is lost",
         "The stage's ENTRYPOINT (or CMD) was a script from the build context in front of the image's own program "
         "(`docker-entrypoint.sh` ending in `exec \"$@\"`, CMD php-fpm), and the runtime image starts that "
         "program itself and does not run the script (the php-fpm image starts php-fpm under s6, MIG545): the "
         "script is copied but never runs. What it did before handing over is lost: a config file written from "
         "the environment, a directory made, a secret generated, an `export` the program read. The finding lists "
         "those steps and the files they write (its seeding of the application is MIG323/MIG324's). Do that "
         "setup in the Dockerfile where it is the same at every start (a RUN in the builder whose result the "
         "runtime copies), or keep a runtime with a shell whose ENTRYPOINT runs the script and then starts the "
         "image's own program."),
    Code("MIG249", Severity.WARNING, "a dropped start script could not be read",
         "As MIG248: the runtime image starts its program itself and does not run the stage's ENTRYPOINT script, "
         "but this tool could not read the script (migrated without the build context, or a file a RUN or "
         "another stage makes), so what it did at every start is not known and not done. Read it: setup it did "
         "(config from the environment, directories, secrets) belongs in the Dockerfile or in a start script of "
         "a runtime with a shell."),
)
