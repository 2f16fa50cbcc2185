"""Finding codes for the 'shell' area (MIG4xx): RUN commands and users."""

from migrator.findings import Code
from migrator.model import Severity

USER_COMMAND_TRANSLATED = Code(
    "MIG401",
    Severity.INFO,
    "User or group command translated to busybox",
    "A `useradd`, `groupadd`, `usermod -aG` or Debian `adduser`/`addgroup` command was rewritten to "
    "the busybox `adduser -D ...` / `addgroup ...` form. Chainguard images ship busybox, not the "
    "shadow tools, so the original commands do not exist there. Note that Chainguard images already "
    "have a `nonroot` user (uid 65532): you may not need your own user at all.",
)
USER_COMMAND_UNTRANSLATABLE = Code(
    "MIG402",
    Severity.ERROR,
    "User command cannot be expressed with busybox: left as written, it fails",
    "The command uses an option that busybox `adduser`/`addgroup` have no equivalent for (renaming a "
    "user with `usermod -l`, setting a password hash with `-p`/`--password`, expiry dates, ...). It "
    "was left as written and fails unless the `shadow` package is installed: add `shadow` to an "
    "`apk add` in the same stage, or rewrite the command with busybox `adduser`/`addgroup`.",
)
RUN_UNPARSED = Code(
    "MIG403",
    Severity.WARNING,
    "RUN command could not be parsed: left untouched",
    "The shell parser found a syntax error (or a construct it does not understand) in this RUN "
    "command, so migrator did not change it. Package installs and user commands inside it were not "
    "translated: edit them by hand (`apk add --no-cache` with Wolfi package names, busybox "
    "`adduser`/`addgroup`).",
)
SYSTEM_CONFIGURATION_REMOVED = Code(
    "MIG404",
    Severity.INFO,
    "Locale or debconf set-up removed",
    "`locale-gen`, `update-locale` and `dpkg-reconfigure` configure a Debian system and do not exist "
    "in Wolfi, so they were removed. Wolfi ships compiled locales in the `glibc-locales` package "
    "(C.UTF-8 is always available): set `ENV LANG=...` instead. For the time zone, install `tzdata` "
    "and set `ENV TZ=...`.",
)

UNKNOWN_OWNER = Code(
    "MIG405",
    Severity.WARNING,
    "chown names a user or group Wolfi does not have",
    "The command changes ownership to a user or group by name, and neither Wolfi's base layout, nor "
    "the image's own user (nonroot, node, php, nginx or java: uid 65532), nor an earlier command of "
    "the stage creates it. Debian and Ubuntu images ship users such as www-data that Wolfi lacks, and "
    "packages create different users on Wolfi. Unless a package the stage installs creates it, `chown` "
    "cannot resolve the name and fails. Create the user or group first (busybox `adduser -D`, "
    "`addgroup`), or use the image's user or numeric ids (65532:65532). The same holds for `su`, "
    "`runuser`, `gosu`, `su-exec` and `install -o/-g`. A warning because a package the "
    "stage installs, named like the user (clamav for clamav), may create it; when none is, MIG413 is an "
    "error.",
)

UID_SHIFTED = Code(
    "MIG406",
    Severity.WARNING,
    "uid of the original image's user: a different user on Chainguard",
    "The stage names a numeric id (a cache mount's `uid=`, `chown 1000`, `COPY --chown=33:33`, "
    "`ENV PUID=1000`, `USER 101`) that belonged to a user of the Docker Hub image (node is 1000, "
    "www-data 33, nginx 101, .NET's app 1654). Chainguard images run as their own user with uid 65532, "
    "and the old uid belongs to nobody there (33 is even another user, xfs): files and caches owned by "
    "it are not writable by the image's user. Use 65532 (or the image's user by name), or create a "
    "user with the old uid in the stage. `chown`, `COPY --chown` and `USER` in a migrated stage are "
    "rewritten (MIG421); this warning is left for the ids migrator does not change (a cache mount's "
    "`uid=`, an ENV value, an image that runs as root such as wolfi-base).",
)

LAYOUT_TRANSLATED = Code(
    "MIG407",
    Severity.INFO,
    "Docker Hub path changed to Wolfi's",
    "The line used a path of the Debian-based Docker Hub image that Wolfi lays out differently, and "
    "the change is mechanical: Debian's multiarch library directories (`/usr/lib/x86_64-linux-gnu/`, "
    "`/usr/lib/$(uname -m)-linux-gnu/`) are plain `/usr/lib/` on Wolfi; `ln -s /usr/local/bin/python "
    "/usr/bin/python` is dropped because Wolfi installs the interpreter in /usr/bin already (the link "
    "would fail, or with -f replace the interpreter by a dangling link), and a command started as "
    "`/usr/local/bin/python` is started by name (in a start command, `/usr/local/bin/node` and Temurin's "
    "`/opt/java/openjdk/bin/java` are /usr/bin/node and /usr/bin/java: rules/dockerhub.yaml interpreter_paths); "
    "Docker Hub php's `$PHP_INI_DIR` and /usr/local/etc/php "
    "are /etc/php; Debian's /etc/ImageMagick-6 is /etc/ImageMagick-7; what `COPY --from` takes from a "
    "postgres stage's /usr/local/bin and /usr/local/lib is in /usr/bin and /usr/lib on Chainguard's "
    "postgres, and what a node stage's `npm install -g` wrote is under /usr/lib/node_modules and /usr/bin (Chainguard "
    "node's npm prefix is /usr; only the packages the stage installs globally, and their programs, when the stage "
    "sets no prefix of its own) (rules/dockerhub.yaml lists these); Docker Hub nginx's /var/cache/nginx is Wolfi's "
    "/var/lib/nginx/tmp, and its conf.d/default.conf is Chainguard nginx's conf.d/nginx.default.conf (a "
    "file under the old name would be a second server on the same port); Temurin's /opt/java/openjdk is "
    "/usr/lib/jvm/default-jvm; distroless :debug images' busybox shell /busybox/sh (a RUN or SHELL of a final "
    "stage that moves to a Chainguard builder) is /bin/sh; httpd's site in /usr/local/apache2/htdocs is served by "
    "nginx from "
    "/usr/share/nginx/html; and a path the language names after its version (`/opt/venv/lib/python3.12`, "
    "`/gems/ruby/3.3.0`) takes the version the Chainguard image serves (python3.14, ruby/4.0.0 on latest).",
)
LAYOUT_MISSING = Code(
    "MIG408",
    Severity.WARNING,
    "Docker Hub path the Chainguard image does not use",
    "The line relies on a location of Docker Hub's image that the Chainguard image does not have or "
    "does not use: a cache mount on `/usr/local/cargo`, `/usr/local/bundle` or `/go/pkg` (the tool "
    "keeps its cache elsewhere, so the mount caches nothing), or `UV_PROJECT_ENVIRONMENT=/usr/local` "
    "(packages land where Chainguard's python does not look and the runtime stage does not copy), or "
    "Apache httpd's configuration and modules (/usr/local/apache2/conf), which nginx, serving the site "
    "instead of httpd, does not read (rules/dockerhub.yaml `unread_paths`). The message says what the "
    "Chainguard image uses instead.",
)

SOURCE_ACCOUNT_REMOVED = Code(
    "MIG409",
    Severity.INFO,
    "Deleting a user or group of the original image: removed",
    "The command deleted a user or group that came with the original image (ubuntu:24.04's `ubuntu`, "
    "uid 1000, usually deleted to free its uid or name). The Chainguard image has no such account, so "
    "busybox's `deluser`/`delgroup` would fail the build; the command was removed and the uid and name "
    "are free already.",
)

DOCKERHUB_HELPER_TRANSLATED = Code(
    "MIG410",
    Severity.INFO,
    "Docker Hub php helper translated to Wolfi packages",
    "Docker Hub's php images compile extensions into their own PHP with helper scripts "
    "(`docker-php-ext-install`, `docker-php-ext-enable`, `pecl install`, mlocati's "
    "`install-php-extensions`) that do not exist on Wolfi. There each extension is a package "
    "(`php-<ext>`, or `php-8.X-<ext>` for a PECL extension without a generic name) that installs the "
    "module and the ini line enabling it, so the command became `apk add --no-cache` of those packages. "
    "`docker-php-ext-configure` and `docker-php-source` are removed (the packages are built with "
    "Wolfi's own options; the message names flags that are not applied), and so is copying "
    "`php.ini-production` to `php.ini` (Wolfi's /etc/php/php.ini is the production file). An extension "
    "compiled into the PHP stream the image serves (OPcache in PHP 8.5, rules/php-extensions.yaml "
    "`php_builtin`) is not installed: the message says so.",
)
DOCKERHUB_HELPER_LEFT = Code(
    "MIG411",
    Severity.ERROR,
    "Docker Hub php helper left as written: the RUN fails",
    "The command is one of Docker Hub php's helpers (or needs a file only Docker Hub's php has, such "
    "as `php.ini-development`), and migrator knows no Wolfi package for the extension it builds, so it "
    "was left as written: on Wolfi the command is not found and, under `set -e` or as the last "
    "command, the build fails. Also given when Wolfi builds the extension only for other PHP streams "
    "than the one the image serves (`apk add` would bring a second PHP beside it). Find the extension's "
    "package (`apk search php-`), or build it with `phpize` in the builder stage and copy the module into "
    "the runtime.",
)
OWNER_NEVER_CREATED = Code(
    "MIG413",
    Severity.ERROR,
    "User or group nothing creates (chown, su, install -o): the RUN fails",
    "The command names a user or group (`chown`, `chgrp`, `su`, `runuser`, `gosu`, `su-exec`, "
    "`install -o/-g`, the group of `adduser USER GROUP`) that Wolfi's base layout does not have "
    "(wolfi-baselayout's /etc/passwd has no www-data and no users group), that no earlier command of the "
    "stage creates, and that no package the stage installs is named like (a daemon's package creates its "
    "user: that case is the warning MIG405). `chown` cannot resolve the name and fails, and with it the "
    "RUN step, unless the shell hides the failure (the message then says so: the step passes with the "
    "ownership unchanged). Create the user or group first (busybox `adduser -D`, `addgroup`), or use the "
    "image's user or numeric ids (65532:65532).",
)

CONTEXT_SCRIPT_UNREAD = Code(
    "MIG414",
    Severity.WARNING,
    "Build-context script written for the source distribution runs at build time",
    "A RUN step runs a script from the build context (`./setup/preinstall.sh`, `bash scripts/build.sh`) "
    "in a stage whose original image was Debian, Ubuntu, Alpine or RHEL based, and this tool cannot read "
    "it (no build context on disk). Such scripts often install packages with apt-get or dpkg, which Wolfi "
    "does not have, or edit that distribution's files; then the step fails, and nothing in the Dockerfile "
    "shows it. Read the script and port what it installs to `apk add` with Wolfi's names (run the tool "
    "with the build context, `--context DIR`, so that it can check the script). A script whose file name says "
    "it installs system packages (preinstall.sh, install-deps.sh) on a Debian or RHEL source is an error instead "
    "(MIG417). Also given, with the context, for an "
    "Alpine script's `apk add`: Wolfi has apk, but some names differ.",
)

CONTEXT_SETUP_SCRIPT_UNREAD = Code(
    "MIG417",
    Severity.ERROR,
    "Unreadable set-up script of an apt or yum distribution runs at build time",
    "A RUN step runs a script from the build context whose own file name says it installs system packages "
    "(`preinstall.sh`, `install-deps.sh`, `install-packages.sh`, `packages.sh`, `system-deps.sh`, `apt-*.sh`: a "
    "package word alone or with words of installing or the system, a package manager's name as a whole word; "
    "the directory it is in says nothing: `install/build.sh` builds the app), or whose RUN step mounts the apt "
    "or yum cache (`--mount=type=cache,target=/var/cache/apt`), in a stage whose original image was "
    "Debian, Ubuntu, UBI, CentOS or Fedora based, and this tool cannot read it (no build context on disk, or "
    "not in the one given). Such a script installs packages with apt-get, dpkg or yum, which Wolfi does not "
    "have: the step fails, and under `set -e` so does the build. When the final image is built on that stage, "
    "its start command may also rely on what the script installs (a service such as supervisord, a database "
    "client), which the migrated image does not have: the message says so. Give the build context with "
    "`--context DIR` so that the script is read (then MIG415 names the package manager, or nothing is said), "
    "or port what it installs to `apk add` with Wolfi's names. Any other unread script gets the warning MIG414 "
    "instead: one named for building the app (`build.sh`, `compile-assets.sh`, `postinstall.sh`), for a "
    "language's dependencies (`npm-deps.sh`), for another action on packages (`build-packages.sh`, "
    "`fetch-deps.sh`, `download-dependencies.sh`, `aptly-publish.sh`), and the generic `install.sh`, `setup.sh` "
    "and `bootstrap.sh`, which "
    "as often install or configure the app itself (autotools' and Boost's bootstrap build the software); so "
    "does an Alpine script (Wolfi has apk).",
)

CONTEXT_SCRIPT_PACKAGES = Code(
    "MIG415",
    Severity.ERROR,
    "Build-context script runs the source's package manager: the RUN fails",
    "A RUN step runs a script from the build context that calls apt-get, dpkg, yum, dnf, zypper or "
    "tonistiigi/xx's `xx-apt-get`. "
    "The script was written for the original image; on Wolfi those package managers do not exist, so "
    "the step fails. Port the script: `apk add` with Wolfi's package names (`xx-apk` for xx). A script written "
    "in the Dockerfile itself (`COPY <<EOF /setup.sh`, then `RUN sh /setup.sh`) is translated like a RUN "
    "(apt-get install becomes apk add, its other lines stay as written); this error is given for what "
    "the translation leaves (`dpkg -i`).",
)

FULL_IMAGE_HEADERS = Code(
    "MIG416",
    Severity.WARNING,
    "Builder relied on the -dev headers of Docker Hub's full image",
    "The stage was built on Docker Hub's full python, ruby or rust image, which is built "
    "FROM buildpack-deps and carries the -dev headers of the common C libraries (libpq, libxml2, "
    "libxslt, openssl, zlib, libjpeg, libffi, libyaml...). The Chainguard -dev image adds only apk-tools, "
    "bash, busybox, git, wget and the language's build tools. The stage compiles something (pip, gem, "
    "npm, cargo, make...) and installs no -dev package itself: a native extension that links one of "
    "those libraries fails to build until its -dev package is added with apk.",
)

SOURCE_PATH_MAYBE_COPIED = Code(
    "MIG424",
    Severity.WARNING,
    "Source-image path a RUN needs: only a copied context directory may hold it",
    "A command of the stage needs a path that the original image shipped and the Chainguard image does not "
    "have (as MIG412 says), and an earlier COPY put a directory of the build context (`COPY rootfs/ /`, "
    "`COPY vendor /usr/local/`) where the path lies: its files may include it, which the tool cannot see "
    "without the build context. Migrate with the context (`--context DIR`, or the Dockerfile's own directory, "
    "when it has that directory) to have it checked on disk: present, nothing is said; absent, MIG412. "
    "Otherwise make sure the directory holds the path, or the command fails on the Chainguard image.",
)

SOURCE_PATH_MISSING = Code(
    "MIG412",
    Severity.ERROR,
    "Path of the source image used by a RUN command: not on the Chainguard image",
    "A command of the stage needs a file or directory that the original image shipped and the "
    "Chainguard image lays out elsewhere or does not have: Docker Hub python's `/usr/local/bin/python3.X` "
    "and `/usr/local/lib/python3.X` (Chainguard's interpreter is `/usr/bin/python3.X`, its library "
    "`/usr/lib/python3.X`), Debian's `/etc/locale.gen`, Docker Hub nginx's `/var/cache/nginx` (Wolfi's nginx "
    "keeps temporary files in `/var/lib/nginx/tmp`), Debian's per-version `/etc/php/8.X/` (Wolfi's PHP reads "
    "`/etc/php/php.ini` and `/etc/php/conf.d`). The command was left as written, and it fails there: "
    "`chmod`, `setcap`, `sed -i` and the like stop with \"No such file or directory\". Use the path the message "
    "names, or create the path earlier in the stage. A path the Dockerfile creates or names before the "
    "command (a COPY destination, an ENV value, `mkdir`) is not reported. A path is one of the source "
    "image's only when that image has it (rules: `dockerhub_paths` `images` and `families`): a python stage is "
    "not told about node's `/usr/local/bin/node`, nor an Alpine-based one about Debian's `/etc/init.d`. The "
    "message says when the shell would hide the failure. A path the command reaches through a variable is judged "
    "too, when the variable is set once, before it and unconditionally, by the RUN (`PYBIN=/usr/local/bin/python3.12 "
    "&& cp \"$PYBIN\" ...`) or the stage's ENV or ARG default, to a literal path; or to what a listing of one pattern "
    "prints (`PYBIN=\"$(ls /usr/local/bin/python3.[0-9][0-9] | head -n1)\"`, `$(find DIR ...)`): where only the "
    "source image's paths match the pattern, the variable is empty and the command that needs it fails. A glob "
    "(`/usr/local/bin/python3.[0-9]*`) counts when every path it can match is the source image's; one Wolfi's "
    "paths may match (`/usr/local/bin/py*`, a second pattern in the listing) does not.",
)

BUNDLER_FLAGS_TRANSLATED = Code(
    "MIG418",
    Severity.INFO,
    "Bundler flag that Bundler 4 removed: written as local bundle configuration",
    "Chainguard's ruby images serve Ruby 4.0 with Bundler 4, which removed the `bundle install` flags "
    "that were remembered across runs (`--without`, `--with`, `--deployment`, `--frozen`, `--path`, "
    "`--system`, `--clean`, `--no-prune`, `--shebang`, and `--binstubs`): they were deprecation warnings in "
    "the Bundler 2 "
    "of Docker Hub's ruby images, and on Bundler 4 they stop the build. Each became the `bundle config "
    "set --local NAME VALUE` it stood for, run just before `bundle install` in the same place of the RUN "
    "(`bundle install --without development test` -> `bundle config set --local without 'development "
    "test' && bundle install`); `--binstubs[=DIR]` sets `bin` and runs `bundle binstubs --all` after the "
    "install. The same goes for `bundle check --path`, `bundle binstubs --path` (`bin`) and `bundle cache "
    "--all/--frozen/--no-prune/--path`. The other flags stay as written. A bare `bundle`, which Bundler 4 answers "
    "with its help, became `bundle install`. The local configuration goes to `$BUNDLE_APP_CONFIG/config` "
    "(or the app's `.bundle/config`): on a stage from Docker Hub's ruby, which kept it in GEM_HOME, the "
    "migration sets BUNDLE_APP_CONFIG to the GEM_HOME it installs the gems into, so the runtime copies the "
    "configuration with the gems and `bundle exec` reads it there (MIG515); otherwise it stays in the app "
    "directory, which the runtime copies. Local configuration takes precedence over the "
    "BUNDLE_PATH environment: `--path vendor/bundle` keeps the gems in the app directory, which the runtime "
    "copies. Bundler 2.1 and later read the same configuration.",
)
BUNDLER_FLAGS_HIDDEN = Code(
    "MIG419",
    Severity.WARNING,
    "`bundle install` flags migrator cannot translate: Bundler 4 may refuse them",
    "The `bundle install` command takes flags from a variable (`bundle install $BUNDLE_FLAGS`), so "
    "migrator cannot tell whether they include one of the flags Bundler 4 removed (`--without`, `--with`, "
    "`--deployment`, `--frozen`, `--path`, `--system`, `--clean`, `--no-prune`, `--shebang`, `--binstubs`). "
    "If they do, "
    "the build stops on Chainguard's ruby (Bundler 4). Set those with `bundle config set --local NAME "
    "VALUE` before the install, or with the BUNDLE_* environment variables (`BUNDLE_WITHOUT`, "
    "`BUNDLE_DEPLOYMENT`...). The same warning is given for a removed flag written without the value it takes "
    "(`bundle install --without`, `--path` before another option, `--path=`): Bundler 2 refuses it too, and "
    "no value can be made up for it, so the command is left as written.",
)
BUNDLER_FLAGS_UNTRANSLATED = Code(
    "MIG422",
    Severity.ERROR,
    "Bundler flag that Bundler 4 removed, where migrator cannot rewrite it",
    "A `bundle install` (or `bundle check`, `bundle binstubs`, `bundle cache`) with a flag Bundler 4 removed "
    "(`--without`, `--with`, `--deployment`, `--frozen`, `--path`, `--system`, `--clean`, `--no-prune`, "
    "`--shebang`, `--binstubs`) runs inside the script a shell is given (`sh -c \"...\"`, `bash -lc '...'`, "
    "`RUN [\"sh\", \"-c\", \"...\"]`), written so that migrator cannot rewrite it there safely: the script "
    "expands variables or command substitutions, holds quotes of its own, or has other commands migrator "
    "changes. It is left as written, and Bundler 4 (Chainguard's ruby) stops the build on it. Write the "
    "`bundle config set --local NAME VALUE` it stands for before the install (MIG418 shows the form), or "
    "run the install on its own, outside the shell string, where migrator rewrites it.",
)
ACCOUNT_CHANGE_FOLDED = Code(
    "MIG420",
    Severity.INFO,
    "usermod/groupmod folded into the creation of the user",
    "`usermod -u 1000 www-data`, `groupmod -g 1000 www-data`, `usermod -d /home/app -s /bin/bash app` change "
    "a user that exists. Wolfi has no usermod or groupmod, and busybox has no way to change a uid, gid, home "
    "or shell. When the user is one migrator creates itself (a user of the original image the stage names, "
    "created atop the stage) or one the stage created earlier with a useradd/adduser that migrator "
    "translated, the user is created with the wanted uid, gid, home and shell instead and the command is "
    "removed (a `-aG` in the same command still adds the user to its groups). A variable id (`-u $PUID`) goes "
    "into the adduser as written when the stage's own ARG or ENV sets it before anything names the user (a "
    "user of the original image is then created right after that ARG or ENV). Any other usermod/groupmod "
    "stays an error (MIG402).",
)
SOURCE_ID_REWRITTEN = Code(
    "MIG421",
    Severity.INFO,
    "uid of the original image's user rewritten",
    "`USER 1000` on node, `chown -R 33:33` on php, `COPY --chown=101:101` on nginx named the user of the "
    "Docker Hub image by its id. On the Chainguard image that id belongs to nobody (33 is even another user, "
    "xfs) and the image's own user has uid 65532: the files would be owned by a uid the app does not run as, "
    "and `USER 1000` would run with no passwd entry and no home. In a migrated stage that creates no user "
    "with that id, the id was rewritten to 65532; when the stage creates the original user by name (MIG562) "
    "with another uid, to that name. Ids in a cache mount's `uid=` or an ENV value are not rewritten "
    "(MIG406 says so).",
)

INTERPRETER_VERSION_NAME = Code(
    "MIG423",
    Severity.WARNING,
    "Versioned interpreter name changed to the one the Chainguard image has",
    "A RUN or start command names the interpreter with its version (`python3.11`, `/usr/local/bin/python3.11`, "
    "`pip3.12`), as Docker Hub's python image provides it. Chainguard's python image serves one version (the "
    "newest on `latest`: rules/wolfi/versions.yaml), so the versioned name of any other version is not found: "
    "the build stops at that RUN, or the container does not start. The name is changed to the image's own "
    "(`python3`, `pip3`), which the virtualenv migrator puts first on PATH provides as well (a versioned name "
    "would also have bypassed it). A path inside a virtualenv a migrated stage makes (`/venv/bin/python3.11`) "
    "is renamed the same way (`/venv/bin/python3`): the image's python makes that virtualenv, and its bin/ has "
    "python, python3 and that version's name only. The program now runs on the image's version: MIG220 says "
    "which, and "
    "`--tag-policy keep` keeps the pinned one (whose image has the versioned name: nothing is changed then).",
)

S2I_SCRIPT_PORTED = Code(
    "MIG425",
    Severity.INFO,
    "s2i image's fix-permissions: ported to chgrp and chmod",
    "Red Hat's source-to-image images (ubi8/python-39, ubi9/nodejs-20...) ship `fix-permissions DIR`, a script "
    "that gives the directory's files to group 0 and makes them group-writable (directories and programs "
    "group-executable), so that the arbitrary uid OpenShift runs a container as (always in group 0) can write "
    "them; it never fails the build. Chainguard images do not have it (nor s2i's /usr/libexec/s2i scripts: "
    "MIG412, MIG543), so the command became what it does, `chgrp -R 0 DIR && chmod -R g+rwX DIR`. Where the stage "
    "runs it as a user other than root, which cannot give files to group 0 on Wolfi (its users are not in group "
    "0, as s2i's uid 1001 was), it became the chmod of the files that user owns, as the script did: `find DIR "
    "-user \"$(id -u)\" -exec chmod g+rwX {} +`. A stage that copies a fix-permissions of its own keeps it.",
)

BASH_SH_KEPT = Code(
    "MIG426",
    Severity.INFO,
    "SHELL bash added: RUN steps use bash syntax, and the source /bin/sh was bash",
    "On UBI, Fedora, CentOS, Rocky, Alma, Oracle and Amazon Linux images /bin/sh is bash (rules/images.yaml "
    "`family_sh`, a rule's `sh`), so a shell-form RUN written for them runs under bash and may use its syntax: "
    "brace expansion (`mkdir -p /opt/app/{bin,lib}`), `[[ ]]`, arrays, `source`, `set -o pipefail`, `$'...'`, "
    "`<<<`, `function f`, `&>`, `<(...)`, `|&`, `declare`. The migrated stage runs on a Chainguard -dev image or "
    "wolfi-base, whose /bin/sh is busybox sh: braces make one directory named `{bin,lib}`, `[[` and arrays fail "
    "the build, and `cmd &> log` runs cmd in the background. So the stage gets `SHELL [\"/bin/bash\", \"-c\"]` "
    "before its first instruction (the -dev images have bash; on wolfi-base it is installed first: MIG551), once "
    "per chain of stages (a stage built FROM it inherits the SHELL), and every RUN of the stage keeps bash's "
    "meaning. Never on a distroless runtime (it has no shell and runs no RUN). Debian, Ubuntu and Alpine sources "
    "(dash and ash as /bin/sh) are left alone, as is a stage whose chain already says SHELL. To use sh instead, "
    "rewrite the RUN steps for POSIX sh and drop the line.",
)

BASH_IN_SH_SCRIPT = Code(
    "MIG427",
    Severity.WARNING,
    "a /bin/sh script from the build context uses bash syntax",
    "The source image's /bin/sh was bash (UBI, Fedora, CentOS, Rocky, Alma, Amazon Linux: rules/images.yaml "
    "`family_sh`), so a script of the build context that /bin/sh runs (its first line `#!/bin/sh`, none, or run as "
    "`sh script.sh`) ran under bash there and may use bash syntax (`[[ ]]`, arrays, `{a,b}`, `source`, "
    "`set -o pipefail`...; MIG426 lists them). On Wolfi /bin/sh is busybox sh, and a SHELL line does not reach a "
    "script that names its own interpreter: the RUN step that runs it (or the container whose start command it "
    "is) fails, or does something else (`mkdir -p /d/{a,b}` makes one directory named `{a,b}`). The message names "
    "the script and the first such line. Make the script's first line `#!/bin/bash` (the -dev images have bash; "
    "on wolfi-base, `apk add bash`; a distroless runtime has no shell at all), or port it to POSIX sh. Read only "
    "when the build context is given (--context).",
)

OLD_LIBRARY_FOR_PYTHON = Code(
    "MIG433",
    Severity.ERROR,
    "a pinned library release predates the Python the image serves",
    "The build installs, from a file of the build context on disk, an exact pin (`==`) of a well-known package "
    "at a release older than the first that supports the Python of the stage's Chainguard image (Django, "
    "numpy, pandas, scipy, psycopg2, psycopg2-binary, pillow: rules/python-libraries.yaml, from each package's release "
    "notes). The files read are those the installer reads: the requirements file of `pip install -r`, "
    "Pipfile.lock (pipenv install or sync), poetry.lock (poetry install) and uv.lock (uv sync). Such a release "
    "has no wheel for that Python and does not build from source there, or imports a module that Python removed "
    "(distutils, gone in 3.12: Django 3.2 dies at import): the build fails or the app cannot start, and the start "
    "check says the runtime is broken. Raise the pin to the release the message names (or later), or migrate "
    "with `--tag-policy keep` for an organisation registry that serves the source's Python. A range (`>=`, "
    "`~=`) that admits a supporting release is not reported; the other effects of a version move are MIG220's.",
)

CODES: tuple[Code, ...] = (
    USER_COMMAND_TRANSLATED,
    USER_COMMAND_UNTRANSLATABLE,
    RUN_UNPARSED,
    SYSTEM_CONFIGURATION_REMOVED,
    UNKNOWN_OWNER,
    UID_SHIFTED,
    LAYOUT_TRANSLATED,
    LAYOUT_MISSING,
    SOURCE_ACCOUNT_REMOVED,
    DOCKERHUB_HELPER_TRANSLATED,
    DOCKERHUB_HELPER_LEFT,
    SOURCE_PATH_MISSING,
    SOURCE_PATH_MAYBE_COPIED,
    OWNER_NEVER_CREATED,
    CONTEXT_SCRIPT_UNREAD,
    CONTEXT_SETUP_SCRIPT_UNREAD,
    CONTEXT_SCRIPT_PACKAGES,
    FULL_IMAGE_HEADERS,
    BUNDLER_FLAGS_TRANSLATED,
    BUNDLER_FLAGS_HIDDEN,
    BUNDLER_FLAGS_UNTRANSLATED,
    ACCOUNT_CHANGE_FOLDED,
    SOURCE_ID_REWRITTEN,
    INTERPRETER_VERSION_NAME,
    S2I_SCRIPT_PORTED,
    BASH_SH_KEPT,
    BASH_IN_SH_SCRIPT,
    OLD_LIBRARY_FOR_PYTHON,
)
