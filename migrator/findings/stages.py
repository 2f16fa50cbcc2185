"""Finding codes for the multi-stage rewrite and the runtime stage (MIG5xx)."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code("MIG501", Severity.INFO, "final stage split into a builder and a distroless runtime",
         "The original final stage ran build steps (RUN). They now run in a builder stage on the "
         "`-dev` image, and a new final stage on the distroless image receives only what the app "
         "needs, with COPY --from. The distroless image has no shell and no package manager."),
    Code("MIG502", Severity.INFO, "USER root added to a builder stage",
         "Chainguard `-dev` images run as nonroot (uid 65532), but the original image ran these "
         "RUN steps as root (package installs, writes to system paths). `USER root` keeps them "
         "working; the final image still runs as nonroot."),
    Code("MIG503", Severity.INFO, "files copied from the builder into the runtime",
         "The runtime stage copies these paths from the builder: the app directory, every path the "
         "original COPY/ADD wrote to, and the ecosystem's artifacts (virtualenv, binary, jar...). A trust "
         "store the stage rebuilt with certificates of its own (`update-ca-certificates` after a COPY of a "
         "company root into /usr/local/share/ca-certificates, `keytool -importcert -cacerts`) is copied too, "
         "with a finding of its own: /etc/ssl/certs/ca-certificates.crt (SSL_CERT_FILE on every Chainguard "
         "image) or /etc/ssl/certs/java/cacerts (where Wolfi's JDKs link $JAVA_HOME/lib/security/cacerts). "
         "Add a COPY --from line for anything else the app reads at run time."),
    Code("MIG504", Severity.INFO, "command converted to exec form",
         "Shell-form CMD/ENTRYPOINT run through /bin/sh, which the distroless runtime does not have. "
         "The command was a plain command line, so its exec (JSON) form is equivalent."),
    Code("MIG505", Severity.ERROR, "command needs a shell the runtime does not have",
         "The command uses shell features (pipes, `&&`, redirections, globbing or variables without a "
         "known value). The distroless runtime has no /bin/sh, so it cannot run as written. Move the "
         "logic into the program or a small launcher binary, run preparatory steps as a separate job "
         "(e.g. migrations as an init container), or pass values as arguments. The line written is the "
         "closest exec form and will fail until you change it."),
    Code("MIG506", Severity.INFO, "ENTRYPOINT reset for the runtime image",
         "The Chainguard runtime image has its own ENTRYPOINT (e.g. /usr/bin/python). The original image "
         "had none, so its CMD was the whole command; `ENTRYPOINT []` keeps that meaning. A final stage already on "
         "a Chainguard image whose CMD starts that entrypoint's program again (`CMD [\"python\", \"app.py\"]`, "
         "which the image runs as `/usr/bin/python python app.py`) or another program of the image (`CMD [\"npm\", "
         "\"start\"]` on node) gets the same `ENTRYPOINT []` before its CMD, and so does a stage before the last "
         "that is an image of its own (MIG557) on its -dev image."),
    Code("MIG507", Severity.ERROR, "entrypoint script needs a shell the runtime does not have",
         "The ENTRYPOINT/CMD runs a shell script, and the runtime has no shell, nor does any image that "
         "runs the same language (python, ruby and php images have none), and the final stage is built "
         "FROM another stage so it cannot move to wolfi-base on its own. The same holds for a program whose own "
         "configuration file (in the build context on disk) runs commands through /bin/sh -c: uWSGI's `exec:` hooks, "
         "`exec-*` options and attached daemons (rules/tools.yaml `config_commands`). Port what the script does: set "
         "configuration with ENV, run one-off setup at build time in the builder, and exec the program "
         "directly. Until then the container will not start."),
    Code("MIG508", Severity.INFO, "gosu / su-exec removed",
         "gosu and su-exec drop root privileges at start. Chainguard images already run as a nonroot "
         "user, so the program is started directly."),
    Code("MIG509", Severity.INFO, "init wrapper removed",
         "tini / dumb-init reap zombie processes for PID 1. The runtime image does not ship it; run the "
         "container with `docker run --init` (or your orchestrator's equivalent) if the app spawns "
         "children."),
    Code("MIG510", Severity.WARNING, "HEALTHCHECK removed from the runtime stage",
         "The HEALTHCHECK runs curl, wget or a shell, which the runtime image does not have (Wolfi's busybox "
         "has no wget; python, jre, glibc-dynamic and static have no shell), or a script (read as the start "
         "command's program is: its `#!` line, its name) that needs a shell, bash or /usr/bin/env the runtime "
         "does not have, so the check would always fail and the container would be reported unhealthy. It is "
         "removed, and the message says which tool it needed: use your orchestrator's probe (Kubernetes "
         "httpGet or tcpSocket), or build a small health-check program into the image. An HTTP check of one "
         "URL on a runtime with node or python is ported instead (MIG552)."),
    Code("MIG552", Severity.INFO, "HEALTHCHECK ported to the runtime's interpreter",
         "The HEALTHCHECK fetched one URL with curl or wget, which the runtime does not have. It now fetches "
         "the same URL with the runtime's own interpreter, in exec form (no shell needed): node's `fetch` or "
         "python's `urllib`, failing on HTTP errors where curl -f or wget did. On node, `localhost` becomes "
         "127.0.0.1 (node may try ::1 first, where an app listening on 0.0.0.0 is not)."),
    Code("MIG511", Severity.WARNING, "privileged port under a nonroot user",
         "Ports below 1024 need privileges the nonroot runtime user does not have outside Docker's "
         "defaults (Kubernetes, Podman). Listen on a port of 1024 or above and map it. Also said of the "
         "port a source image's setting kept (mcr.microsoft.com/dotnet/aspnet up to 7.0: "
         "ASPNETCORE_URLS=http://+:80, carried into the final stage so the app keeps port 80, where Chainguard's "
         "aspnet-runtime would listen on 8080), and of an nginx configuration file of the build context, copied "
         "under /etc/nginx, whose `listen` names a port below 1024 (Chainguard's nginx serves 8080; read when the "
         "build context is on disk)."),
    Code("MIG512", Severity.INFO, "runtime user set to the image's nonroot user",
         "The runtime image's users are fixed (nonroot, uid 65532); users created with useradd in the "
         "original do not exist there, and root is not used. Any other stage whose USER names a user or "
         "group its Chainguard image lacks, with no RUN in its chain that could create it (Microsoft's "
         "`app` in Visual Studio's .NET template), gets the image's user too: BuildKit makes a WORKDIR as "
         "the stage's user and stops when the image's /etc/passwd lacks it."),
    Code("MIG513", Severity.INFO, "ownership set with COPY --chown",
         "The original changed ownership with chown/USER in the final stage. The runtime cannot run "
         "chown, so the files are copied with `--chown` to the runtime user instead."),
    Code("MIG514", Severity.WARNING, "packages installed for run time are not in the runtime image",
         "The original final stage installed these packages with the OS package manager. The "
         "distroless runtime has no package manager; shared libraries known to the rules are copied "
         "from the builder, the rest are listed here: copy what the app needs at run time, or pick a "
         "runtime image that has it. A package that installs programs as well as libraries (imagemagick: "
         "`convert`, `magick`; graphviz: `dot`; rules/tools.yaml) is listed even when its libraries are "
         "copied: the programs an app shells out to are not."),
    Code("MIG569", Severity.INFO, "packages installed for run time are installed in the -dev runtime",
         "The original final stage installed these packages with the OS package manager, and the runtime "
         "chosen is a -dev image (kept for a shell or a tool the start command needs), which has apk: the "
         "runtime stage installs their Wolfi packages itself, under `USER root`, and goes back to the image's "
         "user (65532) after. Leave the -dev image (MIG541 says how) to get a smaller runtime, and then copy "
         "what the app needs from the builder (MIG514)."),
    Code("MIG515", Severity.INFO, "dependencies isolated for the runtime",
         "Dependencies are installed into one directory (a Python virtualenv, a GEM_HOME) in the "
         "builder, so the runtime stage can copy them in one piece to the same path. Docker Hub's pip puts "
         "console scripts in /usr/local/bin; in a virtualenv the tool made they are in its bin directory, so "
         "a start command or health check naming /usr/local/bin/<script> is pointed at /opt/venv/bin/<script> "
         "when a pip install names the package that provides the script (or installs from a requirements file "
         "and the script is a well-known one: rules/dockerhub.yaml `console_scripts`) and nothing else in the "
         "stage writes into /usr/local/bin. A runtime's `COPY --from=builder /usr/local/bin/<script>` is taken "
         "from the builder's /opt/venv/bin/<script> (its `#!` names the virtualenv's python, copied to the same "
         "path). Wolfi's ruby runtime has no bundler (only the -dev image has it), so bundler is installed into "
         "the copied GEM_HOME when the app needs it at start: the command runs `bundle`, or a Ruby file it starts "
         "loads Bundler itself (`require \"bundler/setup\"`, `Bundler.require`: Rails' bin/rails through "
         "config/boot.rb, a config.ru, an app.rb), read from the build context with the files they require by "
         "path; when those files cannot be read and the build runs `bundle install`, bundler is installed too "
         "(one more gem costs little; a missing one stops the app with a LoadError)."),
    Code("MIG573", Severity.WARNING, "/usr/local/bin path kept: it may be a console script now in the virtualenv",
         "A start command or health check names /usr/local/bin/<script>, where Docker Hub's pip puts console "
         "scripts; pip now installs into the virtualenv the tool made (/opt/venv/bin), and the tool could not "
         "prove which program the path means, so it is kept and the runtime copies that path from the builder. "
         "Either a pip install provides the script but another step writes files into /usr/local/bin that this "
         "tool cannot see (`tar -C /usr/local/bin`, `unzip -d`, `make install`, a directory copied there), or no "
         "line writes the path and a pip install reads its packages from a file this tool does not open "
         "(`-r requirements.txt`, `.`). If pip is what put the script there, the copy fails the build: start "
         "/opt/venv/bin/<script> instead."),
    Code("MIG574", Severity.ERROR, "builder step needs a /usr/local/bin file pip now writes into the virtualenv",
         "A RUN names /usr/local/bin/<script> as a file that must already be there: it runs it, changes its mode "
         "or owner (`chmod`, `chown`), or links to it (`ln -s`). No line of the stage writes that path, and a pip "
         "install reads its packages from a file this tool does not open (`-r requirements.txt`, `.`), so the "
         "script is most likely pip's: pip now installs into the virtualenv the tool made, the builder has no "
         "/usr/local/bin/<script>, and the step fails the build (a link points to nothing). Name "
         "/opt/venv/bin/<script> in the step, or name the package on the pip command line so the tool can move "
         "the path itself."),
    Code("MIG581", Severity.WARNING, "a path the build makes through a variable of unknown value is not carried",
         "A RUN of the final stage writes its output (`go build -o $OUT/app`, `dotnet publish -o $DIR`, "
         "`mkdir -p $DATA`) through a shell variable whose value this file does not show: one computed by the "
         "RUN (`ARCH=$(uname -m)`), a loop's, one the base image sets, or HOME for a user the Dockerfile did "
         "not make. The tool does not guess a path (a COPY --from of a path the builder never made stops the "
         "build), so the runtime does not get it. Spell the path out, or set the variable with ENV or in the "
         "RUN itself (`OUT=/usr/local/bin && go build -o $OUT/app .` is read), and migrate again."),
    Code("MIG582", Severity.WARNING, "a directory made in root's home is out of the runtime user's reach",
         "The original final stage ran as root and made a directory under /root, often through $HOME, which a "
         "RUN's shell has as /root for root (`mkdir -p $HOME/data`, `${HOME}/.local/share/app`). The runtime "
         "gets it at the same path, but it runs as a nonroot user (uid 65532): Wolfi's base layout makes /root "
         "0700, so the app cannot enter it, and that user's HOME is another directory, so `$HOME/data` read "
         "at run time names a directory that is not there. Make the directory outside /root and name it with "
         "ENV (`ENV DATA_DIR=/var/lib/app`), or have the app read an explicit path."),
    Code("MIG583", Severity.WARNING, "a service image changed by RUN steps stays one stage on its -dev image",
         "The final stage is a service's image (postgres, redis, rabbitmq, tomcat...) that keeps the image's own "
         "command (or restates it: `CMD [\"postgres\", \"-c\", \"config_file=...\"]`, its server program run "
         "with or without the image's docker-entrypoint.sh), and its RUN steps change that image: a compiled "
         "locale (`localedef`), enabled plugins (`rabbitmq-plugins enable --offline`), an extension, a "
         "configuration file. What they make is spread over "
         "the image's own trees, which a distroless runtime cannot get by copying named paths, so the stage stays "
         "one stage on the service's -dev image, which runs the same server and keeps those changes (and a shell "
         "and apk). To run on the distroless service image, make those files in a builder and COPY --from them "
         "into it by name."),
    Code("MIG590", Severity.INFO, "a build stage without a shell that a later RUN runs on moves to its -dev image",
         "A stage on an image rule's runtime-only image (`FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS base`: "
         "aspnet-runtime, distroless) is the base of a stage that keeps a RUN (`FROM base AS final` + `RUN mkdir "
         "-p /app/data`, whose builder is built FROM base): a RUN needs a shell, which the distroless image "
         "lacks, so the build would stop there. The stage moves to the image's -dev variant (or wolfi-base). The "
         "runtime stage of a split final stage starts from the image rule's runtime image itself, not from this "
         "stage, so the app still runs distroless; when no stage built on it runs anything, the stage keeps "
         "the distroless image."),
    Code("MIG585", Severity.WARNING,
         "paths relative to the source image's WORKDIR, on an image whose layout is unknown",
         "The stage sets no WORKDIR of its own and puts files at paths relative to the one its Docker Hub image "
         "starts in (caddy's /srv, ...), which the migrated stage gets written explicitly (MIG544), so the files "
         "land where they did. The Chainguard image's own layout (its WORKDIR, where its server reads files) is "
         "not in this tool's image model: check that it reads them there, and move them where it does if not."),
    Code("MIG588", Severity.INFO, "COPY --chown names a user made by a dropped RUN: the runtime's uid instead",
         "A final stage kept on a distroless runtime loses its RUN lines, and with them the adduser/addgroup that "
         "made the app's user (`adduser --system nextjs`). BuildKit looks a COPY or ADD `--chown` name up in the "
         "image's own /etc/passwd and /etc/group, so `--chown=nextjs:nodejs` would stop the build. Each name (or "
         "uid the dropped RUN gave) the image does not have becomes the uid the stage runs as: the runtime "
         "image's user, uid 65532 (node, nonroot), the user its USER line now names (MIG512). Names the image has "
         "(root, nonroot, node, Wolfi's base accounts) and --chmod are kept."),
    Code("MIG580", Severity.INFO, "files kept in group 0 for an arbitrary uid (OpenShift)",
         "The original gave its files to group 0 and made them group-writable (`chown -R 1001:0 /app && chmod -R "
         "g=u /app`, `chgrp -R 0 DIR && chmod -R g+rwX DIR`, s2i's fix-permissions), as images built for "
         "OpenShift do: its restricted security context runs the container as an arbitrary uid whose group is "
         "0. The runtime's COPY --chown gives the files to the runtime user and keeps group 0 "
         "(`--chown=65532:0`), and COPY --from keeps the group bits the builder's chmod set, so that uid can "
         "still write where the original let it; uid 65532 (plain Docker, Kubernetes) owns them."),
    Code("MIG584", Severity.WARNING, "an edit of a start script's first line is not read",
         "A start script's `#!` line says which interpreter runs it, and the runtime is chosen for it (bash is "
         "installed for a `#!/bin/bash` script). An edit of that line by `sed -i` or `perl -pi` is read when it is "
         "certain (`s|#!/bin/sh|#!/bin/bash|`, `1s/.*/#!\\/bin\\/bash/`, `1c #!/bin/bash`, any delimiter, with -e "
         "or -E; perl's `s/.../.../ if $. == 1`), whether it names the script, a glob the script's path matches "
         "(`scripts/*.sh`), a `find ... -exec sed -i ... {} +` whose tests select it or a loop over such words "
         "(`for f in scripts/*.sh; do sed -i ... \"$f\"; done`); and so is a script a RUN writes from another "
         "file's text (`sed ... start.sh > /start.sh`, `cat`, `tr -d '\\r' < start.sh`, `envsubst`). An edit of "
         "files the Dockerfile does not name (`| xargs sed -i`, a loop over `$(find ...)`) is taken to include "
         "the script when it would make its line a bash one (bash is then installed). This one may change the line "
         "in a way the migration cannot tell (a sed script file, a block, a character class, a line deleted, a "
         "variable of the line, perl code other than substitutions, an interpreter other than bash set in files "
         "not named), so the script is judged by its `#!` line before the edit. Check that the runtime has the "
         "interpreter the edited line names, or write the line in the script itself."),
    Code("MIG516", Severity.WARNING, "install option does not fit the migrated layout",
         "The install command puts packages where the runtime stage does not look; the message says "
         "what to change."),
    Code("MIG517", Severity.INFO, "only production dependencies in the runtime",
         "Dev dependencies are needed to build but not to run; they are pruned (`RUN npm prune --omit=dev`, "
         "`pnpm prune --prod`, added at the end of the builder) before node_modules is copied into the runtime. "
         "A package the app loads at run time must then be in package.json's `dependencies`: move it there, or "
         "delete the prune line to keep every devDependency. Nothing is pruned when the start command needs a "
         "devDependency: it runs one's program (`nodemon`, `ts-node`, `cross-env`, or `tsc`, which "
         "package-lock.json says is typescript's; through `npm start` and the `npm run` scripts it runs), or, with "
         "package.json read, a program not known to stay (not the shell's, not the runtime image's, not one a "
         "runtime dependency installs, as far as package-lock.json and rules/npm-programs.yaml tell), node "
         "loads one before the app (`-r`/`--require`, `--import`, `--loader`, on node's command line or in "
         "NODE_OPTIONS; without "
         "package.json any such package counts), or it starts a "
         "TypeScript file (`node src/index.ts`); nor when the prune would remove what the stage installed "
         "outside package.json. The message says which. yarn installs get advice instead."),
    Code("MIG518", Severity.INFO, "compiled output located",
         "The build output was located from the build command, or from the builder command that put the "
         "start command's program in place (`cp app /usr/local/bin/`, `mv`, `install`, `ln -s`); the message "
         "says which path the runtime receives and how to make it more precise. `go install` writes to $GOBIN, else "
         "$GOPATH/bin: the command's own `GOBIN=`/`GOPATH=` or the stage's ENV, else go's default, which was "
         "/go/bin on Docker Hub's golang and is /root/go/bin in the builder; the runtime gets that one in "
         "/usr/local/bin, and a start command that named /go/bin/NAME now names /usr/local/bin/NAME. A program "
         "copied into a directory only the source image had on its PATH (golang's /go/bin, rust's "
         "/usr/local/cargo/bin: `go build -o /go/bin/app` + `CMD [\"app\"]`) goes to /usr/local/bin the same way; "
         "where another copy fills /usr/local/bin whole, it stays and the runtime's PATH gets its directory."),
    Code("MIG572", Severity.WARNING, "start program placed on a condition",
         "The builder command that puts the start command's program in place (MIG518) runs only on a "
         "condition: inside an `if` or a `case`, after `[ -f x ] &&`, or with its failure ignored (`|| true`). "
         "The runtime still copies the program, because the start command runs it, but when the command did "
         "not run the `COPY --from` fails the build. Put the program there unconditionally, or start "
         "another one."),
    Code("MIG519", Severity.WARNING, "jar location guessed",
         "The ENTRYPOINT does not name the jar, so the build tool's output directory is copied."),
    Code("MIG520", Severity.INFO, "nginx listens on 8080",
         "Chainguard's nginx runs as nonroot and listens on 8080. EXPOSE was changed; change `listen 80` "
         "in your own nginx configuration too."),
    Code("MIG535", Severity.WARNING, "nginx config may still listen on port 80",
         "EXPOSE 80 became 8080 (MIG520), but an nginx configuration the Dockerfile copies says `listen 80` "
         "(or could not be read: no build context, a directory, a glob, a file from another stage or image) "
         "and no builder stage with a shell holds it for the tool to rewrite. nginx would serve on a port "
         "nothing publishes, and a nonroot nginx may not bind port 80 outside Docker: change the file's "
         "`listen 80` to `listen 8080`. A readable file in a split build is rewritten in the builder instead."),
    Code("MIG578", Severity.INFO, "a copied config file's path renamed in the builder's copy",
         "A configuration file the final stage copies from the build context (an nginx conf under /etc/nginx, a "
         "php-fpm or php.ini file) names a path the Chainguard image keeps elsewhere, the same the tool renames "
         "in the Dockerfile's own lines (MIG407): nginx's `proxy_cache_path /var/cache/nginx/...` or `*_temp_path` "
         "(Chainguard's nginx keeps its temporary files in /var/lib/nginx/tmp and, running as uid 65532, cannot "
         "create /var/cache/nginx: it would stop at start), php-fpm.conf's `include=/usr/local/etc/php-fpm.d/*.conf` "
         "(the pools are in /etc/php/php-fpm.d: with none, php-fpm stops). The builder, which holds the copied file "
         "and from which the runtime takes it, renames the path in its copy with sed; your file is not changed: "
         "change it too, so that both images read the same."),
    Code("MIG579", Severity.ERROR, "a copied config file names a path the Chainguard image does not have",
         "As MIG578, but no builder stage with a shell holds the file to rename the path in (the final stage is "
         "not split, or the file's name cannot be written in a RUN line): the program would stop at start (nginx "
         "cannot create its cache or temp directory, php-fpm finds no pool). The finding names the file, the line "
         "and the path; replace it in the file with the path the message gives. Also for a directory of the Docker Hub "
         "image the Chainguard image lacks with none standing for it (rules/dockerhub.yaml `config_missing_paths`): "
         "php-fpm's error_log or pid under /usr/local/var, Docker Hub php-fpm's prefix, which php-fpm cannot open."),
    Code("MIG536", Severity.WARNING, "the runtime builds the app from its sources (maven, gradle, go, cargo)",
         "The start command runs maven or gradle (`mvn spring-boot:run`, `gradle bootRun`), `go run` or `cargo "
         "run`, which compile the sources (and resolve dependencies) each time the container starts. No built "
         "program can be named for a distroless runtime, so the final stage stays one stage on wolfi-base with "
         "the toolchain (the JDK and the build tool, go, rust) and the sources, as the original had them. Build "
         "in the builder (`mvn package`, `gradle bootJar`, `go build -o /app/server`, `cargo build --release`) "
         "and start the result (`java -jar <the jar>`, the program): the tool then copies only that into a jre "
         "or static/glibc-dynamic runtime."),
    Code("MIG537", Severity.INFO, "a file the stage removed from its image is emptied in the runtime",
         "The original final stage removed a file its image ships (`RUN rm /etc/nginx/conf.d/default.conf`, "
         "Chainguard's nginx.default.conf: its default server on port 8080, which would answer requests meant "
         "for the site's own server). The distroless runtime starts again from the image, which has the file, "
         "and a COPY cannot remove anything, so the builder stages the file as the stage left it, empty where "
         "it was removed, and the runtime copies that over the image's. Done only for files the program reads "
         "as a list of settings, where an empty file is the same as none (rules/dockerhub.yaml "
         "`emptied_when_removed`)."),
    Code("MIG538", Severity.INFO, "the source image's pass-through entrypoint script dropped",
         "The final stage's ENTRYPOINT restates the source image's own entrypoint script (Docker Hub node's "
         "`docker-entrypoint.sh`, php's `docker-php-entrypoint`), which does nothing but run its arguments, with "
         "the image's program in front when the first is an option (for node also a file: `server.js` runs as "
         "`node server.js`). The Chainguard image has no such script, so the ENTRYPOINT would fail to start; the "
         "script is dropped and the command means what it meant: `ENTRYPOINT []` with the CMD as written, or the "
         "program itself first where the script would have put it there. A Dockerfile that COPYs a script of that "
         "name keeps it: that one is its own."),
    Code("MIG521", Severity.INFO, "shared libraries carried into the runtime",
         "Compiled dependencies link against shared libraries that the distroless runtime does not ship "
         "(and PHP extensions are modules plus an ini file). A builder step copies them under "
         "/runtime-libs at their own paths (a directory such as /usr/lib/ImageMagick-7.x stays a "
         "directory; a pattern that matches nothing, because its package is not installed, is skipped), "
         "then asks the dynamic loader (`ld.so --list`) for every library they load and copies those "
         "too, except glibc's own, which the runtime has. The runtime stage copies that tree."),
    Code("MIG522", Severity.WARNING, "PHP extensions need the matching Wolfi packages (retired)",
         "No longer reported: docker-php-ext-install / pecl are translated to the extensions' Wolfi "
         "packages (MIG410, or error MIG411 when there is none), and a distroless php runtime copies their "
         "modules and ini files from the builder (MIG521). Kept so that configurations that ignore it stay "
         "valid."),
    Code("MIG523", Severity.WARNING, "files copied into / under names the Dockerfile does not show",
         "The original copied a directory's contents, a glob or the whole build context into / or a directory "
         "the image fills itself (/usr/local/bin, /etc), so the names of what landed there are unknown. The "
         "runtime cannot copy / or such a directory from the builder; it repeats those COPY lines from the same "
         "source instead, which misses what a later RUN changed in them. A COPY that names each file it copies "
         "(`COPY --from=build /out/server /usr/local/bin/`) is repeated as well, and is said only when a later RUN "
         "names such a file (`chmod +x /usr/local/bin/server`): that change is not carried either. Copy into a "
         "named directory (a WORKDIR such as /app) so the result can be carried."),
    Code("MIG524", Severity.INFO, "stage renamed",
         "The builder keeps the original stage's instructions under a new name, and the runtime stage "
         "takes the original name so `--target` keeps building the final image."),
    Code("MIG525", Severity.WARNING, "ONBUILD trigger or SHELL the runtime stage cannot run",
         "SHELL has no shell to name on a distroless runtime, so it is dropped. ONBUILD triggers are the image's "
         "metadata and are kept, so images built FROM the migrated image run them as they ran the original's; "
         "a RUN trigger that needs a shell (shell form, or `[\"sh\", \"-c\", ...]`) or runs a package manager "
         "or user command (`[\"apt-get\", \"install\", ...]`) would fail those builds on the runtime image, "
         "which has neither, so it is dropped: images built FROM the migrated image no longer run it. Move its "
         "work into the builds of the images that use this one. A CMD or ENTRYPOINT trigger in shell form or "
         "through `sh -c` would start the child image with a shell it lacks: plain words are written in exec "
         "form, anything that needs a shell (variables, quotes, pipes) is dropped the same way. On a runtime with "
         "a shell, every form (exec, shell, `sh -c`, `/usr/bin/env`) is judged by the programs it runs: one the "
         "runtime lacks (`yarn`, `curl`, `apk` on an image without it), or a package manager or user command "
         "while the runtime runs as nonroot (a trigger runs before any USER of the child image), drops the "
         "trigger. An ONBUILD HEALTHCHECK follows the runtime's HEALTHCHECK rule (MIG552 ported, MIG510 "
         "removed)."),
    Code("MIG527", Severity.INFO, "volume directory prepared for the nonroot user",
         "A VOLUME directory that the runtime image does not have would be created by the engine "
         "owned by root, and the nonroot app could not write to it. It is created in the builder and "
         "copied into the runtime with --chown to the runtime user."),
    Code("MIG529", Severity.WARNING, "JVM options variable replaced by JAVA_TOOL_OPTIONS",
         "`java $JAVA_OPTS ...` expands the variable through a shell, which the distroless JRE image "
         "does not have. The JVM reads the JAVA_TOOL_OPTIONS environment variable by itself, so pass "
         "the same options there (`docker run -e JAVA_TOOL_OPTIONS=...`)."),
    Code("MIG528", Severity.INFO, "ADD of local files changed to COPY",
         "ADD only differs from COPY for URLs and tar archives, neither of which is used here, so COPY "
         "does the same and says so (hadolint DL3020)."),
    Code("MIG530", Severity.ERROR, "a kept command creates a user the Chainguard image already has",
         "Chainguard images ship their nonroot user (nonroot, node, java, php or nginx, uid 65532). "
         "Creating it again with adduser/addgroup fails the build (\"in use\"). migrator removes such a "
         "creation from its RUN (MIG318); this error is reported when the command stays, because it could not "
         "be taken out (a form the translation leaves as written): remove it and use the existing user."),
    Code("MIG531", Severity.WARNING, "the start command is not in the runtime image (retired)",
         "No longer reported: a launcher the runtime lacks is ported when what it runs is known (MIG545, "
         "`yarn start` -> `npm start`), and every start command is checked against the image (MIG540 "
         "when it cannot start). Kept so that configurations that ignore it stay valid."),
    Code("MIG532", Severity.INFO, "static front-end served by nginx",
         "The original served the output of a front-end build (`serve`, `http-server`) with Node.js. The "
         "files are static, so the runtime is Chainguard's nginx serving them from "
         "/usr/share/nginx/html on port 8080 (nonroot); no Node.js runs in production. Client-side "
         "routing needs `try_files $uri /index.html` in your nginx configuration."),
    Code("MIG533", Severity.INFO, "MAINTAINER changed to a maintainer label",
         "MAINTAINER is deprecated; `LABEL maintainer=\"...\"` records the same and tools read it "
         "(hadolint DL4000)."),
    Code("MIG534", Severity.WARNING, "COPY --chown names a user the image does not have",
         "Wolfi images have root and their nonroot user (uid 65532), not Debian's www-data, nobody or "
         "app users. COPY --chown with an unknown name fails the build unless an earlier RUN in the "
         "stage creates it; use numeric ids (65532:65532) or create the user."),
    Code("MIG550", Severity.WARNING, "runtime keeps running as root",
         "The original ran this program as root and it needs to: it talks to the Docker engine through "
         "/var/run/docker.sock, which the host gives to root and the docker group only. Chainguard images "
         "run as their nonroot user (uid 65532), which could not connect, so the runtime stage says "
         "`USER root`. To run it as nonroot, add the socket's group at run time (`docker run --group-add`) "
         "or put a socket proxy in front of the engine, and remove the USER line. A final stage kept as one "
         "stage on a -dev image whose start script (read from the build context) switches users itself "
         "(`gosu`, `su-exec`, `setpriv`, `runuser`, `chroot --userspec`) keeps root too: the script starts as root "
         "and drops to its app's user, which the image's nonroot user (uid 65532) cannot do."),
    Code("MIG526", Severity.INFO, "RUN not needed on the runtime image",
         "This final-stage RUN only installed packages the runtime image already contains (such as "
         "ca-certificates and tzdata) and created a user; Chainguard images run as a nonroot user "
         "already. The RUN is dropped, so the final stage needs no shell. A RUN that also writes a file "
         "(`echo k=v > /etc/app.conf`) is kept: the runtime copies the file from the builder (MIG561 says more)."),
    Code("MIG540", Severity.ERROR, "the final stage cannot start its command",
         "The migration checks the final stage as the engine will run it: the image's ENTRYPOINT and CMD "
         "with the stage's own, wrappers (tini, dumb-init, gosu) seen through, the program looked up on "
         "the PATH (or at its path under WORKDIR) in the image and in what COPY/ADD put there. This one "
         "cannot start: the program is not in the image and nothing copies it, a shell script is started "
         "on an image without a shell, a script's `#!/usr/bin/env python` line names env on an image "
         "without env (the distroless images have none), a script's `#!` line names an interpreter path the "
         "stage does not have (`#!/opt/conda/bin/python`), a start script read from the build context runs a "
         "program by a path only the original image had, in any form it runs at start (eclipse-temurin's "
         "`exec /__cacert_entrypoint.sh \"$@\"`, a background job `/usr/local/bin/node server.js &`, a pipeline, "
         "behind nohup or su-exec; "
         "temurin's JAVA_HOME's /opt/java/openjdk/bin/java, Docker Hub python's /usr/local/bin/python3.X; rules: "
         "dockerhub_paths of that image; the script is copied as it is, so change that line), or the arguments do "
         "not fit (`java app.jar` without `-jar`). No "
         "other Chainguard runtime fixed it. The message names the program and why; port that part by "
         "hand (start the program directly, copy it from the builder, or choose another runtime)."),
    Code("MIG541", Severity.WARNING, "a shell is kept in the runtime for the start command",
         "The command starts a shell script (or runs through `sh -c`, or starts a program whose own configuration "
         "runs commands through /bin/sh -c: uWSGI's `exec:` hooks, attached daemons), so the runtime is an image that "
         "has a shell: the same language image's shell variant (jre -> jdk), node, or wolfi-base for "
         "binaries. It starts, but an attacker who gets in has a shell too, and busybox sh is not bash: "
         "a script that needs bash fails. Port what the script does (ENV for settings, one-off steps "
         "at build time in the builder, `exec` the program) and start the program directly to run on a "
         "distroless image."),
    Code("MIG542", Severity.WARNING, "final stage kept as one stage on wolfi-base",
         "The final stage has no command of its own (a base image other images build on), or what it "
         "starts comes from the OS packages it installs, or needs a shell that no image of its language has (a "
         "start script, uWSGI's `exec:` hooks on python). Neither fits a distroless runtime, so the "
         "stage stays one stage on wolfi-base (chainguard-base for organisations) with its packages "
         "translated to apk, the way the original kept them: shell and apk stay in the image. Split "
         "it by hand when only a few files are needed at run time."),
    Code("MIG549", Severity.ERROR, "the start command needs bash, which the runtime does not have",
         "The command runs bash, a script whose first line says `#!/bin/bash` (read from the build context on "
         "disk, or from the Dockerfile where it writes the script: `COPY <<EOF`, `RUN printf/echo/cat > FILE`), or a "
         "start script this tool cannot read (it is in the build context, not in the Dockerfile) whose original "
         "image had bash: Debian, Ubuntu, UBI, CentOS, Fedora and the official language "
         "images built on them all ship it, and scripts written there usually start with `#!/bin/bash`. A "
         "`#!/bin/sh` script needs bash too where the original stage made /bin/sh bash (`ln -sf /bin/bash "
         "/bin/sh`, or `dpkg-reconfigure dash` after debconf's `dash/sh boolean false`): the runtime then needs "
         "bash and that link (the tool keeps an `ln` in the one stage on wolfi-base; the dpkg form it drops). Wolfi's "
         "busybox sh is no bash. Where the stage can install packages (wolfi-base) bash is installed (MIG551); "
         "a runtime that cannot (node, jdk, dotnet-sdk...) gets this error: check that the script runs with sh "
         "(`#!/bin/sh`, no arrays, `[[ ]]` or `source`), port it, or run on wolfi-base with the language and bash "
         "installed by apk."),
    Code("MIG551", Severity.INFO, "bash installed for a script",
         "A script this stage runs (the start command, a RUN step, or the stage's SHELL) needs bash, or may: its "
         "`#!` line says bash, or says /bin/sh where a RUN made /bin/sh a link to bash (which, without bash, "
         "would leave /bin/sh dangling and fail every later RUN), or its "
         "source image had bash and the tool cannot read the script. The Chainguard image here has only busybox "
         "sh, so `bash` is added to the stage's `apk add`. Drop it if the script is POSIX sh (`#!/bin/sh`) and no "
         "RUN makes /bin/sh bash."),
    Code("MIG553", Severity.WARNING, "JVM option a current JVM refuses removed",
         "The java command line named an option the runtime's JVM no longer knows (`-XX:MaxPermSize`, "
         "`-XX:+UseCGroupMemoryLimitForHeap`, `-Xincgc`...): the JVM would print \"Unrecognized VM option\" and "
         "exit before the app starts. Each such option tuned something the JVM no longer has or now does by "
         "itself (PermGen, container memory limits), so it is removed; the message says why for each "
         "(rules/jvm-options.yaml). The same options in an ENV that sets JVM options (JAVA_TOOL_OPTIONS, which the "
         "JVM reads itself, JDK_JAVA_OPTIONS, JAVA_OPTS) are removed there too."),
    Code("MIG554", Severity.WARNING, ".NET app rolls forward to the runtime's major version",
         "The source ran a framework-dependent .NET app on an older runtime (3.1, 5, 6, 7, 8 or 9), and the "
         "Chainguard runtime's latest tag has only the newest .NET. A .NET app rolls forward to a newer minor "
         "version by itself, never to a newer major one: it would exit at once (\"You must install or update "
         ".NET to run this application\"). `ENV DOTNET_ROLL_FORWARD=Major` lets the host run it on the newer "
         "runtime, which works for most apps; test it, then retarget the project (`<TargetFramework>`) to the "
         "new version and drop the setting. Self-contained publishes carry their own runtime and are left alone "
         "(a `dotnet publish --self-contained`; a self-contained migrations bundle, `dotnet ef migrations bundle "
         "--self-contained`, carries only its own runtime, not the app's). The same holds in a build "
         "stage for a .NET tool pinned to a release (`dotnet tool install dotnet-ef --version 8.0.0`, `dotnet tool "
         "restore` of a manifest, `dotnet tool run` of one) chosen to run on the source SDK's .NET, and for a build "
         "step that runs the project's own code on the .NET it targets (`dotnet test`'s test host, `dotnet run`, "
         "EF Core's `dotnet ef`, which loads the project's build): the ENV goes before "
         "the first such step in the builder; or pin a release of the tool for the new .NET, or retarget the "
         "project."),
    Code("MIG555", Severity.WARNING, "the app ran as root and now runs as nonroot",
         "The original final stage ran its command as root (no USER, or USER root, on a Docker Hub image), "
         "and the Chainguard runtime runs it as nonroot (uid 65532); or as the user of its image that owned the "
         "app's directory (Red Hat's s2i images: uid 1001, owner of /opt/app-root), which the message names. "
         "Whatever the app writes must belong to that "
         "user. The WORKDIR, the data directories its command names (`--data ./data`) and its VOLUMEs are made "
         "its own: files copied into the WORKDIR get --chown, directories outside it are created in the "
         "builder and copied with --chown (a builder stage is added when the stage had none). A final stage kept "
         "as one stage on a -dev image (its start needs a shell), which the tool switches to root for its steps "
         "and back to the image's nonroot user at its end, gets a `RUN mkdir -p ... && chown` of those "
         "directories before its start lines (the WORKDIR itself, not the files copied into it). Any other path "
         "the app writes (a cache, a PID file, a path from its configuration) needs the same; where it must "
         "truly run as root, add `USER root` and say why."),
    Code("MIG556", Severity.WARNING, "no command of its own on an interpreter image",
         "The final stage sets no CMD or ENTRYPOINT: the original image's default (irb, python3, node, jshell) "
         "is no app, so the app's command is given when the container starts (compose `command:`, `docker run "
         "IMAGE CMD`, a Kubernetes `args`). The Chainguard image's ENTRYPOINT is the interpreter, which would take "
         "that command as its own argument (`ruby bundle exec puma`), so `ENTRYPOINT []` is added. The command "
         "still runs in exec form on an image without a shell (and without pip or npm where the message says "
         "so): start the program itself, such as a binstub or console script from the dependencies the runtime "
         "copies, or the interpreter with a script. A Ruby app's command runs through bundler as a rule (`bundle "
         "exec puma`), which the distroless ruby image has not, nor a shell: such a stage runs on ruby's -dev "
         "image instead, and MIG541 says how to leave it."),
    Code("MIG591", Severity.WARNING, "a RUN leaves data for the app in a directory this tool cannot tell",
         "A RUN of the original final stage runs a program that leaves data the app reads at run time: NLTK "
         "data (`python -m nltk.downloader`), Hugging Face or PyTorch Hub models fetched into a cache, Django's "
         "`collectstatic` output. The runtime stage of a split copies the app and its dependencies, so the tool "
         "copies that data too, from where the program writes it: the directory the command names (`-d`, "
         "`--cache-dir`, `cache_dir=`), the ENV that sets it (NLTK_DATA, HF_HOME, TORCH_HOME, STATIC_ROOT), the "
         "app's settings (Django's STATIC_ROOT in the settings modules of the build context), or the program's "
         "default under the HOME of the user the RUN ran as, which lands in the runtime user's HOME, where the "
         "program looks at run time (rules/run-data.yaml). Caches the program writes to at run time go to the "
         "runtime user. When none of these says where (a variable whose value the file does not show, no build "
         "context to read the settings from), this warning names the RUN: without that directory the app fails "
         "on first use (NLTK's LookupError, static files answering 404) or downloads again at run time."),
    Code("MIG561", Severity.WARNING, "files of the original final stage are not in the runtime",
         "The runtime stage of a split carries what the app needs: its build output, its working directory, "
         "files its command names, files copied in that no build step reads, and files `touch` creates. A path "
         "the original final stage copied in or made (mkdir) that is none of these is listed here: the "
         "original image had it, the new one does not. A plain file a RUN writes outside the app (`echo k=v > "
         "/etc/app.conf`, `tee`, `sed -i`, the destination of `cp`, `mv` or `install`) is copied from the builder; a "
         "link (`ln -s`), a destination that may be a directory, or a program put on PATH that the start command "
         "does not run (MIG518 copies the one it runs) is listed here instead. Paths the runtime image "
         "has its own of, or needs none of, are neither: /tmp, /root, caches, apt's and apk's state and set-up, "
         "the user database and its configuration (useradd), shell start-up files. Copy what the app uses from "
         "the builder with `COPY --from`, or leave it out on purpose."),
    Code("MIG563", Severity.ERROR, "the start command runs a tool the runtime image lacks",
         "The start command is a shell command line (`sh -c \"wget -q URL && java -jar app.jar\"`), or a start script "
         "read from the build context on disk, that runs a tool the runtime image does not have: Wolfi's busybox has "
         "no wget, the distroless images have no curl or git, and the stage does not install or copy it "
         "(rules/tools.yaml says which Wolfi package gives it). Its failure ends the start: it is the command's last "
         "or exec'd program, an `&&` chain leads from it to the program, `|| exit 1` follows it, or the command line "
         "runs under `set -e` (also `VAR=$(tool ...)` on its own line). The container stops at every start with `not "
         "found`. Two shell forms fail the start without running the tool's failure on: a loop that waits for the "
         "tool to succeed (`until nc -z db 5432; do sleep 1; done`, `while ! curl -sf URL; do ...; done`, `while "
         "true; do nc -z db && break; done`, with no `break` of its own) never ends, so the container hangs; a "
         "look-up that exits without the tool (`command -v curl || exit 1`, `if ! command -v jq; then exit 1; fi`) "
         "exits at every start. Install the package on a runtime "
         "that can (wolfi-base), or do the step at build time. Where the shell goes on to start the program after the "
         "failure, or where the step runs only when a look-up of the tool itself finds it (`if command -v curl; then "
         "...; fi`, `which curl && ...`, `[ -x /usr/bin/curl ]`), MIG564 (a warning) is reported instead. A start "
         "script that runs a program by another distribution's name, where the stage has it under Wolfi's (`cron`, "
         "which Wolfi's cronie installs as `crond`; rules/tools.yaml `distro_names`), is reported the same way: "
         "start the Wolfi name in the script (the start command itself is renamed, MIG571)."),
    Code("MIG564", Severity.WARNING, "a step of the start command runs a tool the runtime image lacks",
         "The start command is a shell command line (or a start script read from the build context), and one of its "
         "steps runs a tool the runtime image does not have (as MIG563), but the shell starts the program all the "
         "same: the step is followed by `;` or a newline without `set -e` (`curl -s URL > .env; node server.js`), `|| "
         "true` recovers from it, it is not the last command of a pipeline, or it is a condition the script goes "
         "on after (`while nc -z db; do`, a waiting loop with a retry limit that `break`s); or the step runs "
         "only when a look-up of the tool finds it (`command -v`, `which`, `type`, `hash`, `[ -x PATH ]`), so it is "
         "skipped. The container "
         "starts, and the step fails with `not found` at every start: a configuration it fetched, a file it wrote or a"
         " service it notified is missing, which the app may notice later. Install the package on a runtime that can "
         "(wolfi-base), do the step at build time, or drop it if the app does not need it. A command no Wolfi "
         "package provides (rules/tools.yaml: Debian's `service` and `invoke-rc.d`, as in `service php8.1-fpm "
         "start`) is reported the same way (MIG563 where its failure ends the start): start the daemon's own "
         "program instead."),
    Code("MIG593", Severity.ERROR, "the HEALTHCHECK runs a tool the runtime image lacks, and fails at every check",
         "The final stage keeps a HEALTHCHECK whose command runs through a shell (its shell form, `CMD-SHELL`, or `CMD "
         "[\"sh\", \"-c\", ...]`) on an image that has one (wolfi-base, node, the busybox images), or in exec form "
         "(`CMD [\"pg_isready\", \"-h\", \"db\"]`), and a program it runs is not in that image: not its own, not "
         "installed by the stage, not copied in (rules/tools.yaml says which Wolfi package gives it; `HEALTHCHECK "
         "CMD pg_isready -h db || exit 1` on node). The program's failure ends the check, read as the start "
         "command's steps are (MIG563): the check fails at every run with `not "
         "found`, the container is reported unhealthy, and an orchestrator that acts on health (Swarm, ECS, a "
         "Compose `depends_on: condition: service_healthy`) restarts it or never starts what waits for it. Where the "
         "stage keeps apk (one stage on wolfi-base) the tool's package is added (MIG313) and nothing is reported. "
         "Install the package, copy the program from the builder, or use the orchestrator's own probe. A curl, wget "
         "or nc check on a runtime without the tool is ported to the runtime's interpreter or removed instead "
         "(MIG552, MIG510)."),
    Code("MIG594", Severity.ERROR, "a PHP extension package for another stream than the image's, and none for its own",
         "The stage installs a versioned PHP package (Alpine's `php83-<ext>`, Debian's `php8.3-<ext>`) on a php image "
         "that serves another PHP stream (php:latest-dev runs 8.5). Wolfi builds each extension per stream "
         "(php-8.3-<ext>, php-8.5-<ext>), so the name is spelled for the image's stream (MIG301 says so), or dropped "
         "where that stream has the extension compiled in (MIG303: 8.5's opcache). This error is reported when Wolfi "
         "builds the extension for no such stream: the written name is kept, and `apk add` would install the other "
         "PHP beside the image's (or fail on the conflict), whose PHP would not load the module. Build the extension "
         "for the image's PHP with phpize in the builder, pin the image to a stream that has it (--tag-policy keep "
         "with an organisation registry), or drop it."),
    Code("MIG592", Severity.WARNING, "a step of the HEALTHCHECK runs a tool the runtime image lacks",
         "As MIG593, but the check goes on after that step fails (`curl -f URL || wget -qO- URL`, `... || true`, a "
         "step after `;`), or the step runs only when a look-up of the tool finds it: the step fails with `not "
         "found` (or is skipped) at every check, and what the check then says depends on the steps after it. "
         "Install the package, copy the program from the builder, or drop the step."),
    Code("MIG562", Severity.INFO, "a user of the original image created in the stage",
         "The stage names a user that the original image shipped and its Chainguard image lacks: it runs as it "
         "(`USER www-data`), gives it files (`COPY --chown=node:node`) or names it in a RUN (`chown -R "
         "www-data:www-data /var/www/html`, `chgrp`, `install -o/-g`, `su`, `runuser`, `gosu`, `su-exec`). "
         "Docker Hub's php and Debian images have www-data (uid 33), Alpine's has it as 82, node has node (1000); "
         "Chainguard images have only Wolfi's base accounts and their own user (uid 65532), so USER, --chown and "
         "the RUN would fail. The stage creates it first, on a stage with a shell (a -dev builder, wolfi-base, "
         "a single stage), with busybox `adduser -D` and the uid it had (rules/dockerhub.yaml), or a free uid "
         "when Wolfi uses that one (33 is xfs); on a -dev image that runs as nonroot it is created as root, after "
         "the USER root the tool adds, and the user in force afterwards stays what it was. Files the stage gives "
         "it keep that owner only inside the stage: a distroless runtime still runs as its own user (65532)."),
    Code("MIG558", Severity.WARNING, "the runtime keeps the .NET SDK for `dotnet run`",
         "The start command is `dotnet run` (or another SDK command), which builds the project before it runs it: "
         "only the SDK can do that, so the runtime is dotnet-sdk, with busybox sh and the compilers, as big as the "
         "builder and running as nonroot (it may restore packages again at start). Publish in the builder "
         "(`dotnet publish -c Release -o /app`) and start the result (`ENTRYPOINT [\"dotnet\", \"/app/App.dll\"]`) "
         "to run on aspnet-runtime or dotnet-runtime."),
    Code("MIG586", Severity.WARNING, "the runtime keeps a shell and apk for a start program the stage installs",
         "The start command runs a program (supervisord, a cron daemon, pm2-runtime) that the final stage of a "
         "language image (python, node...) installs with the OS package manager or globally with npm, yarn or pnpm "
         "(`npm install -g`, `yarn global add`, `pnpm add -g`). The "
         "language's Chainguard runtime is distroless: nothing can be installed into it, and a program copied in "
         "without its package's files and libraries would not start. So the final stage stays one stage on "
         "wolfi-base, which installs the Wolfi package (`apk add supervisor`) and the language, and runs the "
         "global install as root, as the original had them; it keeps busybox sh and apk. To run on the "
         "distroless runtime, start the app itself (one process per container) instead of a process manager."),
    Code("MIG587", Severity.WARNING, "the runtime keeps a shell and apk for Python libraries from OS packages",
         "The final stage runs Python and installs Python libraries as OS packages (`apk add py3-requests`, "
         "`apt-get install python3-yaml`, `dnf install python3-psycopg2`). They install beside the OS's own "
         "interpreter, in no virtualenv or directory a runtime stage could copy, and the distroless python image "
         "cannot install anything: on it, the app's imports would fail at start. So the final stage stays one "
         "stage on wolfi-base, which installs Python and the libraries with apk; it keeps busybox sh and apk. "
         "Wolfi builds each library once for each Python it supports (py3-requests is py3.10-requests .. "
         "py3.13-requests) and the newest Python may not be among them, so the stage installs the newest Python "
         "that every library is built for, by its own names (`python-3.13 py3.13-requests`): the `python3` the "
         "command starts is the one that has them. Build tools (py3-pip, py3-setuptools, py3-wheel) do not count. "
         "To run on the distroless python image, install the libraries with pip into a virtualenv in a builder "
         "stage (`python -m venv /opt/venv && /opt/venv/bin/pip install requests`) and copy the virtualenv."),
    Code("MIG566", Severity.WARNING, "a Python library package is not built for the image's Python",
         "A stage on a python image (python:latest-dev runs the newest Python, 3.14 in the facts' snapshot) installs "
         "a Python library or tool as an OS package (`apk add py3-requests`) that Wolfi builds only for other "
         "Python versions (py3-requests: py3.10-requests .. py3.13-requests, rules/wolfi/provides.tsv). `apk add` "
         "then installs another Python beside the image's, or refuses the conflicting one, and the python the "
         "image runs does not import the library. Install it with pip into the virtualenv the stage builds, or "
         "keep the stage on wolfi-base with one Python for all of them (MIG587)."),
    Code("MIG575", Severity.WARNING, "the runtime keeps the -dev image for yarn or pnpm",
         "The start command runs yarn or pnpm, which only the node -dev image ships, and the node runtime (npm, no "
         "yarn or pnpm) cannot run it for sure: `yarn <name>` runs the package.json script <name> when there is "
         "one, else the package binary <name> from node_modules/.bin, and npm runs scripts only. Which one it is "
         "is read from package.json in the build context on disk (`--context`); without it (or under Yarn "
         "Plug'n'Play, where there is no node_modules, for a script that is not one plain `node ...` command: "
         "that one starts as node with .pnp.cjs preloaded, MIG545) the runtime keeps the -dev image, which starts "
         "the command as the original did, with busybox sh, apk and build tools; for a Yarn 2+ project it repeats "
         "the original's `corepack enable` (MIG239). Migrate with the build context, or start the "
         "app with `node` (or `npm start`), to run on the node runtime."),
    Code("MIG576", Severity.INFO, "a numeric USER the -dev image has no account for gets a HOME",
         "The stage switches to a numeric USER (Red Hat's s2i files: `USER 1001`) that the Chainguard -dev image "
         "has no account for, and then runs a build tool that keeps its cache or settings under HOME (npm, yarn, "
         "pnpm, pip, composer, bundle, go, cargo, maven...: rules/tools.yaml `home_writers`). Without an account "
         "the engine gives the step HOME=/, where only root may write, and npm fails with `EACCES: permission "
         "denied, mkdir '/.npm'`. As for the virtualenv such a user installs into (made as root and given to "
         "it), the stage keeps its user: the HOME the original image gave the uid (s2i's /opt/app-root/src, its app "
         "directory: rules/chainguard-images.yaml `upstream` home), else /home/<uid>, is made as root and given to "
         "the uid, and `ENV HOME` names it, just before the USER line. A stage that creates the account "
         "(`adduser -u 1001`) or sets HOME itself is left as written."),
    Code("MIG577", Severity.ERROR, "a language tool installs the source distribution's packages: the RUN fails",
         "A RUN runs a command of a language's tool that installs system packages of the original image's "
         "distribution with its package manager, under the hood: `playwright install --with-deps` and `playwright "
         "install-deps` run apt-get for the browsers' libraries, on Debian and Ubuntu only (rules/commands.yaml "
         "`distro_installers`). Wolfi has no apt-get, so the step fails and the build stops; and what it would "
         "have installed is in neither the -dev image nor the distroless runtime, so the browser it downloads "
         "could not start there either. The command is left as written: drop the option and install the "
         "libraries the program loads with apk, on a runtime that keeps apk (wolfi-base), or run the browser "
         "where its libraries are (Playwright's own image, a browser service). Wolfi packages no Chromium."),
    Code("MIG557", Severity.WARNING, "a stage before the last is an image of its own",
         "The stage has its own CMD, ENTRYPOINT or EXPOSE, and no other stage copies from it or is built FROM "
         "it: it is a target of its own (`docker build --target NAME`), as in files that build several images. "
         "Only the last stage becomes a distroless runtime; this one is migrated like every build stage, onto a "
         "-dev image (shell, apk) and with `USER root` where its RUN lines need it, so the image that target builds "
         "is not hardened. Its CMD keeps its meaning on the new image (`ENTRYPOINT []` where the image's entrypoint "
         "is an interpreter: MIG506), and its command is checked as the final stage's is: one that cannot start "
         "is said by a second MIG557. Migrate it as a Dockerfile of its own (the stages it needs, then it last), "
         "or keep it as it is if it is only a development image."),
    Code("MIG559", Severity.WARNING, "variables of the start command fixed at build time",
         "A shell-form CMD or ENTRYPOINT runs through the container's shell when the container starts, so "
         "`$PORT` or `${PORT:-8000}` is read from the container's environment then: `docker run -e PORT=9000`, "
         "and platforms that set PORT (Cloud Run, Heroku), change the command. The runtime has no shell, so the "
         "exec form has the value from ENV (or the default) written in, and a value given at run time is no "
         "longer read. Read the variable in the program (os.environ, process.env), or keep a shell: a runtime "
         "image with one (the -dev variant, or the image's shell partner) runs the command as before."),
    Code("MIG570", Severity.WARNING, "a variable in an exec-form argument written as its ENV value",
         "Docker expands variables in CMD and ENTRYPOINT only in shell form: `ENTRYPOINT [\"server\", \"--data\", "
         "\"${DATA_DIR}\"]` hands the program the text `${DATA_DIR}`, a relative path. The original's root user "
         "could create that directory in the working directory (often `/`) when the program started; the "
         "runtime's uid 65532 cannot, and the program stops. Where ENV gives the variable an absolute path, the "
         "migration writes that path, which is what the line meant; a value given with `docker run -e` is not "
         "read (as MIG559 says for shell form). Shells, java (Spring resolves `${...}` itself) and interpreters "
         "running code keep the text as written."),
    Code("MIG597", Severity.INFO, "the start command runs the virtualenv's python",
         "Only a virtualenv's own bin/python puts its site-packages on sys.path; VIRTUAL_ENV and PATH change "
         "nothing for the image's /usr/bin/python. Where the final stage copies a virtualenv (the one the migration "
         "installs Docker Hub's site-packages into, or the app's own, which PATH or PYTHONPATH names) and its start "
         "command runs the image's python (a CMD of arguments to the image's ENTRYPOINT, as on distroless/python3, "
         "or `python3` by name or path), the command runs the virtualenv's python instead, which finds the "
         "packages."),
    Code("MIG598", Severity.INFO, "PYTHONPATH entry of the old python's site-packages dropped",
         "`ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages` named the site-packages of the source image's "
         "python. The virtualenv is now made by Chainguard's python, of another version (lib/python3.X), and "
         "Docker Hub's /usr/local site-packages are installed into the virtualenv, so the entry names nothing. "
         "The start command runs the virtualenv's python (MIG597), which reads its own site-packages: the entry "
         "is dropped, the other entries are kept."),
    Code("MIG571", Severity.INFO, "start command names the program as Wolfi's package does",
         "Debian and Alpine ship some programs under names Wolfi's package of a like name does not: Debian's cron "
         "is cronie's `crond` (foreground `-n`, where Debian's cron takes `-f`), `nodejs` is `node`, "
         "`php-fpm8.1` is `php-fpm`, `stunnel4` is `stunnel` (rules/tools.yaml `distro_names`). The final "
         "stage's exec-form start command is written with the Wolfi name and options, so the container starts "
         "the program the package installs instead of failing with `not found`. Where the Wolfi program is "
         "another one (cronie's crond for Debian's cron), each option of the distro program is mapped to the "
         "Wolfi option that does the same (`-f` to `-n`) or, when the Wolfi program does without it, dropped "
         "(Debian cron's log level `-L 15`), each said in the finding; one it cannot take is MIG596. In a shell-form "
         "start command (`CMD cron && gunicorn app:app`), the script of a `sh -c`, and a shell script the stage "
         "writes with a COPY heredoc that the start command runs, each command word the shell runs is renamed the "
         "same way, with its options; arguments, quoted and expanded words and everything else stay as written. A "
         "final stage that stays on its image keeps its names."),
    Code(
        "MIG595", Severity.WARNING, "a framework-dependent .NET app's packages bring musl native libraries",
        "The project the stage's `dotnet publish` builds sets a musl `<RuntimeIdentifier>`, but the app is "
        "framework-dependent (net8.0 or later without SelfContained: the .NET 8 SDK no longer makes an app with a "
        "runtime identifier self-contained) and starts as `dotnet App.dll`: the glibc `dotnet` of Chainguard's "
        "images runs it, and its musl apphost is never run. The native libraries its NuGet packages bring (SQLite, "
        "SkiaSharp, gRPC...) are their musl builds, which fail to load on glibc when the app first uses them. Set "
        "the glibc identifier (`linux-x64`) in the project, or publish with `-r linux-x64`.",
    ),
    Code("MIG596", Severity.ERROR, "the Wolfi program does not take an option of the start command",
         "The final stage's start command names a program that Wolfi's package installs as another one (MIG571: "
         "Debian's `cron` is cronie's `crond`), with an option of the distro program that rules/tools.yaml "
         "(`distro_names`) neither maps nor drops and that the Wolfi program does not take (cronie's crond: -h "
         "-n -f -p -s -i -P -c -V, -x FLAGS, -m COMMAND). Such a program prints its usage and exits, so the "
         "container stops at start. The option is left as written: remove it, or use an option of the Wolfi "
         "program that does the same."),
    Code("MIG560", Severity.WARNING, "shell-form ENTRYPOINT now receives CMD and run-time arguments",
         "`ENTRYPOINT python app.py` runs as `/bin/sh -c 'python app.py'`, which ignores CMD and the "
         "arguments of `docker run IMAGE ARGS` (they become the shell's $0, $1...). The runtime has no shell, so "
         "the ENTRYPOINT is in exec form, where they are passed to the program. The CMD in force is dropped, so "
         "the container starts the program as before; arguments given at run time now reach it."),
    Code("MIG543", Severity.ERROR, "COPY --from a path the builder does not have",
         "The path is where Docker Hub's official image keeps something (GEM_HOME /usr/local/bundle, "
         "GOPATH /go, /usr/local/lib/python3.X, /opt/java/openjdk, docker-entrypoint.sh...). The "
         "Chainguard image keeps it elsewhere, and nothing in the Dockerfile creates it, so the COPY "
         "fails the build. The message says where the Chainguard image keeps it. In the final stage, or in any "
         "stage it is built from or copies from (BuildKit builds those), the migration counts as one that "
         "cannot be used (runtime status `broken`): `--write` and printing leave the file as it was. Where the "
         "tool knows the new place (postgres' /usr/local/bin, a global npm package under Chainguard node's /usr "
         "prefix: rules/dockerhub.yaml `copy_from_paths`), the COPY is rewritten instead (MIG407)."),
    Code("MIG544", Severity.INFO, "WORKDIR written where the original relied on the image's default",
         "Chainguard images set their own WORKDIR (/app for node, jre and php; /work for rust, ruby and "
         "gcc-glibc; /home/build for jdk, maven and gradle), where Docker Hub's mostly use / (golang "
         "/go, php /var/www/html). The stage used relative paths without a WORKDIR of its own, so the "
         "original default is written explicitly and the paths mean what they meant."),
    Code("MIG567", Severity.WARNING, "files beside a Go program not copied",
         "A single-stage Go image (`FROM golang`, `COPY . .`, `go build`) holds the whole source tree, and a "
         "program started in it may read files relative to its working directory: `template.ParseGlob("
         "\"templates/*.html\")`, `http.Dir(\"static\")`, a config file. The runtime copies the binary only. With "
         "the build context on disk (`--context`, or migrating the Dockerfile where it lives) the Go sources are "
         "read and the directories they name are copied beside the binary (files `//go:embed` names are in the "
         "binary already); without it, this warning says that they may be missing."),
    Code("MIG568", Severity.WARNING, "WORKDIR through a variable the Dockerfile does not set",
         "A WORKDIR names a variable (directly, or through an ENV or ARG made from it) that no instruction of "
         "the file sets. BuildKit reads it from the base image's environment, and as empty when the image does "
         "not set it. Chainguard images set little beyond PATH, so the migrated stages work in the directory "
         "the message names, and the runtime copies that one; but a Docker Hub image may have set the "
         "variable (python's PYTHON_VERSION, a notebook image's HOME), and then the original worked in "
         "another directory, which an absolute path in the app may expect. Set the variable with ENV (or "
         "write the directory) to keep the original one. Not said for the variables this tool knows the "
         "source image set (golang's GOPATH, ruby's GEM_HOME, rust's CARGO_HOME: rules, upstream `env`): "
         "the migrated stage sets them with ENV (MIG547) and reads the original directory."),
    Code("MIG545", Severity.INFO, "start command ported to the runtime image",
         "The start command used a launcher the runtime image does not ship, and what it runs is "
         "known: `uv run X` / `poetry run X` start X from the virtualenv on the PATH; `yarn X` and `pnpm "
         "run X` become `npm run X` (the node image ships npm) when package.json in the build context on disk "
         "has the script X, and start the package binary `<WORKDIR>/node_modules/.bin/X` when it has no such "
         "script (yarn runs a binary then; npm would stop with \"Missing script\"); `yarn workspace W X` runs "
         "`npm run X --workspace=W`; without package.json only `yarn start` is ported (to `npm start`), and the "
         "rest keeps yarn on the -dev image (MIG575); under Yarn Plug'n'Play (no node_modules) a script that is "
         "one plain `node ...` command starts as `node --require <WORKDIR>/.pnp.cjs ...` (with "
         "`--experimental-loader <WORKDIR>/.pnp.loader.mjs` for an ES module app), as yarn starts it; a Ruby "
         "binstub starts as `ruby bin/x` because the ruby image has no /usr/bin/env, and so a script started by "
         "its path (`./manage.py`, `/app/server.js`) starts through the interpreter of its language (`python "
         "./manage.py`), which runs it whatever its `#!` line says. A build-context script whose `#!` line names "
         "the interpreter where Docker Hub's image keeps it (`#!/usr/local/bin/python`, `/usr/local/bin/node`), "
         "which the Chainguard image does not have, starts through the image's interpreter too (`CMD [\"worker\"]` "
         "-> `[\"python\", \"/usr/local/bin/worker\"]`: the virtualenv's python, first on the PATH). The command a "
         "program starts from its own "
         "arguments with execve gets the same port (Rails' thruster: `./bin/thrust ./bin/rails server` -> `ruby "
         "./bin/thrust ruby ./bin/rails server`; under `bundle exec` only what thruster starts, as Bundler loads a "
         "binstub into its own Ruby process); a jar under the distroless java entrypoint keeps `-jar`."),
    Code("MIG565", Severity.WARNING, "Apache + mod_php moved to php-fpm: the image serves FastCGI, not HTTP",
         "Docker Hub's php:*-apache images serve the app over HTTP on port 80 with Apache and mod_php. There "
         "is no Chainguard Apache + mod_php image, so the runtime is php:latest-fpm, which runs php-fpm under "
         "s6 and speaks FastCGI on port 9000: whatever sent HTTP to the container must now send it to an "
         "nginx (cgr.dev/chainguard/nginx, listening on 8080) whose `fastcgi_pass` points at port 9000, and "
         ".htaccess rules must become nginx configuration. A stage that configures Apache itself (a2enmod, "
         "/etc/apache2) is not migrated (MIG203)."),
    Code("MIG546", Severity.INFO, "runtime chosen from what the start command needs",
         "The final stage's command needs a program its first runtime does not have (an interpreter "
         "installed from OS packages on a distro image, a shell for an entrypoint script), so the "
         "runtime is the image that has it, smallest first: the language image, its variant with a "
         "shell, or one stage on wolfi-base."),
    Code("MIG547", Severity.INFO, "Docker Hub's home directory kept in a builder",
         "A path that Docker Hub's image set up with its environment (CARGO_HOME /usr/local/cargo, GOPATH "
         "/go, GEM_HOME /usr/local/bundle) is copied from one stage to another. The Chainguard image keeps "
         "these elsewhere, so the stages get the same ENV: the tools install where the COPY looks, and the "
         "stage that receives the files (gems) finds them. A stage that reads such a variable "
         "(`WORKDIR ${GOPATH}/src/app`) gets its ENV too, where the Chainguard image does not set it, so that "
         "the variable is not read as empty."),
    Code("MIG548", Severity.INFO, "start command not checked: the image is not in the model",
         "The runtime image is a Chainguard image the image model (rules/chainguard-images.yaml) does not "
         "describe (redis, postgres, tomcat...), so whether it can start the command was not checked. "
         "Check the image's ENTRYPOINT and CMD yourself, or describe the image in a --rules file."),
    Code("MIG589", Severity.WARNING,
         "start program not checked: a directory on its PATH holds names the file does not show",
         "The program the final stage starts is not found by name, but a directory copied into its PATH (or to "
         "its path) holds what a build wrote under names the Dockerfile does not show: `go install ./...` or "
         "`go install ./cmd/...` with GOBIN set writes each main package's binary, named after its directory, "
         "there. Whether one is called as the command says could not be checked: make sure it is, or name the "
         "packages (`go install ./cmd/server`) so that the check can see it. The same holds for a build-context "
         "directory or glob copied into a PATH directory (`COPY bin/ /usr/local/bin/`) when that directory is not "
         "on disk to read: give --context (the directory `docker build` is given) so that the check reads it; "
         "where it is read and lacks the program, the finding is MIG540."),
)
