"""Review 13 (issue 9): a non-root install into a directory the -dev image lacks (P13-1), downloads behind a
wrapper into a PATH directory (P13-2), and MIG581 for a build output that a later command of the RUN put at a
known path (P12-2's leftover warning)."""

from __future__ import annotations

from migration_tools import codes, final_stage, migrate


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
