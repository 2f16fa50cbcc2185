"""Issue 9 ("runnable by construction"), sixth adversarial round, N6 and N8: the words of a RUN are expanded as
its shell expands them. HOME is the home of the USER in force (/root for root) where no ENV sets it; a variable
the RUN assigns before a command has that value; one whose value the file does not show (computed with `$(...)`,
a loop's, set by the base image) makes the path unknown: not copied, not judged, never read as ""."""

from __future__ import annotations

from migration_tools import codes, final_stage, migrate, status

from migrator.model import Result
from migrator.parse.dockerfile import parse
from migrator.plan.facts import read_facts
from migrator.plan.stages import split_stages


def copies(result: Result) -> list[str]:
    """The runtime's copies from the builder (not the zone files from static, MIG317)."""
    return [line for line in final_stage(result).splitlines()
            if line.startswith("COPY --from=") and not line.startswith("COPY --from=cgr.dev/")]






PYTHON = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n{run}\n' \
         'CMD ["python","app.py"]\n'
GO = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\n{run}\nCMD ["app"]\n'


# N6: $HOME in a RUN is the USER's home, never ""


def test_a_directory_made_under_home_is_copied_from_roots_home() -> None:
    for run, path in (("RUN mkdir -p $HOME/data", "/root/data"),
                      ("RUN mkdir -p ${HOME}/.local/share/app", "/root/.local/share/app")):
        result = migrate(PYTHON.format(run=run))
        assert f"COPY --from=builder {path} {path}" in copies(result), run
        assert not any(" /data " in c or " /.local" in c for c in copies(result)), run
        # the runtime's user cannot enter /root, and its HOME is elsewhere: said, not made the app's own
        assert "MIG582" in codes(result)
        assert not any(f.code == "MIG555" and "/data" in f.message for f in result.findings)


def test_home_of_a_user_the_dockerfile_made() -> None:
    text = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
            'RUN useradd -m -d /srv/app app\nUSER app\nRUN mkdir -p $HOME/cache\n'
            'RUN useradd -u 1001 bob\nUSER 1001\nRUN mkdir -p $HOME/work\n'
            'USER node\nRUN mkdir -p $HOME/unknown\nCMD ["python","app.py"]\n')
    stage = split_stages(parse(text)).stages[-1]
    made = {c.resolve(c.words[-1], read_facts(stage).env) for c in read_facts(stage).commands_named("mkdir")}
    assert made == {"/srv/app/cache", "/home/bob/work", None}


def test_an_env_home_wins_over_the_users() -> None:
    result = migrate(PYTHON.format(run="ENV HOME=/srv/home\nRUN mkdir -p $HOME/data"))
    assert "/srv/home/data" in "\n".join(copies(result))
    assert "/root/data" not in "\n".join(copies(result))


# N8: a variable the RUN sets itself


def test_a_literal_variable_the_run_sets_is_read() -> None:
    for run in ('RUN OUT=/usr/local/bin && go build -o $OUT/app .',
                'RUN export OUT=/usr/local/bin; go build -o "$OUT/app" .',
                'RUN BIN=/usr/local && OUT=$BIN/bin; go build -o ${OUT}/app .'):
        result = migrate(GO.format(run=run))
        assert copies(result) == ["COPY --from=builder /usr/local/bin/app /usr/local/bin/app"], run
        assert status(result) == "ok", run
        assert "MIG540" not in codes(result), run


def test_an_assignment_before_a_command_name_is_not_seen_by_its_words() -> None:
    # `OUT=/x go build -o $OUT/app`: the shell expands $OUT before the assignment applies: unknown here
    result = migrate(GO.format(run="RUN OUT=/usr/local/bin go build -o $OUT/app ."))
    assert not any("/app /app" in c for c in copies(result))
    assert "MIG581" in codes(result)


def test_a_computed_variable_makes_the_path_unknown_not_empty() -> None:
    result = migrate(GO.format(run="RUN ARCH=$(uname -m); go build -o app-$ARCH . && cp app-$ARCH /usr/local/bin/app"))
    # the program's own path is named: it is carried; the build output's path is not guessed (no /src/app-)
    assert copies(result) == ["COPY --from=builder /usr/local/bin/app /usr/local/bin/app"]
    assert status(result) == "ok"
    assert "MIG581" not in codes(result)  # (the binary is carried from where the cp put it: no "not copied")


def test_a_go_output_through_an_unknown_variable_is_said_not_copied() -> None:
    for run in ("RUN ARCH=$(uname -m); go build -o /out/app-$ARCH .",
                "RUN for d in /usr/local/bin; do go build -o $d/app .; done",
                "RUN go build -o $GOBIN_DIR/app ."):
        result = migrate(GO.format(run=run))
        assert not any(c.split()[-1] in ("/app", "/out/app-", "/src/app-") for c in copies(result)), run
        assert "MIG581" in codes(result), run


def test_a_directory_made_through_an_unknown_variable_is_not_copied() -> None:
    result = migrate(PYTHON.format(run="RUN D=$(mktemp -d) && mkdir -p $D/data"))
    assert not any(" /data" in c for c in copies(result))


def test_a_directory_made_through_an_unknown_variable_is_said() -> None:
    result = migrate(PYTHON.format(run="RUN D=$(mktemp -d) && mkdir -p $D/data"))
    assert any(f.code == "MIG581" and "$D/data" in f.message for f in result.findings)


def test_a_tilde_is_the_users_home() -> None:
    result = migrate(PYTHON.format(run="RUN mkdir -p ~/data /srv/x"))
    assert "COPY --from=builder /root/data /root/data" in copies(result)
    assert not any("~" in f.message for f in result.findings if f.code == "MIG555")
    assert "MIG582" in codes(result)



def test_a_default_does_not_stand_for_a_computed_value() -> None:
    result = migrate(GO.format(run="RUN ARCH=$(uname -m); go build -o /out/${ARCH:-amd64}/app ."))
    assert not any("/out/amd64" in c for c in copies(result))
    assert "MIG581" in codes(result)


def test_a_directory_made_through_a_loop_variable_inside_a_copied_tree_is_no_warning() -> None:
    # review 12, R12-1: the runtime copies /srv/app whole, so it has whatever the loop made under it
    result = migrate('FROM node:20-slim\nENV APP_HOME=/srv/app\nWORKDIR $APP_HOME\nCOPY . .\n'
                     'RUN npm ci && for d in uploads cache; do mkdir -p $APP_HOME/data/$d; done\n'
                     'CMD ["node", "server.js"]\n')
    assert " /srv/app /srv/app" in final_stage(result)
    assert "MIG581" not in codes(result)
