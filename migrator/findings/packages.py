"""Finding codes for the 'packages' area (MIG3xx): package-manager commands in RUN lines."""

from migrator.findings import Code
from migrator.model import Severity

PACKAGES_TRANSLATED = Code(
    "MIG301",
    Severity.INFO,
    "Package install translated to apk",
    "An apt-get/apt/aptitude, yum/dnf/microdnf, zypper or apk command was rewritten to Wolfi's "
    "`apk add --no-cache` (or `apk del`), with every package name translated through the package "
    "rules for the command's distribution family. A name the rules do not list is kept when Wolfi has "
    "it, and otherwise replaced by its Wolfi equivalent when a general rule finds one "
    "(rules/package-patterns.yaml): Debian's t64 renames (`libcurl4t64` -> `libcurl-openssl4`), a "
    "soname or major version in Wolfi's name (`libexpat` -> `libexpat1`, `fuse` -> `fuse3`), a version "
    "Wolfi does not split out (`gnupg1` -> `gnupg`), PHP streams Wolfi no longer ships (`php7-bcmath` -> "
    "`php-bcmath`). The message lists each rename and what it changes. Chainguard images are built "
    "from Wolfi packages, so the original package manager does not exist there. Check the translated "
    "names; extend or override them with your own rules file (`--rules FILE`).",
)
UNKNOWN_PACKAGE = Code(
    "MIG302",
    Severity.ERROR,
    "Package is not in Wolfi: apk add fails",
    "No package rule maps this name, it is neither a Wolfi package nor a virtual name that a Wolfi "
    "package provides (the lists ship with migrator, from the Wolfi package definitions), and no general "
    "rule finds its Wolfi equivalent (see MIG301). It was kept "
    "as written, so `apk add` refuses the whole command (`ERROR: unable to select packages`) and the "
    "build fails. The message names close Wolfi names when there are some, or, for a kind of name "
    "whose look-alikes mislead (a PGDG PostgreSQL extension, `postgresql-16-<ext>`: Wolfi's are "
    "`<ext>-18`), what rules/package-patterns.yaml `hints` say of it. Find the Wolfi package that "
    "provides the same files (`apk search NAME`, or `apk search cmd:BINARY` for a command) and add a "
    "mapping to a rules file passed with `--rules`; for software Wolfi does not package, download the "
    "upstream release in the builder stage instead. A name the tables do not map but Wolfi has "
    "(`mailcap`, `pwgen`) is kept without a finding.",
)
PACKAGE_NOT_NEEDED = Code(
    "MIG303",
    Severity.INFO,
    "Package not needed in Wolfi: dropped",
    "The package rules say this package has no counterpart to install on Wolfi (its content is part of "
    "another package or of the base image, or it only configures the original distribution). It was "
    "removed from the install list. The message quotes the rule's note when there is one.",
)
VERSION_PIN_DROPPED = Code(
    "MIG304",
    Severity.WARNING,
    "Version pin dropped",
    "The package was pinned to a version (or release, repository or architecture) of the original "
    "distribution (`pkg=1.2*`, `pkg-1.2.3-1.el8`, `pkg=1.2-r0`, `pkg/bookworm-backports`). Those "
    "versions do not exist in Wolfi, so the pin was removed and the package name kept. If you need a "
    "specific version, pin the Wolfi package (`apk add pkg=VERSION`, see `apk search -x pkg`) or choose "
    "a versioned package stream such as `python-3.12` or `nodejs-22`.",
)
DYNAMIC_PACKAGES = Code(
    "MIG305",
    Severity.WARNING,
    "Package list from a variable or command: not translated",
    "A word in the install command is a variable or a command substitution (`$PKGS`, "
    "`$(cat packages.txt)`), so the package names are only known when the build runs. It was kept as "
    "written. Make sure the value holds Wolfi package names, or list the packages literally so that "
    "they can be translated.",
)
HOUSEKEEPING_REMOVED = Code(
    "MIG306",
    Severity.INFO,
    "Package-manager housekeeping removed",
    "Commands such as `apt-get update`, `apt-get clean`, `yum clean all`, `dnf makecache`, "
    "`apk update`, `apt-get upgrade` and `rm -rf /var/lib/apt/lists/*` were removed, together with "
    "the `&&`/`;` that joined them. `apk add --no-cache` fetches a fresh index and keeps no cache, so "
    "they have nothing left to do (and the original tools do not exist in Wolfi). Upgrades come from "
    "rebuilding on a fresh Chainguard image.",
)
THIRD_PARTY_REPOSITORY = Code(
    "MIG307",
    Severity.ERROR,
    "Third-party repository or package file kept: it fails on Wolfi",
    "The command installs a package file built for another distribution (`dpkg -i`, `rpm -i`, a "
    ".deb/.rpm path or URL), or sets up a package repository (`add-apt-repository`, `apt-key`, "
    "`/etc/apt/sources.list.d`, `gpg --dearmor`, `curl ... | bash` set-up scripts, "
    "`yum-config-manager --add-repo`, `dnf config-manager`, `rpm --import`) for software the stage "
    "installs and Wolfi does not have (the message names it). Neither can work on Wolfi; the line was "
    "left as written (a package file named among an install's packages stays an argument of the "
    "translated `apk add`) so that the build fails where the problem is. Look for the software as a Wolfi "
    "package (`apk search NAME`), or download the upstream release artifact (tarball or static "
    "binary) in the builder stage and copy it into the runtime stage. The message also says when the "
    "shell would hide the failure (`;` without `set -e`, `||`, a pipeline).",
)
OPTION_DROPPED = Code(
    "MIG308",
    Severity.WARNING,
    "Unrecognised package-manager option dropped",
    "The install command used an option that has no apk equivalent known to migrator, so it was "
    "removed. If the option took a value, that value may now be read as a package name: check the "
    "rewritten line.",
)
INSTALL_EMPTIED = Code(
    "MIG309",
    Severity.INFO,
    "Install command left with no packages: removed",
    "Every package of this install command is already provided on Wolfi (or not needed there), so the "
    "command itself was removed like `apt-get update`.",
)
UNSUPPORTED_PACKAGE_COMMAND = Code(
    "MIG310",
    Severity.ERROR,
    "Package-manager command with no Wolfi equivalent: left as written",
    "This command calls a package-manager feature that apk does not offer or that migrator cannot "
    "translate safely (`apt-get build-dep`, `yum groupinstall`, `dnf module`, `--installroot`, "
    "`dpkg --print-architecture`, ...), or a Debian/RHEL system tool Wolfi images lack (`a2enmod`, "
    "`service`, `systemctl`, `update-rc.d`), or it runs a package manager where the text cannot be "
    "translated in place: behind `sh -c`, `xargs`, `su` or `chroot`, named by a variable or a "
    "substitution (`$PM install`, `$(echo apt-get)`), or as the command that reads a heredoc the "
    "translation would otherwise move, or in a heredoc written to a file as a script to run (it starts "
    "with `#!`, or the RUN runs the file); or an `ONBUILD RUN` trigger runs one in the builds of images FROM "
    "the migrated image. It was left as written and will fail on Wolfi, where "
    "apt/dpkg/yum/dnf/rpm/zypper are not installed. Replace it by hand: `apk add` the packages "
    "needed, and use `uname -m` or the `TARGETARCH` build argument for the architecture. The message "
    "says when the shell would hide the failure (`;` without `set -e`, `||`, a pipeline), so that the "
    "step would pass with the work undone.",
)
REPOSITORY_SETUP_REMOVED = Code(
    "MIG312",
    Severity.INFO,
    "Repository set-up removed: Wolfi has the packages",
    "The command only set up a package repository or its signing key (`add-apt-repository`, "
    "`apt-key`, a NodeSource `curl ... | bash -` script, a `sources.list.d` or `.repo` file, "
    "`gpg --dearmor` into a keyring, `rpm --import`) so that a later install could find its packages. "
    "Every package this stage installs is a Wolfi package, served from Chainguard's own repository, so "
    "the set-up has nothing left to do (and its tools do not exist on Wolfi): it was removed with the "
    "`&&`/`;` that joined it. When the stage installs something Wolfi does not have, the set-up is "
    "kept and MIG307 says why the build fails.",
)
APT_CONFIGURATION_REMOVED = Code(
    "MIG311",
    Severity.INFO,
    "Package-manager configuration removed",
    "The command configured apt or dpkg (`apt-mark`, `debconf-set-selections`, writing "
    "`/etc/apt/apt.conf.d/*`, `DEBIAN_FRONTEND=noninteractive`). Wolfi's apk never asks questions and "
    "has no such configuration, so it was removed.",
)

TOOLS_ADDED = Code(
    "MIG313",
    Severity.INFO,
    "Package added for a command the Wolfi image lacks",
    "The stage runs a command that its source image shipped but the Chainguard image does not have: "
    "Wolfi's busybox has no wget and no bash, wolfi-base is only busybox and apk, Wolfi's nodejs does "
    "not bundle npm, Wolfi's ruby has no bundle (ruby4.0-bundler has it), and Docker Hub's full language "
    "images had curl and git. Nothing the stage "
    "installs provides it either, so its Wolfi package (rules/tools.yaml) was added to the stage's first "
    "`apk add`, or, when the command runs before any, `apk add --no-cache PKG && ` was put in front of "
    "it; where the step runs as a user other than root (a USER of the stage or of the stage it is built "
    "FROM), the packages are installed in a RUN of their own between `USER root` and that USER instead, "
    "since apk needs root. Commands the table does not know are never guessed at. The commands of a "
    "build-context script the stage runs (a RUN step's, or the start script of a stage that stays one "
    "stage) count when the script is read from the build context on disk, and so do those of a shell-form "
    "start command (`CMD curl ... && node server.js`) of a final stage that stays one stage. A stage that "
    "runs a script this tool cannot read also gets the download and version-control tools its source image shipped "
    "(rules/dockerhub.yaml `shipped_tools`: curl, wget and git on the full images built on buildpack-deps) "
    "that the Chainguard image lacks, since the script may use them. A stage that stays one stage on wolfi-base "
    "with Python or PHP and installs a compiler (build-base, gcc, clang) gets the language's headers "
    "(python-3-dev, php-dev), which Docker Hub's image carried and Wolfi packages apart: a C extension built "
    "from source needs them (`Python.h: No such file or directory`).",
)
TOOL_NOT_IN_WOLFI = Code(
    "MIG314",
    Severity.ERROR,
    "Command with no Wolfi package: the RUN fails",
    "The stage runs a command of the source distribution that no Wolfi package provides (RHEL's "
    "`scl` and `subscription-manager`, `chkconfig`), and the image does not have it: the shell "
    "reports `not found` and, unless the failure is hidden, the build stops. Do what it did another way "
    "(the Wolfi package of the software itself, a download in the builder), or remove it.",
)
WRAPPER_DROPPED = Code(
    "MIG316",
    Severity.INFO,
    "Wrapper Wolfi has no package for dropped from a RUN step",
    "The step ran its command through a wrapper that only speeds it up or wraps it (`eatmydata`, which turns "
    "fsync off; `chronic`, which hides the output of a step that succeeds; `catatonit`, an init process) and "
    "that no Wolfi package provides: kept, it would fail with `not found`. The command runs the same without "
    "it, so the wrapper is dropped. A wrapper that changes what the command sees (`fakeroot`) is kept and "
    "reported as a command with no Wolfi package (MIG314).",
)
PACKAGE_QUERY_UNANSWERED = Code(
    "MIG315",
    Severity.WARNING,
    "Query of the source's package manager answers nothing on Wolfi",
    "A command substitution or a condition asks apt, dpkg or rpm something (`$(apt-get -s ...)`, "
    "`apt-cache policy`, `dpkg -l | grep`, `rpm -q`). Those tools are not on Wolfi, so there the "
    "question gets no answer: the substitution is empty, the condition is false, and the RUN step goes "
    "on. Nothing fails, but what the script did with the answer (a package list, a branch) no longer "
    "happens: check it, and ask apk instead (`apk info -e NAME`).",
)
SOURCE_IMAGE_FILES_CARRIED = Code(
    "MIG317",
    Severity.INFO,
    "Files the source image carried copied into the runtime",
    "The source image had a package's files in its own layers, not from a package the Dockerfile installs: "
    "Docker Hub's python installs tzdata in every variant, gcr.io/distroless images ship it, and so does Debian "
    "before trixie. Chainguard's python, glibc-dynamic and wolfi-base have no time zone database, so an app that "
    "sets TZ, builds a zoneinfo.ZoneInfo (Django's TIME_ZONE with USE_TZ) or calls Go's time.LoadLocation fails "
    "or falls back to UTC there. The final stage copies the files (/usr/share/zoneinfo) from a Chainguard image "
    "that has them (static) with one `COPY --from` (rules/dockerhub.yaml `carried_files`). Remove the line if "
    "the app never reads them.",
)

IMAGE_ACCOUNT_NOT_RECREATED = Code(
    "MIG318",
    Severity.INFO,
    "Creation of an account the Chainguard image already has removed",
    "The stage creates a user or group under a name the Chainguard image already has: most often `nonroot` "
    "(uv's Docker example and the distroless convention: `groupadd --system --gid 999 nonroot && useradd ... "
    "nonroot`), which every Chainguard image has with uid and gid 65532. busybox `adduser`/`addgroup` fail on a "
    "name in use, so kept, the command would stop the build. The creation is removed from the RUN (the rest of "
    "the RUN stays as written) and the image's account is used as it is: `USER nonroot` and `chown nonroot` work "
    "unchanged. When the original asked for another uid or gid (999), the account now has the image's: files "
    "given to that number (`COPY --chown=999`, `chown 999`, a volume prepared on the host) must be given to the "
    "image's id instead. When the creation cannot be taken out of its command, MIG530 reports it as an error.",
)
CONTEXT_MUSL_BINARY = Code(
    "MIG319",
    Severity.ERROR,
    "A binary from the build context is linked against musl",
    "A program copied from the build context is a dynamically linked ELF file whose interpreter (PT_INTERP) is "
    "musl's loader, /lib/ld-musl-<arch>.so.1: it was built on Alpine (a CI runner, `go build` with cgo on "
    "golang:alpine). Chainguard's images are glibc-based and have no musl loader, so the program cannot start "
    "(`exec ...: no such file or directory`). Build it in a builder stage of the migrated file (for Go, "
    "`CGO_ENABLED=0` makes a static program that runs anywhere), or rebuild it against glibc. A statically "
    "linked program (no interpreter) is not affected.",
)


CRON_OPTION_DROPPED = Code(
    "MIG320",
    Severity.WARNING,
    "Option of the source cron daemon with no counterpart in cronie: dropped",
    "The start command runs a cron daemon under the options of the source package that installed it (Alpine's "
    "dcron, the crond applet of Alpine's busybox; rules/tools.yaml `program_packages`), and on Wolfi `crond` is "
    "cronie's, which refuses options it does not know. The other options are written as cronie takes them (I "
    "MIG571); this one does something cronie cannot do, so it is dropped, and the container does without it: "
    "`-L FILE` (a log file: cronie logs to syslog, and a container without a syslog daemon keeps no log), busybox's "
    "`-d N` (log to stderr), dcron's `-m ADDRESS` (mail every job's output there: cronie mails each crontab's "
    "owner, see MAILTO), `-s DIR` and `-t DIR` (dcron's system crontab and timestamp directories). Check that "
    "the app does not rely on it (a `tail -f` of the log file, a mail address).",
)
CRONTAB_MOVED = Code(
    "MIG321",
    Severity.INFO,
    "Crontab copied where Wolfi's cronie reads it",
    "Alpine's dcron and busybox crond read the crontab of each user from /etc/crontabs/<user> (or the directory "
    "their `-c DIR` names). Nothing on Wolfi reads that directory: Wolfi's busybox has no crond, and cronie reads "
    "/etc/crontab, /etc/cron.d/ (each line with a user column after the time fields) and /var/spool/cron/<user>, "
    "whose format is that of /etc/crontabs/<user> (no user column). The COPY (or ADD) writes the file to "
    "/var/spool/cron under the same name, with --chmod=0600 unless it sets a mode: cronie skips a crontab that is "
    "executable or group- or world-writable (\"BAD FILE MODE\"), which a build context's file may well be, and "
    "one owned by neither root nor its user (keep --chown to that user or root).",
)
CRONTAB_WRITTEN_UNREAD = Code(
    "MIG322",
    Severity.WARNING,
    "A RUN writes a crontab where Wolfi's cronie does not read it",
    "The stage's cron daemon is Alpine's (dcron or busybox crond), which reads /etc/crontabs/<user>, and a RUN "
    "writes or reads a file there (`echo '*/5 * * * * job' >> /etc/crontabs/root`). Wolfi's cronie reads "
    "/var/spool/cron/<user> in the same format (MIG321 moves a COPY there), but the tool does not rewrite the "
    "shell of a RUN, so as written the jobs never run. Write the crontab to /var/spool/cron/<user> (mode 0600), "
    "or install it with `crontab FILE`, which cronie's crontab puts there.",
)
SEEDED_APP_COPIED = Code(
    "MIG323",
    Severity.INFO,
    "Application a dropped start script put in place: copied there in the runtime",
    "The stage's ENTRYPOINT was a script from the build context that the runtime image does not run (the php-fpm "
    "image starts php-fpm itself, MIG545), and the script put the application where it is served when the "
    "container started: Docker Hub's application images unpack it into /usr/src/<app> at build time and copy it "
    "into the docroot volume at the first start (`tar cf - -C /usr/src/app . | tar xf -`, `cp -a "
    "/usr/src/app/. /var/www/html/`, `rsync -a /usr/src/app/ /var/www/html/`). A plain copy of a directory "
    "the stage makes is done by the runtime stage instead: `COPY --from=builder /usr/src/app /var/www/html`, "
    "after the stage's other files, owned by the runtime user where the directory is a volume or the script "
    "gave the files away. A new volume starts with those files, as the script's first start did; a volume "
    "that already holds an older version is not updated by the image, as the script did not update it either.",
)
SEEDED_APP_MISSING = Code(
    "MIG324",
    Severity.ERROR,
    "Application a dropped start script put in place: missing in the runtime",
    "The stage's ENTRYPOINT was a script from the build context that the runtime image does not run (the php-fpm "
    "image starts php-fpm itself, MIG545), and the script put the application where it is served when the "
    "container started, in a way no plain COPY does: an rsync that leaves files out, an archive it unpacks, a "
    "directory no line of the stage makes. The runtime starts with an empty docroot and serves no application. "
    "Copy the application there in the Dockerfile (`COPY --from=builder /usr/src/app /var/www/html`, with the "
    "exclusions made in the builder), or keep the script's work in a start command of a runtime with a shell.",
)
PACKAGE_WRAPPER_DROPPED = Code(
    "MIG325",
    Severity.INFO,
    "Package install through a wrapper translated to apk",
    "The stage installed packages through a wrapper of the package manager (tonistiigi/xx's `xx-apk add`, "
    "`xx-apt-get install`, `xx-apt install`; rules/commands.yaml `package_wrappers`), which installs them for "
    "the target platform: with the manager itself when the stage builds for its own platform. The wrapper does "
    "not know Wolfi and the source distribution's names are not Wolfi's (Alpine's musl-dev and g++: glibc-dev "
    "and gcc), so the install is translated as the manager's own (`apk add --no-cache` with Wolfi's names, "
    "MIG301) and the wrapper dropped: the stage builds natively for each platform, where that is the same "
    "install.",
)
CROSS_PACKAGES_UNAVAILABLE = Code(
    "MIG326",
    Severity.ERROR,
    "Packages for the target platform: Wolfi's apk installs the build platform's",
    "The stage builds on the build platform (`FROM --platform=$BUILDPLATFORM`) and installs packages for the "
    "target platform through a cross-compiling wrapper (tonistiigi/xx's `xx-apk add`, `xx-apt-get install`), "
    "which puts them in a sysroot for the target with the source distribution's package manager, names and "
    "repositories. On Wolfi the wrapper has none of those: the install is translated to Wolfi's `apk add` "
    "(MIG325), which installs for the build platform only, so a build for another platform (a cgo or C "
    "cross-compilation) finds no target headers or libraries and fails. Remove `--platform=$BUILDPLATFORM` "
    "from the stage's FROM so that each platform builds natively (under emulation) with its own packages, "
    "or build without C dependencies (CGO_ENABLED=0).",
)

CODES: tuple[Code, ...] = (
    PACKAGES_TRANSLATED,
    UNKNOWN_PACKAGE,
    PACKAGE_NOT_NEEDED,
    VERSION_PIN_DROPPED,
    DYNAMIC_PACKAGES,
    HOUSEKEEPING_REMOVED,
    THIRD_PARTY_REPOSITORY,
    OPTION_DROPPED,
    INSTALL_EMPTIED,
    UNSUPPORTED_PACKAGE_COMMAND,
    APT_CONFIGURATION_REMOVED,
    REPOSITORY_SETUP_REMOVED,
    TOOLS_ADDED,
    TOOL_NOT_IN_WOLFI,
    PACKAGE_QUERY_UNANSWERED,
    SOURCE_IMAGE_FILES_CARRIED,
    WRAPPER_DROPPED,
    IMAGE_ACCOUNT_NOT_RECREATED,
    CONTEXT_MUSL_BINARY,
    CRON_OPTION_DROPPED,
    CRONTAB_MOVED,
    CRONTAB_WRITTEN_UNREAD,
    SEEDED_APP_COPIED,
    SEEDED_APP_MISSING,
    PACKAGE_WRAPPER_DROPPED,
    CROSS_PACKAGES_UNAVAILABLE,
)
