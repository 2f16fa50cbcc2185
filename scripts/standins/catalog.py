"""What the stand-ins are made of: layers (components) from Debian packages and the images that
stack them, with the layout of the real Chainguard images (shared/docs/chainguard-facts.md and
Chainguard's published image specifications: user, WORKDIR, ENTRYPOINT/CMD, environment, shell,
binary paths, which packages the runtime and the -dev variant carry).

Debian bookworm has older languages than Wolfi: Go 1.19, Node.js 18, OpenJDK 17, Ruby 3.1,
PHP 8.2, Python 3.11, nginx 1.22. The tests depend on the layout, not on the versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CG_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
    "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
}

# Debian's plumbing that package dependencies drag in but nothing in an image runs
INFRA = [
    "debconf",
    "dpkg",
    "tar",
    "ucf",
    "sensible-utils",
    "init-system-helpers",
    "lsb-base",
    "sysvinit-utils",
    "base-files",
    "base-passwd",
    "debianutils",
    "adduser",
    "passwd",
    "login",
    "util-linux",
    "util-linux-extra",
    "mount",
    "procps",
    "psmisc",
    "sgml-base",
    "iproute2",
    "libcap2-bin",
]


@dataclass
class Component:
    """One layer: Debian packages unpacked (exact `packages`, or the dependency `closure` of some
    top packages minus `exclude`, INFRA and the packages of the `minus` components), then `post`
    (a function in compose.py, by name) lays it out like the Chainguard image."""

    name: str
    packages: list[str] = field(default_factory=list)
    closure: list[str] = field(default_factory=list)
    minus: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    post: str | None = None
    owned: list[str] = field(default_factory=list)  # paths (and all below) the image's user owns


GLIBC = ["libc6", "libgcc-s1", "gcc-12-base", "libstdc++6"]

COMPONENTS = [
    # ca-certificates, tzdata, the merged-/usr skeleton, os-release; static's whole content
    Component("base", packages=["ca-certificates", "tzdata"], post="base"),
    Component("glibc", packages=GLIBC),
    # busybox with the applets of Wolfi's (adduser, addgroup...), built by busybox.sh (compose.post_busybox)
    Component("busybox", packages=["busybox"], post="busybox"),
    Component("bash", closure=["bash"], minus=["glibc"]),
    # every -dev image (and go) has git and GNU wget
    Component("devtools", closure=["git", "wget"], minus=["glibc", "bash"]),
    # build-base: binutils, gcc (with g++), glibc-dev, make, pkgconf, linux-headers
    Component(
        "buildbase",
        closure=["gcc", "g++", "make", "libc6-dev", "linux-libc-dev", "pkgconf", "binutils"],
        minus=["glibc"],
        post="buildbase",
    ),
    # the stand-in `apk` and the Wolfi name lists; the package cache is its own layer
    Component("apk", post="apk"),
    Component("apkcache", post="apkcache"),
    Component(
        "python",
        packages=[
            "media-types",
            "python3.11-minimal",
            "libpython3.11-minimal",
            "libpython3.11-stdlib",
            "libexpat1",
            "zlib1g",
            "libffi8",
            "libssl3",
            "libbz2-1.0",
            "liblzma5",
            "libsqlite3-0",
            "libuuid1",
            "libncursesw6",
            "libtinfo6",
            "libreadline8",
            "readline-common",
            "libcrypt1",
            "libdb5.3",
            "libnsl2",
            "libtirpc3",
            "libtirpc-common",
            "libgssapi-krb5-2",
            "libkrb5-3",
            "libk5crypto3",
            "libkrb5support0",
            "libkeyutils1",
            "libcom-err2",
        ],
        post="python",
    ),
    # pip, and the ensurepip wheel so that `python -m venv` works offline
    Component(
        "python-dev",
        packages=[
            "python3.11-venv",
            "python3-pip-whl",
            "python3-setuptools-whl",
            "python3-pip",
            "python3-setuptools",
            "python3-pkg-resources",
            "python3-wheel",
            "python3-distutils",
            "python3-lib2to3",
            "libpython3.11-dev",
            "libpython3.11",
            "python3.11-dev",
        ],
        post="python_dev",
    ),
    Component("go", closure=["golang-1.19-go"], minus=["glibc", "buildbase"], post="go"),
    # the node runtime has npm and dumb-init; npm's node-gyp wants python, which only -dev has
    Component(
        "node",
        closure=["nodejs", "npm", "dumb-init"],
        minus=["glibc"],
        exclude=["python3", "python3-minimal", "libpython3-stdlib", "python3-distutils", "python3-lib2to3",
                 "python3.11", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib"],
        post="node",
    ),
    Component(
        "jre",
        closure=["openjdk-17-jre-headless"],
        minus=["glibc"],
        exclude=["libasound2", "libasound2-data", "libcups2", "libavahi-client3", "libavahi-common3",
                 "libavahi-common-data", "libdbus-1-3", "libsystemd0", "libpcsclite1"],
        post="jre",
    ),
    Component("jdk", closure=["openjdk-17-jdk-headless"], minus=["glibc", "jre"], post="jdk"),
    Component("ruby", closure=["ruby"], minus=["glibc"], exclude=["openssl", "ca-certificates"], post="ruby"),
    Component("ruby-dev", closure=["ruby3.1-dev"], minus=["glibc", "ruby", "buildbase"], post="ruby_dev"),
    Component(
        "php",
        closure=["php8.2-cli", "php8.2-curl", "php8.2-mbstring", "php8.2-sqlite3", "php8.2-mysql", "curl"],
        minus=["glibc"],
        exclude=["tzdata", "media-types"],
        post="php",
    ),
    Component("php-dev", closure=["composer"], minus=["glibc", "php"], exclude=["openssl", "ca-certificates"]),
    # php-fpm under s6 (php:latest-fpm): the service directory /sv belongs to the user s6 runs as
    Component(
        "php-fpm",
        closure=["php8.2-fpm", "s6", "execline"],
        minus=["glibc", "php"],
        exclude=["systemd", "systemd-tmpfiles", "libsystemd-shared", "tzdata", "media-types"],
        post="php_fpm",
        owned=["sv"],
    ),
    Component("nginx", closure=["nginx"], minus=["glibc"], post="nginx"),
]
COMPONENT = {c.name: c for c in COMPONENTS}


@dataclass
class Image:
    """A stand-in image: its layers (components, then its own users and directories) and config."""

    name: str
    repo: str
    tags: list[str]
    components: list[str]
    user: str = "nonroot"  # account name; uid/gid 65532 unless root
    workdir: str = ""
    workdir_mode: int = 0o755
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(CG_ENV))
    stop_signal: str | None = None
    owned: list[str] = field(default_factory=list)  # directories the user owns (besides home)

    @property
    def uid(self) -> int:
        return 0 if self.user == "root" else 65532


DEV = ["busybox", "bash", "devtools"]
APK = ["apk", "apkcache"]
JAVA_ENV = {**CG_ENV, "JAVA_HOME": "/usr/lib/jvm/default-jvm", "LANG": "en_US.UTF-8"}
NGINX_CMD = ["-c", "/etc/nginx/nginx.conf", "-e", "/dev/stderr", "-g", "daemon off;"]
NGINX_OWNED = ["var/lib/nginx", "var/log/nginx", "var/cache/nginx"]

IMAGES = [
    Image("static", "chainguard/static", ["latest"], ["base"]),
    Image("glibc-dynamic", "chainguard/glibc-dynamic", ["latest"], ["base", "glibc"]),
    Image("busybox", "chainguard/busybox", ["latest"], ["base", "glibc", "busybox"]),
    Image(
        "wolfi-base", "chainguard/wolfi-base", ["latest"], ["base", "glibc", "busybox", *APK], user="root",
        cmd=["/bin/sh", "-l"],
    ),
    # chainguard-base: wolfi-base for organisations (the migrator picks it for a --registry or --org)
    Image(
        "chainguard-base", "chainguard/chainguard-base", ["latest"], ["base", "glibc", "busybox", *APK], user="root",
        cmd=["/bin/sh", "-l"],
    ),
    Image("python", "chainguard/python", ["latest"], ["base", "glibc", "python"], entrypoint=["/usr/bin/python"]),
    Image(
        "python-dev", "chainguard/python", ["latest-dev"],
        ["base", "glibc", "python", *DEV, "buildbase", "python-dev", *APK], entrypoint=["/usr/bin/python"],
    ),
    Image(
        "go", "chainguard/go", ["latest"], ["base", "glibc", *DEV, "buildbase", "go"], user="root",
        entrypoint=["/usr/bin/go"], cmd=["help"],
    ),
    Image(
        "go-dev", "chainguard/go", ["latest-dev"], ["base", "glibc", *DEV, "buildbase", "go", *APK], user="root",
        entrypoint=["/usr/bin/go"], cmd=["help"],
    ),
    Image(
        "node", "chainguard/node", ["latest"], ["base", "glibc", "busybox", "node"], user="node", workdir="/app",
        workdir_mode=0o777, entrypoint=["/usr/bin/node"], cmd=["--help"],
        env={**CG_ENV, "NPM_CONFIG_UPDATE_NOTIFIER": "false"},
    ),
    Image(
        "node-dev", "chainguard/node", ["latest-dev"], ["base", "glibc", "busybox", "node", *DEV, "buildbase",
                                                        "python", *APK],
        user="node", workdir="/app", workdir_mode=0o777, entrypoint=["/usr/bin/node"], cmd=["--help"],
        env={**CG_ENV, "NPM_CONFIG_UPDATE_NOTIFIER": "false"},
    ),
    Image(
        "jre", "chainguard/jre", ["latest"], ["base", "glibc", "jre"], user="java", workdir="/app",
        entrypoint=["/usr/bin/java"], env=JAVA_ENV,
    ),
    Image(
        "jre-dev", "chainguard/jre", ["latest-dev"], ["base", "glibc", "jre", *DEV, *APK], user="java",
        workdir="/app", entrypoint=["/usr/bin/java"], env=JAVA_ENV,
    ),
    Image(
        "jdk", "chainguard/jdk", ["latest"], ["base", "glibc", "jre", "busybox", "jdk"], user="java",
        workdir="/home/build", env=JAVA_ENV,
    ),
    Image(
        "jdk-dev", "chainguard/jdk", ["latest-dev"], ["base", "glibc", "jre", "jdk", *DEV, *APK], user="java",
        workdir="/home/build", env=JAVA_ENV,
    ),
    Image(
        "ruby", "chainguard/ruby", ["latest"], ["base", "glibc", "ruby"], workdir="/work", owned=["work"],
        entrypoint=["/usr/bin/ruby"], cmd=["--version"],
    ),
    Image(
        "ruby-dev", "chainguard/ruby", ["latest-dev"], ["base", "glibc", "ruby", *DEV, "buildbase", "ruby-dev",
                                                        *APK],
        workdir="/work", owned=["work"], entrypoint=["/usr/bin/ruby"], cmd=["--version"],
    ),
    Image(
        "php", "chainguard/php", ["latest"], ["base", "glibc", "php"], user="php", workdir="/app",
        workdir_mode=0o777, entrypoint=["/bin/php"],
    ),
    Image(
        "php-dev", "chainguard/php", ["latest-dev"], ["base", "glibc", "php", *DEV, "php-dev", *APK], user="php",
        workdir="/app", workdir_mode=0o777, entrypoint=["/bin/php"],
    ),
    Image(
        "php-fpm", "chainguard/php", ["latest-fpm"], ["base", "glibc", "php", "php-fpm"], user="php",
        workdir="/app", workdir_mode=0o777, entrypoint=["/bin/s6-svscan", "/sv"],
    ),
    Image(
        "php-fpm-dev", "chainguard/php", ["latest-fpm-dev"],
        ["base", "glibc", "php", "php-fpm", *DEV, "php-dev", *APK], user="php", workdir="/app", workdir_mode=0o777,
        entrypoint=["/bin/s6-svscan", "/sv"],
    ),
    Image(
        "nginx", "chainguard/nginx", ["latest"], ["base", "glibc", "nginx"], user="nginx",
        entrypoint=["/usr/sbin/nginx"], cmd=NGINX_CMD, stop_signal="SIGQUIT", owned=NGINX_OWNED,
    ),
    Image(
        "nginx-dev", "chainguard/nginx", ["latest-dev"], ["base", "glibc", "nginx", *DEV, *APK], user="nginx",
        entrypoint=["/usr/sbin/nginx"], cmd=NGINX_CMD, stop_signal="SIGQUIT", owned=NGINX_OWNED,
    ),
]

# What `apk add NAME` can install in a stand-in, from Debian packages cached in the image (with
# their dependencies). Every other name is refused: with apk's own error when Wolfi has no such
# package, with the stand-in's when Wolfi has it but no Debian package stands in for it here.
APK_HONOURED: dict[str, list[str]] = {
    "build-base": ["gcc", "g++", "make", "libc6-dev", "linux-libc-dev", "pkgconf", "binutils"],
    "gcc": ["gcc", "g++"],
    "make": ["make"],
    "binutils": ["binutils"],
    "glibc-dev": ["libc6-dev"],
    "linux-headers": ["linux-libc-dev"],
    "pkgconf": ["pkgconf"],
    "git": ["git"],
    "curl": ["curl"],
    "wget": ["wget"],
    "bash": ["bash"],
    "jq": ["jq"],
    "unzip": ["unzip"],
    "zip": ["zip"],
    "xz": ["xz-utils"],
    "patch": ["patch"],
    "file": ["file"],
    "openssl": ["openssl"],
    "openssl-dev": ["libssl-dev"],
    "zlib-dev": ["zlib1g-dev"],
    "libffi-dev": ["libffi-dev"],
    "sqlite-dev": ["libsqlite3-dev"],
    "postgresql-dev": ["libpq-dev"],
    "libpq": ["libpq5"],
    "yaml-dev": ["libyaml-dev"],
    "tini": ["tini"],
    "dumb-init": ["dumb-init"],
    "ca-certificates": ["ca-certificates"],
    "ca-certificates-bundle": ["ca-certificates"],
    "tzdata": ["tzdata"],
    "busybox": ["busybox"],
    "glibc": ["libc6"],
    "libgcc": ["libgcc-s1"],
    "libstdc++": ["libstdc++6"],
    "zlib": ["zlib1g"],
    "libssl3": ["libssl3"],
    "libcrypto3": ["libssl3"],
    "libffi": ["libffi8"],
    "sqlite-libs": ["libsqlite3-0"],
    "sqlite": ["sqlite3"],
    # the Go toolchain a stage kept on wolfi-base installs where the source image (golang) provided it;
    # Debian's 1.19 with the /usr/bin/go link of golang-go (Wolfi's go puts go in /usr/bin too)
    "go": ["golang-go"],
}


# ---------------------------------------------------------------------------------------------
# Debian-style originals (the upstream images a user's Dockerfile starts from), for
# `migrate validate --original`: a full Debian root with dpkg, apt and a shell, running as root.
# ---------------------------------------------------------------------------------------------

DEBIAN_SLIM_TOP = [
    "base-files", "base-passwd", "bash", "bsdutils", "coreutils", "dash", "debconf", "debianutils",
    "diffutils", "dpkg", "findutils", "grep", "gzip", "hostname", "init-system-helpers", "libc-bin",
    "login", "mawk", "ncurses-base", "ncurses-bin", "perl-base", "sed", "sysvinit-utils", "tar",
    "util-linux", "apt", "ca-certificates", "netbase", "tzdata",
]  # fmt: skip


@dataclass
class Twin:
    """An upstream image for the engine machine's own architecture (`--original` builds only that):
    the Debian base layer plus `top` and their dependencies. `{arch}` in links is the Debian arch."""

    name: str
    repo: str
    tags: list[str]
    top: list[str]
    env: dict[str, str]
    cmd: list[str] | None = None
    workdir: str = ""
    links: dict[str, str] = field(default_factory=dict)  # path -> target
    users: dict[str, int] = field(default_factory=dict)  # extra accounts: name -> uid (= gid)


DEBIAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TWINS = [
    Twin("debian", "library/debian", ["bookworm-slim", "bookworm", "12-slim", "12", "stable-slim"], [],
         env={"PATH": DEBIAN_PATH}, cmd=["bash"]),
    Twin(
        "python-slim", "library/python", ["3.12-slim", "3.11-slim", "3-slim", "slim"], ["python3", "python3-pip"],
        env={"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"},
        cmd=["python3"],
        links={"/usr/local/bin/python": "/usr/bin/python3", "/usr/local/bin/python3": "/usr/bin/python3",
               "/usr/local/bin/pip": "/usr/bin/pip3", "/usr/bin/python": "python3"},
    ),
    # golang: buildpack-deps based (gcc, git, make), GOPATH /go, the toolchain in /usr/local/go
    Twin(
        "golang", "library/golang", ["1.22", "1.22-bookworm", "1.23", "1.21", "1", "latest"],
        ["golang-1.19-go", "gcc", "libc6-dev", "make", "git", "pkgconf"],
        env={"PATH": "/go/bin:/usr/local/go/bin:" + DEBIAN_PATH, "GOPATH": "/go"}, cmd=["bash"], workdir="/go",
        links={"/usr/local/go": "/usr/lib/go-1.19"},
    ),
    Twin(
        "node", "library/node", ["20-slim", "20-bookworm-slim", "20", "22-slim", "22", "lts-slim", "slim"],
        ["nodejs", "npm"], env={"PATH": DEBIAN_PATH}, cmd=["node"], users={"node": 1000},
    ),
    Twin(
        "temurin-jdk", "library/eclipse-temurin", ["21-jdk", "17-jdk", "21", "17"], ["openjdk-17-jdk-headless"],
        env={"PATH": "/opt/java/openjdk/bin:" + DEBIAN_PATH, "JAVA_HOME": "/opt/java/openjdk", "LANG": "en_US.UTF-8"},
        cmd=["jshell"], links={"/opt/java/openjdk": "/usr/lib/jvm/java-17-openjdk-{arch}"},
    ),
    Twin(
        "temurin-jre", "library/eclipse-temurin", ["21-jre", "17-jre"], ["openjdk-17-jre-headless"],
        env={"PATH": "/opt/java/openjdk/bin:" + DEBIAN_PATH, "JAVA_HOME": "/opt/java/openjdk", "LANG": "en_US.UTF-8"},
        links={"/opt/java/openjdk": "/usr/lib/jvm/java-17-openjdk-{arch}"},
    ),
]


def check() -> None:
    """A layer leaves out the packages of its `minus` layers: every image must stack those below it."""
    for image in IMAGES:
        for i, name in enumerate(image.components):
            below = set(image.components[:i])
            missing = [m for m in COMPONENT[name].minus if m not in below]
            if missing:
                raise SystemExit(f"standins: {image.name}: layer {name} needs {', '.join(missing)} below it")
