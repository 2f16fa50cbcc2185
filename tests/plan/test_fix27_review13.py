"""Review 13 (issue 9): a non-root install into a directory the -dev image lacks (P13-1), downloads behind a
wrapper into a PATH directory (P13-2), and MIG581 for a build output that a later command of the RUN put at a
known path (P12-2's leftover warning)."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate


def test_a_go_binary_built_under_a_variable_name_and_moved_to_a_known_path_gets_no_mig581() -> None:
    # review 12 P12-2 leftover: the runtime copied /usr/local/bin/app, and W MIG581 said the binary was not copied
    result = migrate("FROM golang:1.22\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\n"
                     "RUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /bin/app-$TARGETARCH . && "
                     "mv /bin/app-$TARGETARCH /usr/local/bin/app\nCMD [\"app\"]\n")
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app" in final_stage(result)
    assert "MIG581" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_the_moved_binary_is_carried_even_when_the_start_command_names_another_path() -> None:
    result = migrate("FROM golang:1.22\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\n"
                     "RUN go build -o /tmp/srv-$TARGETARCH ./cmd/srv && cp /tmp/srv-$TARGETARCH /opt/srv\n"
                     'ENTRYPOINT ["/opt/srv"]\n')
    assert "COPY --from=builder /opt/srv /opt/srv" in final_stage(result)
    assert "MIG581" not in codes(result)


def test_a_binary_left_under_its_unknown_name_still_gets_mig581() -> None:
    result = migrate("FROM golang:1.22\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\n"
                     "RUN go build -o /bin/app-$TARGETARCH .\nCMD [\"app\"]\n")
    assert "MIG581" in codes(result)
    assert "/bin/app" not in final_stage(result)


def test_a_dotnet_publish_to_a_variable_directory_copied_to_a_known_one_is_carried() -> None:
    result = migrate("FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\n"
                     "RUN dotnet publish -c Release -o /out-$BUILDARCH && cp -r /out-$BUILDARCH /app\n"
                     'WORKDIR /app\nENTRYPOINT ["dotnet", "App.dll"]\n')
    assert "COPY --from=builder /app /app" in final_stage(result)
    assert "MIG581" not in codes(result)


RUBY_AS_APP = ("FROM ruby:3.3\nRUN useradd -m app\nUSER app\nWORKDIR /home/app\nENV {env}\nCOPY --chown=app . .\n"
               "RUN {install}\nCMD [\"bundle\", \"exec\", \"puma\"]\n")


def builder_lines(result: object) -> list[str]:
    return [line for line in builder_stage(result).splitlines() if line.strip()]  # type: ignore[arg-type]


@pytest.mark.parametrize("install", ["bundle install", "gem install puma"])
@pytest.mark.parametrize("env", ["GEM_HOME=/usr/local/bundle", "BUNDLE_PATH=/usr/local/bundle"])
def test_the_stages_own_gem_home_is_made_as_root_for_a_non_root_installer(env: str, install: str) -> None:
    # P13-1: bundler ran as `app` with GEM_HOME=/usr/local/bundle, which ruby:latest-dev lacks and /usr/local is
    # root's: the build stopped at Permission denied, with no finding
    result = migrate(RUBY_AS_APP.format(env=env, install=install))
    lines = builder_lines(result)
    at = lines.index(f"RUN {install}")
    # the runtime starts `bundle`, which the ruby runtime image lacks: bundler goes into that GEM_HOME too
    own = "" if env.startswith("GEM_HOME") else "GEM_HOME=/usr/local/bundle "
    made = f"RUN {own}gem install bundler --no-document" if install == "bundle install" else \
        "RUN mkdir -p /usr/local/bundle"
    assert lines[at - 3:at] == ["USER root", f"{made} && chown -R app /usr/local/bundle", "USER app"]
    assert any("given to app, who runs the install" in m for m in messages(result, "MIG515"))
    assert "COPY --from=builder --chown=65532:65532 /usr/local/bundle /usr/local/bundle" in final_stage(result)


def test_a_gem_home_in_the_users_home_is_left_to_the_user() -> None:
    result = migrate(RUBY_AS_APP.format(env="GEM_HOME=/home/app/gems", install="bundle install"))
    assert "USER root\nRUN mkdir" not in builder_stage(result)


def test_a_gem_home_the_stage_made_for_the_user_is_not_made_again() -> None:
    result = migrate("FROM ruby:3.3\nRUN useradd -m app && mkdir -p /opt/gems && chown app /opt/gems\n"
                     "ENV GEM_HOME=/opt/gems\nUSER app\nWORKDIR /home/app\nCOPY --chown=app . .\n"
                     "RUN bundle install\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
    assert "chown -R app /opt/gems" not in builder_stage(result)


def test_root_installing_into_the_stages_gem_home_needs_nothing_made() -> None:
    result = migrate("FROM ruby:3.3\nWORKDIR /app\nENV GEM_HOME=/usr/local/bundle\nCOPY . .\n"
                     "RUN bundle install\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
    assert "mkdir -p /usr/local/bundle" not in builder_stage(result)


CLI_DOWNLOAD = ("FROM python:3.12-slim\nRUN pip install flask\nRUN {run} && chmod +x /usr/local/bin/app-cli\n"
                'CMD ["app-cli", "serve"]\n')
URL = "https://example.com/app-cli"


@pytest.mark.parametrize("run", [
    f"nice curl -fsSL -o /usr/local/bin/app-cli {URL}",
    f"nice -n 10 curl {URL} -o /usr/local/bin/app-cli",
    f"nice wget -qO /usr/local/bin/app-cli {URL}",
    f"time env -u X curl -fsSL -o /usr/local/bin/app-cli {URL}",
    f"cd /usr/local/bin && curl -o app-cli {URL}",
    f"cd /usr/local/bin && nice curl -o app-cli {URL}",
    f"cd /usr/local && cd bin && curl -o app-cli {URL}",
    f"sh -c 'cd /usr/local/bin && curl -o app-cli {URL}'",
    f"cd /usr/local/bin && (cd /tmp && curl -o other {URL}) && curl -o app-cli {URL}",
])
def test_a_download_behind_a_wrapper_or_after_cd_is_copied_and_started(run: str) -> None:
    # P13-2: behind `nice` the start check did not see the download and said "found (copied to
    # /opt/venv/bin/app-cli)", verdict ok, while the runtime had only /opt/venv (W MIG561 said so); after `cd`,
    # the unwrapped form got E MIG540 though the tool could copy it
    result = migrate(CLI_DOWNLOAD.format(run=run))
    assert "COPY --from=builder --chown=65532:65532 /usr/local/bin/app-cli /usr/local/bin/app-cli" in final_stage(
        result)
    assert result.runtime is not None and result.runtime.status == "ok"
    assert result.runtime.reason == "`app-cli` found (copied to /usr/local/bin/app-cli)"
    assert not {"MIG540", "MIG561"} & set(codes(result))


def test_a_script_written_after_cd_is_read_where_the_cd_went() -> None:
    # the start check read `start` as /app/start (the WORKDIR): E MIG540, not on PATH; it is /usr/local/bin/start,
    # a /bin/sh script, so the stage keeps a shell
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "RUN cd /usr/local/bin && printf '#!/bin/sh\\nexec python /app/app.py\\n' > start && "
                     'chmod +x start\nCMD ["start"]\n')
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert "`start` is a shell script" in result.runtime.reason
    assert "MIG540" not in codes(result)


def test_the_stages_own_gopath_is_made_as_root_for_a_non_root_go() -> None:
    # the same rule as P13-1 for go: golang's /go is open to all, go:latest-dev has none, and `go mod download` as
    # app could not make /go (the module cache goes to $GOPATH/pkg/mod)
    result = migrate("FROM golang:1.22\nRUN useradd -m app\nUSER app\nENV GOPATH=/go\nWORKDIR /home/app/src\n"
                     "COPY --chown=app . .\nRUN go mod download && CGO_ENABLED=0 go build -o /home/app/srv .\n"
                     'CMD ["/home/app/srv"]\n')
    lines = builder_lines(result)
    at = lines.index("RUN go mod download && CGO_ENABLED=0 go build -o /home/app/srv .")
    assert lines[at - 3:at] == ["USER root", "RUN mkdir -p /go && chown -R app /go", "USER app"]
    assert "COPY --from=builder --chown=65532:65532 /home/app/srv /home/app/srv" in final_stage(result)


def test_go_install_as_a_user_of_the_stage_is_copied_from_that_users_gopath() -> None:
    # the builder's go writes $HOME/go/bin of the user who runs it: the runtime copied /root/go/bin/, which that
    # build never fills (COPY --from of a path the builder lacks stops the build)
    result = migrate("FROM golang:1.22\nRUN useradd -m app\nUSER app\nWORKDIR /home/app/src\nCOPY --chown=app . .\n"
                     'RUN go install github.com/x/tool@latest\nCMD ["tool"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /home/app/go/bin /home/app/go/bin" in runtime
    assert "/root/go" not in runtime
    assert result.runtime is not None and result.runtime.reason == "`tool` found (copied to /home/app/go/bin/tool)"


@pytest.mark.parametrize("user", ["", "USER app\n"])
def test_a_virtualenv_the_stage_only_declares_is_made_before_the_install(user: str) -> None:
    # `ENV VIRTUAL_ENV=/opt/venv` with no step making it: the original's pip installed into its image's Python; the
    # runtime copied /opt/venv, which the builder never had (COPY --from failed), and as app /opt was not writable
    result = migrate("FROM python:3.12-slim\nRUN useradd -m app\nENV VIRTUAL_ENV=/opt/venv PATH=\"/opt/venv/bin:$PATH\"\n"
                     f"{user}WORKDIR /home/app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     'CMD ["gunicorn", "app:app"]\n')
    lines = builder_lines(result)
    at = lines.index("RUN pip install -r requirements.txt")
    made = (["USER root", "RUN python -m venv /opt/venv && chown -R app /opt/venv", "USER app"] if user
            else ["RUN python -m venv /opt/venv"])
    assert lines[at - len(made):at] == made
    assert "/opt/venv /opt/venv" in final_stage(result)


def test_a_declared_virtualenv_the_stage_makes_is_not_made_twice() -> None:
    result = migrate("FROM python:3.12-slim\nENV VIRTUAL_ENV=/opt/venv\nRUN python -m venv $VIRTUAL_ENV\n"
                     "ENV PATH=\"/opt/venv/bin:$PATH\"\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     'CMD ["gunicorn", "app:app"]\n')
    assert builder_stage(result).count("venv /opt/venv") + builder_stage(result).count("venv $VIRTUAL_ENV") == 1


def test_a_runtime_starting_bundle_gets_bundler_in_the_stages_own_gem_home() -> None:
    # the ruby runtime image has no bundler: with the stage's own GEM_HOME nothing put one there, and the start
    # check took the gems' bin directory for having it
    result = migrate("FROM ruby:3.3\nWORKDIR /app\nENV GEM_HOME=/usr/local/bundle\nCOPY . .\n"
                     "RUN bundle install\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
    lines = builder_lines(result)
    assert lines[lines.index("RUN bundle install") - 1] == "RUN gem install bundler --no-document"
    assert "mkdir -p /usr/local/bundle" not in builder_stage(result)


def test_a_cd_in_a_subshell_does_not_move_the_later_downloads() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nRUN pip install flask\n"
                     "RUN (cd /tmp && curl -o tool https://e.com/t) && curl -o tool https://e.com/tool && chmod +x tool\n"
                     'CMD ["./tool"]\n')
    assert "/tmp/tool" not in final_stage(result)
    assert result.runtime is not None and result.runtime.reason == "`./tool` found (copied to /app/tool)"


def test_the_stages_own_cargo_home_is_made_as_root_for_a_non_root_cargo() -> None:
    # Docker Hub rust's /usr/local/cargo is writable by all; rust:latest-dev has none, and cargo as app could not
    # make it for its registry
    result = migrate("FROM rust:1.80\nRUN useradd -m app\nUSER app\nENV CARGO_HOME=/usr/local/cargo\n"
                     "WORKDIR /home/app/src\nCOPY --chown=app . .\nRUN cargo build --release\n"
                     'CMD ["/home/app/src/target/release/srv"]\n')
    lines = builder_lines(result)
    at = lines.index("RUN cargo build --release")
    assert lines[at - 3:at] == ["USER root", "RUN mkdir -p /usr/local/cargo && chown -R app /usr/local/cargo",
                                "USER app"]


def test_the_cargo_home_the_migration_sets_for_cargo_install_is_made_for_a_non_root_user() -> None:
    result = migrate('FROM rust:1.80\nRUN useradd -m app\nUSER app\nWORKDIR /home/app\nRUN cargo install ripgrep\n'
                     'CMD ["rg"]\n')
    lines = builder_lines(result)
    at = lines.index("RUN cargo install ripgrep")
    assert lines[at - 4:at] == ["USER root", "RUN mkdir -p /usr/local/cargo && chown -R app /usr/local/cargo",
                                "USER app", "ENV CARGO_HOME=/usr/local/cargo"]
    assert "COPY --from=builder --chown=65532:65532 /usr/local/cargo/bin /usr/local/cargo/bin" in final_stage(result)
