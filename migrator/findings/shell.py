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

CODES: tuple[Code, ...] = (
    USER_COMMAND_TRANSLATED,
    USER_COMMAND_UNTRANSLATABLE,
    RUN_UNPARSED,
    SYSTEM_CONFIGURATION_REMOVED,
)
