"""A final stage that copies its own /etc/passwd keeps its USER (fix39): the users and ids that file names are
the stage's, not the runtime image's. Files the tool gives away (--chown it adds) go to that user as written,
and a --chown of the stage's own that names one of its users stays as written: uid 65532, the image's user,
is not the user the container runs as, which then cannot write its own files (or, for a name the image lacks,
no longer the owner the original gave)."""

from __future__ import annotations

from migration_tools import codes, final_stage, migrate

GO_SCRATCH = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /server ./cmd/server
RUN echo "app:x:10001:10001::/:/sbin/nologin" > /etc_passwd
FROM scratch
COPY --from=build /etc_passwd /etc/passwd
COPY --from=build --chown=app:app /server /server
COPY --chown=app config/ /config/
USER app
ENTRYPOINT ["/server"]
"""

PYTHON_SPLIT = """\
FROM python:3.12-slim
COPY etc_passwd /etc/passwd
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
USER {user}
CMD ["python", "app.py"]
"""


def test_chown_naming_a_user_of_the_copied_passwd_stays_as_written() -> None:
    result = migrate(GO_SCRATCH)
    final = final_stage(result)
    assert "COPY --from=build --chown=app:app /server /server\n" in final
    assert "COPY --chown=app config/ /config/\n" in final
    assert "65532" not in final
    assert not {"MIG588", "MIG534"} & set(codes(result))


def test_chown_of_a_source_image_uid_stays_with_a_copied_passwd() -> None:
    text = GO_SCRATCH.replace("golang:1.22 AS build", "node:20 AS build").replace("FROM scratch", "FROM node:20-slim")
    text = text.replace("--chown=app:app", "--chown=1000:1000")
    assert "COPY --from=build --chown=1000:1000 /server /server\n" in final_stage(migrate(text))


def test_kept_stage_on_a_shell_image_names_its_own_users_without_warning() -> None:
    text = ("FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY passwd /etc/passwd\n"
            "COPY --chown=app data/ /data/\nUSER app\nENTRYPOINT [\"/usr/local/bin/server\"]\n")
    result = migrate(text)
    assert "COPY --chown=app data/ /data/\n" in result.dockerfile
    assert "MIG534" not in codes(result)


def test_tool_added_chown_goes_to_the_user_as_written() -> None:
    for user in ("app", "10001", "app:staff"):
        final = final_stage(migrate(PYTHON_SPLIT.format(user=user)))
        assert f"COPY --from=builder --chown={user} /app /app\n" in final
        assert f"\nUSER {user}\n" in final
        assert "65532" not in final


def test_copied_passwd_comes_first_and_stays_roots() -> None:
    """BuildKit resolves `--chown=app` in the /etc/passwd the stage has at that COPY: the passwd must already be
    there; and it is not given to the user it names (the original's was root's)."""
    final = final_stage(migrate(PYTHON_SPLIT.format(user="app")))
    copies = [line for line in final.splitlines() if line.startswith("COPY --from=builder ")]  # (not static's zones)
    assert copies[0] == "COPY --from=builder /etc/passwd /etc/passwd"
    assert all("--chown" in line for line in copies if " /app " in line)


def test_without_a_copied_passwd_the_runtime_user_still_owns_the_files() -> None:
    final = final_stage(migrate(PYTHON_SPLIT.format(user="app").replace("COPY etc_passwd /etc/passwd\n", "")))
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in final
    assert "\nUSER nonroot\n" in final


def test_source_image_uids_are_not_rewritten_where_the_stage_copies_its_own_passwd() -> None:
    """uid 1000 was node's in the node image; in a stage with a passwd of its own it is whoever that file says."""
    text = ("FROM node:20\nWORKDIR /app\nCOPY passwd /etc/passwd\nCOPY --chown=1000:1000 . .\nRUN npm ci\n"
            "USER 1000\nCMD [\"node\", \"index.js\"]\n")
    result = migrate(text)
    assert "COPY --chown=1000:1000 . .\nRUN npm ci\nUSER 1000\n" in result.dockerfile
    assert "COPY --from=builder --chown=1000 /app /app\n" in final_stage(result)
    assert "65532" not in result.dockerfile
    assert not {"MIG421", "MIG406"} & set(codes(result))
