"""Finding codes for the 'packages' area (MIG3xx): package-manager commands in RUN lines."""

from migrator.findings import Code
from migrator.model import Severity

PACKAGES_TRANSLATED = Code(
    "MIG301",
    Severity.INFO,
    "Package install translated to apk",
    "An apt-get/apt/aptitude, yum/dnf/microdnf, zypper or apk command was rewritten to Wolfi's "
    "`apk add --no-cache` (or `apk del`), with every package name translated through the package "
    "rules for the command's distribution family. Chainguard images are built from Wolfi packages, so "
    "the original package manager does not exist there. Check the translated names; extend or override "
    "them with your own rules file (`--rules FILE`).",
)
UNKNOWN_PACKAGE = Code(
    "MIG302",
    Severity.WARNING,
    "Package has no known Wolfi name: kept as written",
    "No package rule maps this name to a Wolfi package, so it was kept exactly as written. The build "
    "fails if Wolfi has no package of that name. Find the Wolfi package that provides the same files "
    "(`apk search NAME`, or `apk search cmd:BINARY` for a command) and add a mapping to a rules file "
    "passed with `--rules`, or edit the RUN line.",
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
    Severity.WARNING,
    "Third-party repository or package file: Wolfi cannot use it",
    "The command adds a package repository or signing key (`add-apt-repository`, `apt-key`, "
    "`/etc/apt/sources.list.d`, `gpg --dearmor`, `yum-config-manager --add-repo`, "
    "`dnf config-manager`, `rpm --import`, `/etc/apk/repositories`) or installs a package file "
    "(`dpkg -i`, `rpm -i`, a .deb/.rpm path or URL). Repositories and packages built for another "
    "distribution cannot be used on Wolfi, and the line was left as written so the build will fail "
    "there. Look for the software as a Wolfi package (`apk search NAME`), or download the upstream "
    "release artifact (tarball or static binary) in the builder stage and copy it into the runtime "
    "stage.",
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
    Severity.WARNING,
    "Package-manager command with no Wolfi equivalent: left as written",
    "This command calls a package-manager feature that apk does not offer or that migrator cannot "
    "translate safely (`apt-get build-dep`, `yum groupinstall`, `dnf module`, `--installroot`, "
    "`dpkg --print-architecture`, ...). It was left as written and will fail on Wolfi, where "
    "apt/dpkg/yum/dnf/rpm/zypper are not installed. Replace it by hand: `apk add` the packages "
    "needed, and use `uname -m` or the `TARGETARCH` build argument for the architecture.",
)
APT_CONFIGURATION_REMOVED = Code(
    "MIG311",
    Severity.INFO,
    "Package-manager configuration removed",
    "The command configured apt or dpkg (`apt-mark`, `debconf-set-selections`, writing "
    "`/etc/apt/apt.conf.d/*`, `DEBIAN_FRONTEND=noninteractive`). Wolfi's apk never asks questions and "
    "has no such configuration, so it was removed.",
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
)
