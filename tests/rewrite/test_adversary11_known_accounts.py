"""Adversary 11, F20: false errors that fail users' hooks. `chown -R nobody.nobody` (busybox reads `user.group`) and
`--chown=nobody` on wolfi-base, which has nobody and nogroup, gave E MIG413 / W MIG534; `chown postgres:postgres` on
Chainguard's postgres and `chown redis:redis` on its redis, images that have those accounts, gave E MIG413."""

from __future__ import annotations

import pytest

from tests.migration_tools import codes, migrate


@pytest.mark.parametrize("owner", ["nobody.nobody", "nobody:nogroup", "nobody:nobody", "nobody"])
def test_wolfi_base_accounts_are_known_whatever_the_separator(owner: str) -> None:
    result = migrate(f"FROM alpine:3.19\nRUN apk add --no-cache bash\nRUN mkdir /data && chown -R {owner} /data\n"
                     "COPY --chown=nobody x.sh /x.sh\nUSER nobody\nCMD [\"bash\", \"/x.sh\"]\n")
    assert not {"MIG413", "MIG405", "MIG534"} & set(codes(result))


@pytest.mark.parametrize(
    "text",
    [
        "FROM postgres:16\nCOPY init/ /docker-entrypoint-initdb.d/\n"
        "RUN chown -R postgres:postgres /docker-entrypoint-initdb.d\nUSER postgres\n",
        "FROM redis:7\nCOPY redis.conf /usr/local/etc/redis/redis.conf\n"
        'RUN chown redis:redis /usr/local/etc/redis/redis.conf\nCMD ["redis-server", "/usr/local/etc/redis/redis.conf"]\n',
    ],
)
def test_a_service_image_s_own_accounts_are_known(text: str) -> None:
    assert "MIG413" not in codes(migrate(text))


def test_a_dotted_name_nobody_has_is_still_an_error() -> None:
    result = migrate("FROM alpine:3.19\nRUN mkdir /data && chown -R ghost.ghost /data\n"
                     'COPY app /app\nCMD ["/app"]\n')
    assert {"MIG413", "MIG405"} & set(codes(result))
